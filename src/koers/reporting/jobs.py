"""Reports asked for on the web are made in the background; ``ReportJob`` is the queue.

``KOERS_REPORT_WORKER`` says who makes them:

- ``thread`` (default): a thread of the web process starts right after the request;
  nothing else to run. A job left ``running`` by a restart is marked failed after an
  hour (checked whenever the reports page is shown, or by ``koers run_report_jobs``).
- ``command``: ``koers run_report_jobs --loop`` (a systemd service) takes queued jobs.
- ``inline``: made during the request (tests).
"""

import logging
import threading
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.reporting.models import ReportJob
from koers.reporting.services import filters_from, make_report_file

logger = logging.getLogger(__name__)
STALE_AFTER = timedelta(hours=1)


def report_dir() -> Path:
    return Path(settings.KOERS_REPORT_DIR)


def enqueue(job: ReportJob) -> ReportJob:
    mode = settings.KOERS_REPORT_WORKER
    if mode == "inline":
        run_job(job.pk)
        job.refresh_from_db()
    elif mode == "thread":
        transaction.on_commit(lambda: _start_thread(job.pk))
    return job


def _start_thread(job_id: int) -> threading.Thread:
    thread = threading.Thread(target=_run_in_thread, args=(job_id,), daemon=True)
    thread.start()
    return thread


def _run_in_thread(job_id: int) -> None:
    try:
        run_job(job_id)
    finally:
        connection.close()


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
        target = folder / f"report-{job.pk}-{stamp}.{job.format}"
        written = make_report_file(job.plan, job.round, job.format, target, filters, progress)
    except Exception as error:
        logger.exception("Report job %s failed", job_id)
        ReportJob.objects.filter(pk=job_id).update(
            state=ReportJob.State.FAILED,
            finished_at=timezone.now(),
            error=_("The report could not be made: %(error)s") % {"error": error},
        )
        return True
    # Only if this run still owns the job (it was not failed as stale and tried again).
    ReportJob.objects.filter(
        pk=job_id, state=ReportJob.State.RUNNING, started_at=job.started_at
    ).update(
        state=ReportJob.State.DONE,
        progress=100,
        file_name=written.name,
        finished_at=timezone.now(),
    )
    return True


def fail_stale_jobs() -> int:
    """Jobs left running by a stopped process will never finish: say so."""
    return ReportJob.objects.filter(
        state=ReportJob.State.RUNNING, started_at__lt=timezone.now() - STALE_AFTER
    ).update(
        state=ReportJob.State.FAILED,
        finished_at=timezone.now(),
        error=_("The report was interrupted; ask for it again."),
    )


def run_pending() -> int:
    """Make every queued report, oldest first; return how many were made."""
    fail_stale_jobs()
    made = 0
    for job_id in (
        ReportJob.objects.filter(state=ReportJob.State.QUEUED)
        .order_by("created_at")
        .values_list("pk", flat=True)
    ):
        made += run_job(job_id)
    return made


def file_of(job: ReportJob) -> Path | None:
    if job.state != ReportJob.State.DONE or not job.file_name:
        return None
    path = report_dir() / str(job.plan.organisation_id) / job.file_name
    return path if path.exists() else None
