"""What the pages show: the catalogue with last values and traffic lights, an indicator's
series, and the charts (as coordinates for inline SVG). A fixed number of queries,
whatever the number of indicators or values."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _

from koers.indicators.figures import separators, show_figure
from koers.indicators.models import Indicator, IndicatorTarget, IndicatorValue, ItemIndicator
from koers.indicators.public import public_items, visible_values
from koers.indicators.status import GREEN, ORANGE, RED, UNKNOWN, judge
from koers.search import queries as search

SPARK_POINTS = 10
STATUS_LABELS = {
    GREEN: lambda: _("on target"),
    ORANGE: lambda: _("close to target"),
    RED: lambda: _("off target"),
    UNKNOWN: lambda: _("no judgement"),
}


def status_label(status: str) -> str:
    return STATUS_LABELS[status]()


def judge_value(indicator: Indicator, value: Decimal | None, targets: dict, year: int) -> str:
    if indicator.unit == Indicator.Unit.TEXT:
        return UNKNOWN
    return judge(
        value,
        direction=indicator.direction,
        target=targets.get(year),
        band_low=indicator.band_low,
        band_high=indicator.band_high,
        tolerance=indicator.tolerance,
    )


@dataclass
class Point:
    period: str
    value: Decimal | None
    text: str = ""


@dataclass
class CatalogueRow:
    indicator: Indicator
    points: list[Point] = field(default_factory=list)
    targets: dict[int, Decimal] = field(default_factory=dict)
    goals: list = field(default_factory=list)
    chart: dict | None = None  # on an item's page: the full chart

    @property
    def last(self) -> Point | None:
        return self.points[-1] if self.points else None

    @cached_property
    def last_shown(self) -> str:
        last = self.last
        if last is None:
            return "–"
        i = self.indicator
        return show_figure(last.value, i.unit, i.decimals, last.text)

    @cached_property
    def target(self) -> Decimal | None:
        last = self.last
        return self.targets.get(int(last.period[:4])) if last else None

    @cached_property
    def target_shown(self) -> str:
        i = self.indicator
        if i.direction == Indicator.Direction.BAND:
            low = show_figure(i.band_low, i.unit, i.decimals) if i.band_low is not None else ""
            high = show_figure(i.band_high, i.unit, i.decimals) if i.band_high is not None else ""
            return f"{low} – {high}".strip()
        target = self.target
        if target is None:
            return "–"
        return show_figure(target, i.unit, i.decimals)

    @cached_property
    def status(self) -> str:
        last = self.last
        if last is None:
            return UNKNOWN
        return judge_value(self.indicator, last.value, self.targets, int(last.period[:4]))

    @cached_property
    def status_label(self) -> str:
        return status_label(self.status)

    @cached_property
    def spark(self) -> dict | None:
        return sparkline(self.points[-SPARK_POINTS:], self.indicator)


def sparkline(points: list[Point], indicator: Indicator, width=100, height=24) -> dict | None:
    """The polyline of a small chart and its text alternative; None without two numbers."""
    numbers = [(p.period, p.value) for p in points if p.value is not None]
    if len(numbers) < 2:
        return None
    values = [v for _p, v in numbers]
    low, high = min(values), max(values)
    span = (high - low) or Decimal(1)
    step = Decimal(width - 4) / (len(numbers) - 1)
    coordinates = []
    for n, (_period, value) in enumerate(numbers):
        x = 2 + step * n
        y = Decimal(height - 3) - (value - low) / span * Decimal(height - 6)
        coordinates.append(f"{x:.1f},{y:.1f}")
    signs = separators()
    words = "; ".join(
        f"{period}: {show_figure(value, indicator.unit, indicator.decimals, signs=signs)}"
        for period, value in numbers
    )
    last_x, last_y = coordinates[-1].split(",")
    return {
        "points": " ".join(coordinates),
        "last_x": last_x,
        "last_y": last_y,
        "width": width,
        "height": height,
        "text": _("Course: %(values)s") % {"values": words},
    }


@dataclass
class Filters:
    q: str = ""
    theme: str = ""
    department: int | None = None
    goal: int | None = None
    sdg: int | None = None  # the number of a Sustainable Development Goal of a linked item
    status: str = ""  # "on" (green) or "off" (orange or red)


PAGE_SIZE = 100


def catalogue_page(
    organisation, filters: Filters, number, public: bool = False, per_page: int = PAGE_SIZE
) -> tuple[list[CatalogueRow], Page]:
    """One page of the catalogue: without the on/off-target filter only the page's
    indicators are read, so that the page's work does not grow with the catalogue."""
    if filters.status:  # judged from the values: every indicator must be read
        page = Paginator(catalogue(organisation, filters, public), per_page).get_page(number)
        return list(page.object_list), page
    page = Paginator(_indicators(organisation, filters, public), per_page).get_page(number)
    return _rows(list(page.object_list), filters, public), page


