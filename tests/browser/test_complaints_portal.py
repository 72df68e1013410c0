"""A citizen files a complaint on the portal with the keyboard alone on a phone (390 px):
from the portal's footer to the complaints page and the form, a mistake in the e-mail
address (the error summary takes the focus and leads to the field), then the reference
on the confirmation page. axe-core finds nothing serious or critical on the form (empty
and with errors), the confirmation and the public summary of the published report;
screenshots go to test-artifacts/screenshots/."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from koers.accounts.actor import Actor
from koers.accounts.models import Organisation
from koers.complaints.models import Complaint
from koers.complaints.services import handle_complaint
from koers.complaints_public import reports
from koers.complaints_public.models import PortalComplaintForm
from tests.browser.checks import problems

pytestmark = pytest.mark.browser
FOCUSED_ID = "() => document.activeElement && document.activeElement.id"


def _tab_to(page, element_id: str, presses: int = 80) -> None:
    """Press Tab until the element has the focus; the hidden field is never reached."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_ID)
        assert focused != "id_website", "the hidden field took the focus"
        if focused == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def _tab_to_link(page, name: str, presses: int = 80) -> None:
    link = page.get_by_role("link", name=name, exact=True).first
    for _ in range(presses):
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached the link {name!r}")


def test_a_citizen_files_a_complaint_with_the_keyboard_on_a_phone(
    page, live_server, browser_demo, screenshot, settings, log_in
):
    settings.KOERS_COMPLAINT_FORM_MIN_SECONDS = 1  # a fast typist; the rule is tested elsewhere
    organisation = Organisation.objects.get(slug="voorbeeld")
    assert PortalComplaintForm.objects.get(organisation=organisation).enabled  # the demo's
    year = timezone.localdate().year
    reports.publish(organisation, year, Actor.system())
    page.set_viewport_size({"width": 390, "height": 844})
    base = f"{live_server.url}/voorbeeld/"
    found = []

    page.goto(base)
    _tab_to_link(page, "Klachten")
    page.keyboard.press("Enter")
    page.wait_for_url("**/voorbeeld/klachten/")
    expect(page.locator("h1")).to_have_text(f"Klachten in {year}")
    found += problems(page, "public summary")
    screenshot("complaints-summary-390")
    _tab_to_link(page, "Een klacht indienen")
    page.keyboard.press("Enter")
    page.wait_for_url("**/voorbeeld/klacht/")
    found += problems(page, "empty form")
    screenshot("complaint-form-390")

    _tab_to(page, "id_subject")
    page.keyboard.type("Voetpad onbegaanbaar")
    _tab_to(page, "id_description")
    page.keyboard.type("Het voetpad in de Schoolstraat ligt al een maand open & niemand doet iets.")
    _tab_to(page, "id_name")
    page.keyboard.type("Els Claes")
    _tab_to(page, "id_email")
    page.keyboard.type("els.claes@@example")  # a mistake
    _tab_to(page, "id_consent")
    page.keyboard.press("Space")
    page.wait_for_timeout(1200)  # longer than the form's least time
    page.keyboard.press("Enter")  # sends the form from its checkbox
    page.wait_for_load_state()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Dit is geen geldig e-mailadres.")
    expect(page.locator("#id_description")).to_have_value(
        "Het voetpad in de Schoolstraat ligt al een maand open & niemand doet iets."
    )
    found += problems(page, "form with an error")
    screenshot("complaint-form-error-390")
    page.keyboard.press("Tab")  # the summary's link to the field
    page.keyboard.press("Enter")
    expect(page.locator("#id_email")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("els.claes@example.org")
    page.wait_for_timeout(1200)
    _tab_to(page, "id_consent")
    if not page.locator("#id_consent").is_checked():
        page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Mijn klacht versturen")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/klacht/ontvangen/**")

    complaint = Complaint.objects.get(organisation=organisation, subject="Voetpad onbegaanbaar")
    assert complaint.channel == Complaint.Channel.PORTAL
    assert complaint.complainant.email == "els.claes@example.org"
    expect(page.locator("#reference")).to_have_text(complaint.reference)
    assert complaint.reference.startswith(f"K-{year}-")
    assert complaint.received_on == timezone.localdate()
    assert complaint.deadline >= complaint.received_on + datetime.timedelta(days=1)
    found += problems(page, "confirmation")
    screenshot("complaint-received-390")

    # A handler answers it the same day; the coordinator's report counts it, and once
    # published again the portal's summary does too.
    before = reports.build(organisation, year).current
    handle_complaint(
        complaint,
        {
            "admissible": True,
            "answered_on": timezone.localdate(),
            "outcome": Complaint.Outcome.FOUNDED,
            "answer": "Het voetpad wordt deze week hersteld.",
        },
        actor=Actor.system(),
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in("coordinator@voorbeeld.be")
    page.goto(f"{live_server.url}/app/voorbeeld/klachtenverslag/{year}/")
    expect(page.locator("#report-state")).to_contain_text("Gepubliceerd op")
    page.get_by_role("button", name="Terugzetten naar concept").click()
    page.get_by_role("button", name="Verslag publiceren").click()
    expect(page.locator("#report-state")).to_contain_text("Gepubliceerd op")
    figures = page.locator("#key-figures")
    founded = figures.get_by_role("row", name=re.compile("Gegrond of deels gegrond"))
    expect(founded).to_contain_text(str(before.founded + 1))
    answered = figures.get_by_role("row", name=re.compile("^Beantwoord"))
    expect(answered).to_contain_text(str(before.answered + 1))
    found += problems(page, "staff report page")
    screenshot("complaints-report-staff-1280")
    for address, name in (
        (base + "klachten/", "summary"),
        (base + "klacht/", "form"),
    ):
        page.goto(address)
        found += problems(page, f"{name} at 1280 px")
    screenshot("complaints-summary-1280")
    assert not found, found
