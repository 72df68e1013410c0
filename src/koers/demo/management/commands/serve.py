import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from koers.accounts.scoping import scopes_disabled_for
from koers.jobs.services import uses_workers
from koers.operations.server import hide_server_version

STOP_SECONDS = 10  # for the worker's current task to end before it is stopped harder


class Command(BaseCommand):
    help = _("Bring the database up to date and start Koers on an existing database.")

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    @scopes_disabled_for("migrates and loads the demo organisations")
    def handle(self, *args, addrport="127.0.0.1:8000", **options):
        call_command("migrate", interactive=False, verbosity=0)
        worker = start_worker() if uses_workers() else None
        if worker is None:
            message = _("Koers runs on http://%(addr)s/ (stop with Ctrl+C)")
        else:
            message = _(
                "Koers runs on http://%(addr)s/ with a background worker (stop both with Ctrl+C)"
            )
        self.stdout.write(message % {"addr": addrport})
        self.stdout.flush()
        # SIGTERM stops the server like Ctrl+C does, so that the worker is stopped with it.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        hide_server_version()  # Server: Koers, not the Python version
        try:
            # Static files come from whitenoise, so this works with KOERS_DEBUG off too.
            call_command("runserver", addrport, use_reloader=False, insecure_serving=True)
        finally:
            if worker is not None:
                stop_worker(worker)


def start_worker() -> subprocess.Popen:
    """One ``koers worker`` beside the web server. Its own session keeps Ctrl+C away from
    it; it stops when told to, or by itself when this process is gone (even after kill -9)."""
    return subprocess.Popen(
        # The checks ran (or were skipped, by koers demo) in this process already.
        [
            sys.executable,
            "-m",
            "koers.cli",
            "worker",
            "--stop-with-parent",
            "--skip-checks",
            "--verbosity=0",
        ],
        start_new_session=True,
    )


def stop_worker(worker: subprocess.Popen) -> None:
    """Ask the worker to stop after its current task; then to stop at once (the task is
    failed with the reason); then kill it (the next worker recovers its task)."""
    for stop in (
        lambda: worker.send_signal(signal.SIGTERM),
        lambda: worker.send_signal(signal.SIGTERM),
        worker.kill,
    ):
        if worker.poll() is not None:
            return
        stop()
        try:
            worker.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            continue
