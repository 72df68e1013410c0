"""Who hears what about a council question: a notice in the app (shown with the other
notifications until read) and an e-mail, sent by ``koers send_notifications``.

A notice is claimed (``emailed_at`` and a batch token set) before its e-mail goes out, so
running the command twice, or on two machines at once, sends nothing twice; a failed
send releases the claim for the next run.
"""

import logging
import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from koers.accounts.models import Membership, Role
from koers.council.models import Question, QuestionNotice
from koers.plans.terminology import dutch_of

logger = logging.getLogger(__name__)

Kind = QuestionNotice.Kind


def tell(question: Question, user, kind: str, actor) -> None:
    """A notice to one person, unless they did it themselves."""
    if user is None or (actor.user is not None and actor.user.pk == user.pk):
        return
    QuestionNotice.objects.create(user=user, question=question, kind=kind)


def tell_coordinators(question: Question, kind: str, actor) -> None:
    """A notice to every coordinator of the question's organisation."""
    coordinators = Membership.objects.filter(
        organisation_id=question.organisation_id, role=Role.COORDINATOR
    ).values_list("user_id", flat=True)
    me = actor.user.pk if actor.user is not None else None
    QuestionNotice.objects.bulk_create(
        QuestionNotice(user_id=user_id, question=question, kind=kind)
        for user_id in coordinators
        if user_id != me
    )


def for_member(membership: Membership):
    return QuestionNotice.objects.filter(
        user_id=membership.user_id, question__organisation_id=membership.organisation_id
    )


def unread_count(membership: Membership) -> int:
    return for_member(membership).filter(read_at__isnull=True).count()


def mark_all_read(membership: Membership) -> int:
    return for_member(membership).filter(read_at__isnull=True).update(read_at=timezone.now())


def link(question: Question) -> str:
    return settings.KOERS_BASE_URL + reverse(
        "council:question",
        kwargs={"org": question.round.plan.organisation.slug, "pk": question.pk},
    )


def describe(notice: QuestionNotice) -> str:
    return _("%(kind)s: %(title)s") % {
        "kind": capfirst(notice.get_kind_display()),
        "title": notice.question.title,
    }


def send_mails() -> int:
    """E-mail everyone their notices not yet e-mailed, one message per person (of the
    organisation in scope: ``send_notifications`` runs it per organisation); return the
    number of messages. A failure for one person does not stop the others."""
    waiting = QuestionNotice.objects.filter(emailed_at__isnull=True)
    first_error, sent = None, 0
    for user_id in sorted(set(waiting.values_list("user_id", flat=True))):
        try:
            sent += _send_to(user_id)
        except Exception as error:  # logged now, raised after the loop
            logger.exception("Council question e-mail to user %s failed", user_id)
            first_error = first_error or error
    if first_error is not None:
        raise first_error
    return sent


def _still_member():
    return Exists(
        Membership.objects.filter(
            user_id=OuterRef("user_id"), organisation_id=OuterRef("question__organisation_id")
        )
    )


def _send_to(user_id: int) -> int:
    waiting = QuestionNotice.objects.filter(user_id=user_id, emailed_at__isnull=True)
    waiting.exclude(_still_member()).update(emailed_at=timezone.now())  # they left
    token = uuid.uuid4().hex
    if not waiting.update(emailed_at=timezone.now(), batch=token):
        return 0  # another run took them
    notices = list(
        QuestionNotice.objects.filter(batch=token)
        .select_related(
            "user", "question", "question__round__plan", "question__round__plan__organisation"
        )
        .order_by("created_at", "id")
    )
    person = notices[0].user
    if not person.email:
        return 0
    preset = notices[0].question.round.plan.terminology_preset
    try:
        with translation.override(dutch_of(preset)):
            subject = _("Koers: %(count)s news about council questions") % {"count": len(notices)}
            lines = [_("News about council questions:"), ""]
            for notice in notices:
                lines.append(f"- {describe(notice)}")
                lines.append(f"  {link(notice.question)}")
            send_mail(subject, "\n".join(lines), None, [person.email])
    except Exception:
        QuestionNotice.objects.filter(batch=token).update(emailed_at=None, batch="")
        raise
    return 1
