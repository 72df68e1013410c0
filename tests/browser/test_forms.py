"""A form sent back with errors says what is wrong at the top, links every error to its
field and takes the focus there; checks between fields show on the first submit."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_error_summary_names_every_error_links_to_it_and_gets_focus(
    log_in, live_server, screenshot
):
    from koers.plans.models import PlanItem

    page = log_in("coordinator@voorbeeld.be")
    goals = PlanItem.objects.filter(plan__organisation__slug="voorbeeld", depth=2)
    goal, other = goals.order_by("path")[:2]
    page.goto(f"{live_server.url}/app/voorbeeld/items/{goal.pk}/edit/")
    page.fill("#id_title", "")
    page.fill("#id_code", other.code)  # already used: a check between items
    page.fill("#id_start_year", "2030")
    page.fill("#id_end_year", "2027")  # before the start: a check between fields
    page.evaluate("document.querySelector('#id_progress').removeAttribute('max')")
    page.fill("#id_progress", "150")
    page.get_by_role("button", name="Opslaan").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    links = summary.locator("a")
    texts = links.all_inner_texts()
    screenshot("form-error-summary")
    assert any(text.startswith("Titel") for text in texts), texts
    assert any(f"De code {other.code} wordt al gebruikt" in text for text in texts), texts
    assert any("Eindjaar" in text or "eindjaar" in text for text in texts), texts
    assert any(text.startswith("Voortgang") for text in texts), texts
    links.filter(has_text="Titel").first.click()
    expect(page.locator("#id_title")).to_be_focused()
    expect(page.locator("#id_start_year")).to_have_value("2030")  # the typing is kept
