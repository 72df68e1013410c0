"""The plan tree with its roll-ups: progress, milestones and money summed up the tree.

Everything is computed from four queries, whatever the size of the plan: the
plan's statuses, the items as plain values, budget sums per item and year, and
milestone counts per item; nothing is queried per row. Pages that show a tree or
a subtree use :func:`plan_rows`.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from koers.plans.models import BudgetLine, Milestone, Plan, PlanItem, PlanStatus

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
STEP = PlanItem.steplen


@dataclass
class Money:
    initial: Decimal = ZERO
    current: Decimal = ZERO
    actual: Decimal = ZERO

    def add(self, other: "Money") -> None:
        self.initial += other.initial
        self.current += other.current
        self.actual += other.actual

    @property
    def difference(self) -> Decimal:
        return self.current - self.initial

    @property
    def remaining(self) -> Decimal:
        return self.current - self.actual

    @property
    def is_zero(self) -> bool:
        return not (self.initial or self.current or self.actual)


@dataclass
class MoneyByYear:
    """Expenses and receipts per year, plus totals over all years."""

    expense: dict[int, Money] = field(default_factory=lambda: defaultdict(Money))
    receipt: dict[int, Money] = field(default_factory=lambda: defaultdict(Money))

    def add(self, other: "MoneyByYear") -> None:
        for year, money in other.expense.items():
            self.expense[year].add(money)
        for year, money in other.receipt.items():
            self.receipt[year].add(money)

    def expense_for(self, year: int | None) -> Money:
        return _total(self.expense, year)

    def receipt_for(self, year: int | None) -> Money:
        return _total(self.receipt, year)

    @property
    def years(self) -> list[int]:
        return sorted(set(self.expense) | set(self.receipt))

    @property
    def is_empty(self) -> bool:
        return not self.expense and not self.receipt

    def rows(self) -> list[tuple[int, Money, Money]]:
        """(year, expenses, receipts) of the years with an amount, in order: a year of
        budget lines that are all zero is left out, as are years without lines."""
        rows = []
        for year in self.years:
            expense, receipt = self.expense_for(year), self.receipt_for(year)
            if not (expense.is_zero and receipt.is_zero):
                rows.append((year, expense, receipt))
        return rows

    @property
    def has_receipts(self) -> bool:
        return any(not money.is_zero for money in self.receipt.values())


def pack_money(money: MoneyByYear) -> tuple[int, ...]:
    """The amounts as :func:`pack_amounts` packs them."""
    return pack_amounts(*(_amounts_of(by_year) for by_year in (money.expense, money.receipt)))


def pack_amounts(expense: dict, receipt: dict) -> tuple[int, ...]:
    """Amounts per year (year, as a number or text -> initial, current and actual, as
    Decimals or their text) as one flat tuple of whole cents, (0 for expenses or 1 for
    receipts, year, initial, current, actual) per year: cheap to pickle and unpickle, and
    nothing for the garbage collector to walk (see :class:`PackedRows`)."""
    packed: list[int] = []
    for kind, by_year in enumerate((expense, receipt)):
        for year, amounts in by_year.items():
            packed += (kind, int(year), *(_cents_of(Decimal(amount)) for amount in amounts))
    return tuple(packed)


def _amounts_of(by_year: dict[int, Money]) -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    return {year: (m.initial, m.current, m.actual) for year, m in by_year.items()}


def unpack_money(packed: tuple[int, ...]) -> MoneyByYear:
    """A new :class:`MoneyByYear` of :func:`pack_money`'s tuple."""
    money = MoneyByYear()
    targets = (money.expense, money.receipt)
    for at in range(0, len(packed), 5):
        kind, year, initial, current, actual = packed[at : at + 5]
        targets[kind][year] = Money(_amount(initial), _amount(current), _amount(actual))
    return money


def _cents_of(amount: Decimal) -> int:
    return int(amount.quantize(CENT).scaleb(2))


