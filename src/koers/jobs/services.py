"""Background jobs on Django's tasks API (django-tasks), the queue kept in the database
(django-tasks-db) and run by ``koers worker`` processes.

What Koers adds to the library: every worker writes a heartbeat (a ``Worker`` row) every
few seconds. A task left ``RUNNING`` by a worker that stopped beating for
``KOERS_WORKER_LEASE_SECONDS`` (killed with ``kill -9``, out of memory, machine gone) was
interrupted: it is put back in the queue (at most ``KOERS_WORKER_RETRIES`` times) and then
marked failed with its reason. Every worker looks for such tasks when it starts and at every
heartbeat. The app that owns a task hears of it through ``when_interrupted``, so its own row
(a ``ReportJob``, an import draft) never stays "running" either.
"""

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from koers.jobs.models import Worker

logger = logging.getLogger(__name__)

# The exception class a task interrupted this way is recorded with (there is no traceback).
INTERRUPTED = "koers.jobs.services.WorkerStopped"
# Rows of workers not seen for this long are removed (kept a while to help diagnose).
FORGET_AFTER = timedelta(days=1)


class WorkerStopped(Exception):
    """The worker running a task stopped before the task ended."""


@dataclass(frozen=True)
class Interruption:
    """A run of a task that was cut short: the task's arguments, and what happens next."""

    args: list[Any]
    kwargs: dict[str, Any]
    retry: bool  # True: queued again; False: failed for good with ``reason``
    reason: str


_handlers: dict[str, Callable[[Interruption], None]] = {}


def when_interrupted(task) -> Callable:
    """``@when_interrupted(my_task)`` above ``def f(interruption)``: ``f`` runs when a run of
    ``my_task`` was cut short, in the transaction that queues it again or fails it. Define
    it in the module that defines the task (the recovering worker imports that module)."""

    def register(func: Callable[[Interruption], None]) -> Callable[[Interruption], None]:
        _handlers[task.module_path] = func
        return func

    return register


def interrupted_reason() -> str:
    return _("The work was interrupted (the worker stopped).")


def uses_workers() -> bool:
    """True when tasks wait in the database for a ``koers worker``; False when they run at
    once where they are asked for (``KOERS_TASK_BACKEND=immediate``)."""
    return isinstance(task_backends["default"], DatabaseBackend)


def lease() -> timedelta:
    return timedelta(seconds=settings.KOERS_WORKER_LEASE_SECONDS)


def heartbeat_seconds() -> float:
    """How often a worker writes its heartbeat: four times per lease."""
    return max(settings.KOERS_WORKER_LEASE_SECONDS / 4, 0.5)


def beat(worker_id: str, started_at: datetime) -> None:
    """Record that this worker process is alive."""
    now = timezone.now()
    if not Worker.objects.filter(worker_id=worker_id).update(seen_at=now):
        Worker.objects.create(
            worker_id=worker_id,
            host=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=started_at,
            seen_at=now,
        )


def forget(worker_id: str) -> None:
    """A worker that stops in an orderly way removes its row."""
    Worker.objects.filter(worker_id=worker_id).delete()


def worker_running() -> bool:
    """Is any worker alive to run queued tasks? (Always, with the immediate backend.)"""
    if not uses_workers():
        return True
    return Worker.objects.filter(seen_at__gte=timezone.now() - lease()).exists()


def recover_interrupted_tasks() -> int:
    """Queue again, or fail, every task left running by a worker that stopped beating;
    return how many were found."""
    now = timezone.now()
    cutoff = now - lease()
    alive = set(Worker.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True))
    found = 0
    # A task started less than a lease ago is left alone: its worker may not have beaten yet.
    for result in DBTaskResult.objects.running().filter(started_at__lt=cutoff):
        if result.worker_ids and result.worker_ids[-1] in alive:
            continue
        found += _recover(result, now)
    Worker.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()
    return found


def _recover(result: DBTaskResult, now: datetime) -> int:
    retry = len(result.worker_ids) <= settings.KOERS_WORKER_RETRIES
    reason = interrupted_reason()
    with transaction.atomic():
        # Only if no other worker recovered it meanwhile (same start, still running).
        still = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        )
        if retry:
            changed = still.update(status=TaskResultStatus.READY)
        else:
            changed = still.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=INTERRUPTED,
                traceback=reason,
                return_value=None,
            )
        if not changed:
            return 0
        handler = _handler_for(result)
        if handler is not None:
            handler(
                Interruption(
                    args=list(result.args_kwargs.get("args", [])),
                    kwargs=dict(result.args_kwargs.get("kwargs", {})),
                    retry=retry,
                    reason=reason,
                )
            )
    logger.warning(
        "Task %s (%s) was interrupted by the end of worker %s; %s",
        result.pk,
        result.task_path,
        result.worker_ids[-1] if result.worker_ids else "?",
        "queued again" if retry else "marked failed",
    )
    return 1


def _handler_for(result: DBTaskResult) -> Callable[[Interruption], None] | None:
    try:
        result.task  # noqa: B018 -- imports the task's module, which registers its handler
    except Exception:  # a task whose code is gone is still failed, without a handler
        logger.warning("Task %s: %s cannot be imported", result.pk, result.task_path)
        return None
    return _handlers.get(result.task_path)
