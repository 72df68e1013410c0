"""Under the Content-Security-Policy, colours, bars, the rich-text editor and the language
menu still work (the page fixture fails the test on any policy violation)."""

import pytest
from playwright.sync_api import expect

from koers.accounts.models import Organisation
from koers.plans.models import Plan, PlanItem

pytestmark = pytest.mark.browser


def _rgb(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def test_colours_bars_editor_and_language_menu_work_under_the_policy(log_in, live_server):
    page = log_in("coordinator@voorbeeld.be")
    organisation = Organisation.objects.get(slug="voorbeeld")
    plan = Plan.objects.get(organisation=organisation)
    page.goto(f"{live_server.url}/app/voorbeeld/plans/{plan.pk}/")
    expect(page.locator(".k-tree")).to_be_visible()

    brand = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--brand').trim()"
    )
    assert brand == organisation.colour
    badge = page.locator(".k-tree .k-badge[data-colour]").first
    colour = badge.get_attribute("data-colour")
    expect(badge).to_have_css("background-color", _rgb(colour))
    bar = page.locator(".k-tree .k-progress > span[class^='pct-']").first
    percent = int(bar.get_attribute("class").removeprefix("pct-"))
    widths = bar.evaluate("e => [e.getBoundingClientRect().width, e.parentElement.clientWidth]")
    assert abs(widths[0] - widths[1] * percent / 100) < 1
    third_level = page.locator(".k-tree .k-title.k-l-3").first
    indent = third_level.evaluate("e => getComputedStyle(e).paddingLeft")
    assert indent == "44.8px"  # 2.8rem

    item = PlanItem.objects.get(plan=plan, code="BD1-01-01")
    page.goto(f"{live_server.url}/app/voorbeeld/items/{item.pk}/edit/")
    expect(page.locator("trix-toolbar").first).to_be_visible()
    expect(page.locator("trix-editor").first).to_have_css("display", "block")  # Trix's own CSS

    page.select_option("#language", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.goto(f"{live_server.url}/voorbeeld/")
    expect(page.locator("header.portal")).to_have_css("background-color", _rgb(organisation.colour))
