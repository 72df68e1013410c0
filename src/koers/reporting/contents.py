"""The contents of a report, assembled once for (plan, round) and rendered in every format.

``build_report`` reads the plan with a fixed number of queries, whatever its size: the
tree with its roll-ups (``plan_rows``), the items' texts, milestones, departments and
SDGs, and the approved updates of the round. Renderers only read the result.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from koers.followup.models import ProgressUpdate, ReportingRound
from koers.plans.models import Plan, PlanItem
from koers.plans.services.tree import Money, plan_rows
from koers.reporting import as_of
from koers.reporting.indicators import report_indicators

ZERO = Decimal("0.00")
FLEMISH = "flemish"
DUTCH = "dutch"


@dataclass
class Filters:
    """Which part of the plan the report covers."""

    subtree: PlanItem | None = None
    priority_only: bool = False
    department: str = ""

    def describe(self) -> str:
        parts = []
        if self.subtree is not None:
            parts.append(_("only %(item)s") % {"item": f"{self.subtree.code} {self.subtree.title}"})
        if self.priority_only:
            parts.append(_("priority policy only"))
        if self.department:
            parts.append(_("department %(name)s") % {"name": self.department})
        return ", ".join(parts)


@dataclass
class ReportMilestone:
    title: str
    planned: str
    done: bool
    done_on: date | None


@dataclass
class YearMoney:
    year: int | None  # None: the total over all years
    expense: Money
    receipt: Money


@dataclass
class ReportItem:
    pk: int
    code: str
    title: str
    level: int
    level_label: str
    priority: bool
    status: str
    status_colour: str
    # The item's figure: its approved percentage of the round (or of the latest approved
    # before it), else the roll-up of its children or its own.
    percent: int | None
    owner: str
    departments: list[str]
    description: str
    intent: str
    timing: str
    progress: str  # the approved text of the round (or of the latest approved before it)
    progress_round: str
    cost_note: str
    milestones: list[ReportMilestone]
    money: list[YearMoney]
    sdgs: list[str]
    has_children: bool
    # Shown only to place matching items in the tree (a filter left it out itself).
    context_only: bool = False
    # Of an item with items below it: the percentage rolled up from them, and what they
    # are called ("acties"), shown beside ``percent`` when the two differ.
    rollup_percent: int | None = None
    children_label: str = ""
    # Its indicators (``reporting.indicators``): per goal, or the programme's
    # beleidsindicatoren.
    indicators: list = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"item-{self.pk}"

    @property
    def heading(self) -> str:
        return f"{self.code} {self.title}".strip()

    @property
    def facts(self) -> list[str]:
        """Level, policy, status, percentage, owner, departments: the line under a heading."""
        facts = [self.level_label]
        if self.priority:
            facts.append(_("Priority policy"))
        if self.status:
            facts.append(self.status)
        if self.percent_text:
            facts.append(self.percent_text)
        if self.owner:
            facts.append(self.owner)
        if self.departments:
            facts.append(", ".join(self.departments))
        return facts

    @property
    def shows_rollup(self) -> bool:
        """Its own approved percentage and its children's roll-up differ: show both."""
        return self.rollup_percent is not None and self.rollup_percent != self.percent

    @property
    def percent_text(self) -> str:
        """'60 %', or '60 % (eigen inschatting) · 33 % (berekend uit onderliggende acties)'
        when the item's approved figure and its children's roll-up differ; '' for none."""
        if self.percent is None:
            return ""
        if not self.shows_rollup:
            return f"{self.percent} %"
        own = _("%(percent)s %% (own estimate)") % {"percent": self.percent}
        rolled = _("%(percent)s %% (calculated from the underlying %(items)s)") % {
            "percent": self.rollup_percent,
            "items": self.children_label,
        }
        return f"{own} · {rolled}"

    @property
    def milestones_done(self) -> int:
        return sum(1 for milestone in self.milestones if milestone.done)

    @property
    def money_total(self) -> YearMoney:
        return self.money[-1]


@dataclass
class GoalMoney:
    """Budget of one top-level item: per year and in total (for the summary and charts)."""

    code: str
    title: str
    years: dict[int, Money]
    total: Money
    receipt_years: dict[int, Money]

    @property
    def heading(self) -> str:
        return f"{self.code} {self.title}"

    def year_figures(self, year: int) -> tuple:
        """Expenses planned and realised, receipts planned and realised in ``year``
        (None where the goal has no budget that year); labels: ``year_figure_labels()``."""
        money, receipt = self.years.get(year), self.receipt_years.get(year)
        return (
            money.current if money else None,
            money.actual if money else None,
            receipt.current if receipt else None,
            receipt.actual if receipt else None,
        )

    @property
    def programme_figures(self) -> tuple:
        """Original budget, amended budget, actual, difference (``programme_figure_labels()``)."""
        total = self.total
        return (total.initial, total.current, total.actual, total.remaining)


def year_figure_labels() -> list[str]:
    return [
        _("Expenses planned"),
        _("Expenses realised"),
        _("Receipts planned"),
        _("Receipts realised"),
    ]


