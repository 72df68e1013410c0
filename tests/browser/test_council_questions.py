"""A council question from asking to the approved answer, in a browser on a phone (390 px):
the council member asks about an item of the published round, the coordinator assigns it,
the owner answers, the coordinator approves it and makes it public, the council member
reads the answer, and the portal shows it. Every page passes the checks of
``tests/browser/checks.py`` (no sideways scrolling, no serious or critical axe-core
violations). Screenshots go to test-artifacts/council/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from koers.council.models import Question
from koers.followup.models import ReportingRound
from koers.plans.models import PlanItem
from tests.browser.checks import problems as _problems

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).parents[2] / "test-artifacts" / "council"
TITLE = "Hoeveel bomen staan er al?"
ANSWER = "Er staan 1.250 nieuwe bomen; de rest volgt in het plantseizoen."


def test_a_council_member_asks_and_reads_the_approved_answer(page, log_in, live_server):
    item = PlanItem.objects.get(plan__organisation__slug="voorbeeld", code="BD2-02-02")
    published = ReportingRound.objects.get(plan=item.plan, state="published")
    base = live_server.url + "/app/voorbeeld"
    SHOTS.mkdir(parents=True, exist_ok=True)
    found = []

    def check(name):
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        found.extend(_problems(page, name))

    def as_user(email):
        page.context.clear_cookies()
        log_in(email)
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.set_viewport_size({"width": 390, "height": 900})

    # The council member asks on the item's page.
    as_user("reader@voorbeeld.be")
    page.goto(f"{base}/items/{item.pk}/")
    expect(page.locator("#council-questions")).to_contain_text("Startrapport 2026")
    page.get_by_role("link", name="Stel een vraag").click()
    check("ask")
    page.get_by_label("Vraag in het kort").fill(TITLE)
    page.locator("#id_text").fill("Hoeveel van de 5.000 bomen zijn al geplant?")
    page.get_by_role("button", name="Vraag versturen").click()
    expect(page.locator("#question-state")).to_contain_text("gesteld")
    check("asked")
    question = Question.objects.get(title=TITLE)
    assert (question.round, question.item) == (published, item)

    # The coordinator assigns it: to the item's owner unless chosen otherwise.
    as_user("coordinator@voorbeeld.be")
    page.goto(f"{base}/raadsvragen/rondes/{published.pk}/")
    check("round-list")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Toewijzen").click()
    expect(page.get_by_label("Wie antwoordt")).to_have_value(str(item.owner_id))
    check("assign")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#question-state")).to_contain_text("toegewezen")

    # The owner answers from their list of questions.
    as_user("editor@voorbeeld.be")
    page.goto(f"{base}/raadsvragen/")
    page.locator("#to-answer").get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Antwoord schrijven").click()
    page.locator("#id_answer").fill(ANSWER)
    check("answer")
    page.get_by_role("button", name="Indienen ter goedkeuring").click()
    expect(page.locator("#question-state")).to_contain_text("antwoord ingediend")

    # The coordinator approves it, and the council decided it may be public.
    as_user("coordinator@voorbeeld.be")
    page.goto(f"{base}/raadsvragen/{question.pk}/")
    check("review")
    page.get_by_role("button", name="Antwoord goedkeuren").click()
    expect(page.locator("#question-state")).to_contain_text("beantwoord")
    page.get_by_role("button", name="Openbaar maken").click()
    expect(page.locator("#question-state")).to_contain_text("openbaar op het portaal")

    # The council member is told and reads the answer.
    as_user("reader@voorbeeld.be")
    page.goto(f"{base}/raadsvragen/")
    expect(page.locator("#question-notices")).to_contain_text("uw vraag is beantwoord")
    check("index")
    page.locator("#question-notices").get_by_role("link", name=TITLE).click()
    expect(page.locator("#answer-text")).to_have_text(ANSWER)
    check("answered")

    # The portal shows it, the asker named as a council member.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/voorbeeld/raadsvragen/{published.pk}/")
    expect(page.locator(f"#vraag-{question.pk}")).to_contain_text(ANSWER)
    expect(page.locator(f"#vraag-{question.pk}")).to_contain_text("Gesteld door raadslid")
    check("portal-round")
    page.goto(f"{live_server.url}/voorbeeld/raadsvragen/")
    check("portal-index")
    page.goto(f"{live_server.url}/voorbeeld/items/{item.pk}/")
    expect(page.locator(f"#vraag-{question.pk}")).to_contain_text(ANSWER)
    assert found == []
