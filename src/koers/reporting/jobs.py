"""Reports asked for on the web: a ``ReportJob`` row is what users see (waiting, being made,
ready, failed); a background task (``reporting/tasks.py``, run by ``koers worker``) makes
the report. A worker that dies while making one is noticed by the other workers
(``koers.jobs``): the job waits again or fails with the reason, it never stays running.
"""

import logging
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koers import storage
from koers.accounts.actor import Actor
from koers.accounts.permissions import EXPORT
from koers.audit.services import log_action
from koers.reporting.models import ReportJob
from koers.reporting.renderers import suffix
from koers.reporting.services import filters_from, make_report_file

logger = logging.getLogger(__name__)


def request_report(plan, values: dict, *, actor: Actor) -> ReportJob:
    """Ask for a report of ``plan`` (``values``: ``round``, ``format``, ``filters``), made
    in the background; logged in the organisation's audit log."""
    actor.require(EXPORT, organisation=plan.organisation_id)
    round_ = values.get("round")
    if round_ is not None and round_.plan_id != plan.pk:
        raise ValidationError(_("This round belongs to another plan."))
    if values["format"] not in ReportJob.Format.values:
        raise ValidationError(_("Unknown report format: %(fmt)s") % {"fmt": values["format"]})
    with transaction.atomic():
        job = ReportJob.objects.create(
            plan=plan,
            round=round_,
            format=values["format"],
            filters=values.get("filters") or {},
            requested_by=actor.user,
        )
        _log(job, "requested", actor)
        enqueue(job)
    return job


def retry_report(job: ReportJob, *, actor: Actor) -> bool:
    """Queue a failed job again; False (and nothing changes) when it did not fail."""
    actor.require(EXPORT, organisation=job.plan.organisation_id)
    with transaction.atomic():
        again = ReportJob.objects.filter(pk=job.pk, state=ReportJob.State.FAILED).update(
            state=ReportJob.State.QUEUED, error="", progress=0
        )
        if not again:
            return False
        job.refresh_from_db()
        _log(job, "retried", actor)
        enqueue(job)
    return True


def _log(job: ReportJob, verb: str, actor: Actor) -> None:
    log_action(
        job.plan.organisation_id,
        f"reporting.reportjob.{verb}",
        user=actor.user,
        obj=job,
        label=job.plan.title,
        data={
            "format": job.format,
            "round": job.round.name if job.round else None,
            "plan": job.plan_id,
        },
    )


def enqueue(job: ReportJob) -> ReportJob:
    """Queue the job's task in the current transaction: the task's row in the queue is
    committed (or rolled back) together with the job's."""
    from koers.reporting.tasks import make_report_job

    make_report_job.enqueue(job.pk)
    return job


def run_job(job_id: int) -> bool:
    """Make one queued job's report; False when another worker took it first."""
    taken = ReportJob.objects.filter(pk=job_id, state=ReportJob.State.QUEUED).update(
        state=ReportJob.State.RUNNING, started_at=timezone.now()
    )
    if not taken:
        return False
    job = ReportJob.objects.select_related("plan", "round").get(pk=job_id)
    last = [-1]

    def progress(done: int, total: int) -> None:
        percent = int(100 * done / max(total, 1))
        if percent >= last[0] + 5:  # a write per 5 %, not per item
            last[0] = percent
            try:
                ReportJob.objects.filter(pk=job_id).update(progress=percent)
            except DatabaseError:  # a busy database costs the progress figure, not the report
                logger.warning("Could not record the progress of report job %s", job_id)

    try:
        filters = filters_from(job.plan, job.filters)
        # A file per run: a run interrupted earlier can never overwrite this one's.
        stamp = job.started_at.strftime("%Y%m%d%H%M%S%f")
        name = f"report-{job.pk}-{stamp}.{suffix(job.format)}"
        # Made in a temporary folder of this machine, then kept in the shared storage.
        with tempfile.TemporaryDirectory(prefix="koers-report-") as work:
            written = make_report_file(
                job.plan, job.round, job.format, Path(work) / name, filters, progress
            )
            stored = storage.store(
                storage.reports, f"{job.plan.organisation_id}/{written.name}", written
            )
    except Exception as error:
        logger.exception("Report job %s failed", job_id)
        ReportJob.objects.filter(pk=job_id).update(
            state=ReportJob.State.FAILED,
            finished_at=timezone.now(),
            error=_("The report could not be made: %(error)s")
            % {"error": " ".join(error.messages) if isinstance(error, ValidationError) else error},
        )
        return True
    # Only if this run still owns the job (it was not given up as interrupted meanwhile).
    ReportJob.objects.filter(
        pk=job_id, state=ReportJob.State.RUNNING, started_at=job.started_at
    ).update(
        state=ReportJob.State.DONE,
        progress=100,
        file_name=stored.rsplit("/", 1)[-1],
        finished_at=timezone.now(),
    )
    return True


def file_of(job: ReportJob) -> storage.StoredFile | None:
    """The job's report in the report storage, or None when it is not (or no longer) there."""
    if job.state != ReportJob.State.DONE or not job.file_name:
        return None
    found = storage.StoredFile(storage.reports, f"{job.plan.organisation_id}/{job.file_name}")
    return found if found.exists() else None
