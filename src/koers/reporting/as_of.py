"""A closed round's figures as they stood when the round was closed.

A report of a round that is still open shows the plan's figures of today (with the
round's approved statuses and percentages). Once the round is closed its report must not
change when milestones are ticked or amounts typed for the next round: the figures of
items, milestones and budget lines are then read from their history as of the moment the
round was (last) closed. Statuses and percentages approved in the round still come first.
"""

from datetime import datetime

from django.db.models import Count, Q, Sum

from koers.followup.models import ReportingRound
from koers.plans.models import BudgetLine, Milestone, Plan, PlanItem, PlanStatus
from koers.plans.services.tree import Figures, Money, cents

OPEN = ReportingRound.State.OPEN


def closing_moment(round_: ReportingRound | None) -> datetime | None:
    """When the round was last closed; None while it is open (or its history does not say:
    then the figures of today are all there is)."""
    if round_ is None or round_.state == OPEN:
        return None
    moment, before = None, None
    states = round_.history.order_by("history_date", "history_id")
    for state, when in states.values_list("state", "history_date"):
        if state != OPEN and before in (None, OPEN):
            moment = when
        before = state
    return moment


def milestones_as_of(plan: Plan, moment: datetime | None):
    """The plan's milestones as they stood at ``moment`` (None: today's)."""
    if moment is None:
        return Milestone.objects.filter(item__plan=plan)
    return Milestone.history.as_of(moment).filter(item__plan=plan)


def figures_as_of(
    plan: Plan, moment: datetime, approved: dict[int, tuple[int | None, int | None]]
) -> tuple[set[int], dict[int, Figures]]:
    """The items that existed at ``moment`` and each one's own figures then, for
    ``plan_rows(only_ids=…, figures=…)``; ``approved``: per item, the (status id, percent)
    approved in the round, used where not None."""
    statuses = {status.pk: status for status in PlanStatus.objects.filter(plan=plan)}
    figures: dict[int, Figures] = {}
    items = PlanItem.history.as_of(moment).filter(plan=plan, depth__gt=1)
    for pk, status_id, progress in items.values_list("id", "status_id", "progress"):
        approved_status, approved_percent = approved.get(pk, (None, None))
        status_id = approved_status if approved_status is not None else status_id
        figures[pk] = Figures(
            status=statuses.get(status_id),
            progress=approved_percent if approved_percent is not None else progress,
        )
    budget = BudgetLine.history.as_of(moment).filter(item__plan=plan)
    sums = budget.values("item_id", "year", "direction").annotate(
        initial=Sum("initial"), current=Sum("current"), actual=Sum("actual")
    )
    for entry in sums:
        own = figures.get(entry["item_id"])
        if own is None:
            continue
        money = own.money.expense if entry["direction"] == "expense" else own.money.receipt
        money[entry["year"]].add(
            Money(cents(entry["initial"]), cents(entry["current"]), cents(entry["actual"]))
        )
    counts = (
        milestones_as_of(plan, moment)
        .values("item_id")
        .annotate(total=Count("id"), done=Count("id", filter=Q(done=True)))
    )
    for entry in counts:
        own = figures.get(entry["item_id"])
        if own is not None:
            own.milestones_total, own.milestones_done = entry["total"], entry["done"]
    return set(figures), figures