def _amount(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _total(by_year: dict[int, Money], year: int | None) -> Money:
    if year is not None:
        return by_year.get(year, Money())
    total = Money()
    for money in by_year.values():
        total.add(money)
    return total


@dataclass
class TreeRow:
    item: "TreeItem"
    level: int
    has_children: bool = False
    progress: float | None = None
    milestones_done: int = 0
    milestones_total: int = 0
    money: MoneyByYear = field(default_factory=MoneyByYear)
    # How many nested lists close after this row when rendering a nested tree.
    closes: int = 0
    # Its children are not rendered now but loaded when the row is opened.
    lazy: bool = False

    @property
    def progress_percent(self) -> int | None:
        return None if self.progress is None else round(self.progress)


@dataclass(slots=True)
class TreeItem:
    """What the tree needs of an item: plain values, cheaper than model instances."""

    pk: int
    path: str
    depth: int
    numchild: int
    code: str
    title: str
    policy: str
    owner_id: int | None
    status_id: int | None
    progress: int | None
    weight: Decimal
    owner_name: str
    status: PlanStatus | None

    @property
    def id(self) -> int:
        return self.pk


class PackedRows(Sequence):
    """Tree rows kept as tuples of plain values, for the cache (``koers.plans.content``).

    A plan's rows as objects are hundreds of thousands of Python objects (rows, items,
    money per year, decimals): a process that reads them back from the cache spends most
    of a page on unpickling them, and keeping many plans in memory makes every run of the
    garbage collector walk them. Packed, a row is two tuples of ints, floats and strings
    (the collector stops tracking those), and a :class:`TreeRow` is made when a row is
    read: a page builds only the rows it shows, and may change them (they are its own).
    """

    def __init__(self, rows: list[TreeRow]):
        self._statuses = {row.item.status_id: row.item.status for row in rows if row.item.status}
        self._items = tuple(_pack_item(row.item) for row in rows)
        self._figures = tuple(
            (
                row.level,
                row.has_children,
                row.progress,
                row.milestones_done,
                row.milestones_total,
                pack_money(row.money),
                row.closes,
                row.lazy,
            )
            for row in rows
        )

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[at] for at in range(*index.indices(len(self)))]
        *values, weight, owner_name = self._items[index]
        item = TreeItem(*values, Decimal(weight), owner_name, self._statuses.get(values[8]))
        level, has_children, progress, done, total, money, closes, lazy = self._figures[index]
        return TreeRow(
            item, level, has_children, progress, done, total, unpack_money(money), closes, lazy
        )

    def path(self, index: int) -> str:
        """The tree path of the row at ``index`` (without making the row)."""
        return self._items[index][1]


def _pack_item(item: TreeItem) -> tuple:
    """TreeItem's fields in order, the weight as text, the status left out (by id)."""
    return (
        item.pk,
        item.path,
        item.depth,
        item.numchild,
        item.code,
        item.title,
        item.policy,
        item.owner_id,
        item.status_id,
        item.progress,
        str(item.weight),
        item.owner_name,
    )


# The TreeItem fields in order, then the owner's name parts.
ITEM_COLUMNS = (
    "pk",
    "path",
    "depth",
    "numchild",
    "code",
    "title",
    "policy",
    "owner_id",
    "status_id",
    "progress",
    "weight",
    "owner__first_name",
    "owner__last_name",
    "owner__email",
)


def plan_rows(
    plan: Plan,
    subtree_of: PlanItem | None = None,
    only_ids: set[int] | None = None,
    states: dict[int, tuple[int | None, int | None]] | None = None,
    figures: "dict[int, Figures] | None" = None,
) -> list[TreeRow]:
    """All items of the plan (or of one item's subtree) in tree order, with roll-ups.

    ``only_ids``: leave every other item out before rolling up, so that totals and
    progress are those of these items alone (the public portal). ``states``: per item id,
    a (status id, percent) to roll up instead of the item's own where not None (the
    approved ones of a report's round). ``figures``: every item's own status, percentage,
    money and milestones from elsewhere (the portal's published snapshot); an item without
    figures has none, and budget lines and milestones are not read."""
    items = PlanItem.objects.filter(plan=plan, depth__gt=1).order_by("path")
    budget = BudgetLine.objects.filter(item__plan=plan)
    milestones = Milestone.objects.filter(item__plan=plan)
    if only_ids is not None:
        items = items.filter(pk__in=only_ids)
        budget = budget.filter(item_id__in=only_ids)
        milestones = milestones.filter(item_id__in=only_ids)
    if subtree_of is not None:
        items = items.filter(path__startswith=subtree_of.path)
        budget = budget.filter(item__path__startswith=subtree_of.path)
        milestones = milestones.filter(item__path__startswith=subtree_of.path)

    statuses = {status.id: status for status in PlanStatus.objects.filter(plan=plan)}
    rows = []
    for *values, first, last, email in items.values_list(*ITEM_COLUMNS):
        owner_id, status_id = values[7], values[8]
        owner_name = (f"{first} {last}".strip() or email) if owner_id else ""
        item = TreeItem(*values, owner_name, statuses.get(status_id))
        if states and item.pk in states:
            status_id, progress = states[item.pk]
            if status_id is not None:
                item.status_id, item.status = status_id, statuses.get(status_id)
            if progress is not None:
                item.progress = progress
        rows.append(TreeRow(item=item, level=item.depth - 1))
    if figures is not None:
        _use_figures(plan, rows, figures)
        return rows
    by_id = {row.item.pk: row for row in rows}

    sums = budget.values("item_id", "year", "direction").annotate(
        initial=Sum("initial"), current=Sum("current"), actual=Sum("actual")
    )
    for entry in sums:
        row = by_id[entry["item_id"]]
        target = row.money.expense if entry["direction"] == "expense" else row.money.receipt
        target[entry["year"]].add(
            Money(cents(entry["initial"]), cents(entry["current"]), cents(entry["actual"]))
        )
    counts = milestones.values("item_id").annotate(
        total=Count("id"), done=Count("id", filter=Q(done=True))
    )
    for entry in counts:
        row = by_id[entry["item_id"]]
        row.milestones_total, row.milestones_done = entry["total"], entry["done"]

    _roll_up(plan, rows)
    mark_closings(rows)
    return rows


