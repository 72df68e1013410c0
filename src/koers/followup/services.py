"""The follow-up cycle: open a round, owners write and submit, the coordinator reviews.

Every change goes through these functions, which check the actor's capability
and leave a history record with a reason.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor, attribute
from koers.accounts.locking import EditConflict, claim_version
from koers.accounts.permissions import CHANGE_ITEM, MANAGE_PLANS, can, editor_covers
from koers.followup.models import ProgressUpdate, ReportingRound
from koers.indicators import rounds as indicator_rounds
from koers.plans.document.bulk import adapter, copy_to_history, insert_rows
from koers.plans.models import Plan, PlanItem
from koers.plans.richtext import sanitise
from koers.plans.services.items import save_budget_line, save_milestone, update_item

Round = ReportingRound
State = ProgressUpdate.State


class UpdateConflict(EditConflict):
    """Someone saved the update since the form was opened; ``current`` is their version."""


def items_in_scope(round_: ReportingRound):
    items = PlanItem.objects.filter(plan=round_.plan, depth__gt=1)
    if round_.scope == Round.Scope.SUBTREE and round_.scope_item is not None:
        items = items.filter(path__startswith=round_.scope_item.path)
    elif round_.scope == Round.Scope.PRIORITY:
        items = items.filter(policy=PlanItem.Policy.PRIORITY)
    return items


@transaction.atomic
def open_round(plan: Plan, values: dict, *, actor: Actor) -> ReportingRound:
    """Create a round and an update for every item in scope, starting from the last round's."""
    actor.require(MANAGE_PLANS, organisation=plan.organisation_id)
    if values["period_start"] > values["period_end"]:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    scope_item = values.get("scope_item")
    if values.get("scope") == Round.Scope.SUBTREE and (
        scope_item is None or scope_item.plan_id != plan.id
    ):
        raise ValidationError({"scope_item": _("Choose the part of the plan this round covers.")})
    round_ = ReportingRound(plan=plan, **values)
    attribute(round_, actor)
    round_.save()
    previous = previous_round(round_)
    earlier = {}
    if previous is not None:
        earlier = {
            update.item_id: update
            for update in ProgressUpdate.objects.filter(round=previous).only(
                "item_id", "status_id", "percent", "narrative", "narrative_fingerprint"
            )
        }
    _insert_updates(round_, earlier, actor)
    return round_


UPDATE_FIELDS = (
    "round",
    "item",
    "status",
    "percent",
    "narrative",
    "narrative_fingerprint",
    "state",
    "review_comment",
    "version",
    "updated_at",
    "milestones_reached",
    "spending",
    "indicator_values",
    "saved_by_form",
)


def _insert_updates(round_: ReportingRound, earlier: dict, actor: Actor) -> None:
    """One update per item in scope, written with multi-row INSERTs and their history copied
    in one statement (bulk_create_with_history took 2 s for 5,000 items)."""
    now = timezone.now()
    stamp = adapter(ProgressUpdate, "updated_at")(now)
    nothing = adapter(ProgressUpdate, "spending")({})
    rows = []
    # A first update starts from the item's own status and percentage.
    items = items_in_scope(round_).values_list("id", "status_id", "progress")
    for item_id, status_id, progress in items:
        before = earlier.get(item_id)
        rows.append(
            (
                round_.id,
                item_id,
                before.status_id if before else status_id,
                before.percent if before else progress,
                before.narrative if before else "",
                before.narrative_fingerprint if before else "",
                State.DRAFT,
                "",
                1,
                stamp,
                nothing,
                nothing,
                nothing,
                "",
            )
        )
    insert_rows(ProgressUpdate, UPDATE_FIELDS, rows)
    copy_to_history(
        ProgressUpdate,
        f"{connection.ops.quote_name('round_id')} = %s",
        [round_.id],
        user=actor.user,
        reason=_("Round opened"),
        when=now,
    )


def _organisation_of(round_: ReportingRound) -> int:
    """The organisation of the round's plan, read from the database."""
    return Plan.objects.values_list("organisation_id", flat=True).get(rounds=round_.pk)


