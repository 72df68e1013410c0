"""Who performs a mutation, and the permission check every write path starts with."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from koers.accounts.models import Membership
from koers.accounts.permissions import can


@dataclass(frozen=True)
class Actor:
    """A person acting through the web or API (with a membership), or the system (CLI)."""

    user: object | None
    membership: Membership | None = None

    @classmethod
    def system(cls, user=None) -> "Actor":
        return cls(user=user, membership=None)

    @classmethod
    def member(cls, membership: Membership) -> "Actor":
        return cls(user=membership.user, membership=membership)

    def require(self, capability: str, item=None, *, organisation=None) -> None:
        """Refuse (PermissionDenied) a member without ``capability`` (on ``item``), or one
        of another organisation than ``organisation`` (an Organisation or its id): a
        service given another organisation's plan, round or record refuses it itself,
        whether or not the view that called it checked."""
        if self.membership is None:  # the command line acts with the operator's authority
            return
        if organisation is not None:
            organisation_id = getattr(organisation, "pk", organisation)
            if organisation_id != self.membership.organisation_id:
                raise PermissionDenied
        if not can(self.membership, capability, item):
            raise PermissionDenied


def attribute(instance, actor: Actor, reason: str = "") -> None:
    """Tell django-simple-history who made the change that is about to be saved."""
    if actor.user is not None:
        instance._history_user = actor.user
    if reason:
        instance._change_reason = short_reason(reason)
        instance._koers_full_reason = reason  # the audit log keeps it whole


def short_reason(reason: str) -> str:
    """History keeps at most 100 characters of a reason."""
    return reason if len(reason) <= 100 else reason[:99] + "…"
