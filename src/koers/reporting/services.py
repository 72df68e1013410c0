"""Making a report: contents once, charts once, then one renderer."""

import shutil
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from koers.followup.models import ReportingRound
from koers.plans.models import Plan, PlanItem
from koers.plans.terminology import speaking_dutch_of
from koers.reporting.charts import report_charts
from koers.reporting.contents import Filters, build_report

FORMATS = ("html", "pdf", "docx", "xlsx")


def filters_from(plan: Plan, values: dict) -> Filters:
    """Filters from stored or typed values: {'subtree_id': id (web) or 'subtree': code
    (command line), 'priority_only', 'department'}."""
    subtree = None
    code = (values.get("subtree") or "").strip()
    if values.get("subtree_id"):
        subtree = PlanItem.objects.filter(plan=plan, pk=values["subtree_id"], depth__gt=1).first()
        if subtree is None:
            raise ValidationError(_("The chosen part of the plan no longer exists."))
    elif code:
        subtree = PlanItem.objects.filter(plan=plan, code=code, depth__gt=1).first()
        if subtree is None:
            raise ValidationError(_("The plan has no item with code %(code)s.") % {"code": code})
    return Filters(
        subtree=subtree,
        priority_only=bool(values.get("priority_only")),
        department=(values.get("department") or "").strip(),
    )


def make_report(
    plan: Plan,
    round_: ReportingRound | None,
    fmt: str,
    out: Path,
    filters: Filters | None = None,
    progress=None,
) -> Path:
    """Write the report in ``fmt`` to ``out`` (a folder for html, a file otherwise)."""
    from koers.reporting.renderers import RENDERERS

    if fmt not in RENDERERS:
        raise ValidationError(_("Unknown report format: %(fmt)s") % {"fmt": fmt})
    if round_ is not None and round_.plan_id != plan.pk:
        raise ValidationError(_("This round belongs to another plan."))
    # The report speaks the Dutch of the plan: Flemish for a BBC plan, Netherlands Dutch for P&C.
    with speaking_dutch_of(plan.terminology_preset):
        report = build_report(plan, round_, filters)
        charts = report_charts(report.summary)
        try:
            return RENDERERS[fmt](report, charts, Path(out), progress)
        finally:
            for chart in charts:
                chart.close()


def zip_folder(folder: Path, target: Path) -> Path:
    """The website report as one download."""
    archive = shutil.make_archive(str(target.with_suffix("")), "zip", root_dir=folder)
    return Path(archive)


def make_report_file(plan, round_, fmt: str, target: Path, filters=None, progress=None) -> Path:
    """Like make_report, but always one file: the website comes zipped."""
    if fmt != "html":
        return make_report(plan, round_, fmt, target, filters, progress)
    with tempfile.TemporaryDirectory(prefix="koers-report-") as folder:
        make_report(plan, round_, fmt, Path(folder) / "site", filters, progress)
        return zip_folder(Path(folder) / "site", target)


@transaction.atomic
def save_report_text(text, values: dict, actor, *, expected_version: int | None = None) -> object:
    """The round's free-text chapters, sanitised, with history. EditConflict when they
    were saved since ``expected_version`` (0: the form was opened before they existed)."""
    from koers.accounts.actor import attribute
    from koers.accounts.locking import EditConflict, claim_version
    from koers.accounts.permissions import MANAGE_PLANS
    from koers.plans.models import Plan
    from koers.plans.richtext import sanitise
    from koers.reporting.models import RoundReportText

    actor.require(
        MANAGE_PLANS,
        organisation=Plan.objects.values_list("organisation_id", flat=True).get(
            rounds=text.round_id
        ),
    )
    if text.pk is None:
        # Written meanwhile by someone who also started from nothing?
        existing = RoundReportText.objects.filter(round_id=text.round_id).first()
        if existing is not None and expected_version is not None:
            raise EditConflict(existing)
        text = existing or text
    claim_version(text, expected_version if text.pk else None)
    text.changed_assumptions = sanitise(values.get("changed_assumptions") or "")
    text.changed_risks = sanitise(values.get("changed_risks") or "")
    attribute(text, actor, _("Report chapters written"))
    try:
        with transaction.atomic():
            text.save()
    except IntegrityError:  # both started from nothing; the other one saved first
        raise EditConflict(RoundReportText.objects.get(round_id=text.round_id)) from None
    return text