def catalogue(organisation, filters: Filters, public: bool = False) -> list[CatalogueRow]:
    """The organisation's indicators with their own totals, targets and linked items;
    ``public``: what the portal shows (:mod:`koers.indicators.public`)."""
    return _rows(list(_indicators(organisation, filters, public)), filters, public)


def _indicators(organisation, filters: Filters, public: bool):
    indicators = Indicator.objects.filter(organisation=organisation).select_related(
        "department", "owner"
    )
    if public:
        indicators = indicators.filter(is_public=True)
    if filters.q:  # Dutch word forms, in the database's full-text index (koers.search)
        indicators = search.indicators(organisation.pk, filters.q).within(indicators)
    if filters.theme:
        indicators = indicators.filter(theme=filters.theme)
    if filters.department:
        indicators = indicators.filter(department_id=filters.department)
    if filters.goal:
        indicators = indicators.filter(item_links__item_id=filters.goal)
    if filters.sdg:
        indicators = indicators.filter(item_links__item__sdg_goals__number=filters.sdg)
    if filters.goal or filters.sdg:
        indicators = indicators.distinct()
    return indicators.order_by("code", "pk")


def _rows(indicators: list[Indicator], filters: Filters, public: bool) -> list[CatalogueRow]:
    rows = {i.pk: CatalogueRow(i) for i in indicators}
    if not rows:
        return []
    ids = list(rows)
    values = IndicatorValue.objects.filter(indicator_id__in=ids, breakdown="", series="")
    links = ItemIndicator.objects.filter(indicator_id__in=ids)
    if public:
        values, links = values.filter(visible_values()), links.filter(public_items())
    for indicator_id, period, value, text in values.order_by(
        "indicator_id", "period_start"
    ).values_list("indicator_id", "period", "value", "text"):
        rows[indicator_id].points.append(Point(period, value, text))
    for indicator_id, year, value in IndicatorTarget.objects.filter(
        indicator_id__in=ids
    ).values_list("indicator_id", "year", "value"):
        rows[indicator_id].targets[year] = value
    for link in links.select_related("item"):
        rows[link.indicator_id].goals.append(link.item)
    result = list(rows.values())
    if filters.status == "on":
        result = [r for r in result if r.status == GREEN]
    elif filters.status == "off":
        result = [r for r in result if r.status in (ORANGE, RED)]
    return result


def filter_choices(organisation) -> dict:
    from koers.accounts.models import Department
    from koers.plans.models import PlanItem

    themes = (
        Indicator.objects.filter(organisation=organisation)
        .exclude(theme="")
        .order_by("theme")
        .values_list("theme", flat=True)
        .distinct()
    )
    goals = (
        PlanItem.objects.filter(plan__organisation=organisation, indicator_links__isnull=False)
        .distinct()
        .order_by("plan_id", "path")
    )
    from koers.sdgs.models import SDGGoal

    sdgs = SDGGoal.objects.filter(
        items__plan__organisation=organisation, items__indicator_links__isnull=False
    ).distinct()
    return {
        "sdgs": list(sdgs),
        "themes": list(themes),
        "departments": list(Department.objects.filter(organisation=organisation).order_by("name")),
        "goals": list(goals),
    }


# One indicator ----------------------------------------------------------------------


@dataclass
class SeriesRow:
    period: str
    shown: str
    value: Decimal | None
    target_shown: str
    status: str
    status_label: str
    record: IndicatorValue