@transaction.atomic
def update_round(
    round_: ReportingRound, values: dict, *, actor: Actor, expected_version: int | None = None
) -> ReportingRound:
    """Change a round's name, period and deadline (its scope stays: the updates were made
    for it); EditConflict when the round was saved since ``expected_version``."""
    actor.require(MANAGE_PLANS, organisation=_organisation_of(round_))
    claim_version(round_, expected_version)
    start = values.get("period_start", round_.period_start)
    end = values.get("period_end", round_.period_end)
    if start > end:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    for name in ("name", "period_start", "period_end", "deadline"):
        if name in values:
            setattr(round_, name, values[name])
    attribute(round_, actor, _("Round changed"))
    round_.save()
    return round_


@transaction.atomic
def _set_round_state(round_: ReportingRound, state: str, reason: str, actor: Actor):
    actor.require(MANAGE_PLANS, organisation=_organisation_of(round_))
    claim_version(round_, None)
    round_.state = state
    attribute(round_, actor, reason)
    round_.save()
    return round_


def close_round(round_: ReportingRound, *, actor: Actor) -> ReportingRound:
    if round_.state != Round.State.OPEN:
        raise ValidationError(_("Only an open round can be closed."))
    return _set_round_state(round_, Round.State.CLOSED, _("Round closed"), actor)


def reopen_round(round_: ReportingRound, reason: str, *, actor: Actor) -> ReportingRound:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the round is opened again.")})
    return _set_round_state(round_, Round.State.OPEN, _("Reopened: %s") % reason.strip(), actor)


def publish_round(round_: ReportingRound, *, actor: Actor) -> ReportingRound:
    if round_.state != Round.State.CLOSED:
        raise ValidationError(_("Close the round before publishing it."))
    return _set_round_state(round_, Round.State.PUBLISHED, _("Round published"), actor)


def may_read(membership, update: ProgressUpdate) -> bool:
    """Drafts are for their writers and the coordinator; everyone reads approved text."""
    return (
        update.state == State.APPROVED
        or can(membership, MANAGE_PLANS)
        or can(membership, CHANGE_ITEM, update.item)
    )


def may_write(membership, update: ProgressUpdate) -> bool:
    """Owners write drafts and returned updates while the round is open (a submitted one
    is read-only until its owner withdraws it or the coordinator returns it); after the
    round, only the coordinator corrects."""
    if update.round.state == Round.State.OPEN:
        return can(membership, CHANGE_ITEM, update.item) and update.state in (
            State.DRAFT,
            State.RETURNED,
        )
    return can(membership, MANAGE_PLANS)


def is_submitted(update: ProgressUpdate) -> bool:
    """Submitted in an open round: waiting for the review, read-only for everyone."""
    return update.round.state == Round.State.OPEN and update.state == State.SUBMITTED


def may_withdraw(membership, update: ProgressUpdate) -> bool:
    """The owners of a submitted update (the item's owner, its departments' members) take
    it back while the round is open; a coordinator returns it instead."""
    return (
        is_submitted(update)
        and can(membership, CHANGE_ITEM, update.item)
        and editor_covers(membership, update.item)
    )


class UpdateSubmitted(ValidationError):
    """The update is submitted: it is read-only until it is withdrawn or returned."""

    def __init__(self):
        super().__init__(
            _(
                "This update has been submitted: it can be changed once its owner withdraws "
                "it or the coordinator returns it."
            ),
            code="submitted",
        )


def _locked(update: ProgressUpdate) -> ProgressUpdate:
    """The update as it is stored now, locked until the transaction ends."""
    current = (
        ProgressUpdate.objects.select_for_update(of=("self",))
        .select_related("round")
        .get(pk=update.pk)
    )
    current.item = update.item  # who owns it does not change with the update
    return current


