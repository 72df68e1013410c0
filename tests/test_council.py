"""Council questions: the rules of asking, assigning, answering, reviewing and publishing
(koers.council.services), who is told (notices and their e-mail) and the reminders."""

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from koers.accounts.actor import Actor
from koers.accounts.locking import EditConflict
from koers.accounts.permissions import reads_question
from koers.council import notices, services
from koers.council.models import CouncilSettings, Question, QuestionNotice
from koers.council.reminders import send_question_reminders
from koers.followup.models import ReportingRound
from koers.followup.reminders import send_reminders
from koers.plans.models import Plan

READER = "reader@voorbeeld.be"
COORDINATOR = "coordinator@voorbeeld.be"
EDITOR = "editor@voorbeeld.be"
ADMIN = "admin@voorbeeld.be"


@pytest.fixture
def people(demo):
    def member(email, slug="voorbeeld"):
        return Actor.member(demo.membership(email, slug))

    return {
        "reader": member(READER),
        "coordinator": member(COORDINATOR),
        "editor": member(EDITOR),
        "admin": member(ADMIN),
        "other_reader": member("beide@koers.test"),
        "outsider": member("admin@proefdorp.nl", "proefdorp"),
    }


@pytest.fixture
def published(demo):
    return ReportingRound.objects.select_related("plan").get(
        plan=demo.plan, state=ReportingRound.State.PUBLISHED
    )


def ask(round_, item, actor, **values):
    data = {"item": item, "title": "Zonnepanelen?", "text": "Hoeveel daken?"} | values
    return services.ask(round_, data, actor=actor)


def test_a_council_member_asks_about_an_item_of_a_published_round(demo, people, published):
    item = demo.item("BD2-02-02")
    question = ask(published, item, people["reader"], title=" Zonne-\npanelen?\r\n ")
    assert question.title == "Zonne- panelen?"  # one line: it goes into e-mail subjects
    assert (question.state, question.asker.email, question.item, question.round) == (
        "asked",
        READER,
        item,
        published,
    )
    assert question.history.first().history_change_reason == "Gesteld"
    # the coordinators hear of it
    assert list(
        QuestionNotice.objects.filter(question=question).values_list("user__email", "kind")
    ) == [(COORDINATOR, "asked")]


def test_only_published_rounds_and_their_items(demo, people, published):
    open_round = ReportingRound.objects.get(plan=demo.plan, state="open")
    with pytest.raises(ValidationError):
        ask(open_round, demo.item("BD2-02-02"), people["reader"])
    with pytest.raises(ValidationError) as refused:  # BD1 was not in the round's scope
        ask(published, demo.item("BD1-01"), people["reader"])
    assert "item" in refused.value.error_dict
    with pytest.raises(ValidationError):  # a report section is a goal's
        ask(published, demo.item("BD2-02"), people["reader"], subject="section")
    question = ask(published, demo.item("BD2"), people["reader"], subject="section")
    assert question.subject == "section"


def test_editors_do_not_ask_and_outsiders_cannot(demo, people, published):
    with pytest.raises(PermissionDenied):
        ask(published, demo.item("BD2-02-02"), people["editor"])
    with pytest.raises(PermissionDenied):
        ask(published, demo.item("BD2-02-02"), people["outsider"])
    # administrators and coordinators ask on behalf of the council
    assert ask(published, demo.item("BD2-02-02"), people["coordinator"]).state == "asked"
    assert ask(published, demo.item("BD2-02-02"), people["admin"]).state == "asked"


