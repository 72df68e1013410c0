"""Reports asked for on the web run as background tasks (see ``koers.jobs``)."""

from django.utils import timezone
from django_tasks import task

from koers.accounts.scoping import in_scope_of, scope_of
from koers.jobs.services import Interruption, interrupted_reason, when_interrupted
from koers.reporting import jobs
from koers.reporting.models import ReportJob

UNFINISHED = [ReportJob.State.QUEUED, ReportJob.State.RUNNING]


@task
@in_scope_of(ReportJob)
def make_report_job(job_id: int) -> None:
    """Make the report of one ``ReportJob``; its row says how it went."""
    try:
        jobs.run_job(job_id)
    except BaseException:
        # Stopped from outside (a second Ctrl+C or SIGTERM) or the database failed before
        # the job could record it: the job must not stay "being made".
        ReportJob.objects.filter(pk=job_id, state__in=UNFINISHED).update(
            state=ReportJob.State.FAILED, finished_at=timezone.now(), error=interrupted_reason()
        )
        raise


@when_interrupted(make_report_job)
def _interrupted(interruption: Interruption) -> None:
    """The worker making the report died: the job waits again, or failed with the reason."""
    (job_id,) = interruption.args
    with scope_of(ReportJob, job_id):
        unfinished = ReportJob.objects.filter(pk=job_id, state__in=UNFINISHED)
        if interruption.retry:
            unfinished.update(state=ReportJob.State.QUEUED, progress=0, started_at=None)
        else:
            unfinished.update(
                state=ReportJob.State.FAILED,
                finished_at=timezone.now(),
                error=interruption.reason,
            )
