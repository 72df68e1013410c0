"""An action owner's morning: sign in, land on Mijn rapportering, filter, write and submit
an update, see it read-only, withdraw it and write again; the landing page, a submitted
update and an item's money table fit 1280 and 390 px without sideways scrolling and
without serious or critical axe-core violations. Screenshots go to test-artifacts/owner/."""

from decimal import Decimal
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

OWNER_SHOTS = Path(__file__).parents[2] / "test-artifacts" / "owner"
WIDTHS = {"desk": 1280, "phone": 390}
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _shoot(page, name: str) -> None:
    OWNER_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OWNER_SHOTS / f"{name}.png"), full_page=True)


def _problems(page, where: str) -> list[str]:
    problems = []
    overflow = page.evaluate(SIDEWAYS)
    if overflow > 1:
        problems.append(f"{where}: the page scrolls sideways by {overflow} px")
    results = Axe().run(page, options={**WCAG_AA, "resultTypes": ["violations"]})
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [node["target"] for node in violation["nodes"]][:3]
            problems.append(f"{where}: axe {violation['id']} {targets}")
    return problems


def test_owner_lands_filters_submits_withdraws_and_writes_again(log_in, live_server):
    from koers.followup.models import ProgressUpdate
    from koers.plans.models import BudgetLine

    page = log_in("editor@voorbeeld.be")
    page.wait_for_url("**/app/voorbeeld/my-updates/")
    expect(page.locator("h1")).to_have_text("Mijn rapportering")
    expect(page.locator("#work-counts")).to_contain_text("te schrijven")

    # filter on what is still to be written
    page.select_option("#filter-state", "to_write")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_url("**state=to_write**")
    states = page.locator(".k-work-item").evaluate_all("items => items.map(i => i.dataset.state)")
    assert states and set(states) == {"to_write"}, states

    # open the first one and submit it
    first = page.locator(".k-work-item a").first
    title = first.inner_text()
    update_url = first.get_attribute("href")
    first.click()
    page.locator("trix-editor").click()
    page.keyboard.type("De eerste buurtvergadering vond plaats.")
    page.fill("#id_percent", "30")
    page.get_by_role("button", name="Indienen").click()
    expect(page.locator(".k-messages")).to_contain_text("ingediend")

    # read-only now, with who and when, and a way back
    page.goto(live_server.url + update_url)
    expect(page.locator("#update-form")).to_have_count(0)
    expect(page.locator("#submitted-note")).to_contain_text("Ingediend door Eva Omgeving")
    expect(page.locator("#update-read-only")).to_contain_text("De eerste buurtvergadering")
    update = ProgressUpdate.objects.get(pk=int(update_url.rstrip("/").rsplit("/", 1)[1]))
    assert update.state == "submitted", title

    problems = []
    item = update.item
    # receipts too, so that the money table shows all its columns
    BudgetLine.objects.create(item=item, year=2027, current=Decimal("125000"), actual=Decimal("0"))
    BudgetLine.objects.create(
        item=item, year=2027, direction="receipt", current=Decimal("40000"), label="Subsidie"
    )
    for width_name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/app/voorbeeld/my-updates/")
        _shoot(page, f"landing-{width_name}")
        problems += _problems(page, f"landing {width_name}")
        page.goto(live_server.url + update_url)
        _shoot(page, f"submitted-update-{width_name}")
        problems += _problems(page, f"submitted update {width_name}")
        page.goto(f"{live_server.url}/app/voorbeeld/items/{item.pk}/#cost")
        page.locator("#cost").screenshot(path=str(OWNER_SHOTS / f"money-table-{width_name}.png"))
        problems += _problems(page, f"item {width_name}")
        table = page.locator("#money-table")
        if width_name == "desk":
            # every column, the receipts included, inside its region: nothing hidden sideways
            hidden = table.evaluate(
                "t => t.parentElement.scrollWidth - t.parentElement.clientWidth"
            )
            if hidden > 1:
                problems.append(f"money table {width_name}: {hidden} px hidden sideways")
            expect(table.get_by_role("columnheader", name="Ontvangsten: Huidig")).to_be_visible()
        else:  # a card per year: no columns to scroll
            display = table.locator("tbody tr").first.evaluate("r => getComputedStyle(r).display")
            if display != "block":
                problems.append(f"money table {width_name}: rows are not cards ({display})")
    assert not problems, "\n".join(problems)

    # withdraw: a draft again, to be changed and saved
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + update_url)
    page.get_by_role("button", name="Terugtrekken").click()
    expect(page.locator(".k-messages")).to_contain_text("opnieuw een concept")
    expect(page.locator("#update-form")).to_be_visible()
    expect(page.locator("#report-progress > legend")).to_have_text("Stand van zaken")
    for width_name, width in WIDTHS.items():  # the form in its sections
        page.set_viewport_size({"width": width, "height": 900})
        _shoot(page, f"update-form-{width_name}")
        problems += _problems(page, f"update form {width_name}")
    assert not problems, "\n".join(problems)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("trix-editor").click()
    page.keyboard.press("End")
    page.keyboard.type(" Volgende stap: een tweede vergadering.")
    page.get_by_role("button", name="Concept opslaan").click()
    expect(page.locator(".k-messages")).to_contain_text("Uw concept is opgeslagen.")
    update.refresh_from_db()
    assert update.state == "draft" and "tweede vergadering" in update.narrative
    assert update.history.filter(history_change_reason="Teruggetrokken om aan te passen").exists()