@transaction.atomic
def save_update(
    update: ProgressUpdate,
    values: dict,
    *,
    version: int,
    submit: bool,
    actor: Actor,
    automatic: bool = False,
    form_id: str = "",
) -> ProgressUpdate:
    """Save the owner's text (as draft, or submitted); refuse when someone saved meanwhile.

    Versions that this same open form (``form_id``) saved by itself since ``version``
    are no conflict: they hold this form's own typing. Another tab is another form."""
    current = _locked(update)
    if is_submitted(current):
        if not can(actor.membership, CHANGE_ITEM, current.item):
            raise PermissionDenied
        raise UpdateSubmitted  # read-only until withdrawn or returned
    if not may_write(actor.membership, current):
        raise PermissionDenied
    if current.version != version and not _own_autosaves_since(current, version, form_id, actor):
        raise UpdateConflict(current)
    percent = values.get("percent")
    if percent is not None and not 0 <= percent <= 100:
        raise ValidationError({"percent": _("Progress is a percentage from 0 to 100.")})
    status = values.get("status")
    if status is not None and status.plan_id != current.round.plan_id:
        raise ValidationError({"status": _("This status belongs to another plan.")})
    current.status = status
    current.percent = percent
    current.narrative = sanitise(values.get("narrative") or "")
    current.milestones_reached = _milestones_reached(current, values.get("milestones_reached"))
    current.spending = _spending(current, values.get("spending"))
    current.indicator_values = indicator_rounds.check_reported(
        current, values.get("indicator_values")
    )
    current.version += 1
    current.updated_by = actor.user
    current.saved_by_form = form_id if automatic else ""
    reason = _("Saved automatically") if automatic else _("Saved as draft")
    if current.round.state != Round.State.OPEN:
        reason = _("Corrected after the round was closed")
    elif submit:
        current.state = State.SUBMITTED
        current.submitted_at = timezone.now()
        reason = _("Submitted")
    attribute(current, actor, reason)
    current.save()
    return current


@transaction.atomic
def withdraw(update: ProgressUpdate, *, version: int, actor: Actor) -> ProgressUpdate:
    """The owner takes a submitted update back to draft to change it, before it is reviewed;
    refused when the update changed since ``version`` (reviewed or withdrawn meanwhile)."""
    current = _locked(update)
    if not (
        can(actor.membership, CHANGE_ITEM, current.item)
        and editor_covers(actor.membership, current.item)
    ):
        raise PermissionDenied
    if current.version != version:
        raise UpdateConflict(current)
    if current.round.state != Round.State.OPEN:
        raise ValidationError(_("The round is closed."))
    if current.state != State.SUBMITTED:
        raise ValidationError(_("Only a submitted update can be withdrawn."))
    current.state = State.DRAFT
    current.submitted_at = None
    current.version += 1
    current.updated_by = actor.user
    current.saved_by_form = ""
    attribute(current, actor, _("Withdrawn to change it"))
    current.save()
    return current


def _own_autosaves_since(current: ProgressUpdate, version: int, form_id: str, actor) -> bool:
    if version > current.version or actor.user is None or not form_id:
        return False
    later = current.history.filter(version__gt=version)
    return not later.exclude(saved_by_form=form_id, history_user=actor.user).exists()


def autosaves(update: ProgressUpdate) -> bool:
    """Drafts and returned updates in an open round save themselves while the owner types;
    a submitted one does not (saving it would take it back to draft)."""
    return update.round.state == Round.State.OPEN and update.state in (
        State.DRAFT,
        State.RETURNED,
    )


def reported_milestones(update: ProgressUpdate) -> list:
    """(milestone, date) pairs the update reports as reached."""
    reached = update.milestones_reached
    milestones = update.item.milestones.filter(pk__in=[int(pk) for pk in reached])
    return [(m, date.fromisoformat(reached[str(m.pk)])) for m in milestones]


def reported_spending(update: ProgressUpdate) -> list:
    """(budget line, amount) pairs the update reports as spent to date."""
    spent = update.spending
    lines = update.item.budget_lines.filter(pk__in=[int(pk) for pk in spent])
    return [(line, Decimal(spent[str(line.pk)])) for line in lines]


def reportable_milestones(update: ProgressUpdate):
    """The item's milestones: those still open can be ticked off in the update."""
    return update.item.milestones.all()


def reportable_budget_lines(update: ProgressUpdate):
    """The item's budget lines of the years the round covers."""
    round_ = update.round
    return update.item.budget_lines.filter(
        year__gte=round_.period_start.year, year__lte=round_.period_end.year
    )


def _milestones_reached(update: ProgressUpdate, reached: dict | None) -> dict:
    """{milestone id: date} → what the update stores; only open milestones of this item."""
    if reached is None:
        return update.milestones_reached
    allowed = set(reportable_milestones(update).filter(done=False).values_list("id", flat=True))
    unknown = set(reached) - allowed
    if unknown:
        raise ValidationError(_("A milestone does not belong to this item or is already done."))
    today = timezone.localdate()
    for day in reached.values():
        if day is not None and day > today:
            raise ValidationError(_("A milestone cannot be reached on a date in the future."))
    return {str(pk): (day or today).isoformat() for pk, day in reached.items()}


