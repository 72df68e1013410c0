"""Every change to plan items, milestones and budget lines goes through these functions.

Each one checks permission, runs in a transaction and leaves a history record
(django-simple-history) naming who did it. Views, the API and the CLI call
them; none of them changes these models directly.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor, attribute
from koers.accounts.locking import claim_version
from koers.accounts.permissions import CHANGE_ITEM, MANAGE_STRUCTURE
from koers.plans.models import BudgetLine, DeletedSubtree, Milestone, Plan, PlanItem, PlanStatus
from koers.plans.richtext import sanitise
from koers.plans.services.codes import code_is_free, next_child_code
from koers.plans.services.structure import lock_plan_tree
from koers.plans.signals import item_progress_changed

ITEM_FIELDS = (
    "code",
    "title",
    "description",
    "intended_result",
    "progress_note",
    "cost_note",
    "policy",
    "owner",
    "start_year",
    "end_year",
    "planned_start",
    "planned_end",
    "timing",
    "status",
    "progress",
    "weight",
    "is_public",
)
ITEM_M2M_FIELDS = ("departments", "sdg_goals", "sdg_targets")
RICH_TEXT_FIELDS = ("description", "intended_result", "progress_note", "cost_note")


def plan_root(plan: Plan) -> PlanItem:
    return PlanItem.objects.get(plan=plan, depth=1)


def _check_item_values(plan: Plan, values: dict, exclude_id=None) -> None:
    errors = item_value_errors(plan, values, exclude_id)
    if errors:
        raise ValidationError(errors)


def item_value_errors(plan: Plan, values: dict, exclude_id=None) -> dict[str, str]:
    """What is wrong with an item's values as a whole (fields against each other, a code
    already used): per field, the message. Forms show these with their own field errors."""
    errors = {}
    start, end = values.get("start_year"), values.get("end_year")
    if start and end and start > end:
        errors["end_year"] = _("The end year lies before the start year.")
    planned_start, planned_end = values.get("planned_start"), values.get("planned_end")
    if planned_start and planned_end and planned_start > planned_end:
        errors["planned_end"] = _("The planned end lies before the planned start.")
    progress = values.get("progress")
    if progress is not None and not 0 <= progress <= 100:
        errors["progress"] = _("Progress is a percentage from 0 to 100.")
    status = values.get("status")
    if status is not None and status.plan_id != plan.id:
        errors["status"] = _("This status belongs to another plan.")
    code = values.get("code", "")
    if not code_is_free(plan, code, exclude_id):
        errors["code"] = _("The code %(code)s is already used in this plan.") % {"code": code}
    return errors


def _apply(item: PlanItem, values: dict) -> None:
    for name in ITEM_FIELDS:
        if name in values:
            value = values[name]
            if name in RICH_TEXT_FIELDS:
                value = sanitise(value or "")
            setattr(item, name, value)


def _apply_m2m(item: PlanItem, values: dict) -> None:
    for name in ITEM_M2M_FIELDS:
        if name in values:
            getattr(item, name).set(values[name])


@transaction.atomic
def create_item(plan: Plan, parent: PlanItem | None, values: dict, *, actor: Actor) -> PlanItem:
    """Add an item as the last child of ``parent`` (``None``: top level of the plan)."""
    actor.require(MANAGE_STRUCTURE, organisation=plan.organisation_id)
    lock_plan_tree(plan.pk)
    parent = parent or plan_root(plan)
    if parent.plan_id != plan.id:
        raise ValidationError(_("The parent belongs to another plan."))
    levels = plan.terminology.levels
    if parent.level >= len(levels):
        raise ValidationError(
            _("%(level)s is the lowest level of this plan; nothing can be added below it.")
            % {"level": levels[-1]}
        )
    values = dict(values)
    if not values.get("code"):
        values["code"] = next_child_code(plan, parent)
    _check_item_values(plan, values)
    item = PlanItem(plan=plan)
    _apply(item, values)
    attribute(item, actor)
    with _code_taken_meanwhile(values):
        item = PlanItem.objects.add_child(parent, instance=item)
    _apply_m2m(item, values)
    return item


@contextmanager
def _code_taken_meanwhile(values: dict):
    """Someone saved the same code between our check and our write: a form error."""
    try:
        yield
    except IntegrityError as error:
        if "code" not in str(error).lower():
            raise
        raise ValidationError(
            {
                "code": _("The code %(code)s is already used in this plan.")
                % {"code": values.get("code", "")}
            }
        ) from None


@transaction.atomic
def update_item(
    item: PlanItem,
    values: dict,
    *,
    actor: Actor,
    reason: str = "",
    expected_version: int | None = None,
) -> PlanItem:
    """Change an item; EditConflict when it was saved since ``expected_version``."""
    actor.require(CHANGE_ITEM, item)
    claim_version(item, expected_version)
    _check_item_values(item.plan, values, exclude_id=item.id)
    # From the database: a bound ModelForm has already set the new values on ``item``,
    # and the tree columns may have changed since ``item`` was read (a move, a new child).
    stored = PlanItem.objects.filter(pk=item.pk)
    status_id, progress, item.path, item.depth, item.numchild = stored.values_list(
        "status_id", "progress", "path", "depth", "numchild"
    ).get()
    before = (status_id, progress)
    _apply(item, values)
    attribute(item, actor, reason)
    with _code_taken_meanwhile(values):
        item.save()
    _apply_m2m(item, values)
    _announce_progress(item, before, actor)
    return item


def _announce_progress(item: PlanItem, before: tuple, actor: Actor) -> None:
    """Tell followers (through a signal) what changed in the item's status or progress."""
    status_id, progress = before
    changes = []
    if status_id != item.status_id:
        names = dict(
            PlanStatus.objects.filter(pk__in=[status_id, item.status_id]).values_list("pk", "name")
        )
        changes.append(("status", names.get(status_id, ""), names.get(item.status_id, "")))
    if progress != item.progress:
        changes.append(("progress", _percent(progress), _percent(item.progress)))
    if changes:
        item_progress_changed.send(PlanItem, item=item, actor=actor, changes=changes)


