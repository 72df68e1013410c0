"""Reminders to owners whose updates are still missing, a set number of days around the deadline,
and after it the list of missing updates to each department's head.

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
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from koers.accounts.models import Department
from koers.followup.models import ProgressUpdate, ReminderSent, ReportingRound
from koers.plans.terminology import dutch_of

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
        # E-mails speak the Dutch of the plan: "uiterste datum" in Flanders, "inleverdatum" in NL.
        with translation.override(dutch_of(round_.plan.terminology_preset)):
            sent += _round_reminders(round_, today)
    from koers.council.reminders import send_question_reminders  # council questions too

    sent += send_question_reminders(today)
    from koers.complaints.reminders import send_complaint_reminders  # and complaints

    sent += send_complaint_reminders(today)
    return sent


def _round_reminders(round_: ReportingRound, today: date) -> int:
    sent = _escalate(round_, today)
    moment = moment_for(round_, today)
    if moment is None:
        return sent
    missing = defaultdict(list)
    updates = (
        ProgressUpdate.objects.filter(round=round_, state__in=MISSING, item__owner__isnull=False)
        .select_related("item", "item__owner")
        .order_by("item__path")
    )
    for update in updates:
        missing[update.item.owner].append(update)
    for person, their_updates in missing.items():
        sent += _remind(round_, moment, person, their_updates, today)
    return sent


def _escalate(round_: ReportingRound, today: date) -> int:
    """After the deadline, each department head gets the list of their department's
    missing updates (once per day named in ``KOERS_ESCALATION_DAYS_AFTER``)."""
    days = (today - round_.deadline).days
    if days <= 0 or days not in settings.KOERS_ESCALATION_DAYS_AFTER:
        return 0
    per_head = defaultdict(dict)
    organisation_id = round_.plan.organisation_id
    departments = Department.objects.filter(
        organisation_id=organisation_id,
        head__memberships__organisation_id=organisation_id,  # a head who left hears nothing
    ).select_related("head")
    heads = {department.id: department.head for department in departments}
    updates = (
        ProgressUpdate.objects.filter(
            round=round_, state__in=MISSING, item__departments__in=list(heads)
        )
        .select_related("item", "item__owner")
        .prefetch_related("item__departments")
        .order_by("item__path")
        .distinct()
    )
    for update in updates:
        for department in update.item.departments.all():
            if department.id in heads:
                per_head[heads[department.id]][update.pk] = update
    sent = 0
    for head, their_updates in per_head.items():
        subject = _("Missing updates in your department for %(round)s") % {"round": round_.name}
        body = _escalation_body(round_, list(their_updates.values()))
        sent += _send_once(round_, f"escalation-{days}", head, subject, body)
    return sent


def _escalation_body(round_, updates) -> str:
    lines = [
        _(
            "The deadline of %(round)s (%(date)s) has passed. These items of your department "
            "still have no submitted update:"
        )
        % {"round": round_.name, "date": date_format(round_.deadline)},
        "",
    ]
    for update in updates:
        owner = update.item.owner
        who = (owner.get_full_name() or owner.email) if owner else _("no owner")
        lines.append(f"- {update.item.code} {update.item.title} ({who}): {_link(round_, update)}")
    return "\n".join(lines)


def _remind(round_, moment, person, updates, today) -> int:
    return _send_once(round_, moment, person, _subject(round_, today), _body(round_, updates))


def _send_once(round_, moment, person, subject, body) -> int:
    """Record, then send; the record makes a second run send nothing."""
    if not person.email:
        return 0
    try:
        with transaction.atomic():
            record = ReminderSent.objects.create(round=round_, user=person, moment=moment)
    except IntegrityError:
        return 0  # already sent
    try:
        send_mail(subject, body, None, [person.email])
    except Exception:
        record.delete()
        raise
    return 1


def _link(round_, update) -> str:
    org = round_.plan.organisation.slug
    return settings.KOERS_BASE_URL + reverse(
        "followup:update", kwargs={"org": org, "pk": update.pk}
    )


def _subject(round_, today) -> str:
    if today > round_.deadline:
        return _("Overdue: your updates for %(round)s") % {"round": round_.name}
    return _("Reminder: your updates for %(round)s are due on %(date)s") % {
        "round": round_.name,
        "date": date_format(round_.deadline),
    }


def _body(round_, updates) -> str:
    lines = [
        _("These items of %(plan)s still need your update in %(round)s:")
        % {"plan": round_.plan.title, "round": round_.name},
        "",
    ]
    for update in updates:
        lines.append(f"- {update.item.code} {update.item.title}: {_link(round_, update)}")
    lines += ["", _("Deadline: %(date)s") % {"date": date_format(round_.deadline)}]
    return "\n".join(lines)