def _spending(update: ProgressUpdate, amounts: dict | None) -> dict:
    """{budget line id: amount} → what the update stores; only this item's lines of the round."""
    if amounts is None:
        return update.spending
    allowed = set(reportable_budget_lines(update).values_list("id", flat=True))
    if set(amounts) - allowed:
        raise ValidationError(_("A budget line does not belong to this item or this period."))
    return {str(pk): str(amount) for pk, amount in amounts.items() if amount is not None}


@transaction.atomic
def _review(update: ProgressUpdate, state: str, comment: str, reason: str, actor: Actor):
    """Review the update as it is now in the database (locked), not as it was loaded."""
    actor.require(
        MANAGE_PLANS,
        organisation=Plan.objects.values_list("organisation_id", flat=True).get(
            rounds__updates=update.pk
        ),
    )
    locked = ProgressUpdate.objects.select_for_update(of=("self",)).select_related("round")
    update = locked.get(pk=update.pk)
    if update.round.state != Round.State.OPEN:
        raise ValidationError(_("The round is closed."))
    if update.state != State.SUBMITTED:
        raise ValidationError(_("Only a submitted update can be reviewed."))
    update.state = state
    update.review_comment = comment
    update.reviewed_at = timezone.now()
    update.version += 1
    attribute(update, actor, reason)
    update.save()
    return update


@transaction.atomic
def approve(update: ProgressUpdate, *, actor: Actor) -> ProgressUpdate:
    """Approve; the item takes over the update's status and percentage."""
    approved = _review(update, State.APPROVED, "", _("Approved"), actor)
    item = PlanItem.objects.get(pk=approved.item_id)
    reason = _("Approved update of %(round)s") % {"round": approved.round.name}
    values = {}
    if approved.status_id is not None:
        values["status"] = approved.status
    if approved.percent is not None:
        values["progress"] = approved.percent
    if values:
        update_item(item, values, actor=actor, reason=reason)
    _apply_reported(approved, item, reason, actor)
    indicator_rounds.apply_approved(approved, reason, actor)
    return approved


def _apply_reported(update: ProgressUpdate, item: PlanItem, reason: str, actor: Actor) -> None:
    """Milestones ticked off and amounts spent, as the approved update reports them."""
    reached = {int(pk): date.fromisoformat(day) for pk, day in update.milestones_reached.items()}
    for milestone in item.milestones.filter(pk__in=reached, done=False):
        values = {"done": True, "done_on": reached[milestone.pk]}
        save_milestone(item, values, actor=actor, milestone=milestone, reason=reason)
    spent = {int(pk): Decimal(amount) for pk, amount in update.spending.items()}
    for line in item.budget_lines.filter(pk__in=spent):
        if line.actual != spent[line.pk]:
            values = {"actual": spent[line.pk]}
            save_budget_line(item, values, actor=actor, line=line, reason=reason)


def return_update(update: ProgressUpdate, comment: str, *, actor: Actor) -> ProgressUpdate:
    if not comment.strip():
        raise ValidationError({"comment": _("Tell the owner what to change.")})
    return _review(update, State.RETURNED, comment.strip(), _("Returned"), actor)


@transaction.atomic
def bulk_approve(round_: ReportingRound, ids: list[int], *, actor: Actor) -> int:
    updates = ProgressUpdate.objects.filter(round=round_, pk__in=ids, state=State.SUBMITTED)
    count = 0
    for update in updates.select_related("round"):
        approve(update, actor=actor)
        count += 1
    return count


# -- what people see ---------------------------------------------------------------------


def inbox(membership):
    """The updates in open rounds for items the member owns or whose department they are in."""
    departments = list(membership.departments.values_list("id", flat=True))
    mine = Q(item__owner=membership.user)
    if departments:
        mine |= Q(item__departments__in=departments)
    ids = (
        ProgressUpdate.objects.filter(
            round__plan__organisation=membership.organisation, round__state=Round.State.OPEN
        )
        .filter(mine)
        .values("id")
    )
    return (
        ProgressUpdate.objects.filter(id__in=ids)
        .select_related("round", "round__plan", "item", "status")
        .order_by("round__deadline", "item__path")
    )