def _percent(value) -> str:
    return "" if value is None else f"{value}%"


MOVE_POSITIONS = {"first-child", "last-child", "left", "right"}


@transaction.atomic
def move_item(
    item: PlanItem,
    target: PlanItem,
    position: str,
    *,
    actor: Actor,
    expected_version: int | None = None,
) -> PlanItem:
    """Move an item with its subtree: into ``target`` (first/last child) or beside it;
    EditConflict when the item was saved (or moved) since ``expected_version``."""
    actor.require(MANAGE_STRUCTURE, item)
    lock_plan_tree(item.plan_id)
    item.refresh_from_db()
    target.refresh_from_db()
    if position not in MOVE_POSITIONS:
        raise ValidationError(_("Unknown position."))
    if target.plan_id != item.plan_id:
        raise ValidationError(_("An item can only move within its own plan."))
    if target.path.startswith(item.path):
        raise ValidationError(_("An item cannot move into itself or below itself."))
    if target.is_plan_root and position in {"left", "right"}:
        raise ValidationError(_("Choose a place inside the plan."))
    claim_version(item, expected_version)
    old_parent = PlanItem.objects.get_parent(item)
    PlanItem.objects.move(item, target, position)
    item.refresh_from_db()
    new_parent = PlanItem.objects.get_parent(item)
    attribute(item, actor, _moved_reason(old_parent, new_parent))
    item.save()  # records the move in the item's history
    return item


def _moved_reason(old_parent: PlanItem, new_parent: PlanItem) -> str:
    def name(node):
        return _("top level") if node.is_plan_root else (node.code or node.title)

    if old_parent.id == new_parent.id:
        return _("Moved within %(parent)s") % {"parent": name(new_parent)}
    return _("Moved from %(old)s to %(new)s") % {"old": name(old_parent), "new": name(new_parent)}


@transaction.atomic
def reorder_item(item: PlanItem, direction: str, *, actor: Actor) -> PlanItem:
    """Swap the item with its previous ('up') or next ('down') sibling."""
    actor.require(MANAGE_STRUCTURE, item)
    lock_plan_tree(item.plan_id)
    item.refresh_from_db()
    if direction == "up":
        sibling = PlanItem.objects.get_prev_sibling(item)
        if sibling is not None:
            return move_item(item, sibling, "left", actor=actor)
    elif direction == "down":
        sibling = PlanItem.objects.get_next_sibling(item)
        if sibling is not None:
            return move_item(item, sibling, "right", actor=actor)
    else:
        raise ValidationError(_("Unknown direction."))
    return item


def subtree_counts(item: PlanItem) -> dict[str, int]:
    """What deleting ``item`` would remove, for the confirmation page."""
    subtree = PlanItem.objects.filter(plan=item.plan, path__startswith=item.path)
    return {
        "items": subtree.count(),
        "milestones": Milestone.objects.filter(item__in=subtree).count(),
        "budget_lines": BudgetLine.objects.filter(item__in=subtree).count(),
    }


@transaction.atomic
def delete_item(
    item: PlanItem, *, actor: Actor, expected_version: int | None = None
) -> DeletedSubtree:
    """Delete an item with its subtree; a copy is kept so that it can be restored.
    EditConflict when the item was saved since ``expected_version`` (the version the
    person saw when they asked to delete it)."""
    from koers.plans.document.export import export_subtree

    actor.require(MANAGE_STRUCTURE, item)
    lock_plan_tree(item.plan_id)
    claim_version(item, expected_version)
    item.refresh_from_db()
    fragment = export_subtree(item)
    parent = PlanItem.objects.get_parent(item)
    trash = DeletedSubtree.objects.create(
        plan=item.plan,
        parent=parent,
        parent_code=parent.code,
        parent_was_root=parent.is_plan_root,
        title=str(item),
        item_count=PlanItem.objects.filter(plan=item.plan, path__startswith=item.path).count(),
        fragment=fragment,
        deleted_by=actor.user,
    )
    item.delete()
    return trash


