"""Reminders before a complaint's deadline to its handler and the escalation after it to
the complaint handlers, through ``koers send_reminders``: never twice."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from koers.accounts.actor import Actor
from koers.complaints.models import ComplaintReminderSent
from koers.complaints.services import handle_complaint, register_complaint
from koers.followup.reminders import send_reminders
from tests.complaints_world import PERSONAL, build_world


def _run(day: datetime.date) -> int:
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 7), tick=False):
        out = io.StringIO()
        call_command("send_reminders", stdout=out)
        return int(out.getvalue().split()[0])


def test_reminder_before_and_escalation_after_the_deadline_each_once(db):
    world = build_world()  # the complaint's deadline: 15 November 2026, handler "assigned"
    unassigned = register_complaint(
        world.organisation,
        {"received_on": datetime.date(2026, 10, 5), "subject": "Geen handler", "description": "…"},
        actor=Actor.member(world.handler),
    )  # deadline 19 November
    assert _run(datetime.date(2026, 11, 7)) == 0  # 8 days before: nothing yet
    assert _run(datetime.date(2026, 11, 8)) == 1  # 7 days before: the assigned handler
    assert [m.to for m in mail.outbox] == [["assigned@example.test"]]
    first = mail.outbox[0]
    assert "K-2026-0001" in first.subject and "Put in de Dorpsstraat" in first.body
    assert f"/app/klachtdorp/klachten/{world.complaint.pk}/" in first.body
    assert "herinnering" in first.subject.lower()
    assert _run(datetime.date(2026, 11, 8)) == 0  # a second run sends nothing
    assert _run(datetime.date(2026, 11, 9)) == 0
    # No handler: the complaint handlers (administrator and marked member) are reminded.
    assert _run(datetime.date(2026, 11, 12)) == 2
    assert sorted(m.to[0] for m in mail.outbox[1:]) == [
        "admin@example.test",
        "handler@example.test",
    ]
    assert all(unassigned.reference in m.subject for m in mail.outbox[1:])
    # After the deadline: one escalation to the complaint handlers, not again the next day.
    assert _run(datetime.date(2026, 11, 16)) == 2
    escalations = mail.outbox[3:]
    assert sorted(m.to[0] for m in escalations) == ["admin@example.test", "handler@example.test"]
    assert all("K-2026-0001" in m.subject and "K-2026-0002" not in m.subject for m in escalations)
    assert _run(datetime.date(2026, 11, 17)) == 0
    assert _run(datetime.date(2026, 11, 20)) == 2  # the unassigned one passes its deadline
    assert len(mail.outbox) == 7
    for message in mail.outbox:  # no personal data in e-mails
        assert PERSONAL["name"] not in message.body and PERSONAL["email"] not in message.body


def test_answered_complaints_get_no_reminders(db):
    world = build_world()
    handle_complaint(
        world.complaint,
        {"outcome": "withdrawn"},
        actor=Actor.member(world.assigned),
    )
    assert send_reminders(datetime.date(2026, 11, 10)) == 0
    assert send_reminders(datetime.date(2026, 11, 20)) == 0
    assert not ComplaintReminderSent.objects.exists()
    assert mail.outbox == []


def test_a_failed_send_is_tried_again(db, monkeypatch):
    world = build_world()
    import koers.complaints.reminders as reminders

    def broken(*args, **kwargs):
        raise ConnectionError("mail server down")

    monkeypatch.setattr(reminders, "send_mail", broken)
    with pytest.raises(ConnectionError):
        reminders.send_complaint_reminders(datetime.date(2026, 11, 10))
    assert not ComplaintReminderSent.objects.filter(complaint=world.complaint).exists()
    monkeypatch.undo()
    assert reminders.send_complaint_reminders(datetime.date(2026, 11, 10)) == 1
