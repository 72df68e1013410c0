"""Reports asked for on the web: a ``ReportJob`` row is what users see (waiting, being made,
ready, failed); a background task (``reporting/tasks.py``, run by ``koers worker``) makes
the report. A worker that dies while making one is noticed by the other workers
(``koers.jobs``): the job waits again or fails with the reason, it never stays running.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.reporting.models import ReportJob
from koers.reporting.renderers import suffix
from koers.reporting.services import filters_from, make_report_file

logger = logging.getLogger(__name__)


def report_dir() -> Path:
    return Path(settings.KOERS_REPORT_DIR)


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
    folder = report_dir() / str(job.plan.organisation_id)
    folder.mkdir(parents=True, exist_ok=True)
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
        target = folder / f"report-{job.pk}-{stamp}.{suffix(job.format)}"
        written = make_report_file(job.plan, job.round, job.format, target, filters, progress)
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
        file_name=written.name,
        finished_at=timezone.now(),
    )
    return True


def file_of(job: ReportJob) -> Path | None:
    if job.state != ReportJob.State.DONE or not job.file_name:
        return None
    path = report_dir() / str(job.plan.organisation_id) / job.file_name
    return path if path.exists() else None
