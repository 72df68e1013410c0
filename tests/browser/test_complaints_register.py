"""The complaints register in a browser: the complaint handler of the demo finds the
newest open complaint in the register, opens it, sees the complainant, and answers it in
time. The register, the complaint page, the registration form, the history and the
settings have no serious or critical axe-core violations and fit 1280 and 390 px.
Screenshots go to test-artifacts/screenshots/."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from koers.complaints.models import Complainant, Complaint
from tests.browser.checks import problems

pytestmark = pytest.mark.browser
HANDLER = "welzijn@voorbeeld.be"  # Wout Welzijn, the demo's complaint handler


def test_a_handler_answers_a_complaint_in_time(log_in, live_server, screenshot):
    today = timezone.localdate()
    complaint = (
        Complaint.objects.filter(organisation__slug="voorbeeld", closed_on__isnull=True)
        .order_by("-received_on", "-id")
        .first()
    )
    person = Complainant.objects.get(complaint=complaint)
    page = log_in(HANDLER)
    page.get_by_role("link", name="Klachten", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Klachtenregister")
    found = problems(page, "register")
    page.select_option("#filter-status", "open")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#complaint-caption")).to_contain_text("klacht")
    screenshot("complaints-register")
    page.get_by_role("link", name=complaint.reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(complaint.subject)
    expect(page.locator("#complainant")).to_contain_text(person.name)
    found += problems(page, "complaint")
    page.select_option("#id_admissible", "true")
    page.fill("#id_acknowledged_on", today.isoformat())
    page.fill("#id_answered_on", today.isoformat())
    page.fill("#id_answer", "We herstellen het fietspad volgende week.")
    page.select_option("#id_outcome", "founded")
    page.locator("#handling").get_by_role("button", name="Opslaan").click()
    expect(page.locator(".k-messages")).to_contain_text("Uw wijzigingen zijn opgeslagen")
    expect(page.locator("aside")).to_contain_text("afgehandeld")
    screenshot("complaints-answered")
    complaint.refresh_from_db()
    assert (complaint.outcome, complaint.answered_on) == ("founded", today)
    assert complaint.answered_on <= complaint.deadline  # in time
    assert complaint.history.first().history_user.email == HANDLER
    page.get_by_role("link", name="Geschiedenis").click()
    expect(page.locator(".k-history")).to_contain_text("Wout Welzijn")
    found += problems(page, "history")
    page.goto(f"{live_server.url}/app/voorbeeld/klachten/nieuw/")
    page.get_by_role("button", name="Registreren").click()  # empty: errors shown
    expect(page.locator("#error-summary").first).to_be_visible()
    found += problems(page, "register form with errors")
    page.set_viewport_size({"width": 390, "height": 900})
    for path in ("klachten/", f"klachten/{complaint.pk}/"):
        page.goto(f"{live_server.url}/app/voorbeeld/{path}")
        found += problems(page, f"{path} at 390 px")
    assert found == []


def test_the_settings_page_for_the_administrator(log_in, live_server):
    page = log_in("admin@voorbeeld.be")
    page.goto(f"{live_server.url}/app/voorbeeld/klachten/instellingen/")
    found = problems(page, "settings")
    page.fill("#id_deadline_days", "30")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".k-messages")).to_contain_text("Uw wijzigingen zijn opgeslagen")
    assert found == []
