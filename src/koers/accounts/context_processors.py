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
    }