# What an owner's update asks of them, in the order the filters show them: "to write" is a
# draft nobody saved in this round yet, "draft" one that has been saved.
TO_WRITE = "to_write"
WORK_STATES = (TO_WRITE, State.DRAFT, State.SUBMITTED, State.RETURNED, State.APPROVED)
WORK_ORDER = (State.RETURNED, State.DRAFT, TO_WRITE, State.SUBMITTED, State.APPROVED)


def work_state(update: ProgressUpdate) -> str:
    if update.state == State.DRAFT and update.version == 1:
        return TO_WRITE
    return update.state


def days_late(update: ProgressUpdate, today: date) -> int:
    """Days past the round's deadline of an update still to be submitted; 0 when not late."""
    if update.state in (State.SUBMITTED, State.APPROVED):
        return 0
    return max((today - update.round.deadline).days, 0)


@dataclass
class WorkGroup:
    """The owner's updates of one round (and so of one plan)."""

    round: ReportingRound
    updates: list
    late: int = 0  # of these, how many are past the deadline
    days_left: int = 0  # until the deadline (negative: past it)


@dataclass
class OwnerWork:
    """An action owner's updates in open rounds, grouped by round, due first."""

    groups: list[WorkGroup]
    counts: dict[str, int]  # per work state, within the chosen round and plan
    rounds: list[ReportingRound]  # to filter on
    plans: list[Plan]
    total: int  # all the owner's updates in open rounds
    done: int  # of these, submitted or approved

    @property
    def shown(self) -> int:
        return sum(len(group.updates) for group in self.groups)


def owner_work(membership, *, round_id=None, plan_id=None, state="") -> OwnerWork:
    """The member's updates in open rounds (as :func:`inbox`), filtered on round, plan and
    work state, grouped by round: the earliest deadline first; in a round, what asks for
    work first (returned, draft, to write, then submitted and approved), in the plan's order.

    Two queries whatever the number of updates: the member's departments and the updates;
    the filters, counts and groups are worked out from that one list."""
    updates = list(inbox(membership).order_by("round__deadline", "round_id", "item__path"))
    today = timezone.localdate()
    rounds = {update.round_id: update.round for update in updates}
    plans = {update.round.plan_id: update.round.plan for update in updates}
    done = sum(1 for update in updates if update.is_done)
    total = len(updates)
    if round_id is not None:
        updates = [update for update in updates if update.round_id == round_id]
    if plan_id is not None:
        updates = [update for update in updates if update.round.plan_id == plan_id]
    counts = dict.fromkeys(WORK_STATES, 0)
    for update in updates:
        update.work_state = work_state(update)
        update.days_late = days_late(update, today)
        counts[update.work_state] += 1
    if state:
        updates = [update for update in updates if update.work_state == state]
    groups: dict[int, WorkGroup] = {}
    for update in updates:
        group = groups.get(update.round_id)
        if group is None:
            days_left = (update.round.deadline - today).days
            group = groups[update.round_id] = WorkGroup(update.round, [], days_left=days_left)
        group.updates.append(update)
        group.late += 1 if update.days_late else 0
    for group in groups.values():  # stable: the plan's order within each state
        group.updates.sort(key=lambda update: WORK_ORDER.index(update.work_state))
    return OwnerWork(
        groups=list(groups.values()),
        counts=counts,
        rounds=list(rounds.values()),
        plans=sorted(plans.values(), key=lambda plan: plan.title),
        total=total,
        done=done,
    )


@dataclass
class RoundCounts:
    total: int
    by_state: dict[str, int]
    late: int

    @property
    def done(self) -> int:
        return self.by_state.get(State.SUBMITTED, 0) + self.by_state.get(State.APPROVED, 0)


def round_counts(round_: ReportingRound, updates=None) -> RoundCounts:
    updates = round_.updates.all() if updates is None else updates
    by_state = dict(updates.values_list("state").annotate(n=Count("id")).order_by())
    return round_counts_from(round_, sum(by_state.values()), by_state)


def round_counts_from(round_: ReportingRound, total: int, by_state: dict[str, int]) -> RoundCounts:
    """The counts with the updates that are late today (none before the deadline)."""
    late = 0
    if timezone.localdate() > round_.deadline:
        late = by_state.get(State.DRAFT, 0) + by_state.get(State.RETURNED, 0)
    return RoundCounts(total, by_state, late)


