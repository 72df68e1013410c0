"""Reminders to owners whose updates are still missing, a set number of days around the deadline.

Run by ``koers send_reminders`` from cron or a systemd timer (daily). Each
(round, person, moment) is recorded before its e-mail goes out, so running the
command twice, or from two machines at once, never sends anything twice; a
failed send removes the record so that the next run tries again.
"""

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from koers.followup.models import ProgressUpdate, ReminderSent, ReportingRound

MISSING = (ProgressUpdate.State.DRAFT, ProgressUpdate.State.RETURNED)


def moment_for(round_: ReportingRound, today: date) -> str | None:
    days = (round_.deadline - today).days
    if days >= 0 and days in settings.KOERS_REMINDER_DAYS_BEFORE:
        return f"before-{days}"
    if days < 0 and -days in settings.KOERS_REMINDER_DAYS_AFTER:
        return f"after-{-days}"
    return None


def send_reminders(today: date | None = None) -> int:
    """Send today's reminders; return how many e-mails went out."""
    today = today or timezone.localdate()
    sent = 0
    for round_ in ReportingRound.objects.filter(state=ReportingRound.State.OPEN).select_related(
        "plan", "plan__organisation"
    ):
        moment = moment_for(round_, today)
        if moment is None:
            continue
        missing = defaultdict(list)
        updates = (
            ProgressUpdate.objects.filter(
                round=round_, state__in=MISSING, item__owner__isnull=False
            )
            .select_related("item", "item__owner")
            .order_by("item__path")
        )
        for update in updates:
            missing[update.item.owner].append(update)
        for person, their_updates in missing.items():
            sent += _remind(round_, moment, person, their_updates, today)
    return sent


def _remind(round_, moment, person, updates, today) -> int:
    try:
        with transaction.atomic():
            record = ReminderSent.objects.create(round=round_, user=person, moment=moment)
    except IntegrityError:
        return 0  # already sent
    try:
        with translation.override(settings.LANGUAGE_CODE):
            send_mail(_subject(round_, today), _body(round_, updates), None, [person.email])
    except Exception:
        record.delete()
        raise
    return 1


def _subject(round_, today) -> str:
    if today > round_.deadline:
        return _("Overdue: your updates for %(round)s") % {"round": round_.name}
    return _("Reminder: your updates for %(round)s are due on %(date)s") % {
        "round": round_.name,
        "date": round_.deadline.strftime("%d-%m-%Y"),
    }


def _body(round_, updates) -> str:
    org = round_.plan.organisation.slug
    lines = [
        _("These items of %(plan)s still need your update in %(round)s:")
        % {"plan": round_.plan.title, "round": round_.name},
        "",
    ]
    for update in updates:
        link = settings.KOERS_BASE_URL + reverse(
            "followup:update", kwargs={"org": org, "pk": update.pk}
        )
        lines.append(f"- {update.item.code} {update.item.title}: {link}")
    lines += ["", _("Deadline: %(date)s") % {"date": round_.deadline.strftime("%d-%m-%Y")}]
    return "\n".join(lines)
