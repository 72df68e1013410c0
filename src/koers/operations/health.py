"""What ``/health/`` checks: the database, the storage of files, the job workers.

- **database**: one ``SELECT 1``. Unreachable: the installation is ``unavailable`` (503).
- **storage**: a tiny file written, read back and deleted in the storage of each kind of
  file (``koers.storage.AREAS``: a local directory or a prefix of the S3 bucket), once per
  distinct place when kinds share one. Failing: ``unavailable`` (503), with the kinds that
  failed in ``storage_failed`` (their names only: no path, bucket or address).
- **workers**: the newest heartbeat of a ``koers worker`` (``koers.jobs``). No worker seen
  for ``KOERS_WORKER_LEASE_SECONDS``: ``degraded``. Pages still work, background jobs
  (reports, imports) wait, so a load balancer should keep the web process: 200 unless the
  caller asks for the workers with ``?workers=required`` (monitoring, a worker container's
  health check), then 503.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from koers import storage as stored_files
from koers.jobs.models import Worker
from koers.jobs.services import uses_workers

logger = logging.getLogger(__name__)

OK, DEGRADED, UNAVAILABLE, NOT_USED = "ok", "degraded", "unavailable", "not used"
PROBE_CONTENT = b"koers health probe\n"


@dataclass
class Health:
    status: str
    checks: dict = field(default_factory=dict)

    def http_status(self, workers_required: bool = False) -> int:
        if self.status == UNAVAILABLE:
            return 503
        workers = self.checks.get("workers", {}).get("status")
        if workers_required and workers not in (OK, NOT_USED):
            return 503
        return 200

    def as_json(self) -> dict:
        return {"status": self.status, **self.checks}


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health: the database does not answer", exc_info=True)
        return "unreachable"
    return OK


def check_storage() -> list[str]:
    """The kinds of file (areas) whose storage fails the probe; empty when all work. Each
    distinct place (a directory, a bucket and prefix) is probed once for the kinds it
    holds."""
    places: dict[tuple, list[str]] = {}
    backends: dict[tuple, Storage | None] = {}
    for area in stored_files.AREAS:
        try:
            backend = stored_files.backend(area)
        except Exception:  # misconfigured (KOERS_STORAGE, django-storages missing, …)
            logger.warning("Health: no storage for the %s", area, exc_info=True)
            key: tuple = ("unconfigured", area)
            backend = None
        else:
            key = _place(backend)
        places.setdefault(key, []).append(area)
        backends[key] = backend
    failed = []
    for key, areas in places.items():
        backend = backends[key]
        if backend is None or not probe(backend, areas):
            failed.extend(areas)
    return failed


def _place(backend: Storage) -> tuple:
    """Where ``backend`` keeps its files: its kind, endpoint, bucket and location."""
    return (
        type(backend).__qualname__,
        getattr(backend, "endpoint_url", None),
        getattr(backend, "bucket_name", None),
        str(getattr(backend, "location", "")),
    )


def probe(backend: Storage, areas: list[str]) -> bool:
    """Write, read back and delete a small file in ``backend``; whether all went well."""
    label = ", ".join(areas)
    name = None
    try:
        name = backend.save(f"health/probe-{get_random_string(16)}.txt", ContentFile(PROBE_CONTENT))
        with backend.open(name, "rb") as handle:
            if handle.read() != PROBE_CONTENT:
                logger.warning("Health: the storage of the %s returned other content", label)
                return False
        backend.delete(name)
        name = None
    except Exception:  # any storage backend's error (OSError, botocore, …)
        logger.warning("Health: the storage of the %s failed", label, exc_info=True)
        return False
    finally:
        if name is not None:
            try:
                backend.delete(name)
            except Exception:
                logger.warning("Health: could not remove the probe %s (%s)", name, label)
    return True


def check_workers() -> dict:
    """The newest heartbeat of any worker: ``ok`` within the lease, else ``stale`` (or
    ``none`` when no worker ever beat); ``not used`` when jobs run in the web process."""
    if not uses_workers():
        return {"status": NOT_USED}
    lease = settings.KOERS_WORKER_LEASE_SECONDS
    now = timezone.now()
    newest = Worker.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    if newest is None:
        return {"status": "none", "alive": 0, "lease_seconds": lease}
    age = max((now - newest).total_seconds(), 0.0)
    alive = Worker.objects.filter(seen_at__gte=now - timezone.timedelta(seconds=lease)).count()
    return {
        "status": OK if age <= lease else "stale",
        "alive": alive,
        "last_heartbeat_seconds": round(age, 1),
        "lease_seconds": lease,
    }


def check_health() -> Health:
    database = check_database()
    failed_storage = check_storage()
    storage = UNAVAILABLE if failed_storage else OK
    checks: dict = {"database": database, "storage": storage}
    if failed_storage:
        checks["storage_failed"] = failed_storage
    if database != OK:
        return Health(UNAVAILABLE, checks)
    try:
        checks["workers"] = check_workers()
    except DatabaseError:
        logger.warning("Health: the workers' heartbeats cannot be read", exc_info=True)
        checks["workers"] = {"status": "unknown"}
    if storage != OK:
        return Health(UNAVAILABLE, checks)
    if checks["workers"]["status"] not in (OK, NOT_USED):
        return Health(DEGRADED, checks)
    return Health(OK, checks)