@time_machine.travel(datetime(2026, 5, 4, 9, 0, tzinfo=timezone.get_default_timezone()), tick=False)
def test_the_whole_cycle(demo, people, published):
    item = demo.item("BD2-02-02")
    question = ask(published, item, people["reader"])
    assert services.default_assignee(question).email == EDITOR  # the item's owner
    question = services.assign(
        question, {"assignee": demo.user(EDITOR)}, actor=people["coordinator"], expected_version=1
    )
    assert (question.state, question.deadline, question.version) == (
        "assigned",
        date(2026, 5, 18),
        2,
    )
    question = services.save_answer(
        question, "Nog niet.", submit=False, actor=people["editor"], expected_version=2
    )
    assert (question.state, question.answer) == ("draft", "Nog niet.")
    question = services.save_answer(
        question, "Tweehonderd daken.", submit=True, actor=people["editor"], expected_version=3
    )
    assert question.state == "submitted"
    question = services.send_back(
        question, "Noem de scholen.", actor=people["coordinator"], expected_version=4
    )
    assert (question.state, question.return_reason) == ("returned", "Noem de scholen.")
    question = services.save_answer(
        question,
        "200 daken, ook de scholen.",
        submit=True,
        actor=people["editor"],
        expected_version=5,
    )
    question = services.approve(question, actor=people["coordinator"], expected_version=6)
    assert (question.state, question.approved_by.email, question.return_reason) == (
        "approved",
        COORDINATOR,
        "",
    )
    kinds = list(
        QuestionNotice.objects.filter(question=question)
        .order_by("id")
        .values_list("user__email", "kind")
    )
    assert kinds == [
        (COORDINATOR, "asked"),
        (EDITOR, "assigned"),
        (COORDINATOR, "submitted"),
        (EDITOR, "returned"),
        (COORDINATOR, "submitted"),
        (READER, "answered"),
    ]
    reasons = list(
        question.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons == [
        "Gesteld",
        "Toegewezen aan Eva Omgeving",
        "Antwoord als concept bewaard",
        "Antwoord ingediend",
        "Antwoord teruggestuurd: Noem de scholen.",
        "Antwoord ingediend",
        "Antwoord goedgekeurd",
    ]


def test_only_the_assignee_or_a_coordinator_answers(demo, people, published):
    question = ask(published, demo.item("BD2-02-02"), people["reader"])
    with pytest.raises(PermissionDenied):
        services.save_answer(question, "x", submit=True, actor=people["editor"])
    question = services.assign(
        question, {"assignee": demo.user(EDITOR)}, actor=people["coordinator"]
    )
    with pytest.raises(PermissionDenied):
        services.save_answer(question, "x", submit=True, actor=people["reader"])
    with pytest.raises(PermissionDenied):
        services.assign(question, {"assignee": demo.user(EDITOR)}, actor=people["editor"])
    with pytest.raises(ValidationError):  # a council member does not answer
        services.assign(question, {"assignee": demo.user(READER)}, actor=people["coordinator"])
    with pytest.raises(ValidationError):  # nothing to submit
        services.save_answer(question, "  ", submit=True, actor=people["editor"])
    with pytest.raises(ValidationError):  # nothing submitted to approve
        services.approve(question, actor=people["coordinator"])
    with pytest.raises(ValidationError):
        services.send_back(question, "", actor=people["coordinator"])


def test_a_stale_version_is_refused_and_writes_nothing(demo, people, published):
    question = ask(published, demo.item("BD2-02-02"), people["reader"])
    question = services.assign(
        question, {"assignee": demo.user(EDITOR)}, actor=people["coordinator"]
    )
    services.save_answer(
        question, "Eerste", submit=False, actor=people["editor"], expected_version=2
    )
    with pytest.raises(EditConflict) as conflict:
        services.save_answer(
            question, "Tweede", submit=False, actor=people["coordinator"], expected_version=2
        )
    assert conflict.value.current.answer == "Eerste"
    assert Question.objects.get(pk=question.pk).answer == "Eerste"
    with pytest.raises(EditConflict):
        services.assign(
            question,
            {"assignee": demo.user(ADMIN)},
            actor=people["coordinator"],
            expected_version=2,
        )
    assert Question.objects.get(pk=question.pk).assignee.email == EDITOR


def test_who_reads_which_question(demo, people, published):
    question = ask(published, demo.item("BD2-02-02"), people["reader"])
    membership = {name: actor.membership for name, actor in people.items()}
    assert reads_question(membership["reader"], question)  # the asker sees their own
    assert reads_question(membership["coordinator"], question)
    assert not reads_question(membership["other_reader"], question)
    assert not reads_question(membership["editor"], question)
    assert not reads_question(membership["outsider"], question)
    question = services.assign(
        question, {"assignee": demo.user(EDITOR)}, actor=people["coordinator"]
    )
    assert reads_question(membership["editor"], question)
    assert not reads_question(membership["other_reader"], question)
    question = services.save_answer(question, "Antwoord", submit=True, actor=people["editor"])
    question = services.approve(question, actor=people["coordinator"])
    assert reads_question(membership["other_reader"], question)
    assert not reads_question(membership["outsider"], question)
    visible = services.visible_questions(membership["other_reader"])
    assert set(visible.values_list("state", flat=True)) == {"approved"}


def test_making_public_needs_an_approved_answer_and_changes_the_plans_version(
    demo, people, published
):
    question = ask(published, demo.item("BD2-02-02"), people["reader"])
    with pytest.raises(ValidationError):
        services.set_public(question, True, actor=people["coordinator"])
    question = services.assign(
        question, {"assignee": demo.user(EDITOR)}, actor=people["coordinator"]
    )
    question = services.save_answer(question, "Antwoord", submit=True, actor=people["editor"])
    question = services.approve(question, actor=people["coordinator"])
    with pytest.raises(PermissionDenied):
        services.set_public(question, True, actor=people["reader"])
    before = Plan.objects.get(pk=demo.plan.pk).content_version
    question = services.set_public(question, True, actor=people["coordinator"])
    after = Plan.objects.get(pk=demo.plan.pk).content_version
    assert question.is_public and before != after
    services.set_public(question, False, actor=people["coordinator"])
    assert Plan.objects.get(pk=demo.plan.pk).content_version != after


def test_the_deadline_follows_the_organisations_setting(demo, people, published):
    with pytest.raises(PermissionDenied):
        services.save_settings(demo.voorbeeld, {"answer_days": 7}, actor=people["editor"])
    with pytest.raises(ValidationError):
        services.save_settings(demo.voorbeeld, {"answer_days": 0}, actor=people["coordinator"])
    stored = services.save_settings(
        demo.voorbeeld, {"answer_days": 7}, actor=people["coordinator"], expected_version=0
    )
    assert (stored.answer_days, stored.version) == (7, 1)
    with pytest.raises(EditConflict):
        services.save_settings(
            demo.voorbeeld, {"answer_days": 9}, actor=people["admin"], expected_version=0
        )
    assert CouncilSettings.objects.get(organisation=demo.voorbeeld).answer_days == 7
    question = ask(published, demo.item("BD2-02-02"), people["reader"])
    question = services.assign(
        question, {"assignee": demo.user(EDITOR)}, actor=people["coordinator"]
    )
    assert question.deadline == timezone.localdate() + timedelta(days=7)


def test_notices_are_emailed_once_and_read_in_the_app(demo, people, published):
    mail.outbox.clear()
    notices.send_mails()  # the demo's own notices go first
    mail.outbox.clear()
    reader = people["reader"].membership
    notices.mark_all_read(reader)
    question = ask(published, demo.item("BD2-02-02"), people["reader"], title="Bomen & <struiken>")
    question = services.assign(
        question, {"assignee": demo.user(EDITOR)}, actor=people["coordinator"]
    )
    question = services.save_answer(question, "Antwoord", submit=True, actor=people["editor"])
    question = services.approve(question, actor=people["coordinator"])
    call_command("send_notifications", stdout=StringIO())
    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {COORDINATOR, EDITOR, READER}
    assert "Uw vraag is beantwoord: Bomen & <struiken>" in sent[READER].body
    assert f"/app/voorbeeld/raadsvragen/{question.pk}/" in sent[READER].body
    mail.outbox.clear()
    call_command("send_notifications", stdout=StringIO())
    assert mail.outbox == []  # nothing twice
    assert notices.unread_count(reader) == 1
    services.mark_read(question, reader)
    assert notices.unread_count(reader) == 0
    assert Question.objects.get(pk=question.pk).asker_read_at is not None


def _assigned(demo, people, published, deadline):
    question = ask(published, demo.item("BD2-02-02"), people["reader"])
    return services.assign(
        question, {"assignee": demo.user(EDITOR), "deadline": deadline}, actor=people["coordinator"]
    )


def test_reminders_before_and_after_the_deadline_go_once(demo, people, published, settings):
    settings.KOERS_REMINDER_DAYS_BEFORE = [3]
    settings.KOERS_REMINDER_DAYS_AFTER = [1]
    zone = timezone.get_default_timezone()
    with time_machine.travel(datetime(2026, 6, 1, 9, tzinfo=zone), tick=False):
        question = _assigned(demo, people, published, date(2026, 6, 10))
        Question.objects.exclude(pk=question.pk).update(deadline=None)  # the demo's own
    mail.outbox.clear()
    with time_machine.travel(datetime(2026, 6, 6, 9, tzinfo=zone), tick=False):
        assert send_question_reminders() == 0  # not a reminder day
    with time_machine.travel(datetime(2026, 6, 7, 9, tzinfo=zone), tick=False):
        assert send_reminders() >= 1  # through the round reminders' command
        assert send_reminders() == 0  # a second run sends nothing more
    council_mails = [m for m in mail.outbox if "raadsvraag" in m.subject]
    assert [m.to for m in council_mails] == [[EDITOR]]
    assert "10 jun. 2026" in council_mails[0].subject
    mail.outbox.clear()
    with time_machine.travel(datetime(2026, 6, 11, 9, tzinfo=zone), tick=False):
        assert send_question_reminders() == 1
        assert send_question_reminders() == 0
    assert mail.outbox[0].subject.startswith("Te laat:")
    # an answered question gets no reminder
    services.save_answer(question, "Klaar", submit=True, actor=people["editor"])
    settings.KOERS_REMINDER_DAYS_AFTER = [1, 2]
    with time_machine.travel(datetime(2026, 6, 12, 9, tzinfo=zone), tick=False):
        assert send_question_reminders() == 0
