import argparse
import os
import signal
import subprocess
import sys
import time

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.translation import gettext as _
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from koers.jobs.worker import KoersWorker

RESTART_DELAY = 2  # seconds before a worker process that ended is replaced


class Command(DatabaseWorkerCommand):
    help = _(
        "Run background jobs (reports, imports) until stopped. Start as many as wanted, "
        "on any machine that reaches the database."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # Every queue by default; no reloading unless asked for.
        parser.set_defaults(queue_name="*", reload=False)
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help=_("run this many worker processes, restarting one that ends (default: 1)"),
        )
        parser.add_argument("--stop-with-parent", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, processes=1, stop_with_parent=False, **options):
        if processes < 1:
            raise CommandError(_("--processes must be 1 or more."))
        if processes > 1:
            return self.supervise(processes, options)
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = KoersWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
            stop_with_parent=stop_with_parent,
        )
        if options["reload"] and not options["batch"]:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()

    def supervise(self, processes: int, options: dict) -> None:
        """Start ``processes`` single worker processes; replace one that ends (unless
        ``--batch``); on SIGTERM or Ctrl+C, stop them all in an orderly way."""
        argv = [
            sys.executable,
            "-m",
            "koers.cli",
            "worker",
            "--stop-with-parent",
            f"--queue-name={options['queue_name']}",
            f"--interval={options['interval']}",
            f"--backend={options['backend_name']}",
            f"--verbosity={options['verbosity']}",
        ]
        if options["exclude_queues"]:
            argv.append(f"--exclude-queues={options['exclude_queues']}")
        if options["max_tasks"]:
            argv.append(f"--max-tasks={options['max_tasks']}")
        if options["batch"]:
            argv.append("--batch")
        # Own sessions: Ctrl+C reaches this process only, which passes on one SIGTERM.
        children = [subprocess.Popen(argv, start_new_session=True) for _ in range(processes)]
        stopping = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda signum, frame: stopping.append(signum))
        while not stopping:
            if options["batch"] and all(child.poll() is not None for child in children):
                return
            for index, child in enumerate(children):
                if child.poll() is not None and not options["batch"]:
                    self.stderr.write(
                        _("A worker process ended (exit code %(code)s); starting another.")
                        % {"code": child.returncode}
                    )
                    time.sleep(RESTART_DELAY)
                    children[index] = subprocess.Popen(argv, start_new_session=True)
            time.sleep(0.5)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            child.wait()