@dataclass
class Detail:
    indicator: Indicator
    targets: list[IndicatorTarget]
    breakdowns: list[tuple[str, list[SeriesRow]]]  # own series: total first
    benchmarks: list[tuple[str, list[SeriesRow]]]
    comparison: list[tuple[str, list[str]]]  # period → own total and each benchmark
    links: list[ItemIndicator]
    chart: dict | None
    target_rows: list[dict] = field(default_factory=list)
    band: str = ""
    tolerance: str = ""
    baseline: str = ""


def detail(indicator: Indicator, public: bool = False) -> Detail:
    """``public``: the values and links the portal shows."""
    targets = list(indicator.targets.all())
    by_year = {t.year: t.value for t in targets}
    own: dict[str, list[SeriesRow]] = defaultdict(list)
    benchmarks: dict[str, list[SeriesRow]] = defaultdict(list)
    values = IndicatorValue.objects.filter(indicator=indicator).select_related("entered_by")
    links = indicator.item_links.select_related("item", "item__plan")
    if public:
        values, links = values.filter(visible_values()), links.filter(public_items())
    for record in values.order_by("period_start", "series", "breakdown"):
        year = record.period_start.year
        target = by_year.get(year)
        status = judge_value(indicator, record.value, by_year, year) if not record.series else ""
        row = SeriesRow(
            period=record.period,
            shown=show_figure(record.value, indicator.unit, indicator.decimals, record.text),
            value=record.value,
            target_shown=show_figure(target, indicator.unit, indicator.decimals)
            if target is not None
            else "–",
            status=status,
            status_label=status_label(status) if status else "",
            record=record,
        )
        if record.series:
            benchmarks[record.series].append(row)
        else:
            own[record.breakdown].append(row)
    breakdowns = sorted(own.items(), key=lambda pair: (pair[0] != "", pair[0].casefold()))
    benchmark_list = sorted(benchmarks.items())
    comparison = []
    if benchmark_list:
        periods = sorted(
            {r.period for r in own.get("", [])}
            | {r.period for _s, rows in benchmark_list for r in rows}
        )
        total = {r.period: r.shown for r in own.get("", [])}
        shown = [{r.period: r.shown for r in rows} for _s, rows in benchmark_list]
        comparison = [
            (period, [total.get(period, "–")] + [s.get(period, "–") for s in shown])
            for period in periods
        ]
    links = list(links)

    def shown(value):
        return show_figure(value, indicator.unit, indicator.decimals) if value is not None else ""

    band = ""
    if indicator.direction == Indicator.Direction.BAND:
        band = f"{shown(indicator.band_low) or '…'} – {shown(indicator.band_high) or '…'}"
    return Detail(
        target_rows=[{"pk": t.pk, "year": t.year, "shown": shown(t.value)} for t in targets],
        band=band,
        tolerance=shown(indicator.tolerance),
        baseline=shown(indicator.baseline_value),
        indicator=indicator,
        targets=targets,
        breakdowns=breakdowns,
        benchmarks=benchmark_list,
        comparison=comparison,
        links=links,
        chart=line_chart(indicator, own.get("", []), benchmark_list, by_year),
    )


