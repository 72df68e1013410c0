"""The indicators of a report: for each item with linked indicators, each indicator's
own series (the total, without breakdown or benchmark) with target and traffic light.
The Flemish follow-up report shows them per goal, the Dutch annual report as the
programme's *beleidsindicatoren*. A round's report shows the periods that began before
the round's period ended, nothing later. Read in four queries, whatever the plan's size."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from koers.indicators.figures import separators, show_figure
from koers.indicators.models import Indicator, IndicatorTarget, IndicatorValue, ItemIndicator
from koers.indicators.reading import Point, judge_value, sparkline, status_label

PERIODS_SHOWN = 6


@dataclass
class IndicatorPeriod:
    period: str
    shown: str
    target_shown: str
    value: Decimal | None = None  # for a spreadsheet: the number itself
    target: Decimal | None = None


@dataclass
class ReportIndicator:
    code: str
    name: str
    role: str  # "effect" or "output", as words
    unit: str
    source: str
    periods: list[IndicatorPeriod] = field(default_factory=list)  # the last few, oldest first
    status: str = ""  # green, orange, red, unknown: of the last period
    status_label: str = ""
    spark: dict | None = None

    @property
    def last(self) -> IndicatorPeriod | None:
        return self.periods[-1] if self.periods else None

    @property
    def last_text(self) -> str:
        """'2025: 78 %', or '–'."""
        last = self.last
        return f"{last.period}: {last.shown}" if last else "–"

    @property
    def target_text(self) -> str:
        """'2025: 80 %': the target of the last period's year, or '–'."""
        last = self.last
        if last is None or last.target_shown == "–":
            return "–"
        return f"{last.period[:4]}: {last.target_shown}"

    @property
    def course(self) -> str:
        """'2023: 71 % · 2024: 74,5 % · 2025: 78 %': the figures of the chart, as text."""
        return " · ".join(f"{p.period}: {p.shown}" for p in self.periods) or "–"


def columns() -> list[str]:
    """The column headings of an indicator table, in every format."""
    return [_("Indicator"), _("Unit"), _("Last value"), _("Target"), _("Status"), _("Course")]


def row(indicator: "ReportIndicator") -> list[str]:
    return [
        f"{indicator.code} {indicator.name}".strip(),
        indicator.unit,
        indicator.last_text,
        indicator.target_text,
        indicator.status_label,
        indicator.course,
    ]


def report_indicators(item_ids, until: date | None = None) -> dict[int, list[ReportIndicator]]:
    """{item id: its indicators}, in code order."""
    links = list(
        ItemIndicator.objects.filter(item_id__in=list(item_ids))
        .select_related("indicator")
        .order_by("indicator__code")
    )
    if not links:
        return {}
    indicators = {link.indicator_id: link.indicator for link in links}
    values = IndicatorValue.objects.filter(
        indicator_id__in=list(indicators), breakdown="", series=""
    ).order_by("indicator_id", "period_start")
    if until is not None:
        values = values.filter(period_start__lte=until)
    points = defaultdict(list)
    for indicator_id, period, value, text in values.values_list(
        "indicator_id", "period", "value", "text"
    ):
        points[indicator_id].append(Point(period, value, text))
    targets = defaultdict(dict)
    for indicator_id, year, value in IndicatorTarget.objects.filter(
        indicator_id__in=list(indicators)
    ).values_list("indicator_id", "year", "value"):
        targets[indicator_id][year] = value
    signs = separators()
    found = defaultdict(list)
    for link in links:
        found[link.item_id].append(
            _one(link, points[link.indicator_id], targets[link.indicator_id], signs)
        )
    return found


def _one(link: ItemIndicator, points: list[Point], targets: dict, signs) -> ReportIndicator:
    indicator = link.indicator

    def shown(value, text=""):
        if value is None and not text:
            return "–"
        return show_figure(value, indicator.unit, indicator.decimals, text, signs)

    numeric = indicator.unit not in (Indicator.Unit.YES_NO, Indicator.Unit.TEXT)
    periods = [
        IndicatorPeriod(
            point.period,
            shown(point.value, point.text),
            shown(targets.get(int(point.period[:4]))),
            point.value if numeric else None,
            targets.get(int(point.period[:4])) if numeric else None,
        )
        for point in points[-PERIODS_SHOWN:]
    ]
    status = ""
    if points:
        last = points[-1]
        status = judge_value(indicator, last.value, targets, int(last.period[:4]))
    return ReportIndicator(
        code=indicator.code,
        name=indicator.name,
        role=str(ItemIndicator.Role(link.role).label),
        unit=str(Indicator.Unit(indicator.unit).label),
        source=indicator.source,
        periods=periods,
        status=status,
        status_label=status_label(status) if status else _("no figures"),
        spark=sparkline(points[-10:], indicator),
    )
