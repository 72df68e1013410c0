"""The plan tree from cached roll-ups: a page builds only the rows it shows.

The roll-ups of every item (progress, milestones, money; ``tree.plan_rows``) are computed
once per content version of the plan and kept in the cache (``koers.plans.content``);
the tree page then reads only the items it shows, whatever the size of the plan.
"""

from dataclasses import dataclass

from koers.plans.content import cached
from koers.plans.models import Plan, PlanItem, PlanStatus
from koers.plans.services.tree import (
    ITEM_COLUMNS,
    MoneyByYear,
    TreeItem,
    TreeRow,
    mark_closings,
    pack_money,
    plan_rows,
    unpack_money,
)


@dataclass(frozen=True, slots=True)
class Rollup:
    """An item's figures summed up the tree."""

    progress: float | None
    has_children: bool
    milestones_done: int
    milestones_total: int
    money: MoneyByYear


class PlanRollups:
    """Every item's :class:`Rollup`, packed as tuples of plain values (as
    ``tree.PackedRows``, for the same reasons): a :class:`Rollup` is made when read."""

    def __init__(self, rows: list[TreeRow]):
        self._position = {row.item.pk: index for index, row in enumerate(rows)}
        self._packed = tuple(
            (
                row.progress,
                row.has_children,
                row.milestones_done,
                row.milestones_total,
                pack_money(row.money),
            )
            for row in rows
        )

    def __len__(self) -> int:
        return len(self._packed)

    def get(self, item_id: int) -> Rollup | None:
        position = self._position.get(item_id)
        if position is None:
            return None
        progress, has_children, done, total, money = self._packed[position]
        return Rollup(progress, has_children, done, total, unpack_money(money))


def compute_rollups(plan: Plan) -> PlanRollups:
    return PlanRollups(plan_rows(plan))


def plan_rollups(plan: Plan) -> PlanRollups:
    """Per item id (every item of the plan but its root), its roll-ups, from the cache."""
    return cached(plan, "rollups", lambda: compute_rollups(plan))


def tree_rows(plan: Plan, max_level: int | None = None) -> tuple[list[TreeRow], int]:
    """The plan's rows down to ``max_level`` (all when None) in tree order, with the
    roll-ups of the whole plan, and the number of rows of the whole plan. A row at
    ``max_level`` with children is marked to load them when opened."""
    rollups = plan_rollups(plan)
    items = PlanItem.objects.filter(plan=plan, depth__gt=1).order_by("path")
    if max_level is not None:
        items = items.filter(depth__lte=max_level + 1)
    statuses = {status.id: status for status in PlanStatus.objects.filter(plan=plan)}
    rows = []
    for *values, first, last, email in items.values_list(*ITEM_COLUMNS):
        owner_id, status_id = values[7], values[8]
        owner_name = (f"{first} {last}".strip() or email) if owner_id else ""
        item = TreeItem(*values, owner_name, statuses.get(status_id))
        rollup = rollups.get(item.pk)
        if rollup is None:  # added since the roll-ups were read: none yet
            rollup = Rollup(None, item.numchild > 0, 0, 0, MoneyByYear())
        row = TreeRow(
            item=item,
            level=item.depth - 1,
            has_children=rollup.has_children,
            progress=rollup.progress,
            milestones_done=rollup.milestones_done,
            milestones_total=rollup.milestones_total,
            money=rollup.money,
        )
        row.lazy = max_level is not None and row.level == max_level and row.has_children
        rows.append(row)
    if rows:
        mark_closings(rows)
    return rows, len(rollups)
