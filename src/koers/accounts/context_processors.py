from koers.accounts.models import Membership
from koers.accounts.permissions import MANAGE_ORGANISATION, can
from koers.complaints.access import may_open_register


def organisation(request):
    """Expose the current organisation and membership (set by the view) to templates."""
    membership = getattr(request, "membership", None)
    return {
        "membership": membership,
        "organisation": membership.organisation if membership else None,
        "can_manage_organisation": can(membership, MANAGE_ORGANISATION),
        "may_open_complaints": may_open_register(membership),
        "organisation_count": lambda: _organisation_count(request.user),
    }


def _organisation_count(user) -> int:
    """How many organisations the user belongs to (the header offers to switch)."""
    if not user.is_authenticated:
        return 0
    # all_organisations: the user's memberships of every organisation, only counted.
    return Membership.objects.all_organisations().filter(user=user).count()
