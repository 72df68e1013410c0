"""The public portal and the report website in a real browser: accessibility (axe-core,
WCAG 2.1 AA rules), the keyboard alone, screenshots."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from koers.plans.models import Plan
from koers.reporting.services import make_report

pytestmark = pytest.mark.browser
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def assert_accessible(page, what: str) -> None:
    results = Axe().run(page, options={**WCAG_AA, "resultTypes": ["violations"]})
    serious = [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{what}: {serious}"


def test_portal_pages_are_accessible_and_work_with_the_keyboard_alone(
    page, live_server, browser_demo, screenshot
):
    plan = Plan.objects.get(organisation__slug="voorbeeld")
    base = f"{live_server.url}/voorbeeld/"
    page.goto(base)
    assert_accessible(page, "portal home")
    screenshot("portal-home")

    # keyboard only: skip link, the plan, the search field, a result
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    page.goto(f"{base}plans/{plan.pk}/")
    assert_accessible(page, "plan page")
    screenshot("portal-plan")
    search = page.get_by_label("Zoeken")
    for _ in range(60):  # tab until the search field has the focus
        page.keyboard.press("Tab")
        if search.evaluate("element => element === document.activeElement"):
            break
    expect(search).to_be_focused()
    page.keyboard.type("fietspaden")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=fietspaden**")
    results = page.locator("#results ~ .table-scroll tbody a")
    expect(results.first).to_be_visible()
    assert_accessible(page, "search results")
    screenshot("portal-search")
    results.first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/items/**")
    expect(page.locator("h1")).to_contain_text("fietspad")
    assert_accessible(page, "item page")

    published = plan.rounds.get(state="published")
    update = published.updates.filter(state="approved").first()
    page.goto(f"{base}items/{update.item_id}/")
    expect(page.locator("#progress")).to_be_visible()
    assert_accessible(page, "item with progress")
    screenshot("portal-item")

    page.goto(f"{base}plans/{plan.pk}/?department=Omgeving&status=")
    assert_accessible(page, "filtered plan page")


def test_the_report_website_is_accessible_offline(page, browser_demo, tmp_path, screenshot):
    plan = Plan.objects.get(organisation__slug="voorbeeld")
    round_ = plan.rounds.get(name="Opvolging voorjaar 2026")
    site = make_report(plan, round_, "html", tmp_path / "site")
    page.route("http*://**", lambda route: route.abort())  # offline: nothing may be fetched
    page.goto((site / "index.html").as_uri())
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("figure div[role=img]").first).to_have_attribute(
        "aria-label", re.compile(r"\w+")
    )
    assert_accessible(page, "report index")
    screenshot("report-index")
    first_item = plan.items.filter(depth=3).first()
    page.goto((site / "items" / f"item-{first_item.pk}.html").as_uri())
    assert_accessible(page, "report item page")
    screenshot("report-item")
    page.goto((site / "search.html").as_uri() + "?q=" + first_item.title.split()[1])
    expect(page.locator("#search-results li").first).to_be_visible()
    assert_accessible(page, "report search")


def test_a_coordinator_makes_a_report_on_the_web_and_downloads_it(log_in, live_server, screenshot):
    plan = Plan.objects.get(organisation__slug="voorbeeld")
    page = log_in("coordinator@voorbeeld.be")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{live_server.url}/app/voorbeeld/plans/{plan.pk}/")
    page.get_by_role("link", name="Rapporten").click()
    page.get_by_label("Rapporteringsronde").select_option(label="Opvolging voorjaar 2026")
    page.get_by_label("Formaat").select_option("pdf")
    screenshot("report-form")
    page.get_by_role("button", name="Het rapport maken").click()
    download_link = page.get_by_role("link", name="Het rapport downloaden")
    expect(download_link).to_be_visible()
    screenshot("report-job")
    with page.expect_download() as download:
        download_link.click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
