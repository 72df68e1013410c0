"""The yearly complaints report to the council (Flemish Decreet Lokaal Bestuur, art.
302–303): the rules, in plain functions that read the register with a fixed number of
queries, whatever its size.

- **The year's complaints** are those *received* in it (``received_on``). They are counted
  by department (none: "Geen dienst"), subject (the subject as typed, grouped without
  regard to case and spaces; the most frequent ``SUBJECTS_SHOWN``, the rest together),
  channel and outcome (none yet: "Nog niet afgehandeld").
- **Handling time** of a complaint: the days from ``received_on`` to ``answered_on``, over
  the year's complaints that have an answer date; the median of those days, and the share
  answered on or before their ``deadline``. Complaints without an answer date count in
  neither, and the report says how many are still open.
- **Trend**: the same figures for the year and the ``TREND_YEARS`` years before it, as a
  table and a chart whose figures are also given as text.
- **Improvements**: the year's complaints that led to an improvement: linked to a plan
  item, or the source of an improvement action (``koers.improvements``).
  Listed by reference, department, outcome and what they led to: never the complaint's
  text or anything of the complainant.

No personal data: the report reads no field of ``Complainant``, nor a complaint's
description or answer. ``figures_json`` / ``from_json`` turn a report into the JSON
stored when it is published, and back.
"""

import dataclasses
import datetime
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.accounts.models import Organisation
from koers.complaints.models import Complaint
from koers.improvements.models import ImprovementAction
from koers.plans.terminology import dutch_of
from koers.reporting.richtext import shorten

TREND_YEARS = 3  # years before the report's year in the trend
SUBJECTS_SHOWN = 15
IMPROVEMENTS_SHOWN = 200


@dataclass
class Row:
    label: str
    count: int
    share: int  # percent of the year's complaints, rounded


@dataclass
class YearFigures:
    year: int
    received: int
    answered: int
    median_days: float | None
    within_deadline: int  # answered on or before the deadline
    within_share: int | None  # percent of the answered ones
    founded: int  # founded or partly founded
    open: int  # no outcome yet


@dataclass
class Improvement:
    reference: str
    department: str
    outcome: str
    led_to: str  # the plan item or improvement action, as "code title"


@dataclass
class YearlyReport:
    organisation: str
    year: int
    language: str  # nl-BE or nl-NL
    generated_at: str  # ISO moment
    received: int
    by_department: list[Row] = field(default_factory=list)
    by_subject: list[Row] = field(default_factory=list)
    by_channel: list[Row] = field(default_factory=list)
    by_outcome: list[Row] = field(default_factory=list)
    trend: list[YearFigures] = field(default_factory=list)
    improvements: list[Improvement] = field(default_factory=list)
    improvements_total: int = 0

    @property
    def title(self) -> str:
        return _("Complaints report %(year)s") % {"year": self.year}

    @property
    def subtitle(self) -> str:
        return _("Yearly report on complaint handling to the council")

    @property
    def current(self) -> YearFigures:
        return self.trend[-1]

    @property
    def generated(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.generated_at)

    @property
    def trend_text(self) -> str:
        """The trend chart's figures as text."""
        return "; ".join(
            _("%(year)s: %(received)s received, %(within)s answered within the deadline")
            % {"year": year.year, "received": year.received, "within": year.within_deadline}
            for year in self.trend
        )