@dataclass
class Figures:
    """An item's own figures, given instead of read from its status, budget lines and
    milestones (see ``plan_rows(figures=…)``)."""

    status: PlanStatus | None = None
    progress: int | None = None
    money: MoneyByYear = field(default_factory=MoneyByYear)
    milestones_done: int = 0
    milestones_total: int = 0


def _use_figures(plan: Plan, rows: list[TreeRow], figures: dict[int, Figures]) -> None:
    nothing = Figures()
    for row in rows:
        own = figures.get(row.item.pk, nothing)
        row.item.status = own.status
        row.item.status_id = own.status.id if own.status else None
        row.item.progress = own.progress
        row.money.add(own.money)  # a copy: rolling up adds into the row's own money
        row.milestones_done, row.milestones_total = own.milestones_done, own.milestones_total
    _roll_up(plan, rows)
    mark_closings(rows)


def top_rows(rows: list[TreeRow], max_level: int) -> list[TreeRow]:
    """Only the rows down to ``max_level``; deeper branches are marked to load on opening."""
    shown = [row for row in rows if row.level <= max_level]
    for row in shown:
        row.lazy = row.level == max_level and row.has_children
    mark_closings(shown)
    return shown


def cents(value) -> Decimal:
    """SQLite sums decimals as floats; bring them back to whole cents."""
    return Decimal(value or 0).quantize(CENT)


def _leaf_progress(item: TreeItem) -> float | None:
    if item.status_id and not item.status.counts_in_progress:
        return None
    if item.progress is not None:
        return float(item.progress)
    if item.status_id and item.status.default_percent is not None:
        return float(item.status.default_percent)
    return None


def _roll_up(plan: Plan, rows: list[TreeRow]) -> None:
    """Sum money and milestones up the tree and average progress, deepest rows first."""
    weighted = plan.progress_rollup == Plan.Rollup.WEIGHTED
    by_path = {row.item.path: row for row in rows}
    # parent path -> list of (progress, weight) of its children
    child_progress: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for row in reversed(rows):
        item = row.item
        children = child_progress.pop(item.path, None)
        row.has_children = item.numchild > 0
        if children:
            row.progress = _average(children)
        elif not row.has_children:
            row.progress = _leaf_progress(item)
        parent = by_path.get(item.path[:-STEP])
        if parent is None:
            continue
        parent.money.add(row.money)
        parent.milestones_done += row.milestones_done
        parent.milestones_total += row.milestones_total
        counts = not (item.status_id and not item.status.counts_in_progress)
        if row.progress is not None and counts:
            weight = float(item.weight) if weighted else 1.0
            child_progress[parent.item.path].append((row.progress, weight))


def _average(values: list[tuple[float, float]]) -> float | None:
    total_weight = sum(weight for _, weight in values)
    if total_weight <= 0:
        return None
    return sum(progress * weight for progress, weight in values) / total_weight


def mark_closings(rows: list[TreeRow]) -> None:
    """For nested rendering: after each row, how many open child lists end."""
    for index, row in enumerate(rows):
        next_level = rows[index + 1].level if index + 1 < len(rows) else rows[0].level
        row.closes = max(row.level - next_level, 0)
