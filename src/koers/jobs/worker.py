"""The worker loop of django-tasks-db, with Koers's heartbeat and recovery around it."""

import logging
import os
import signal
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from koers.accounts.scoping import empty_scope
from koers.jobs import services
from koers.operations.logs import job_context

logger = logging.getLogger(__name__)


class TaskTimedOut(Exception):
    """A task ran longer than ``KOERS_TASK_TIMEOUT_SECONDS`` while its worker kept beating."""


@contextmanager
def time_limit(seconds: float):
    """Raise :class:`TaskTimedOut` in the block after ``seconds`` (a timer signal: only in
    the main thread, where the worker runs its tasks; 0 or another thread: no limit). Code
    that catches ``Exception`` around its work (a report job) records the reason itself."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise TaskTimedOut(
            _("The work took longer than %(seconds)s seconds and was stopped.")
            % {"seconds": int(seconds)}
        )

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class KoersWorker(Worker):
    """django-tasks-db's ``Worker`` (claims one task at a time with a locked UPDATE, runs
    it, records the outcome) plus a heartbeat thread that also recovers the tasks of dead
    workers. ``stop_with_parent``: stop when the process that started this one is gone
    (``koers serve`` and ``koers worker --processes``)."""

    def __init__(self, *, stop_with_parent: bool = False, heartbeat: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.parent_pid = os.getppid() if stop_with_parent else None
        self.heartbeat = heartbeat
        self._stopped = threading.Event()

    def run(self) -> None:
        started_at = timezone.now()
        services.beat(self.worker_id, started_at)
        services.recover_interrupted_tasks()
        thread = None
        if self.heartbeat:
            thread = threading.Thread(
                target=self._beat, args=(started_at,), name="koers-heartbeat", daemon=True
            )
            thread.start()
        try:
            super().run()
        finally:
            self._stopped.set()
            if thread is not None:
                thread.join(timeout=10)
            try:
                services.forget(self.worker_id)
            except DatabaseError:
                logger.warning("Worker %s could not remove its heartbeat", self.worker_id)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run one task within ``KOERS_TASK_TIMEOUT_SECONDS``: a task that hangs while this
        worker keeps beating fails with :class:`TaskTimedOut` instead of running forever.
        Every log line written meanwhile carries the job's id (``job_id``)."""
        # Each task enters its own organisation's scope (accounts.scoping.in_scope_of);
        # until it does, a query of an organisation's data raises.
        with (
            empty_scope(),
            job_context(db_task_result.id),
            time_limit(settings.KOERS_TASK_TIMEOUT_SECONDS),
        ):
            super().run_task(db_task_result)

    def _beat(self, started_at) -> None:
        try:
            while not self._stopped.wait(services.heartbeat_seconds()):
                try:
                    services.beat(self.worker_id, started_at)
                    services.recover_interrupted_tasks()
                except DatabaseError:  # a busy database: try again at the next beat
                    logger.warning("Worker %s: heartbeat failed", self.worker_id, exc_info=True)
                if self.parent_pid is not None and os.getppid() != self.parent_pid:
                    logger.warning("Worker %s: its parent process stopped", self.worker_id)
                    self.parent_pid = None
                    os.kill(os.getpid(), signal.SIGTERM)  # an orderly stop, in the main thread
        finally:
            connection.close()


def run_queued_tasks(backend_name: str = "default") -> int:
    """Run every task waiting in the queue, one after the other, in this process and
    thread, and return how many ran. For tests: unlike ``koers worker --batch`` it leaves
    the database connection alone (a test runs inside a transaction) and sets no signals.
    """
    worker = KoersWorker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=backend_name,
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
        heartbeat=False,
    )
    services.recover_interrupted_tasks()
    ready = DBTaskResult.objects.ready().filter(backend_name=backend_name)
    while True:
        with exclusive_transaction(ready.db):
            task_result = ready.get_locked()
            if task_result is None:
                return worker._run_tasks
            task_result.claim(worker.worker_id)
        worker.run_task(task_result)
