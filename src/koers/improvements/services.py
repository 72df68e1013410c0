"""The register of improvement actions: every change goes through these functions.

Each checks the actor's capability (``permissions.MANAGE_IMPROVEMENTS`` for the register,
``permissions.covers_action`` for an action's owners), runs in a transaction and leaves a
history record naming the user. Improvement actions are followed up in the plan's
reporting rounds as plan items are: the coordinator adds the open actions to an open round,
their owners write an :class:`ImprovementUpdate` (draft → submitted), and the coordinator
approves it (the action takes over its status) or returns it with a comment.
"""

from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from koers.accounts.actor import Actor, attribute
from koers.accounts.locking import EditConflict, claim_version
from koers.accounts.models import Department, Membership
from koers.accounts.permissions import MANAGE_IMPROVEMENTS, can, covers_action
from koers.followup.attachments import check_file
from koers.followup.models import ReportingRound
from koers.improvements.models import Evidence, ImprovementAction, ImprovementUpdate, Source
from koers.plans.models import PlanItem

Status = ImprovementAction.Status
State = ImprovementUpdate.State


class UpdateConflict(EditConflict):
    """Someone saved the state since the form was opened; ``current`` is their version."""


# -- sources -----------------------------------------------------------------------------


@transaction.atomic
def save_source(
    organisation,
    values: dict,
    *,
    actor: Actor,
    source: Source | None = None,
    expected_version: int | None = None,
) -> Source:
    actor.require(MANAGE_IMPROVEMENTS, organisation=organisation)
    if source is None:
        source = Source(organisation=organisation)
    elif source.organisation_id != organisation.id:
        raise PermissionDenied
    claim_version(source, expected_version)
    if not (values.get("name") or "").strip():
        raise ValidationError({"name": _("Give the source a name.")})
    for name in ("name", "kind", "date", "description"):
        if name in values:
            setattr(source, name, values[name].strip() if name == "name" else values[name])
    attribute(source, actor, _("Source saved"))
    source.save()
    return source


# -- improvement actions -----------------------------------------------------------------

ACTION_FIELDS = (
    "source",
    "reference",
    "finding",
    "recommendation",
    "priority",
    "owner",
    "department",
    "deadline",
    "status",
    "completed_on",
    "response",
    "response_reason",
    "complaint",
)


def action_errors(organisation, values: dict) -> dict[str, str]:
    """The rules of one action's values, by field (empty: none broken)."""
    errors = {}
    for name in ("source", "owner", "department", "complaint"):
        value = values.get(name)
        if value is not None and value.organisation_id != organisation.id:
            errors[name] = _("This belongs to another organisation.")
    if not (values.get("finding") or "").strip():
        errors["finding"] = _("Describe the finding.")
    if values.get("source") is None:
        errors["source"] = _("Choose where the action comes from.")
    if (
        values.get("response") == ImprovementAction.Response.NOT_ACCEPTED
        and not (values.get("response_reason") or "").strip()
    ):
        errors["response_reason"] = _("Say why the recommendation is not accepted.")
    items = values.get("plan_items")
    if items and any(item.plan.organisation_id != organisation.id for item in items):
        errors["plan_items"] = _("A linked plan item belongs to another organisation.")
    return errors


@transaction.atomic
def save_action(
    organisation,
    values: dict,
    *,
    actor: Actor,
    action: ImprovementAction | None = None,
    expected_version: int | None = None,
    reason: str = "",
) -> ImprovementAction:
    """Create or change an action; ``plan_items`` (when given) replaces its links."""
    actor.require(MANAGE_IMPROVEMENTS, organisation=organisation)
    if action is None:
        action = ImprovementAction(organisation=organisation)
    elif action.organisation_id != organisation.id:
        raise PermissionDenied
    claim_version(action, expected_version)
    merged = {name: getattr(action, name, None) for name in ACTION_FIELDS}
    merged.update({name: values[name] for name in ACTION_FIELDS if name in values})
    merged["plan_items"] = values.get("plan_items")
    errors = action_errors(organisation, merged)
    if errors:
        raise ValidationError(errors)
    for name in ACTION_FIELDS:
        if name in values:
            setattr(action, name, values[name])
    _completion(action)
    attribute(action, actor, reason or _("Improvement action saved"))
    action.save()
    if values.get("plan_items") is not None:
        action.plan_items.set(values["plan_items"])
    return action


