"""Following items, notifying followers of changes, and e-mailing those changes in batches.

The e-mail batch is sent by ``koers send_notifications`` (cron or a systemd timer,
e.g. every hour): one message per person with every change since the previous
batch (the command runs it per organisation, in that organisation's scope). A
notification is claimed (``emailed_at`` set) before its message goes out, so running
the command twice, or on two machines at once, sends nothing twice; a failed send
releases the claim for the next run.
"""

import logging
import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor
from koers.accounts.models import Membership
from koers.accounts.permissions import VIEW
from koers.notifications.models import Follow, Notification
from koers.plans.models import PlanItem

logger = logging.getLogger(__name__)


def follow(item: PlanItem, *, actor: Actor) -> None:
    actor.require(VIEW, item)
    Follow.objects.get_or_create(user=actor.user, item=item)


def unfollow(item: PlanItem, *, actor: Actor) -> None:
    Follow.objects.filter(user=actor.user, item=item).delete()


def is_following(user, item: PlanItem) -> bool:
    return Follow.objects.filter(user=user, item=item).exists()


def notify_followers(item: PlanItem, changes: list[tuple[str, str, str]], actor: Actor) -> int:
    """A notification per change for everyone following the item, except who made it.

    Followers who are no longer members of the item's organisation hear nothing."""
    members = Membership.objects.filter(organisation_id=item.plan.organisation_id).values("user_id")
    followers = Follow.objects.filter(item=item, user_id__in=members)
    if actor.user is not None:
        followers = followers.exclude(user=actor.user)
    notifications = [
        Notification(
            user_id=user_id,
            item=item,
            field=field,
            before=before[:200],
            after=after[:200],
            changed_by=actor.user,
        )
        for user_id in followers.values_list("user_id", flat=True)
        for field, before, after in changes
    ]
    Notification.objects.bulk_create(notifications)
    return len(notifications)


def for_member(membership: Membership):
    """The member's notifications about items of this organisation."""
    return Notification.objects.filter(
        user=membership.user, item__plan__organisation=membership.organisation
    )


def unread_count(membership: Membership) -> int:
    return for_member(membership).filter(read_at__isnull=True).count()


def mark_read(membership: Membership) -> int:
    return for_member(membership).filter(read_at__isnull=True).update(read_at=timezone.now())


def describe(notification: Notification) -> str:
    """'status: op schema → vertraagd' in the current language."""
    return _("%(field)s: %(before)s → %(after)s") % {
        "field": notification.get_field_display(),
        "before": notification.before or "–",
        "after": notification.after or "–",
    }


def send_batches() -> int:
    """E-mail everyone their changes not yet e-mailed; return the number of messages sent.

    A failure for one person does not stop the others; the first error is raised at the
    end, after every other person had their message, so that cron reports it."""
    waiting = Notification.objects.filter(emailed_at__isnull=True)
    first_error = None
    sent = 0
    for user_id in sorted(set(waiting.values_list("user_id", flat=True))):
        try:
            sent += _send_batch(user_id)
        except Exception as error:  # logged now, raised after the loop
            logger.exception("Notification e-mail to user %s failed", user_id)
            first_error = first_error or error
    if first_error is not None:
        raise first_error
    return sent


def _still_member():
    return Exists(
        Membership.objects.filter(
            user_id=OuterRef("user_id"), organisation_id=OuterRef("item__plan__organisation_id")
        )
    )


def _send_batch(user_id: int) -> int:
    """Claim this person's waiting notifications with a token, then send exactly those."""
    waiting = Notification.objects.filter(user_id=user_id, emailed_at__isnull=True)
    waiting.exclude(_still_member()).delete()  # they left the organisation
    token = uuid.uuid4().hex
    claimed = waiting.update(emailed_at=timezone.now(), batch=token)
    if not claimed:
        return 0  # another run took them
    notifications = list(
        Notification.objects.filter(batch=token)
        .select_related("user", "item", "item__plan", "item__plan__organisation")
        .order_by("item__path", "created_at")
    )
    person = notifications[0].user
    if not person.email:
        return 0
    try:
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _batch_subject(notifications), _batch_body(notifications)
            send_mail(subject, body, None, [person.email])
    except Exception:
        Notification.objects.filter(batch=token).update(emailed_at=None, batch="")
        raise
    return 1


def _batch_subject(notifications) -> str:
    items = {notification.item_id for notification in notifications}
    return _("Koers: %(count)s followed items changed") % {"count": len(items)}


def _batch_body(notifications) -> str:
    lines = [_("These items you follow have changed:"), ""]
    for notification in notifications:
        item = notification.item
        link = settings.KOERS_BASE_URL + reverse(
            "plans:item_detail", kwargs={"org": item.plan.organisation.slug, "pk": item.pk}
        )
        lines.append(f"- {item.code} {item.title}: {describe(notification)}")
        lines.append(f"  {link}")
    lines += ["", _("You receive this because you follow these items in Koers.")]
    return "\n".join(lines)
