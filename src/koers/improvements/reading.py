"""The read side of the register: the filtered list and the report per source.

Both read a fixed number of queries whatever the number of actions: the list reads one
page of actions with their source, owner and department (and counts them once); the
report counts per source in one grouped query and reads the actions still open in one.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q

from koers.accounts.access import whole_number
from koers.improvements.models import ImprovementAction, Source

Status = ImprovementAction.Status
OPEN = list(ImprovementAction.OPEN)


@dataclass
class Filters:
    source: int | None = None
    status: str = ""
    late: bool = False
    department: int | None = None
    owner: int | None = None

    @classmethod
    def from_query(cls, query) -> "Filters":
        status = query.get("status", "")
        return cls(
            source=whole_number(query.get("source", "")),
            status=status if status in Status.values else "",
            late=query.get("late", "") == "1",
            department=whole_number(query.get("department", "")),
            owner=whole_number(query.get("owner", "")),
        )

    @property
    def any(self) -> bool:
        return bool(self.source or self.status or self.late or self.department or self.owner)


def late(today: date) -> Q:
    return Q(status__in=OPEN, deadline__lt=today)


def register(organisation, filters: Filters, today: date):
    """The organisation's actions that pass the filters, in the register's order."""
    actions = ImprovementAction.objects.filter(organisation=organisation)
    if filters.source:
        actions = actions.filter(source_id=filters.source)
    if filters.status:
        actions = actions.filter(status=filters.status)
    if filters.late:
        actions = actions.filter(late(today))
    if filters.department:
        actions = actions.filter(department_id=filters.department)
    if filters.owner:
        actions = actions.filter(owner_id=filters.owner)
    return actions.select_related("source", "owner__user", "department").order_by(
        "source__name", "source_id", "reference", "id"
    )


STATUS_LABELS = dict(Status.choices)


@dataclass(slots=True)
class Outstanding:
    """An action still to be done, as the report lists it."""

    COLUMNS = (
        "id",
        "source_id",
        "reference",
        "recommendation",
        "finding",
        "deadline",
        "status",
        "owner__user__first_name",
        "owner__user__last_name",
        "owner__user__email",
        "department__name",
    )

    pk: int
    source_id: int
    reference: str
    recommendation: str
    finding: str
    deadline: date | None
    status: str
    first_name: str | None
    last_name: str | None
    email: str | None
    department: str | None
    late: bool = False

    @property
    def text(self) -> str:
        return self.recommendation or self.finding

    @property
    def responsible(self) -> str:
        """The owner's name (else e-mail address), else the department; empty for nobody."""
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return name or self.email or self.department or ""

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class SourceFigures:
    """What became of one source's actions."""

    source: Source
    total: int = 0
    done: int = 0
    late: int = 0
    open: int = 0  # still to be done, not late
    cancelled: int = 0
    not_accepted: int = 0  # not done: the organisation did not accept the recommendation
    # done + late + open + cancelled + not_accepted == total
    outstanding: list = field(default_factory=list)  # late first, then by deadline

    @property
    def share_done(self) -> int:
        """The share implemented, in whole percent of all the source's actions."""
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class SourceReport:
    organisation: object
    today: date
    sources: list[SourceFigures]

    @property
    def total(self) -> SourceFigures:
        whole = SourceFigures(source=None)
        for figures in self.sources:
            for name in ("total", "done", "late", "open", "cancelled", "not_accepted"):
                setattr(whole, name, getattr(whole, name) + getattr(figures, name))
        return whole


def source_report(organisation, today: date, source_id: int | None = None) -> SourceReport:
    """Per source: how many actions are done, late, open, cancelled or not accepted, the
    share implemented, and the actions still open with their owner and deadline."""
    sources = Source.objects.filter(organisation=organisation)
    if source_id:
        sources = sources.filter(pk=source_id)
    figures = {source.pk: SourceFigures(source) for source in sources}
    refused = Q(response=ImprovementAction.Response.NOT_ACCEPTED)
    counts = (
        ImprovementAction.objects.filter(source_id__in=figures)
        .values("source_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=Status.DONE)),
            late=Count("id", filter=late(today) & ~refused),
            open=Count("id", filter=Q(status__in=OPEN) & ~late(today) & ~refused),
            cancelled=Count("id", filter=Q(status=Status.CANCELLED) & ~refused),
            not_accepted=Count("id", filter=~Q(status=Status.DONE) & refused),
        )
        .order_by()
    )
    for row in counts:
        one = figures[row.pop("source_id")]
        for name, value in row.items():
            setattr(one, name, value)
    outstanding = (
        ImprovementAction.objects.filter(source_id__in=figures, status__in=OPEN)
        .exclude(refused)
        .order_by("source_id", "deadline", "reference", "id")
        .values_list(*Outstanding.COLUMNS)
    )
    for row in outstanding:  # plain rows: thousands of them, no model instances
        action = Outstanding(*row)
        action.late = action.deadline is not None and action.deadline < today
        figures[action.source_id].outstanding.append(action)
    for one in figures.values():
        one.outstanding.sort(key=lambda action: not action.late)  # stable: by deadline
    return SourceReport(organisation, today, list(figures.values()))