def _organisation_of(plan_id: int) -> int:
    return Plan.objects.values_list("organisation_id", flat=True).get(pk=plan_id)


@transaction.atomic
def restore_deleted(trash: DeletedSubtree, *, actor: Actor) -> PlanItem:
    """Undo a deletion: put the subtree back as the last child of its old parent."""
    from koers.plans.document.load import insert_items

    actor.require(MANAGE_STRUCTURE, organisation=_organisation_of(trash.plan_id))
    # Lock the record, so that a double click restores once.
    trash = DeletedSubtree.objects.select_for_update().get(pk=trash.pk)
    if trash.restored_at is not None:
        raise ValidationError(_("This deletion has already been undone."))
    parent = _restore_parent(trash)
    inserted = insert_items(
        trash.plan,
        parent,
        [trash.fragment],
        user=actor.user,
        reason=_("Restored after deletion"),
        base_path="$.deleted",
    )
    trash.restored_at = timezone.now()
    trash.save(update_fields=["restored_at"])
    return inserted.top[0]


def _restore_parent(trash: DeletedSubtree) -> PlanItem:
    """The old parent; found by its code if it was deleted and restored in the meantime."""
    if trash.parent_id is not None:
        return trash.parent
    if trash.parent_was_root:
        return plan_root(trash.plan)
    found = PlanItem.objects.filter(plan=trash.plan, code=trash.parent_code).first()
    if trash.parent_code and found is not None:
        return found
    raise ValidationError(
        _("The item it belonged to (%(code)s) no longer exists. Restore that one first.")
        % {"code": trash.parent_code or "?"}
    )


# Milestones -----------------------------------------------------------------

MILESTONE_FIELDS = ("title", "planned_start", "planned_end", "planned_text", "done", "done_on")


def _check_milestone(values: dict) -> None:
    start, end = values.get("planned_start"), values.get("planned_end")
    if start and end and start > end:
        raise ValidationError({"planned_end": _("The end lies before the start.")})


@transaction.atomic
def save_milestone(
    item: PlanItem,
    values: dict,
    *,
    actor: Actor,
    milestone: Milestone | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Milestone:
    """Add or change a milestone; EditConflict when it was saved since ``expected_version``."""
    actor.require(CHANGE_ITEM, item)
    if milestone is not None:
        claim_version(milestone, expected_version)
    _check_milestone(values)
    if milestone is None:
        last = item.milestones.order_by("-position").values_list("position", flat=True).first()
        milestone = Milestone(item=item, position=(last or 0) + 1)
    for name in MILESTONE_FIELDS:
        if name in values:
            setattr(milestone, name, values[name])
    if milestone.done and milestone.done_on is None:
        milestone.done_on = timezone.localdate()
    if not milestone.done:
        milestone.done_on = None
    attribute(milestone, actor, reason)
    milestone.save()
    return milestone


def set_milestone_done(
    milestone: Milestone, done: bool, *, actor: Actor, expected_version: int | None = None
) -> Milestone:
    return save_milestone(
        milestone.item,
        {"done": done, "done_on": None},
        actor=actor,
        milestone=milestone,
        expected_version=expected_version,
    )


@transaction.atomic
@transaction.atomic
def delete_milestone(
    milestone: Milestone, *, actor: Actor, expected_version: int | None = None
) -> None:
    """EditConflict when the milestone was saved since ``expected_version``."""
    actor.require(CHANGE_ITEM, milestone.item)
    claim_version(milestone, expected_version)
    attribute(milestone, actor)
    milestone.delete()


# Budget lines ---------------------------------------------------------------

BUDGET_FIELDS = ("year", "direction", "nature", "label", "initial", "current", "actual")


@transaction.atomic
def save_budget_line(
    item: PlanItem,
    values: dict,
    *,
    actor: Actor,
    line: BudgetLine | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> BudgetLine:
    """Add or change a budget line; EditConflict when it was saved since
    ``expected_version``."""
    actor.require(CHANGE_ITEM, item)
    if line is not None:
        claim_version(line, expected_version)
    plan = item.plan
    year = values.get("year", line.year if line else None)
    if year is not None and not plan.first_year <= year <= plan.last_year:
        raise ValidationError(
            {
                "year": _("The year lies outside the plan period (%(first)s–%(last)s).")
                % {"first": plan.first_year, "last": plan.last_year}
            }
        )
    line = line or BudgetLine(item=item)
    for name in BUDGET_FIELDS:
        if name in values:
            setattr(line, name, values[name])
    attribute(line, actor, reason)
    line.save()
    return line


@transaction.atomic
@transaction.atomic
def delete_budget_line(
    line: BudgetLine, *, actor: Actor, expected_version: int | None = None
) -> None:
    """EditConflict when the line was saved since ``expected_version``."""
    actor.require(CHANGE_ITEM, line.item)
    claim_version(line, expected_version)
    attribute(line, actor)
    line.delete()
