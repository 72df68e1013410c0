"""A task for the tests of background jobs only (imported by the workers the tests start)."""

import os
import time
from pathlib import Path

from django_tasks import task


@task
def wait_for_gate(gate: str, log: str) -> str:
    """Note this run in ``log`` (one line per run, with the process id), then wait until
    the file ``gate`` exists."""
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()}\n")
    deadline = time.monotonic() + 300
    while not Path(gate).exists():
        if time.monotonic() > deadline:
            raise TimeoutError(gate)
        time.sleep(0.05)
    return "done"
