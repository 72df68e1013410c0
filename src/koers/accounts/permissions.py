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

from koers.accounts.models import Membership, OrganisationUnavailable, Role
from koers.accounts.scoping import enter_organisation

VIEW = "view"
EXPORT = "export"
MANAGE_PLANS = "manage_plans"  # create, configure, import, delete plans
MANAGE_STRUCTURE = "manage_structure"  # create, move, delete items
CHANGE_ITEM = "change_item"  # edit an item, its milestones and budget lines
MANAGE_ORGANISATION = "manage_organisation"
MANAGE_INDICATORS = "manage_indicators"  # the indicator catalogue, targets, values, imports
MANAGE_IMPROVEMENTS = "manage_improvements"  # the register of improvement actions
HANDLE_COMPLAINTS = "handle_complaints"  # register and handle every complaint, see complainants
VIEW_COMPLAINTS = "view_complaints"  # read the complaints register (never the complainants)
ASK_QUESTIONS = "ask_questions"  # ask council questions (council members)
MANAGE_QUESTIONS = "manage_questions"  # assign, approve and publish council questions

CAPABILITY_LABELS = {
    VIEW: _("read plans"),
    EXPORT: _("export plans"),
    MANAGE_PLANS: _("create, configure and import plans"),
    MANAGE_STRUCTURE: _("create, move and delete items"),
    CHANGE_ITEM: _("edit items, milestones and budget lines"),
    MANAGE_ORGANISATION: _("manage departments and members"),
    MANAGE_INDICATORS: _("manage indicators, their targets and values"),
    MANAGE_IMPROVEMENTS: _("manage the register of improvement actions"),
    HANDLE_COMPLAINTS: _("register and handle complaints, with the complainants' data"),
    VIEW_COMPLAINTS: _("read the complaints register"),
    ASK_QUESTIONS: _("ask council questions"),
    MANAGE_QUESTIONS: _("assign, approve and publish council questions"),
}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(CAPABILITY_LABELS),
    Role.COORDINATOR: frozenset(
        {
            VIEW,
            EXPORT,
            MANAGE_PLANS,
            MANAGE_STRUCTURE,
            CHANGE_ITEM,
            MANAGE_INDICATORS,
            MANAGE_IMPROVEMENTS,
            VIEW_COMPLAINTS,
            ASK_QUESTIONS,
            MANAGE_QUESTIONS,
        }
    ),
    Role.EDITOR: frozenset({VIEW, EXPORT, CHANGE_ITEM}),
    Role.READER: frozenset({VIEW, EXPORT, ASK_QUESTIONS}),
}

# Capabilities an editor holds only for their own items (owner or department).
ITEM_SCOPED_FOR_EDITORS = frozenset({CHANGE_ITEM})

# Held, whatever the role, by members an administrator marks as complaint handler.
COMPLAINT_HANDLER_CAPABILITIES = frozenset({HANDLE_COMPLAINTS, VIEW_COMPLAINTS})


def can(membership: Membership | None, capability: str, item=None) -> bool:
    """May the holder of ``membership`` use ``capability`` (on ``item``, if given)?"""
    if membership is None:
        return False
    if capability in COMPLAINT_HANDLER_CAPABILITIES and membership.handles_complaints:
        return True  # organisation-wide; koers.complaints.access checks each complaint
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


def reads_question(membership: Membership | None, question) -> bool:
    """A council question: coordinators read every one of their organisation, the asker
    and the person who answers it read it in every state, others once it is answered."""
    if membership is None or question.organisation_id != membership.organisation_id:
        return False
    if can(membership, MANAGE_QUESTIONS):
        return True
    if membership.user_id in (question.asker_id, question.assignee_id):
        return True
    return question.state == "approved" and can(membership, VIEW)


def answers_question(membership: Membership | None, question) -> bool:
    """The person the question is assigned to writes its answer; a coordinator may too."""
    if membership is None or question.organisation_id != membership.organisation_id:
        return False
    if can(membership, MANAGE_QUESTIONS):
        return True
    return question.assignee_id is not None and question.assignee_id == membership.user_id


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
        # all_organisations: this check is what binds the request to its organisation.
        Membership.objects.all_organisations()
        .select_related("organisation", "user")
        .filter(user=user, organisation__slug=organisation_slug)
        .first()
    )
    if membership is None:
        raise Http404
    if membership.organisation.suspended:
        raise OrganisationUnavailable
    enter_organisation(membership.organisation)
    return membership


def covers_action(membership: Membership | None, action) -> bool:
    """An improvement action's owners: its owner, the members of its department, and those
    who manage the register; they write its state and add its evidence."""
    if membership is None or action.organisation_id != membership.organisation_id:
        return False
    if can(membership, MANAGE_IMPROVEMENTS):
        return True
    if CHANGE_ITEM not in ROLE_CAPABILITIES[membership.role]:
        return False
    if action.owner_id is not None and action.owner_id == membership.id:
        return True
    return action.department_id is not None and (
        action.department_id in membership_department_ids(membership)
    )