def programme_figure_labels() -> list[str]:
    return [_("Original budget"), _("Amended budget"), _("Actual"), _("Difference")]


@dataclass
class Summary:
    status_counts: list[tuple[str, str, int]]  # (status, colour, number of items)
    milestones_done: int
    milestones_total: int
    goals: list[GoalMoney]
    years: list[int]
    current_year: int
    sdg_coverage: list[tuple[int, str, str, int]]  # (number, name, colour, items)
    priority_items: list[ReportItem]

    @property
    def items_counted(self) -> int:
        return sum(entry[2] for entry in self.status_counts)


@dataclass
class Report:
    organisation: str
    colour: str
    plan_title: str
    plan_id: int
    variant: str  # FLEMISH or DUTCH
    round_name: str
    period: tuple[date, date] | None
    generated_at: datetime
    filters: str
    labels: dict[str, str]  # section headings of the plan's terminology
    level_labels: tuple[str, ...]
    items: list[ReportItem]
    summary: Summary
    changed_assumptions: str = ""
    changed_risks: str = ""

    @property
    def title(self) -> str:
        if self.variant == FLEMISH:
            return _("Follow-up report %(plan)s") % {"plan": self.plan_title}
        return _("Annual report %(plan)s") % {"plan": self.plan_title}

    @property
    def subtitle(self) -> str:
        return self.round_name

    @property
    def language(self) -> str:
        """The language tag of the report's texts: nl-BE for a Flemish plan, nl-NL for a
        Dutch one (an organisation has no country of its own: the plan's terminology
        preset tells which Dutch)."""
        return "nl-NL" if self.variant == DUTCH else "nl-BE"

    @property
    def reported_items(self) -> list[ReportItem]:
        return [item for item in self.items if not item.context_only]


def variant_of(plan: Plan) -> str:
    return DUTCH if plan.terminology_preset == "dutch_pc" else FLEMISH


def build_report(
    plan: Plan,
    round_: ReportingRound | None = None,
    filters: Filters | None = None,
    *,
    today: date | None = None,
) -> Report:
    """Everything a renderer needs, read from the database once."""
    filters = filters or Filters()
    terminology = plan.terminology
    updates = _approved_updates(plan, round_)
    # Roll up the approved figures of the round, not the plan's figures of today.
    approved = {item_id: (u.status_id, u.percent) for item_id, u in updates.items()}
    # A closed round: milestones, money and items as they stood when it was closed.
    moment = as_of.closing_moment(round_)
    if moment is None:
        rows = plan_rows(plan, subtree_of=filters.subtree, states=approved)
    else:
        existed, figures = as_of.figures_as_of(plan, moment, approved)
        rows = plan_rows(plan, subtree_of=filters.subtree, only_ids=existed, figures=figures)
    details = _item_details(plan, filters.subtree)
    keep = _kept_paths(rows, details, filters)
    milestones = _milestones(as_of.milestones_as_of(plan, moment))
    indicators = report_indicators(details, until=round_.period_end if round_ else None)
    items = []
    for row in rows:
        path = row.item.path
        if path not in keep:
            continue
        info = details[row.item.pk]
        update = updates.get(row.item.pk)
        # The state as approved for this round when there is an approved update; else the
        # plan's own (imported or maintained by the coordinator).
        status = update.status if update and update.status_id else row.item.status
        items.append(
            ReportItem(
                pk=row.item.pk,
                code=row.item.code,
                title=row.item.title,
                level=row.level,
                level_label=terminology.level(row.level),
                priority=row.item.policy == PlanItem.Policy.PRIORITY,
                status=status.name if status else "",
                status_colour=status.colour if status else "#8a8f98",
                percent=_percent(row, update),
                owner=row.item.owner_name,
                departments=info["departments"],
                description=info["description"],
                intent=info["intended_result"],
                timing=info["timing"],
                progress=update.narrative if update else "",  # approved text only
                progress_round=update.round.name if update else "",
                cost_note=info["cost_note"],
                milestones=milestones.get(row.item.pk, []),
                money=_money_rows(row.money),
                sdgs=info["sdgs"],
                has_children=row.has_children,
                context_only=keep[path],
                rollup_percent=row.progress_percent if row.has_children else None,
                children_label=terminology.level_plural(row.level + 1).lower(),
                indicators=indicators.get(row.item.pk, []),
            )
        )
    texts = getattr(round_, "report_text", None) if round_ is not None else None
    current_year = (round_.period_end.year if round_ else None) or (
        today or timezone.localdate()
    ).year
    return Report(
        organisation=plan.organisation.name,
        colour=plan.organisation.colour,
        plan_title=plan.title,
        plan_id=plan.pk,
        variant=variant_of(plan),
        round_name=round_.name
        if round_
        else _("Situation on %(date)s") % {"date": date_format(today or timezone.localdate())},
        period=(round_.period_start, round_.period_end) if round_ else None,
        generated_at=timezone.now(),
        filters=filters.describe(),
        # A round's report accounts for the plan: its questions in the past tense.
        labels=terminology.account_sections if round_ else terminology.sections,
        level_labels=terminology.levels,
        items=items,
        summary=_summary(plan, rows, items, current_year),
        changed_assumptions=texts.changed_assumptions if texts else "",
        changed_risks=texts.changed_risks if texts else "",
    )


