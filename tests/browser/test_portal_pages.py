"""Every kind of public portal page in a real browser at 1280 and 390 px: axe-core (WCAG
2.1 AA rules) finds nothing serious or critical, the page never scrolls sideways, and the
pages are photographed for people to look at (test-artifacts/portal/).

With ``KOERS_WRITE_ACCESSIBILITY_CHECK=1`` the test also writes what axe checked and found
on every page (all impacts) to ``src/koers/portal/data/accessibility-check.json``, the file
the portal's accessibility statement is made from (``koers.portal.accessibility``)."""

import os
from datetime import date
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from koers.followup.models import ReportingRound
from koers.plans.models import Plan
from koers.portal import accessibility

pytestmark = pytest.mark.browser
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1280, 390)
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "portal"


# Elements that reach past the right edge of the screen (outside regions that scroll by
# themselves), and whether the page itself scrolls sideways.
WIDER_THAN_THE_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  if (document.documentElement.scrollWidth > width) wide.push("the page scrolls sideways");
  for (const element of document.querySelectorAll("body *")) {
    if (element.closest(".table-scroll, .skip")) continue;
    const right = element.getBoundingClientRect().right;
    const name = `${element.tagName.toLowerCase()}.${element.className}`;
    if (right > width + 0.5) wide.push(`${name}: ${Math.round(right)}`);
  }
  return wide.slice(0, 5);
}"""


def _pages(plan: Plan) -> list[tuple[str, str, int]]:
    """(name, address under the portal, expected status) of every kind of portal page."""
    published = plan.rounds.get(state=ReportingRound.State.PUBLISHED)
    item = published.updates.filter(state="approved").first().item
    goal = plan.items.filter(depth=2, is_public=True).order_by("path").first()
    return [
        ("home", "", 200),
        ("plan", f"plans/{plan.pk}/", 200),
        ("goal", f"items/{goal.pk}/", 200),
        ("item", f"items/{item.pk}/", 200),
        ("search", f"plans/{plan.pk}/?q=fietspaden#results", 200),
        ("not-found", "plans/999999/", 404),
        ("accessibility-statement", "toegankelijkheid/", 200),
        ("council-questions", "raadsvragen/", 200),
        ("council-round", f"raadsvragen/{published.pk}/", 200),
        ("complaint-form", "klacht/", 200),  # the demo takes complaints on its portal
        ("complaints", "klachten/", 200),
    ]


def _check(page) -> tuple[dict, list]:
    """The page's axe results: (a summary for the statement, the serious and critical)."""
    options = {"runOnly": {"type": "tag", "values": WCAG_AA}}
    response = Axe().run(page, options=options).response
    violations = [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": len(violation["nodes"]),
        }
        for violation in response["violations"]
    ]
    rules = len(response["passes"]) + len(response["violations"]) + len(response["incomplete"])
    serious = [
        (violation["id"], [node["target"] for node in violation["nodes"]][:3])
        for violation in response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    engine = f"{response['testEngine']['name']} {response['testEngine']['version']}"
    return {"rules": rules, "violations": violations, "engine": engine}, serious


def test_every_portal_page_is_accessible_at_1280_and_390_px(page, live_server, browser_demo):
    plan = Plan.objects.get(organisation__slug="voorbeeld")
    base = f"{live_server.url}/voorbeeld/"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    checked, problems, engine = [], [], ""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, address, status in _pages(plan):
            response = page.goto(base + address)
            assert response.status == status, (name, width)
            expect(page.locator("h1")).to_be_visible()
            summary, serious = _check(page)
            engine = summary["engine"]
            checked.append(
                {
                    "name": name,
                    "width": width,
                    "rules": summary["rules"],
                    "violations": summary["violations"],
                }
            )
            if serious:
                problems.append((name, width, serious))
            sideways = page.evaluate(WIDER_THAN_THE_SCREEN)
            assert sideways == [], f"{name} at {width} px is wider than the screen: {sideways}"
            page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    if os.environ.get("KOERS_WRITE_ACCESSIBILITY_CHECK"):
        document = accessibility.check_document(
            engine, "WCAG 2.1 AA (" + ", ".join(WCAG_AA) + ")", checked, date.today()
        )
        accessibility.write_check(document)
    assert not problems, problems


def test_on_a_phone_the_tables_become_cards_and_the_search_marks_its_words(
    page, live_server, browser_demo
):
    plan = Plan.objects.get(organisation__slug="voorbeeld")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/voorbeeld/plans/{plan.pk}/?q=fietspaden")
    first = page.locator("table.stack tbody tr").first
    expect(first).to_be_visible()
    assert page.locator("table.stack thead").evaluate(
        "element => element.getBoundingClientRect().right <= 0"
    )  # the column heads are off screen: each cell names its column
    assert (
        first.locator("td").first.evaluate("cell => getComputedStyle(cell, '::before').content")
        == '"Onderdeel"'
    )
    overflowing = first.locator("td").evaluate_all(
        "cells => cells.filter(cell => cell.scrollHeight > cell.clientHeight + 1).length"
    )
    assert overflowing == 0  # each field fits in its own box: none runs over the next
    expect(page.locator("table.stack mark").first).to_be_visible()
    badge = page.locator("table.stack .badge").first
    height = badge.evaluate("element => element.getBoundingClientRect().height")
    line = badge.evaluate("element => parseFloat(getComputedStyle(element).lineHeight)")
    assert height < 1.5 * line  # the status pill stays on one line
    region = page.locator(".table-scroll").first
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