def _completion(action: ImprovementAction) -> None:
    """A done action has the day it was done (today unless told); an open one has none."""
    if action.status == Status.DONE:
        action.completed_on = action.completed_on or timezone.localdate()
    else:
        action.completed_on = None


@transaction.atomic
def delete_action(action: ImprovementAction, *, actor: Actor) -> None:
    actor.require(MANAGE_IMPROVEMENTS, organisation=action.organisation_id)
    attribute(action, actor, _("Improvement action deleted"))
    action.delete()


# -- evidence ----------------------------------------------------------------------------


@transaction.atomic
def add_evidence(action: ImprovementAction, upload, *, actor: Actor) -> Evidence:
    """Store a file with the action, with the kinds and limits of update attachments."""
    if actor.membership is not None and not covers_action(actor.membership, action):
        raise PermissionDenied
    head = upload.read(16)
    upload.seek(0)
    check_file(upload.name, head, upload.size)
    name = get_valid_filename(PurePath(upload.name).name)[:200]
    evidence = Evidence(action=action, name=name, size=upload.size, uploaded_by=actor.user)
    attribute(evidence, actor, _("Evidence added"))
    evidence.file.save(name, upload, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def remove_evidence(evidence: Evidence, *, actor: Actor) -> None:
    if actor.membership is not None and not covers_action(actor.membership, evidence.action):
        raise PermissionDenied
    attribute(evidence, actor, _("Evidence removed"))
    evidence.delete()  # the file follows after commit (improvements/receivers.py)


# -- follow-up in reporting rounds -------------------------------------------------------


def open_actions(organisation):
    """Actions still to be carried out (not done or cancelled, not refused)."""
    return ImprovementAction.objects.filter(
        organisation=organisation, status__in=ImprovementAction.OPEN
    ).exclude(response=ImprovementAction.Response.NOT_ACCEPTED)


@transaction.atomic
def add_to_round(round_: ReportingRound, *, actor: Actor, source: Source | None = None) -> int:
    """Put the organisation's open actions (of one source, if given) in scope of an open
    round: each gets a draft state for its owner. Actions already in the round stay."""
    actor.require(MANAGE_IMPROVEMENTS, organisation=round_.plan.organisation_id)
    if round_.state != ReportingRound.State.OPEN:
        raise ValidationError(_("Improvement actions can only be added to an open round."))
    organisation = round_.plan.organisation
    actions = open_actions(organisation).exclude(updates__round=round_)
    if source is not None:
        if source.organisation_id != organisation.id:
            raise PermissionDenied
        actions = actions.filter(source=source)
    new = [
        ImprovementUpdate(round=round_, action_id=pk, status=status, updated_by=actor.user)
        for pk, status in actions.values_list("id", "status")
    ]
    if new:
        bulk_create_with_history(
            new, ImprovementUpdate, default_user=actor.user, default_change_reason=_("Round opened")
        )
    return len(new)


def may_read(membership, update: ImprovementUpdate) -> bool:
    """Drafts are for the action's owners and the coordinator; everyone reads approved ones."""
    return update.state == State.APPROVED or covers_action(membership, update.action)


def may_write(membership, update: ImprovementUpdate) -> bool:
    """Owners write drafts and returned states while the round is open; afterwards only the
    coordinator corrects."""
    if update.round.state == ReportingRound.State.OPEN:
        return covers_action(membership, update.action) and update.state in (
            State.DRAFT,
            State.RETURNED,
        )
    return can(membership, MANAGE_IMPROVEMENTS)


def _locked(update: ImprovementUpdate) -> ImprovementUpdate:
    current = (
        ImprovementUpdate.objects.select_for_update(of=("self",))
        .select_related("round")
        .get(pk=update.pk)
    )
    current.action = update.action
    return current


@transaction.atomic
def save_update(
    update: ImprovementUpdate, values: dict, *, version: int, submit: bool, actor: Actor
) -> ImprovementUpdate:
    """Save the owner's state of the action (as draft, or submitted); refuse when someone
    saved meanwhile."""
    current = _locked(update)
    if not may_write(actor.membership, current):
        if current.state == State.SUBMITTED and covers_action(actor.membership, current.action):
            raise ValidationError(
                _("This state has been submitted: withdraw it first to change it.")
            )
        raise PermissionDenied
    if current.version != version:
        raise UpdateConflict(current)
    status = values.get("status") or ""
    if status and status not in Status.values:
        raise ValidationError({"status": _("Choose one of the statuses.")})
    current.status = status
    current.narrative = (values.get("narrative") or "").strip()
    current.version += 1
    current.updated_by = actor.user
    reason = _("Saved as draft")
    if current.round.state != ReportingRound.State.OPEN:
        reason = _("Corrected after the round was closed")
    elif submit:
        if not current.narrative:
            raise ValidationError({"narrative": _("Write the state before submitting it.")})
        current.state = State.SUBMITTED
        current.submitted_at = timezone.now()
        reason = _("Submitted")
    attribute(current, actor, reason)
    current.save()
    return current


@transaction.atomic
def withdraw(update: ImprovementUpdate, *, version: int, actor: Actor) -> ImprovementUpdate:
    """The owner takes a submitted state back to draft before it is reviewed."""
    current = _locked(update)
    if not covers_action(actor.membership, current.action) and actor.membership is not None:
        raise PermissionDenied
    if current.version != version:
        raise UpdateConflict(current)
    if current.round.state != ReportingRound.State.OPEN:
        raise ValidationError(_("The round is closed."))
    if current.state != State.SUBMITTED:
        raise ValidationError(_("Only a submitted state can be withdrawn."))
    current.state = State.DRAFT
    current.submitted_at = None
    current.version += 1
    current.updated_by = actor.user
    attribute(current, actor, _("Withdrawn to change it"))
    current.save()
    return current


@transaction.atomic
def _review(update: ImprovementUpdate, state: str, comment: str, reason: str, actor: Actor):
    actor.require(
        MANAGE_IMPROVEMENTS,
        organisation=ImprovementUpdate.objects.values_list(
            "action__organisation_id", flat=True
        ).get(pk=update.pk),
    )
    update = (
        ImprovementUpdate.objects.select_for_update(of=("self",))
        .select_related("round", "action")
        .get(pk=update.pk)
    )
    if update.round.state != ReportingRound.State.OPEN:
        raise ValidationError(_("The round is closed."))
    if update.state != State.SUBMITTED:
        raise ValidationError(_("Only a submitted state can be reviewed."))
    update.state = state
    update.review_comment = comment
    update.reviewed_at = timezone.now()
    update.version += 1
    attribute(update, actor, reason)
    update.save()
    return update


@transaction.atomic
def approve(update: ImprovementUpdate, *, actor: Actor) -> ImprovementUpdate:
    """Approve; the action takes over the status its owner reported."""
    approved = _review(update, State.APPROVED, "", _("Approved"), actor)
    action = ImprovementAction.objects.get(pk=approved.action_id)
    if approved.status and approved.status != action.status:
        reason = _("Approved state of %(round)s") % {"round": approved.round.name}
        save_action(
            action.organisation, {"status": approved.status}, actor=actor, action=action,
            reason=reason,
        )  # fmt: skip
    return approved


def return_update(update: ImprovementUpdate, comment: str, *, actor: Actor):
    if not comment.strip():
        raise ValidationError({"comment": _("Tell the owner what to change.")})
    return _review(update, State.RETURNED, comment.strip(), _("Returned"), actor)


def inbox(membership):
    """The states to write in open rounds for actions the member owns or whose department
    they are in."""
    departments = list(membership.departments.values_list("id", flat=True))
    mine = Q(action__owner=membership)
    if departments:
        mine |= Q(action__department__in=departments)
    return (
        ImprovementUpdate.objects.filter(
            action__organisation=membership.organisation,
            round__state=ReportingRound.State.OPEN,
        )
        .filter(mine)
        .select_related("round", "action", "action__source")
        .order_by("round__deadline", "action__source_id", "action__reference", "action_id")
    )


# -- choices for forms -------------------------------------------------------------------


def owner_choices(organisation):
    return Membership.objects.filter(organisation=organisation).select_related("user")


def department_choices(organisation):
    return Department.objects.filter(organisation=organisation).order_by("name")


def plan_item_choices(organisation):
    return (
        PlanItem.objects.filter(plan__organisation=organisation, depth__gt=1)
        .select_related("plan")
        .order_by("plan_id", "path")
    )
