"""Reminders about complaints, sent by ``koers send_reminders`` beside the reminders of
rounds and council questions.

- Before the deadline: once the deadline is at most the organisation's ``reminder_days``
  away, the handler of an open complaint (or, while it has none, the complaint handlers)
  gets one e-mail.
- After the deadline: the complaint handlers (holders of ``HANDLE_COMPLAINTS``:
  administrators and members marked as complaint handler) get one escalation.

Missed days catch up: a run after a day without one still sends what is due. Each
(complaint, person, moment) is recorded before the e-mail goes out, so a second run sends
nothing again; a failed send removes the records so that the next run tries again. The
e-mails name the complaint's reference, subject and deadline, never the complainant.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from koers.accounts.models import Membership
from koers.accounts.permissions import HANDLE_COMPLAINTS, can
from koers.complaints.models import Complaint, ComplaintReminderSent, ComplaintSettings
from koers.plans.terminology import dutch_of

BEFORE = "before"
ESCALATION = "escalation"


def send_complaint_reminders(today: datetime.date | None = None) -> int:
    """Send what is due today; return how many e-mails went out."""
    today = today or timezone.localdate()
    reminder_days = dict(ComplaintSettings.objects.values_list("organisation_id", "reminder_days"))
    default_days = ComplaintSettings._meta.get_field("reminder_days").default
    latest = today + datetime.timedelta(days=max([default_days, *reminder_days.values()]))
    complaints = (
        Complaint.objects.filter(
            closed_on__isnull=True, received_on__lte=today, deadline__lte=latest
        )
        .select_related("organisation", "handler__user")
        .order_by("organisation_id", "deadline", "id")
    )
    due = defaultdict(lambda: defaultdict(list))  # (organisation, moment) -> user -> complaints
    handlers_of = {}
    for complaint in complaints:
        organisation = complaint.organisation
        if organisation.pk not in handlers_of:
            handlers_of[organisation.pk] = _complaint_handlers(organisation)
        if complaint.deadline < today:
            for user in handlers_of[organisation.pk]:
                due[(organisation, ESCALATION)][user].append(complaint)
        elif (complaint.deadline - today).days <= reminder_days.get(organisation.pk, default_days):
            people = [complaint.handler.user] if complaint.handler else handlers_of[organisation.pk]
            for user in people:
                due[(organisation, BEFORE)][user].append(complaint)
    sent = 0
    for (organisation, moment), per_user in due.items():
        with translation.override(dutch_of(organisation.terminology_preset)):
            for user, their_complaints in per_user.items():
                sent += _send_once(organisation, moment, user, their_complaints)
    return sent


def _complaint_handlers(organisation) -> list:
    members = Membership.objects.filter(organisation=organisation).select_related("user")
    return [m.user for m in members.order_by("id") if can(m, HANDLE_COMPLAINTS)]


def _send_once(organisation, moment: str, user, complaints: list[Complaint]) -> int:
    """Record the complaints not yet sent to this person for this moment, then send one
    e-mail about them."""
    if not user.email:
        return 0
    already = set(
        ComplaintReminderSent.objects.filter(
            user=user, moment=moment, complaint__in=complaints
        ).values_list("complaint_id", flat=True)
    )
    new = []
    for complaint in [c for c in complaints if c.pk not in already]:
        # One record each, made before sending: a concurrent run's records win.
        try:
            with transaction.atomic():
                ComplaintReminderSent.objects.create(complaint=complaint, user=user, moment=moment)
        except IntegrityError:
            continue  # already sent
        new.append(complaint)
    if not new:
        return 0
    try:
        send_mail(_subject(moment, new), _body(organisation, moment, new), None, [user.email])
    except Exception:
        ComplaintReminderSent.objects.filter(user=user, moment=moment, complaint__in=new).delete()
        raise
    return 1


def _subject(moment: str, complaints: list[Complaint]) -> str:
    if moment == ESCALATION:
        return _("Complaints past their deadline: %(references)s") % {
            "references": ", ".join(c.reference for c in complaints[:5])
            + (" …" if len(complaints) > 5 else "")
        }
    return _("Reminder: complaints to answer soon: %(references)s") % {
        "references": ", ".join(c.reference for c in complaints[:5])
        + (" …" if len(complaints) > 5 else "")
    }


def _body(organisation, moment: str, complaints: list[Complaint]) -> str:
    intro = (
        _("These complaints have not been answered and their deadline has passed:")
        if moment == ESCALATION
        else _("These complaints must be answered soon:")
    )
    lines = [intro, ""]
    for complaint in complaints:
        link = settings.KOERS_BASE_URL + reverse(
            "complaints:detail", kwargs={"org": organisation.slug, "pk": complaint.pk}
        )
        lines.append(
            _("- %(reference)s %(subject)s, deadline %(date)s: %(link)s")
            % {
                "reference": complaint.reference,
                "subject": complaint.subject,
                "date": date_format(complaint.deadline),
                "link": link,
            }
        )
    return "\n".join(lines)