def _percent(row, update) -> int | None:
    """The approved percentage of the item itself; else its row's (rolled up, or its own)."""
    if update is not None and update.percent is not None:
        return update.percent
    return row.progress_percent


def _kept_paths(rows, details, filters: Filters) -> dict[str, bool]:
    """path -> context_only for the rows in the report: the matching ones and their
    ancestors (kept to show where they sit)."""
    matching = []
    for row in rows:
        info = details[row.item.pk]
        if filters.priority_only and row.item.policy != PlanItem.Policy.PRIORITY:
            continue
        if filters.department and filters.department not in info["departments"]:
            continue
        matching.append(row.item.path)
    kept = dict.fromkeys(matching, False)
    step = PlanItem.steplen
    top = 2 * step  # the root of the plan is not part of the report
    for path in matching:
        for end in range(top, len(path), step):
            kept.setdefault(path[:end], True)
    return kept


def _item_details(plan: Plan, subtree: PlanItem | None) -> dict[int, dict]:
    items = PlanItem.objects.filter(plan=plan, depth__gt=1)
    if subtree is not None:
        items = items.filter(path__startswith=subtree.path)
    details = {
        values["pk"]: {**values, "departments": [], "sdgs": []}
        for values in items.values(
            "pk",
            "description",
            "intended_result",
            "cost_note",
            "timing",
        )
    }
    links = PlanItem.departments.through.objects.filter(planitem__plan=plan)
    for item_id, name in links.values_list("planitem_id", "department__name").order_by(
        "department__name"
    ):
        if item_id in details:
            details[item_id]["departments"].append(name)
    goals = PlanItem.sdg_goals.through.objects.filter(planitem__plan=plan)
    for item_id, number in goals.values_list("planitem_id", "sdggoal__number").order_by(
        "sdggoal__number"
    ):
        if item_id in details:
            details[item_id]["sdgs"].append(number)
    return details


def _milestones(milestones) -> dict[int, list[ReportMilestone]]:
    found = defaultdict(list)
    for milestone in milestones.order_by("item_id", "position"):
        found[milestone.item_id].append(
            ReportMilestone(
                milestone.title, milestone.planned_display, milestone.done, milestone.done_on
            )
        )
    return found


def _approved_updates(plan: Plan, round_: ReportingRound | None) -> dict[int, ProgressUpdate]:
    """Per item, the approved update of this round, or else of the latest earlier round."""
    updates = ProgressUpdate.objects.filter(
        round__plan=plan, state=ProgressUpdate.State.APPROVED
    ).select_related("round", "status")
    if round_ is not None:  # this round and the ones before it (by period, then by opening)
        updates = updates.filter(
            Q(round__period_end__lt=round_.period_end)
            | Q(round__period_end=round_.period_end, round_id__lte=round_.pk)
        )
    latest = {}
    for update in updates.order_by("round__period_end", "round_id"):
        latest[update.item_id] = update
    return latest


def _money_rows(money) -> list[YearMoney]:
    rows = [
        YearMoney(year, money.expense_for(year), money.receipt_for(year)) for year in money.years
    ]
    rows.append(YearMoney(None, money.expense_for(None), money.receipt_for(None)))
    return rows


def _summary(plan: Plan, rows, items: list[ReportItem], current_year: int) -> Summary:
    reported = [item for item in items if not item.context_only]
    # Statuses are counted over the items that carry the work: those without items below.
    statuses = Counter(
        (item.status or _("no status"), item.status_colour)
        for item in reported
        if not item.has_children
    )
    status_counts = sorted(
        ((name, colour, count) for (name, colour), count in statuses.items()),
        key=lambda entry: (-entry[2], entry[0]),
    )
    in_report = {item.pk for item in items}
    top = min((row.level for row in rows), default=1)
    goals = [
        GoalMoney(
            row.item.code,
            row.item.title,
            dict(row.money.expense),
            row.money.expense_for(None),
            dict(row.money.receipt),
        )
        for row in rows
        if row.level == top and row.item.pk in in_report
    ]
    years = sorted({year for goal in goals for year in goal.years} | set(plan.years))
    sdg_names = _sdg_names()
    coverage = Counter(number for item in reported for number in item.sdgs)
    return Summary(
        status_counts=status_counts,
        milestones_done=sum(item.milestones_done for item in reported),
        milestones_total=sum(len(item.milestones) for item in reported),
        goals=goals,
        years=years,
        current_year=current_year,
        sdg_coverage=[
            (number, *sdg_names.get(number, (str(number), "#888888")), coverage[number])
            for number in sorted(coverage)
        ],
        priority_items=[item for item in reported if item.priority],
    )


def _sdg_names() -> dict[int, tuple[str, str]]:
    from koers.sdgs.models import SDGGoal

    return {goal.number: (goal.name, goal.colour) for goal in SDGGoal.objects.all()}
