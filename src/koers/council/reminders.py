"""Reminders to whoever must answer a council question, on the days before and after its
deadline that ``KOERS_REMINDER_DAYS_BEFORE`` and ``KOERS_REMINDER_DAYS_AFTER`` name (the
same days as the owners' reminders of a round). Run by ``koers send_reminders``.

Each (question, person, moment) is recorded before its e-mail goes out, so running the
command twice never sends anything twice; a failed send removes the record so that the
next run tries again.
"""

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from koers.council.models import Question, QuestionReminder
from koers.council.notices import link
from koers.council.services import WAITING
from koers.plans.terminology import dutch_of


def moment_for(deadline: date, today: date) -> str | None:
    days = (deadline - today).days
    if days >= 0 and days in settings.KOERS_REMINDER_DAYS_BEFORE:
        return f"before-{days}"
    if days < 0 and -days in settings.KOERS_REMINDER_DAYS_AFTER:
        return f"after-{-days}"
    return None


def send_question_reminders(today: date | None = None) -> int:
    """Send today's reminders about council questions; return how many e-mails went out."""
    today = today or timezone.localdate()
    sent = 0
    questions = Question.objects.filter(
        state__in=WAITING, deadline__isnull=False, assignee__isnull=False
    ).select_related("assignee", "round__plan", "round__plan__organisation")
    for question in questions.order_by("deadline", "id"):
        moment = moment_for(question.deadline, today)
        if moment is None or not question.assignee.email:
            continue
        with translation.override(dutch_of(question.round.plan.terminology_preset)):
            sent += _send_once(question, moment, today)
    return sent


def _send_once(question: Question, moment: str, today: date) -> int:
    person = question.assignee
    try:
        with transaction.atomic():
            record = QuestionReminder.objects.create(question=question, user=person, moment=moment)
    except IntegrityError:
        return 0  # already sent
    due = date_format(question.deadline)
    if today > question.deadline:
        subject = _("Overdue: the answer to council question '%(title)s'") % {
            "title": question.title
        }
    else:
        subject = _("Reminder: answer council question '%(title)s' by %(date)s") % {
            "title": question.title,
            "date": due,
        }
    body = "\n".join(
        [
            _("A council question waits for your answer:"),
            "",
            question.title,
            link(question),
            "",
            _("Deadline: %(date)s") % {"date": due},
        ]
    )
    try:
        send_mail(subject, body, None, [person.email])
    except Exception:
        record.delete()
        raise
    return 1
