"""The dashboard of the management team and the council: one plan at a glance.

Plain functions over the plan, its rounds and its indicators, with a fixed number of
queries whatever the number of items, rounds, milestones or indicators (the counting is
done by the database or in Python over one list). The rules:

- **What is counted.** Status counts are of the plan's *leaves*, the items with nothing
  below them (the actions, or a goal without actions), so that an action and its action
  plan are not counted twice. Per goal: the leaves below each top-level item; per
  department: the leaves linked to it (an item of two departments counts in both; items
  without one under "no department").
- **Filters.** ``policy`` (priority or regular) and ``department`` keep the items whose own
  policy is that, and that are linked to that department, in every part of the dashboard:
  counts, delayed items, money, rounds, milestones and the indicators linked to them.
- **Delayed.** An item whose status is *vertraagd* (the status key of every preset), or
  whose planned end has passed while its status is not a finished one (100 % by default,
  or not counting in progress, as *geannuleerd*). Shown with its owner and the text of its
  latest update, as far as the member may read it.
- **Approved content only** for members who do not manage plans (readers: the council;
  editors): an item's status is that of its latest approved update (else the plan's own,
  as reports do); reasons, round completion and trends count approved updates only.
  Coordinators see the plan as it is and updates once they are submitted.
- **The current round** is the latest open round (by period), else the latest round.
- **Milestones**: not done, with a planned end date; overdue before today, due within
  ``DUE_DAYS`` days from today.
- **Indicators**: those linked to the (filtered) items, with the traffic light of their
  latest own value (:mod:`koers.indicators.reading`).
"""

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, IntegerField, Max, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import get_language, ngettext

from koers.accounts.models import Department
from koers.accounts.permissions import MANAGE_PLANS, can
from koers.followup.models import ProgressUpdate, ReportingRound
from koers.indicators.models import Indicator, IndicatorTarget, IndicatorValue, ItemIndicator
from koers.indicators.reading import CatalogueRow, Point
from koers.indicators.status import GREEN, ORANGE, RED, UNKNOWN
from koers.plans.content import cached
from koers.plans.models import BudgetLine, Milestone, Plan, PlanItem, PlanStatus

DUE_DAYS = 90
DELAYED_KEYS = frozenset({"vertraagd"})
LIST_LIMIT = 50  # delayed items and milestones shown per list; the rest is counted
TILE_LIMIT = 12  # indicator tiles shown, off target first; the rest is counted
GOAL_LIMIT = 30  # goals shown with their counts and money; the others together in one row
ALL_YEARS = 0
NO_STATUS_COLOUR = "#d0d5db"  # lighter than the grey of "niet gestart"
GOAL_PATH = 8  # the hidden root's step and the goal's: PlanItem.steplen * 2
State = ProgressUpdate.State
TILE_ORDER = {RED: 0, ORANGE: 1, GREEN: 2, UNKNOWN: 3}


@dataclass(frozen=True)
class Filters:
    policy: str = ""  # "", "priority" or "regular"
    department: int | None = None
    year: int | None = None  # the budget chart's year; 0: all years; None: this year


def choose_plan(plans: list[Plan], requested: int | None, today: date) -> Plan | None:
    """The plan asked for, else the one whose period holds today (the latest first), else
    the first of the list."""
    by_id = {plan.pk: plan for plan in plans}
    if requested in by_id:
        return by_id[requested]
    current = [plan for plan in plans if plan.first_year <= today.year <= plan.last_year]
    if current:
        return max(current, key=lambda plan: (plan.first_year, plan.pk))
    return plans[0] if plans else None


def approved_only(membership) -> bool:
    """Members who do not manage plans (the council, editors) see approved content only."""
    return not can(membership, MANAGE_PLANS)


@dataclass
class StatusColumn:
    pk: int | None
    name: str
    colour: str


@dataclass
class CountRow:
    """Counts per status (in the order of the plan's statuses) of one goal or department."""

    label: str
    counts: list[int]
    pk: int | None = None
    code: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts)

    parts: list[dict] = field(default_factory=list)


