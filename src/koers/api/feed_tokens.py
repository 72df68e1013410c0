"""Making, finding and revoking feed tokens (see :mod:`koers.api.models`). Administrators
only; every change is kept in the token's history with who made it."""

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor, attribute
from koers.accounts.models import Membership
from koers.accounts.permissions import MANAGE_ORGANISATION
from koers.api.models import FeedToken

KEY_START = "kf_"
# How stale "last used" may be before a request writes it again.
USE_RECORDED_EVERY = datetime.timedelta(minutes=5)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _require_admin_of(actor: Actor, organisation_id: int) -> None:
    actor.require(MANAGE_ORGANISATION)
    if actor.membership is not None and actor.membership.organisation_id != organisation_id:
        raise PermissionDenied


@transaction.atomic
def create_feed_token(membership: Membership, name: str, *, actor: Actor) -> tuple[FeedToken, str]:
    """A new token for ``membership``; returns it with its key, which is kept nowhere."""
    _require_admin_of(actor, membership.organisation_id)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the key a name, such as the report it feeds.")})
    key = KEY_START + secrets.token_urlsafe(32)
    token = FeedToken(
        membership=membership,
        name=name,
        prefix=key[:10],
        key_hash=hash_key(key),
        created_by=actor.user,
    )
    attribute(token, actor, _("Feed key made"))
    token.save()
    return token, key


@transaction.atomic
def revoke_feed_token(token: FeedToken, *, actor: Actor) -> FeedToken:
    _require_admin_of(actor, token.membership.organisation_id)
    token = FeedToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor.user
        attribute(token, actor, _("Feed key revoked"))
        token.save()
    return token


def token_for_key(key: str) -> FeedToken | None:
    """The active token of ``key`` with its member, organisation and user; None for an
    unknown or revoked key, or one whose user can no longer sign in."""
    if not key.startswith(KEY_START):
        return None
    token = (
        # all_organisations: the key is what tells which organisation the request is for.
        FeedToken.objects.all_organisations()
        .select_related("membership__organisation", "membership__user")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.membership.user.is_active:
        return None
    return token


def record_use(token: FeedToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > USE_RECORDED_EVERY:
        # all_organisations: recorded while the key is checked, before the view's scope.
        FeedToken.objects.all_organisations().filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