def line_chart(indicator, total, benchmarks, targets, width=640, height=260) -> dict | None:
    """Coordinates of the chart of the own total, its targets and the benchmarks."""
    if indicator.unit == Indicator.Unit.TEXT:
        return None
    lines = [(_("Own value"), "own", total)] + [
        (name, f"benchmark-{n % 4 + 1}", rows) for n, (name, rows) in enumerate(benchmarks)
    ]
    periods = sorted({r.period for _n, _c, rows in lines for r in rows if r.value is not None})
    if not periods:
        return None
    numbers = [r.value for _n, _c, rows in lines for r in rows if r.value is not None]
    years = sorted({int(p[:4]) for p in periods})
    target_points = [(y, targets[y]) for y in years if y in targets]
    numbers += [v for _y, v in target_points]
    if indicator.direction == Indicator.Direction.BAND:
        numbers += [v for v in (indicator.band_low, indicator.band_high) if v is not None]
    low, high = min(numbers), max(numbers)
    if low > 0 and low < high:
        low = min(low, Decimal(0)) if high / low > 3 else low
    span = (high - low) or Decimal(1)
    left, right, top, bottom = 70, 20, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    index = {period: n for n, period in enumerate(periods)}

    def x(period):
        if len(periods) == 1:
            return left + plot_w / 2
        return left + plot_w * index[period] / (len(periods) - 1)

    def y(value):
        return top + plot_h - float((value - low) / span) * plot_h

    def point_list(pairs):
        return [{"x": f"{x(p):.1f}", "y": f"{y(v):.1f}", "label": label} for p, v, label in pairs]

    drawn = []
    for name, css, rows in lines:
        pairs = [
            (r.period, r.value, f"{name} {r.period}: {r.shown}")
            for r in rows
            if r.value is not None
        ]
        if pairs:
            points = point_list(pairs)
            drawn.append(
                {
                    "name": name,
                    "css": css,
                    "points": points,
                    "path": " ".join(f"{p['x']},{p['y']}" for p in points),
                }
            )
    target_line = None
    year_periods = {int(p[:4]): p for p in reversed(periods)}  # the first period of each year
    pairs = [
        (
            year_periods[year],
            value,
            _("Target %(year)s: %(value)s")
            % {"year": year, "value": show_figure(value, indicator.unit, indicator.decimals)},
        )
        for year, value in target_points
    ]
    if pairs:
        points = point_list(pairs)
        target_line = {"points": points, "path": " ".join(f"{p['x']},{p['y']}" for p in points)}
    band = None
    if indicator.direction == Indicator.Direction.BAND:
        band_top = y(indicator.band_high) if indicator.band_high is not None else top
        band_bottom = y(indicator.band_low) if indicator.band_low is not None else top + plot_h
        band = {
            "x": left,
            "y": f"{band_top:.1f}",
            "width": plot_w,
            "height": f"{max(band_bottom - band_top, 1):.1f}",
        }
    return {
        "width": width,
        "height": height,
        "lines": drawn,
        "target": target_line,
        "band": band,
        "axis": {
            "left": left,
            "right": width - right,
            "top": top,
            "bottom": top + plot_h,
            "low": show_figure(low, indicator.unit, indicator.decimals),
            "high": show_figure(high, indicator.unit, indicator.decimals),
            "label_y": top + plot_h + 25,
            "low_y": f"{top + plot_h:.1f}",
            "first": periods[0],
            "last": periods[-1],
        },
        "title": _("%(name)s over time") % {"name": indicator.name},
    }


# Plan items -------------------------------------------------------------------------


@dataclass
class ChartRow:
    period: str
    value: Decimal | None
    shown: str


def item_indicator_rows(item) -> list[tuple[ItemIndicator, CatalogueRow]]:
    """The indicators linked to an item, each with its last value, traffic light and
    chart (own totals, target line, benchmarks: ``row.chart``); three queries."""
    links = list(
        ItemIndicator.objects.filter(item=item).select_related("indicator").order_by("role", "id")
    )
    if not links:
        return []
    ids = [link.indicator_id for link in links]
    rows = {link.indicator_id: CatalogueRow(link.indicator) for link in links}
    benchmarks: dict[int, dict[str, list[ChartRow]]] = defaultdict(lambda: defaultdict(list))
    signs = separators()
    for indicator_id, period, value, text, series in (
        IndicatorValue.objects.filter(indicator_id__in=ids, breakdown="")
        .order_by("indicator_id", "period_start")
        .values_list("indicator_id", "period", "value", "text", "series")
    ):
        if series:
            i = rows[indicator_id].indicator
            shown = show_figure(value, i.unit, i.decimals, text, signs)
            benchmarks[indicator_id][series].append(ChartRow(period, value, shown))
        else:
            rows[indicator_id].points.append(Point(period, value, text))
    for indicator_id, year, value in IndicatorTarget.objects.filter(
        indicator_id__in=ids
    ).values_list("indicator_id", "year", "value"):
        rows[indicator_id].targets[year] = value
    for indicator_id, row in rows.items():
        i = row.indicator
        own = [
            ChartRow(p.period, p.value, show_figure(p.value, i.unit, i.decimals, p.text, signs))
            for p in row.points
        ]
        others = sorted(benchmarks[indicator_id].items())
        row.chart = line_chart(i, own, others, row.targets)
    return [(link, rows[link.indicator_id]) for link in links]