def late_updates(round_: ReportingRound):
    """Updates not yet submitted after the deadline (none before it)."""
    if timezone.localdate() <= round_.deadline:
        return round_.updates.none()
    return round_.updates.filter(state__in=[State.DRAFT, State.RETURNED])


def department_rows(round_: ReportingRound):
    """Per department: updates, submitted or approved, and still open."""
    rows = (
        round_.updates.values("item__departments__name")
        .annotate(
            total=Count("id", distinct=True),
            done=Count("id", filter=Q(state__in=[State.SUBMITTED, State.APPROVED]), distinct=True),
        )
        .order_by("item__departments__name")
    )
    return [
        {
            "name": row["item__departments__name"],
            "total": row["total"],
            "done": row["done"],
            "open": row["total"] - row["done"],
        }
        for row in rows
    ]


def status_counts(updates) -> list[dict]:
    """Updates per status of the plan, for the round's chart (largest first)."""
    rows = (
        updates.values("status__name", "status__colour")
        .annotate(n=Count("id"))
        .order_by("-n", "status__name")
    )
    total = sum(row["n"] for row in rows) or 1
    return [
        {
            "name": row["status__name"],
            "colour": row["status__colour"] or "#8a8f98",
            "count": row["n"],
            "share": round(100 * row["n"] / total),
        }
        for row in rows
    ]


def previous_round(round_: ReportingRound) -> ReportingRound | None:
    """The plan's round opened before this one (ids follow the order of opening)."""
    return (
        ReportingRound.objects.filter(plan_id=round_.plan_id, id__lt=round_.id)
        .order_by("-id")
        .first()
    )


def unchanged(round_: ReportingRound, before: ReportingRound | None = None) -> Q | None:
    """The condition on the round's updates whose text has the same words as in the
    previous round: no real change (mark-up and spacing do not count; each update stores a
    fingerprint of its words when it is saved, so the database compares them). An empty
    text is not stale but missing; the counts show those. None: there is no previous round.
    ``before``: the previous round, when the caller has it."""
    before = before or previous_round(round_)
    if before is None:
        return None
    same = ProgressUpdate.objects.filter(
        round=before,
        item_id=OuterRef("item_id"),
        narrative_fingerprint=OuterRef("narrative_fingerprint"),
    )
    return ~Q(narrative_fingerprint="") & Q(Exists(same))


def stale_updates(round_: ReportingRound):
    """The round's updates that :func:`unchanged` describes."""
    condition = unchanged(round_)
    return round_.updates.none() if condition is None else round_.updates.filter(condition)


def stale_item_ids(round_: ReportingRound) -> set[int]:
    """The items of :func:`stale_updates`."""
    return set(stale_updates(round_).values_list("item_id", flat=True))


def previous_update(update: ProgressUpdate, membership) -> ProgressUpdate | None:
    """The same item's update in the latest earlier round that has it (a round of another
    scope may not), as far as this member may read it."""
    earlier = ProgressUpdate.objects.filter(
        item_id=update.item_id, round__created_at__lt=update.round.created_at
    )
    if not (can(membership, MANAGE_PLANS) or can(membership, CHANGE_ITEM, update.item)):
        earlier = earlier.filter(state=State.APPROVED)
    return earlier.select_related("round", "status").order_by("-round__created_at").first()


def latest_approved(item: PlanItem) -> ProgressUpdate | None:
    return (
        ProgressUpdate.objects.filter(item=item, state=State.APPROVED)
        .select_related("round", "status")
        .order_by("-round__period_end", "-round__id")
        .first()
    )


def timeline(item: PlanItem, membership) -> list[ProgressUpdate]:
    """The item's updates across rounds, oldest first: approved ones for every reader;
    those in progress too for the people who may see drafts. Untouched drafts are left out."""
    updates = (
        ProgressUpdate.objects.filter(item=item)
        .exclude(state=State.DRAFT, version=1)
        .select_related("round", "status", "updated_by")
        .prefetch_related("attachments")
        .order_by("round__period_end", "round__id")
    )
    if not (can(membership, MANAGE_PLANS) or can(membership, CHANGE_ITEM, item)):
        updates = updates.filter(state=State.APPROVED)
    return list(updates)