def segments(columns: list[StatusColumn], counts: list[int], whole: int = 0) -> list[dict]:
    """The parts of a stacked bar: status, colour, count and whole percent of ``whole``
    (default: the sum of the counts; a larger whole leaves the rest of the bar empty)."""
    total = whole or sum(counts)
    return [
        {"name": column.name, "colour": column.colour, "count": n, "share": share(n, total)}
        for column, n in zip(columns, counts, strict=True)
        if n
    ]


def share(part, whole) -> int:
    """A whole percentage for a bar's width (0–100; a part above zero shows at least 1)."""
    if not whole or not part:
        return 0
    return max(1, min(100, round(100 * part / whole)))


@dataclass
class Delayed:
    pk: int
    code: str
    title: str
    owner: str
    why: str  # "status" or "date"
    planned_end: date | None
    reason: str = ""
    reason_round: str = ""
    reason_state: str = ""


@dataclass
class MoneyRow:
    pk: int | None  # None: the goals beyond GOAL_LIMIT together
    code: str
    title: str
    current: Decimal
    actual: Decimal
    current_share: int = 0
    actual_share: int = 0

    @property
    def used(self) -> int | None:
        """The actual as a whole percentage of the budget; None without a budget."""
        return round(100 * self.actual / self.current) if self.current else None


@dataclass
class Money:
    years: list[int]
    year: int | None  # None: all years together
    rows: list[MoneyRow]

    @property
    def total_current(self) -> Decimal:
        return sum((row.current for row in self.rows), Decimal(0))

    @property
    def total_actual(self) -> Decimal:
        return sum((row.actual for row in self.rows), Decimal(0))


@dataclass
class CompletionRow:
    label: str
    total: int
    done: int  # submitted or approved (approved only for who sees approved content only)
    approved: int

    @property
    def share(self) -> int:
        return share(self.done, self.total)


@dataclass
class TrendRow:
    round: ReportingRound
    counts: list[int]
    in_scope: int  # updates of the round (after the filters)
    parts: list[dict] = field(default_factory=list)

    @property
    def reported(self) -> int:
        return sum(self.counts)

    @property
    def not_reported(self) -> int:
        return self.in_scope - self.reported


@dataclass
class MilestoneRow:
    pk: int
    title: str
    due: date
    item_pk: int
    item_code: str
    item_title: str
    owner: str
    days: int  # days until (positive) or since (negative) the planned end


@dataclass
class Dashboard:
    plan: Plan
    filters: Filters
    approved_only: bool
    today: date
    columns: list[StatusColumn]
    goals: list[CountRow]
    goals_total: int  # goals with items; beyond GOAL_LIMIT the last row holds the others
    departments: list[CountRow]
    leaves: int
    delayed: list[Delayed]
    delayed_total: int
    money: Money
    current_round: ReportingRound | None
    completion: list[CompletionRow]
    trends: list[TrendRow]
    overdue: list[MilestoneRow]
    overdue_total: int
    due: list[MilestoneRow]
    due_total: int
    indicators: list[CatalogueRow] = field(default_factory=list)

    @property
    def goals_shown(self) -> int | None:
        """The goals shown one by one when the others are counted together, else None."""
        together = bool(self.goals) and self.goals[-1].pk is None
        return len(self.goals) - 1 if together else None

    @property
    def tiles(self) -> list[CatalogueRow]:
        """The indicators shown as tiles: the first ``TILE_LIMIT``, off target first."""
        return self.indicators[:TILE_LIMIT]

    @property
    def indicators_on(self) -> int:
        return sum(1 for row in self.indicators if row.status == GREEN)

    @property
    def indicators_off(self) -> int:
        return sum(1 for row in self.indicators if row.status in (ORANGE, RED))


