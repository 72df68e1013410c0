"""The workers that run background jobs, as they last reported themselves."""

from django.db import models


class Worker(models.Model):
    """One ``koers worker`` process. It writes ``seen_at`` every few seconds while it
    lives; a task left running by a worker not seen for ``KOERS_WORKER_LEASE_SECONDS``
    was interrupted (see ``koers.jobs.services.recover_interrupted_tasks``)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.host}:{self.pid} ({self.worker_id})"
