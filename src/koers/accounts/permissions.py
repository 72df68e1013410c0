"""The one place where Koers decides who may do what.

A role is a short list of named capabilities. Views, the API and the CLI ask
:func:`can`; nobody checks ``membership.role`` directly. Editors get the
item-level capabilities only for items they own or that belong to one of
their departments.

Visibility is separate from capability: a user who is not a member of an
organisation gets a 404 for everything of it (see :func:`membership_or_404`).
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from koers.accounts.models import Membership, Role

VIEW = "view"
EXPORT = "export"
MANAGE_PLANS = "manage_plans"  # create, configure, import, delete plans
MANAGE_STRUCTURE = "manage_structure"  # create, move, delete items
CHANGE_ITEM = "change_item"  # edit an item, its milestones and budget lines
MANAGE_ORGANISATION = "manage_organisation"
MANAGE_INDICATORS = "manage_indicators"  # the indicator catalogue, targets, values, imports

CAPABILITY_LABELS = {
    VIEW: _("read plans"),
    EXPORT: _("export plans"),
    MANAGE_PLANS: _("create, configure and import plans"),
    MANAGE_STRUCTURE: _("create, move and delete items"),
    CHANGE_ITEM: _("edit items, milestones and budget lines"),
    MANAGE_ORGANISATION: _("manage departments and members"),
    MANAGE_INDICATORS: _("manage indicators, their targets and values"),
}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(CAPABILITY_LABELS),
    Role.COORDINATOR: frozenset(
        {VIEW, EXPORT, MANAGE_PLANS, MANAGE_STRUCTURE, CHANGE_ITEM, MANAGE_INDICATORS}
    ),
    Role.EDITOR: frozenset({VIEW, EXPORT, CHANGE_ITEM}),
    Role.READER: frozenset({VIEW, EXPORT}),
}

# Capabilities an editor holds only for their own items (owner or department).
ITEM_SCOPED_FOR_EDITORS = frozenset({CHANGE_ITEM})


def can(membership: Membership | None, capability: str, item=None) -> bool:
    """May the holder of ``membership`` use ``capability`` (on ``item``, if given)?"""
    if membership is None:
        return False
    if capability not in ROLE_CAPABILITIES[membership.role]:
        return False
    if membership.role == Role.EDITOR and capability in ITEM_SCOPED_FOR_EDITORS:
        return item is not None and editor_covers(membership, item)
    return not (item is not None and item.plan.organisation_id != membership.organisation_id)


def writes_updates(membership: Membership | None) -> bool:
    """An action owner: changes their own items but does not manage plans. Their work is
    writing progress updates, so the app opens on those (others open on the plans)."""
    if membership is None:
        return False
    held = ROLE_CAPABILITIES[membership.role]
    return CHANGE_ITEM in held and MANAGE_PLANS not in held


def editor_covers(membership: Membership, item) -> bool:
    if item.plan.organisation_id != membership.organisation_id:
        return False
    if item.owner_id is not None and item.owner_id == membership.user_id:
        return True
    own = membership_department_ids(membership)
    return bool(own) and bool(own & set(item_department_ids(item)))


def membership_department_ids(membership: Membership) -> set[int]:
    cached = getattr(membership, "_department_ids", None)
    if cached is None:
        cached = set(membership.departments.values_list("id", flat=True))
        membership._department_ids = cached
    return cached


def item_department_ids(item) -> list[int]:
    prefetched = getattr(item, "_prefetched_objects_cache", {}).get("departments")
    if prefetched is not None:
        return [d.id for d in prefetched]
    return list(item.departments.values_list("id", flat=True))


def membership_or_404(user, organisation_slug: str) -> Membership:
    """The user's membership of the organisation, or 404: non-members learn nothing."""
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(user=user, organisation__slug=organisation_slug)
        .first()
    )
    if membership is None:
        raise Http404
    return membership