def _share(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _rows(counts: Counter, total: int, order=None) -> list[Row]:
    """Largest first (then by label), or in ``order`` (labels) when given."""
    if order is not None:
        return [Row(label, counts[label], _share(counts[label], total)) for label in order]
    ranked = sorted(counts.items(), key=lambda entry: (-entry[1], entry[0].casefold()))
    return [Row(label, count, _share(count, total)) for label, count in ranked]


def _subjects(rows, total: int) -> list[Row]:
    """Subjects as typed, grouped without regard to case and spaces (shown as most often
    typed, ``_most_typed``); beyond SUBJECTS_SHOWN the rest as one row."""
    grouped: Counter = Counter()
    spellings: dict[str, Counter] = defaultdict(Counter)
    for subject, count in rows:
        shown = " ".join((subject or "").split()) or _("(no subject)")
        key = shown.casefold()
        grouped[key] += count
        spellings[key][shown] += count
    ranked = sorted(grouped.items(), key=lambda entry: (-entry[1], entry[0]))
    found = [
        Row(_most_typed(spellings[key]), count, _share(count, total))
        for key, count in ranked[:SUBJECTS_SHOWN]
    ]
    rest = sum(count for _key, count in ranked[SUBJECTS_SHOWN:])
    if rest:
        found.append(Row(_("Other subjects"), rest, _share(rest, total)))
    return found


def _most_typed(spellings: Counter) -> str:
    """The spelling typed most often; of equally frequent ones, the first in code order
    (capitals first)."""
    return min(spellings.items(), key=lambda entry: (-entry[1], entry[0]))[0]


def _year_figures(year: int, outcomes: Counter, handled: list[tuple[int, bool]]) -> YearFigures:
    received = sum(outcomes.values())
    days = [number for number, _within in handled]
    within = sum(1 for _days, on_time in handled if on_time)
    founded = outcomes.get(Complaint.Outcome.FOUNDED, 0) + outcomes.get(
        Complaint.Outcome.PARTLY_FOUNDED, 0
    )
    return YearFigures(
        year=year,
        received=received,
        answered=len(handled),
        median_days=float(statistics.median(days)) if days else None,
        within_deadline=within,
        within_share=_share(within, len(handled)) if handled else None,
        founded=founded,
        open=outcomes.get("", 0),
    )


def _improvement_actions(complaints) -> dict[int, list[str]]:
    """Per complaint id of ``complaints`` (a queryset): the improvement actions that name
    it as their source, as "reference: recommendation (status)" (one query)."""
    statuses = dict(ImprovementAction.Status.choices)
    found = defaultdict(list)
    for complaint_id, reference, recommendation, finding, status in (
        ImprovementAction.objects.filter(complaint__in=complaints)
        .order_by("reference", "pk")
        .values_list("complaint_id", "reference", "recommendation", "finding", "status")
    ):
        what = shorten(" ".join((recommendation or finding).split()), 120)
        label = f"{reference}: {what}" if reference else what
        found[complaint_id].append(f"{label} ({statuses.get(status, status)})")
    return found


def build_yearly_report(organisation: Organisation, year: int) -> YearlyReport:
    """The report of ``year``: six queries, however many complaints there are."""
    complaints = Complaint.objects.filter(organisation=organisation)
    of_year = complaints.filter(received_on__year=year)
    channel_names = dict(Complaint.Channel.choices)
    outcome_names = dict(Complaint.Outcome.choices)
    no_department = _("No department")
    departments, channels, outcomes = Counter(), Counter(), Counter()
    for name, channel, outcome, count in (  # 1
        of_year.values_list("department__name", "channel", "outcome")
        .annotate(count=Count("id"))
        .order_by()
    ):
        departments[name or no_department] += count
        channels[str(channel_names.get(channel, channel))] += count
        outcomes[outcome] += count
    received = sum(departments.values())
    subjects = (  # 2
        of_year.values_list("subject").annotate(count=Count("id")).order_by()
    )
    first = year - TREND_YEARS
    in_trend = complaints.filter(received_on__year__gte=first, received_on__year__lte=year)
    per_year: dict[int, Counter] = defaultdict(Counter)
    for received_year, outcome, count in (  # 3
        in_trend.annotate(received_year=ExtractYear("received_on"))
        .values_list("received_year", "outcome")
        .annotate(count=Count("id"))
        .order_by()
    ):
        per_year[received_year][outcome] += count
    handled: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for received_on, answered_on, deadline in in_trend.filter(  # 4
        answered_on__isnull=False
    ).values_list("received_on", "answered_on", "deadline"):
        handled[received_on.year].append(
            ((answered_on - received_on).days, answered_on <= deadline)
        )
    linked = of_year.filter(plan_item__isnull=False)
    actions = _improvement_actions(of_year)  # 5
    improved_ids = linked.values_list("pk", flat=True)
    wanted = Complaint.objects.filter(pk__in=improved_ids) | Complaint.objects.filter(
        pk__in=list(actions)
    )
    improvements = []
    total = 0
    for reference, department, outcome, pk, code, item_title in (  # 6
        wanted.order_by("reference").values_list(
            "reference", "department__name", "outcome", "pk", "plan_item__code", "plan_item__title"
        )
    ):
        total += 1
        if len(improvements) >= IMPROVEMENTS_SHOWN:
            continue
        led_to = []
        if item_title is not None:
            led_to.append(f"{code or ''} {item_title}".strip())
        led_to += actions.get(pk, [])
        improvements.append(
            Improvement(
                reference=reference,
                department=department or no_department,
                outcome=str(outcome_names.get(outcome, _("Not handled yet"))),
                led_to="; ".join(led_to),
            )
        )
    outcome_rows = Counter(
        {
            str(outcome_names.get(key, _("Not handled yet"))) if key else _("Not handled yet"): n
            for key, n in outcomes.items()
        }
    )
    order = [str(label) for label in outcome_names.values()] + [_("Not handled yet")]
    return YearlyReport(
        organisation=organisation.name,
        year=year,
        language="nl-NL" if dutch_of(organisation.terminology_preset) == "nl-nl" else "nl-BE",
        generated_at=timezone.localtime().isoformat(),
        received=received,
        by_department=_rows(departments, received),
        by_subject=_subjects(subjects, received),
        by_channel=_rows(channels, received),
        by_outcome=[row for row in _rows(outcome_rows, received, order) if row.count],
        trend=[
            _year_figures(number, per_year.get(number, Counter()), handled.get(number, []))
            for number in range(first, year + 1)
        ],
        improvements=improvements,
        improvements_total=total,
    )


def figures_json(report: YearlyReport) -> dict:
    return dataclasses.asdict(report)


def from_json(data: dict) -> YearlyReport:
    values = dict(data)
    for name in ("by_department", "by_subject", "by_channel", "by_outcome"):
        values[name] = [Row(**row) for row in values.get(name, [])]
    values["trend"] = [YearFigures(**year) for year in values.get("trend", [])]
    values["improvements"] = [Improvement(**entry) for entry in values.get("improvements", [])]
    return YearlyReport(**values)
