"""Who makes, publishes and reads the yearly complaints report, and publishing it.

- **Make and read drafts**: whoever may read the complaints register
  (``VIEW_COMPLAINTS``): complaint handlers, administrators and coordinators. A draft is
  computed from the register each time it is read or downloaded.
- **Publish** (and take back to draft): administrators and coordinators (those who also
  manage plans) among them. Publishing freezes the figures: the report's files and the
  portal show them as they were, whatever is registered later.
- **Read the published report**: every member (``VIEW``), council members included; the
  portal shows its summary to everyone.

Others get a 404 for a report they may not read, as for anything they may not see.
"""

import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from koers import storage
from koers.accounts.actor import Actor, attribute
from koers.accounts.permissions import MANAGE_PLANS, VIEW, VIEW_COMPLAINTS, can
from koers.complaints.models import Complaint
from koers.complaints_public.models import YearlyComplaintReport
from koers.complaints_public.report_files import FORMATS, key_figures, tables
from koers.complaints_public.report_files import render as render_file
from koers.complaints_public.yearly_report import (
    YearlyReport,
    build_yearly_report,
    figures_json,
    from_json,
)
from koers.plans.terminology import dutch_of, speaking_dutch_of
from koers.storage import StoredFile

__all__ = ["key_figures", "tables"]


def may_make(membership) -> bool:
    return can(membership, VIEW_COMPLAINTS)


def may_publish(membership) -> bool:
    return can(membership, VIEW_COMPLAINTS) and can(membership, MANAGE_PLANS)


def build(organisation, year: int) -> YearlyReport:
    with speaking_dutch_of(organisation.terminology_preset):
        return build_yearly_report(organisation, year)


def years_for(membership) -> list[dict]:
    """Per year (newest first): its stored report, if any; the years with complaints too
    for those who make reports."""
    organisation = membership.organisation
    stored = {r.year: r for r in YearlyComplaintReport.objects.filter(organisation=organisation)}
    years = {year for year, r in stored.items() if r.is_published}
    if may_make(membership):
        years |= set(stored)
        years |= set(
            Complaint.objects.filter(organisation=organisation)
            .annotate(year=ExtractYear("received_on"))
            .values_list("year", flat=True)
            .distinct()
        )
        years.add(timezone.localdate().year)
    return [{"year": year, "stored": stored.get(year)} for year in sorted(years, reverse=True)]


def report_for(membership, year: int) -> tuple[YearlyReport, YearlyComplaintReport | None]:
    """The report a member may read: the published figures, or (for makers) the draft
    computed now; 404 otherwise."""
    stored = YearlyComplaintReport.objects.filter(
        organisation=membership.organisation, year=year
    ).first()
    if stored is not None and stored.is_published and can(membership, VIEW):
        return from_json(stored.figures), stored
    if may_make(membership):
        return build(membership.organisation, year), stored
    raise Http404


@transaction.atomic
def publish(organisation, year: int, actor: Actor) -> YearlyComplaintReport:
    """Freeze the year's figures as they are now and publish them."""
    if actor.membership is not None and not may_publish(actor.membership):
        raise PermissionDenied
    stored, _created = YearlyComplaintReport.objects.select_for_update().get_or_create(
        organisation=organisation, year=year
    )
    stored.figures = figures_json(build(organisation, year))
    stored.state = YearlyComplaintReport.State.PUBLISHED
    stored.published_at = timezone.now()
    stored.published_by = actor.user
    stored.version += 1
    attribute(stored, actor, _("Complaints report published"))
    stored.save()
    return stored


@transaction.atomic
def withdraw(organisation, year: int, actor: Actor) -> None:
    if actor.membership is not None and not may_publish(actor.membership):
        raise PermissionDenied
    stored = YearlyComplaintReport.objects.filter(organisation=organisation, year=year).first()
    if stored is None:
        return
    stored.state = YearlyComplaintReport.State.DRAFT
    stored.figures = {}
    stored.published_at = None
    stored.version += 1
    attribute(stored, actor, _("Complaints report taken back to draft"))
    stored.save()


def published_file(stored: YearlyComplaintReport, fmt: str) -> StoredFile:
    """The file of a published report in ``fmt``, made at its first download and kept in
    the report storage under ``<organisation id>/`` and the report's version (a new
    publication makes new files); always in the organisation's Dutch, whoever asks first."""
    suffix = FORMATS[fmt][0]
    name = f"klachtenverslag-{stored.year}-v{stored.version}-{fmt}.{suffix}"
    found = StoredFile(storage.reports, f"{stored.organisation_id}/{name}")
    if not found.exists():
        preset = stored.organisation.terminology_preset
        with (
            translation.override(dutch_of(preset)),
            tempfile.TemporaryDirectory(prefix="koers-complaints-") as work,
        ):
            made = render_file(from_json(stored.figures), fmt, Path(work) / name)
            # Two asking at once both make it; the second keeps the first one's file.
            if not found.exists():
                storage.store(storage.reports, found.name, made)
    return found


def published_years(organisation) -> list[int]:
    return list(
        YearlyComplaintReport.objects.filter(
            organisation=organisation, state=YearlyComplaintReport.State.PUBLISHED
        ).values_list("year", flat=True)
    )


def published_report(organisation, year: int) -> YearlyReport | None:
    stored = YearlyComplaintReport.objects.filter(
        organisation=organisation, year=year, state=YearlyComplaintReport.State.PUBLISHED
    ).first()
    return from_json(stored.figures) if stored else None


def public_summary(report: YearlyReport) -> dict:
    """What the portal shows of a published report: counts by department, channel and
    outcome, handling times and the trend, with bar widths. No subjects (they are
    complaint texts), no improvements' details, nothing of a complainant."""
    largest = max([year.received for year in report.trend] + [1])
    return {
        "key_figures": key_figures(report),
        "tables": [t for t in tables(report) if t["key"] != "subjects"],
        "trend": [
            {
                "year": year,
                "received_width": round(100 * year.received / largest),
                "within_width": round(100 * year.within_deadline / largest),
            }
            for year in report.trend
        ],
    }
