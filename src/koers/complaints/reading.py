"""The read side of the register: its filters, one page of it, and the CSV download."""

import csv
import io
from collections import namedtuple
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from koers.accounts.models import Department, Membership
from koers.complaints import access
from koers.complaints.models import Complaint
from koers.plans.services.spreadsheet import FORMULA_START

PAGE_SIZE = 50
STATUSES = ("open", "late", "closed")
# A spreadsheet reads a cell that starts with one of these as a formula.


@dataclass
class Filters:
    q: str = ""
    status: str = ""
    department: int | None = None
    channel: str = ""
    year: int | None = None

    @property
    def active(self) -> bool:
        return any(vars(self).values())


def status_of(complaint: Complaint, today) -> str:
    if complaint.closed_on is not None:
        return "closed"
    return "late" if today > complaint.deadline else "open"


STATUS_LABELS = {
    "open": lambda: _("open"),
    "late": lambda: _("open, past the deadline"),
    "closed": lambda: pgettext("complaint", "closed"),
}


def complaints(membership: Membership, filters: Filters, today=None) -> QuerySet[Complaint]:
    """The complaints the member may see that pass the filters, newest first."""
    today = today or timezone.localdate()
    found = access.visible_complaints(membership)
    if filters.q:
        for word in filters.q.split():
            found = found.filter(Q(reference__icontains=word) | Q(subject__icontains=word))
    if filters.status == "open":
        found = found.filter(closed_on__isnull=True)
    elif filters.status == "late":
        found = found.filter(closed_on__isnull=True, deadline__lt=today)
    elif filters.status == "closed":
        found = found.filter(closed_on__isnull=False)
    if filters.department:
        found = found.filter(department_id=filters.department)
    if filters.channel:
        found = found.filter(channel=filters.channel)
    if filters.year:
        found = found.filter(received_on__year=filters.year)
    return found.order_by("-received_on", "-id")


def register_page(membership: Membership, filters: Filters, number) -> tuple[list, Page]:
    """One page of the register: three queries (the count, the page's ids, its rows),
    whatever its size."""
    today = timezone.localdate()
    # The page's ids first (from the indexes alone, however far the page), then its rows.
    ids = complaints(membership, filters, today).values_list("pk", flat=True)
    page = Paginator(ids, PAGE_SIZE).get_page(number)
    found = Complaint.objects.filter(pk__in=list(page.object_list)).select_related(
        "department", "handler__user"
    )
    listed = sorted(found, key=lambda c: (c.received_on, c.pk), reverse=True)
    for complaint in listed:
        complaint.status = status_of(complaint, today)
        complaint.status_label = STATUS_LABELS[complaint.status]()
    return listed, page


def filter_choices(membership: Membership) -> dict:
    organisation_id = membership.organisation_id
    # The first and last day, each one row read from the index (organisation, received_on).
    days = Complaint.objects.filter(organisation_id=organisation_id).values_list(
        "received_on", flat=True
    )
    first = days.order_by("received_on").first()
    last = days.order_by("-received_on").first()
    years = range(last.year, first.year - 1, -1) if first else []
    return {
        "departments": list(Department.objects.filter(organisation_id=organisation_id)),
        "channels": Complaint.Channel.choices,
        "years": list(years),
        "statuses": [(key, STATUS_LABELS[key]()) for key in STATUSES],
    }


# What the download reads of each complaint: one row of values, no model objects.
EXPORT_COLUMNS = (
    "organisation_id",
    "handler_id",
    "reference",
    "received_on",
    "channel",
    "subject",
    "department__name",
    "handler__user__first_name",
    "handler__user__last_name",
    "handler__user__email",
    "deadline",
    "closed_on",
    "answered_on",
    "outcome",
    "complainant__name",
    "complainant__email",
)
ExportRow = namedtuple(
    "ExportRow",
    "organisation_id handler_id reference received_on channel subject department"
    " handler_first handler_last handler_email deadline closed_on answered_on outcome"
    " name email",
)


def export_csv(membership: Membership, filters: Filters) -> str:
    """The filtered register as CSV. The complainant's columns are filled only for the
    complaints whose personal data this member may see (access.may_see_personal_data)."""
    today = timezone.localdate()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            _("Reference"),
            _("Received on"),
            _("Channel"),
            _("Subject"),
            _("Department"),
            _("Handler"),
            _("Deadline"),
            _("Status"),
            _("Outcome"),
            _("Answered on"),
            _("Complainant"),
            _("E-mail address"),
        ]
    )
    channels = {key: str(label) for key, label in Complaint.Channel.choices}
    outcomes = {key: str(label) for key, label in Complaint.Outcome.choices}
    statuses = {key: label() for key, label in STATUS_LABELS.items()}
    rows = complaints(membership, filters, today).values_list(*EXPORT_COLUMNS)
    for row in rows.iterator(chunk_size=2000):
        complaint = ExportRow(*row)
        personal = access.may_see_personal_data(membership, complaint)
        handler = " ".join(filter(None, [complaint.handler_first, complaint.handler_last]))
        writer.writerow(
            [
                cell if not cell.startswith(FORMULA_START) else "'" + cell
                for cell in [
                    complaint.reference,
                    complaint.received_on.isoformat(),
                    channels.get(complaint.channel, complaint.channel),
                    complaint.subject,
                    complaint.department or "",
                    handler or complaint.handler_email or "",
                    complaint.deadline.isoformat(),
                    statuses[status_of(complaint, today)],
                    outcomes.get(complaint.outcome, ""),
                    complaint.answered_on.isoformat() if complaint.answered_on else "",
                    (complaint.name or "") if personal else "",
                    (complaint.email or "") if personal else "",
                ]
            ]
        )
    return out.getvalue()
