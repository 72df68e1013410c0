"""Search in the plan tree in a browser at 390 px: typing in the field fills in the results
(htmx) with links to the items, and the page fits without sideways scrolling and without
serious or critical axe-core violations, before and after the search."""

import pytest
from playwright.sync_api import expect

from tests.browser.checks import problems

pytestmark = pytest.mark.browser


def test_the_plan_tree_search_at_390_px(log_in, live_server):
    from koers.plans.models import Plan

    plan = Plan.objects.filter(organisation__slug="voorbeeld").order_by("pk").first()
    page = log_in("coordinator@voorbeeld.be")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/app/voorbeeld/plans/{plan.pk}/")
    found = problems(page, "plan tree")
    page.get_by_label("Zoeken in dit plan").fill("fietspaden")
    results = page.locator("#plan-search-results .k-search-results li")
    expect(results.first).to_be_visible()
    expect(page.locator("#plan-search-results h2")).to_contain_text("bij “fietspaden”")
    found += problems(page, "plan tree with search results")
    assert found == []
    first = results.first.locator("a")
    title = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert "/items/" in page.url and title.split(" ", 1)[-1] in page.content()
