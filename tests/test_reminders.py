"""Reminders: the right people on the right days, never twice; one delivery over real SMTP."""

import socket
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from koers.accounts.actor import Actor
from koers.followup import services
from koers.followup.reminders import send_reminders

DEADLINE = date(2026, 7, 15)


@pytest.fixture
def round_(demo):
    coordinator = Actor.member(demo.membership("coordinator@voorbeeld.be"))
    values = {
        "name": "Zomer 2026",
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 6, 30),
        "deadline": DEADLINE,
    }
    return services.open_round(demo.plan, values, actor=coordinator)


def _owners_with_missing(round_):
    return set(
        round_.updates.filter(
            state__in=["draft", "returned"], item__owner__isnull=False
        ).values_list("item__owner__email", flat=True)
    )


def test_reminders_go_to_owners_with_missing_updates_on_the_set_days(round_, settings):
    settings.KOERS_REMINDER_DAYS_BEFORE = [7, 1]
    settings.KOERS_REMINDER_DAYS_AFTER = [1]
    owners = _owners_with_missing(round_)
    assert send_reminders(DEADLINE - timedelta(days=3)) == 0  # not a reminder day
    before = send_reminders(DEADLINE - timedelta(days=7))
    recipients = {message.to[0] for message in mail.outbox}
    assert recipients == owners
    assert len(owners) > 1
    assert before == len(mail.outbox) > 0
    message = mail.outbox[0]
    assert "Zomer 2026" in message.subject
    assert "/app/voorbeeld/updates/" in message.body


def test_running_twice_sends_nothing_twice(round_, settings):
    settings.KOERS_REMINDER_DAYS_AFTER = [1]
    day = DEADLINE + timedelta(days=1)
    first = send_reminders(day)
    assert first > 0
    assert send_reminders(day) == 0
    call_command("send_reminders", "--today", day.isoformat(), stdout=__import__("io").StringIO())
    assert len(mail.outbox) == first


def test_submitted_updates_get_no_reminder(round_, demo, settings):
    settings.KOERS_REMINDER_DAYS_BEFORE = [1]
    editor = Actor.member(demo.membership("editor@voorbeeld.be"))
    for update in round_.updates.filter(item__owner__email="editor@voorbeeld.be"):
        services.save_update(
            update, {"narrative": "klaar"}, version=update.version, submit=True, actor=editor
        )
    send_reminders(DEADLINE - timedelta(days=1))
    assert "editor@voorbeeld.be" not in {m.to[0] for m in mail.outbox}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_reminder_is_delivered_to_a_real_smtp_server(round_, settings):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    port = _free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.KOERS_REMINDER_DAYS_BEFORE = [7]
        count = send_reminders(DEADLINE - timedelta(days=7))
    finally:
        controller.stop()
    assert count == len(received) > 0
    message = received[0]
    assert "Zomer 2026" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    assert "/app/voorbeeld/updates/" in body