def _name(first: str | None, last: str | None, email: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or email or ""


def _item_filter(filters: Filters, prefix: str = "") -> dict:
    """The filters as lookups on items (``prefix``: the path to the item, "item__")."""
    lookups = {}
    if filters.policy:
        lookups[f"{prefix}policy"] = filters.policy
    if filters.department:
        lookups[f"{prefix}departments"] = filters.department
    return lookups


def _items(plan: Plan, seen_approved_only: bool) -> list[dict]:
    """Every item of the plan as plain values, with the status the member may see."""
    items = PlanItem.objects.filter(plan=plan, depth__gt=1).order_by("path")
    if seen_approved_only:
        latest_approved = (
            ProgressUpdate.objects.filter(item=OuterRef("pk"), state=State.APPROVED)
            .exclude(status=None)
            .order_by("-round__period_end", "-round_id")
            .values("status_id")[:1]
        )
        shown = Coalesce(Subquery(latest_approved), F("status_id"), output_field=IntegerField())
        items = items.annotate(shown_status=shown)
    else:
        items = items.annotate(shown_status=F("status_id"))
    return list(
        items.values(
            "pk",
            "path",
            "depth",
            "numchild",
            "code",
            "title",
            "policy",
            "planned_end",
            "shown_status",
            "owner__first_name",
            "owner__last_name",
            "owner__email",
        )
    )


def build(plan: Plan, membership, filters: Filters, today: date) -> Dashboard:
    """Everything the dashboard shows of ``plan`` for ``membership``.

    The figures of the plan and its rounds are kept in Django's cache
    (:func:`koers.plans.content.cached`) under the plan's content version and a stamp of
    its rounds, their updates and the organisation's departments (:func:`_stamp`), per
    kind of member, filters, day and language: a warm page reads the stamp, not the plan.
    The indicator tiles are read on every request (their values change outside the plan)."""
    hidden = approved_only(membership)
    rounds = list(ReportingRound.objects.filter(plan=plan).order_by("period_end", "id"))
    departments = {
        d.pk: d.name
        for d in Department.objects.filter(organisation_id=plan.organisation_id).order_by("name")
    }
    name = ":".join(
        (
            "dashboard",
            _stamp(rounds, departments),
            str(int(hidden)),
            filters.policy,
            str(filters.department or ""),
            "" if filters.year is None else str(filters.year),
            today.isoformat(),
            get_language() or "",
        )
    )
    figures = cached(
        plan,
        name,
        lambda: _figures(plan, rounds, departments, hidden, filters, today),
        memo=False,  # each request gets its own copy: nothing is shared between threads
    )
    return Dashboard(
        plan=plan,
        filters=filters,
        approved_only=hidden,
        today=today,
        current_round=_current_round(rounds),
        indicators=_indicators(plan, filters),
        **figures,
    )


def _stamp(rounds: list[ReportingRound], departments: dict[int, str]) -> str:
    """What the figures depend on beside the plan's content version: the rounds as read,
    the departments' names, and the updates of the rounds (their number, latest
    ``updated_at`` and the sum of their ``version``: every save of an update sets the first
    and the services raise the second), read from the updates' own index."""
    found = ProgressUpdate.objects.filter(round_id__in=[r.pk for r in rounds]).aggregate(
        n=Count("id"), last=Max("updated_at"), versions=Sum("version")
    )
    seen = repr(
        (
            [(r.pk, r.name, r.state, r.period_start, r.period_end, r.deadline) for r in rounds],
            sorted(departments.items()),
            found["n"],
            found["last"],
            found["versions"],
        )
    )
    return hashlib.blake2b(seen.encode(), digest_size=12).hexdigest()


def _figures(plan, rounds, departments, hidden: bool, filters: Filters, today: date):
    """The dashboard's figures of the plan and its rounds."""
    statuses = {status.pk: status for status in PlanStatus.objects.filter(plan=plan)}
    columns = [StatusColumn(pk, s.name, s.colour) for pk, s in statuses.items()]
    columns.append(StatusColumn(None, "", NO_STATUS_COLOUR))
    column_of = {column.pk: n for n, column in enumerate(columns)}
    items = _items(plan, hidden)
    links = defaultdict(list)
    for item_id, department_id in PlanItem.departments.through.objects.filter(
        planitem__plan=plan
    ).values_list("planitem_id", "department_id"):
        links[item_id].append(department_id)

    def kept(item) -> bool:
        if filters.policy and item["policy"] != filters.policy:
            return False
        return not filters.department or filters.department in links[item["pk"]]

    goals = [item for item in items if item["depth"] == 2]
    goal_rows = {
        goal["path"]: CountRow(goal["title"], [0] * len(columns), goal["pk"], goal["code"])
        for goal in goals
    }
    department_counts: dict[int | None, list[int]] = defaultdict(lambda: [0] * len(columns))
    delayed_items, leaves = [], 0
    for item in items:
        if not kept(item):
            continue
        status = statuses.get(item["shown_status"])
        if _is_delayed(item, status, today):
            delayed_items.append((item, status))
        if item["numchild"]:
            continue
        leaves += 1
        column = column_of.get(item["shown_status"], len(columns) - 1)
        goal_rows[item["path"][:GOAL_PATH]].counts[column] += 1
        for department_id in links[item["pk"]] or [None]:
            department_counts[department_id][column] += 1
    department_rows = [
        CountRow(name, department_counts[pk], pk)
        for pk, name in departments.items()
        if pk in department_counts
    ]
    if None in department_counts:
        department_rows.append(CountRow("", department_counts[None]))
    goal_list = [row for row in goal_rows.values() if row.total]
    goals_total = len(goal_list)
    goal_list = _first_goals(goal_list, columns)
    for row in [*goal_list, *department_rows]:
        row.parts = segments(columns, row.counts)

    current = _current_round(rounds)
    figures = {
        "columns": columns,
        "goals": goal_list,
        "goals_total": goals_total,
        "departments": department_rows,
        "leaves": leaves,
        "delayed": _with_reasons(delayed_items[:LIST_LIMIT], hidden),
        "delayed_total": len(delayed_items),
        "money": _money(plan, goals, filters, today),
        "completion": _completion(current, filters, departments, hidden),
        "trends": _trends(plan, rounds, filters, columns, hidden),
        **_milestones(plan, filters, today),
    }
    return figures


def _first_goals(rows: list[CountRow], columns: list[StatusColumn]) -> list[CountRow]:
    """The first ``GOAL_LIMIT`` goals, and the others counted together in one row without a
    link (``pk`` None), so that the page does not grow with the number of goals."""
    if len(rows) <= GOAL_LIMIT:
        return rows
    others = rows[GOAL_LIMIT:]
    together = [sum(row.counts[n] for row in others) for n in range(len(columns))]
    label = ngettext("%(count)s other", "%(count)s others", len(others)) % {"count": len(others)}
    return [*rows[:GOAL_LIMIT], CountRow(label, together)]


def _is_delayed(item: dict, status: PlanStatus | None, today: date) -> bool:
    if status is not None and status.key in DELAYED_KEYS:
        return True
    finished = status is not None and (
        status.default_percent == 100 or not status.counts_in_progress
    )
    return item["planned_end"] is not None and item["planned_end"] < today and not finished


def _with_reasons(chosen: list, seen_approved_only: bool) -> list[Delayed]:
    """The delayed items with the text of their latest update (approved, or at least
    written: untouched drafts say nothing)."""
    rows = {
        item["pk"]: Delayed(
            pk=item["pk"],
            code=item["code"],
            title=item["title"],
            owner=_name(item["owner__first_name"], item["owner__last_name"], item["owner__email"]),
            why="status" if status is not None and status.key in DELAYED_KEYS else "date",
            planned_end=item["planned_end"],
        )
        for item, status in chosen
    }
    if not rows:
        return []
    updates = ProgressUpdate.objects.filter(item_id__in=list(rows)).exclude(
        state=State.DRAFT, version=1
    )
    if seen_approved_only:
        updates = updates.filter(state=State.APPROVED)
    else:
        updates = updates.exclude(state=State.DRAFT)
    found = set()
    for item_id, narrative, state, round_name in updates.order_by(
        "item_id", "-round__period_end", "-round_id"
    ).values_list("item_id", "narrative", "state", "round__name"):
        if item_id in found:
            continue
        found.add(item_id)
        row = rows[item_id]
        row.reason = Truncator(" ".join(strip_tags(narrative).split())).chars(300)
        row.reason_round = round_name
        row.reason_state = state
    return list(rows.values())


def _money(plan: Plan, goals: list[dict], filters: Filters, today: date) -> Money:
    """Expenses per goal, budget (current) against actual, of one year or all years."""
    years = plan.years
    if filters.year in years:
        year = filters.year
    elif filters.year != ALL_YEARS and today.year in years:
        year = today.year
    else:
        year = None
    lines = BudgetLine.objects.filter(
        item__plan=plan, direction=BudgetLine.Direction.EXPENSE, **_item_filter(filters, "item__")
    )
    if year is not None:
        lines = lines.filter(year=year)
    sums = {
        row["goal"]: row
        for row in lines.values(goal=Substr("item__path", 1, GOAL_PATH))
        .annotate(current=Sum("current"), actual=Sum("actual"))
        .order_by()
    }
    rows = []
    for goal in goals:
        found = sums.get(goal["path"])
        if found and (found["current"] or found["actual"]):
            rows.append(
                MoneyRow(goal["pk"], goal["code"], goal["title"], found["current"], found["actual"])
            )
    if len(rows) > GOAL_LIMIT:  # the others together, as in the counts per goal
        others = rows[GOAL_LIMIT:]
        label = ngettext("%(count)s other", "%(count)s others", len(others))
        together = MoneyRow(
            None,
            "",
            label % {"count": len(others)},
            sum((row.current for row in others), Decimal(0)),
            sum((row.actual for row in others), Decimal(0)),
        )
        rows = [*rows[:GOAL_LIMIT], together]
    largest = max((max(row.current, row.actual) for row in rows), default=0)
    for row in rows:
        row.current_share = share(row.current, largest)
        row.actual_share = share(row.actual, largest)
    return Money(years, year, rows)


def _current_round(rounds: list[ReportingRound]) -> ReportingRound | None:
    open_rounds = [r for r in rounds if r.state == ReportingRound.State.OPEN]
    return (open_rounds or rounds or [None])[-1]


def _completion(
    round_: ReportingRound | None, filters: Filters, departments: dict, seen_approved_only: bool
) -> list[CompletionRow]:
    """Per department: the round's updates, those submitted or approved, and approved."""
    if round_ is None:
        return []
    updates = round_.updates.order_by()
    if filters.policy:
        updates = updates.filter(item__policy=filters.policy)
    counts: dict[int | None, Counter] = defaultdict(Counter)
    for department_id, state, n in updates.values_list("item__departments", "state").annotate(
        n=Count("id")
    ):
        counts[department_id][state] += n
    if filters.department:
        counts = {filters.department: counts.get(filters.department, Counter())}
    done_states = (State.APPROVED,) if seen_approved_only else (State.SUBMITTED, State.APPROVED)
    rows = []
    for pk in [*(pk for pk in departments if pk in counts), None]:
        if pk not in counts:
            continue
        found = counts[pk]
        rows.append(
            CompletionRow(
                departments.get(pk, ""),
                total=sum(found.values()),
                done=sum(found[state] for state in done_states),
                approved=found[State.APPROVED],
            )
        )
    return rows


def _trends(plan, rounds, filters, columns, seen_approved_only) -> list[TrendRow]:
    """Per round, oldest first: the reported updates per status (approved ones only for
    who sees approved content only; else submitted or approved) and the round's total."""
    if not rounds:
        return []
    width = len(columns)
    column_of = {column.pk: n for n, column in enumerate(columns)}
    rows = {r.pk: TrendRow(r, [0] * width, 0) for r in rounds}
    reported = (State.APPROVED,) if seen_approved_only else (State.SUBMITTED, State.APPROVED)
    for round_id, status_id, state, n in (
        ProgressUpdate.objects.filter(round__plan=plan, **_item_filter(filters, "item__"))
        .values_list("round_id", "status_id", "state")
        .annotate(n=Count("id"))
        .order_by()
    ):
        row = rows[round_id]
        row.in_scope += n
        if state in reported:
            row.counts[column_of.get(status_id, width - 1)] += n
    for row in rows.values():
        row.parts = segments(columns, row.counts, row.in_scope)  # the rest: not reported
    return list(rows.values())


def _milestones(plan: Plan, filters: Filters, today: date) -> dict:
    """Open milestones overdue (planned end before today, latest first) and due within
    ``DUE_DAYS`` days (soonest first)."""
    horizon = today + timedelta(days=DUE_DAYS)
    found = (
        Milestone.objects.filter(
            item__plan=plan,
            done=False,
            planned_end__isnull=False,
            planned_end__lte=horizon,
            **_item_filter(filters, "item__"),
        )
        .order_by("planned_end", "item__path", "position", "id")
        .values_list(
            "pk",
            "title",
            "planned_end",
            "item_id",
            "item__code",
            "item__title",
            "item__owner__first_name",
            "item__owner__last_name",
            "item__owner__email",
        )
    )
    overdue, due = [], []
    for pk, title, end, item_id, code, item_title, first, last, email in found:
        row = MilestoneRow(
            pk, title, end, item_id, code, item_title, _name(first, last, email), (end - today).days
        )
        (overdue if end < today else due).append(row)
    overdue.reverse()  # the most recently missed first
    return {
        "overdue": overdue[:LIST_LIMIT],
        "overdue_total": len(overdue),
        "due": due[:LIST_LIMIT],
        "due_total": len(due),
    }


def _indicators(plan: Plan, filters: Filters) -> list[CatalogueRow]:
    """The indicators linked to the plan's items kept by ``filters``, off target first.

    A traffic light needs an indicator's latest own value and the target of its year only,
    so those are read for every linked indicator (one row each); the series behind a
    sparkline is read for the tiles shown. The indicators are chosen by a subquery, not a
    list of ids, which would cost a parameter per indicator."""
    linked = ItemIndicator.objects.filter(
        item__plan=plan, **_item_filter(filters, "item__")
    ).values("indicator_id")
    indicators = Indicator.objects.filter(pk__in=linked).select_related("department")
    rows = {indicator.pk: CatalogueRow(indicator) for indicator in indicators}
    if not rows:
        return []
    totals = IndicatorValue.objects.filter(breakdown="", series="")
    latest_start = (
        totals.filter(indicator_id=OuterRef("indicator_id"))
        .order_by("-period_start")
        .values("period_start")[:1]
    )
    for indicator_id, period, value, text in (
        totals.filter(indicator_id__in=linked, period_start=Subquery(latest_start))
        .order_by("indicator_id", "period_start")
        .values_list("indicator_id", "period", "value", "text")
    ):
        rows[indicator_id].points[:] = [Point(period, value, text)]
    years = {int(row.last.period[:4]) for row in rows.values() if row.last}
    for indicator_id, year, value in IndicatorTarget.objects.filter(
        indicator_id__in=linked, year__in=years
    ).values_list("indicator_id", "year", "value"):
        rows[indicator_id].targets[year] = value
    ordered = sorted(rows.values(), key=lambda row: (TILE_ORDER[row.status], row.indicator.code))
    _read_series([row for row in ordered[:TILE_LIMIT] if row.last])
    return ordered


def _read_series(rows: list[CatalogueRow]) -> None:
    """The own values of ``rows``' indicators, up to their latest, for their sparklines."""
    by_id = {row.indicator.pk: row for row in rows}
    if not by_id:
        return
    points = defaultdict(list)
    for indicator_id, period, value, text in (
        IndicatorValue.objects.filter(indicator_id__in=list(by_id), breakdown="", series="")
        .order_by("indicator_id", "period_start")
        .values_list("indicator_id", "period", "value", "text")
    ):
        points[indicator_id].append(Point(period, value, text))
    for indicator_id, row in by_id.items():
        row.points[:] = points[indicator_id] or row.points
