"""Background jobs on the database queue: a report asked for on the web waits for a worker,
which makes it; a failing job says why; a worker killed with ``kill -9`` leaves no job
running (its task is queued again once, then failed with the reason)."""

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from koers.jobs import services
from koers.jobs.models import Worker
from koers.jobs.worker import run_queued_tasks
from koers.plans.models import PlanItem
from koers.reporting import jobs
from koers.reporting.models import ReportJob

ROOT = Path(__file__).resolve().parents[1]
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
COORDINATOR = "coordinator@voorbeeld.be"
INTERRUPTED = "De verwerking werd onderbroken (de worker stopte)."
NO_WORKER = "Er draait geen achtergrondproces"


def _urls(job):
    kwargs = {"org": "voorbeeld", "pk": job.pk}
    return reverse("reporting:job", kwargs=kwargs), reverse("reporting:download", kwargs=kwargs)


def _state_part(client, url) -> str:
    """The part of the job page that htmx fetches every two seconds."""
    return client.get(url, headers={"HX-Request": "true"}).content.decode()


def test_a_report_asked_for_on_the_web_waits_for_a_worker_which_makes_it(demo, login, settings):
    settings.TASKS = DATABASE_QUEUE
    client = login(COORDINATOR)
    reports = reverse("reporting:reports", kwargs={"org": "voorbeeld", "pk": demo.plan.pk})
    round_ = demo.plan.rounds.get(name="Opvolging voorjaar 2026")
    response = client.post(reports, {"round": round_.pk, "format": "xlsx"})
    job = ReportJob.objects.get()
    job_url, download_url = _urls(job)
    assert response.status_code == 302 and response.url == job_url
    assert job.state == "queued"
    task = DBTaskResult.objects.get()
    assert task.status == "READY"
    assert task.task_path == "koers.reporting.tasks.make_report_job"
    assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}

    waiting = _state_part(client, job_url)
    assert "In de wachtrij" in waiting and 'hx-trigger="every 2s"' in waiting
    assert NO_WORKER in waiting  # nobody would ever make it: say so
    assert download_url not in waiting
    assert client.get(download_url).status_code == 404
    services.beat("a-live-worker", timezone.now())
    assert NO_WORKER not in _state_part(client, job_url)

    assert run_queued_tasks() == 1
    job.refresh_from_db()
    assert (job.state, job.progress, job.error) == ("done", 100, "")
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    ready = _state_part(client, job_url)
    assert "Klaar" in ready and "hx-trigger" not in ready and download_url in ready
    download = client.get(download_url)
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    rows = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert len(rows) == PlanItem.objects.filter(plan=demo.plan, depth__gt=1).count()


def test_a_failing_job_shows_its_reason_and_runs_again_when_tried_again(
    demo, login, settings, monkeypatch
):
    settings.TASKS = DATABASE_QUEUE

    def broken(*args, **kwargs):
        raise RuntimeError("schijf vol")

    monkeypatch.setattr(jobs, "make_report_file", broken)
    client = login(COORDINATOR)
    reports = reverse("reporting:reports", kwargs={"org": "voorbeeld", "pk": demo.plan.pk})
    client.post(reports, {"format": "pdf"})
    job = ReportJob.objects.get()
    job_url, download_url = _urls(job)
    assert run_queued_tasks() == 1
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.error == "Het rapport kon niet gemaakt worden: schijf vol"
    page = client.get(job_url).content.decode()
    assert "Het rapport kon niet gemaakt worden: schijf vol" in page and "Opnieuw" in page

    monkeypatch.undo()
    retry = client.post(reverse("reporting:retry", kwargs={"org": "voorbeeld", "pk": job.pk}))
    assert retry.url == job_url
    job.refresh_from_db()
    assert (job.state, job.error) == ("queued", "")
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert run_queued_tasks() == 1
    job.refresh_from_db()
    assert job.state == "done"
    assert b"".join(client.get(download_url).streaming_content)[:5] == b"%PDF-"


def _claim_as_dead_worker(task: DBTaskResult, worker_id: str, minutes_ago: int) -> None:
    """What a worker that claimed the task and was then killed leaves behind."""
    task.refresh_from_db()
    DBTaskResult.objects.filter(pk=task.pk).update(
        status="RUNNING",
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
        worker_ids=[*task.worker_ids, worker_id],
    )


def test_a_report_whose_worker_died_waits_again_once_then_fails_with_the_reason(demo, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.KOERS_WORKER_LEASE_SECONDS = 60
    settings.KOERS_WORKER_RETRIES = 1
    job = jobs.enqueue(ReportJob.objects.create(plan=demo.plan, format="xlsx"))
    task = DBTaskResult.objects.get()
    ReportJob.objects.filter(pk=job.pk).update(state="running", progress=40)
    _claim_as_dead_worker(task, "killed-1", minutes_ago=5)
    # A worker that still beats keeps its task, however long it runs.
    Worker.objects.create(
        worker_id="killed-1",
        host="h",
        pid=1,
        started_at=timezone.now(),
        seen_at=timezone.now() - timedelta(seconds=30),
    )
    assert services.recover_interrupted_tasks() == 0
    Worker.objects.filter(pk="killed-1").update(seen_at=timezone.now() - timedelta(seconds=61))

    assert services.recover_interrupted_tasks() == 1
    task.refresh_from_db()
    job.refresh_from_db()
    assert task.status == "READY"
    assert (job.state, job.progress, job.started_at) == ("queued", 0, None)

    ReportJob.objects.filter(pk=job.pk).update(state="running")
    _claim_as_dead_worker(task, "killed-2", minutes_ago=2)  # no heartbeat at all
    assert services.recover_interrupted_tasks() == 1
    assert services.recover_interrupted_tasks() == 0  # found once only
    task.refresh_from_db()
    job.refresh_from_db()
    assert (task.status, task.traceback) == ("FAILED", INTERRUPTED)
    assert task.exception_class_path == "koers.jobs.services.WorkerStopped"
    assert (job.state, job.error) == ("failed", INTERRUPTED)
    assert job.finished_at is not None


def test_a_job_stopped_from_outside_while_it_runs_fails_with_the_reason(
    demo, settings, monkeypatch
):
    settings.TASKS = DATABASE_QUEUE

    def stopped(*args, **kwargs):
        raise SystemExit(1)  # what a second SIGTERM does to a worker in the middle of a task

    monkeypatch.setattr(jobs, "make_report_file", stopped)
    job = jobs.enqueue(ReportJob.objects.create(plan=demo.plan, format="xlsx"))
    assert run_queued_tasks() == 1
    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", INTERRUPTED)
    assert DBTaskResult.objects.get().status == "FAILED"


# --- A real worker, killed with kill -9 -----------------------------------------------


class Queue:
    """A database of its own (an SQLite file, or a PostgreSQL database with
    KOERS_TEST_POSTGRES=1) with the queue's tables, and worker processes on it."""

    LEASE = 2

    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.env = {
            **os.environ,
            "KOERS_DATA_DIR": str(tmp_path / "data"),
            "KOERS_SECRET_KEY": "a-key-for-the-tests-of-background-jobs",
            "KOERS_DEBUG": "false",
            "KOERS_TASK_BACKEND": "database",
            "KOERS_WORKER_LEASE_SECONDS": str(self.LEASE),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        }
        self.workers: list[subprocess.Popen] = []
        self.postgres = None
        if os.environ.get("KOERS_TEST_POSTGRES") == "1":
            self.postgres = self._create_postgres_database()
        else:
            (tmp_path / "data").mkdir()

    def _create_postgres_database(self) -> dict:
        import psycopg

        params = django_settings.DATABASES["default"]
        name = f"koers_jobs_{uuid.uuid4().hex[:8]}"
        server = {
            "host": params["HOST"],
            "port": params["PORT"],
            "user": params["USER"],
            "dbname": "postgres",
        }
        with psycopg.connect(**server, autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        self.env["KOERS_DATABASE_URL"] = (
            f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{name}"
        )
        return {**server, "dbname": name}

    def django(self, code: str) -> str:
        script = (
            "import django, os\n"
            "os.environ['DJANGO_SETTINGS_MODULE'] = 'koers.settings'\n"
            "django.setup()\n" + code
        )
        done = subprocess.run(
            [sys.executable, "-c", script],
            env=self.env,
            cwd=self.tmp,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start_worker(self, *args: str, **env: str) -> subprocess.Popen:
        log = open(self.tmp / f"worker-{len(self.workers)}.log", "w")  # noqa: SIM115
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "koers.cli",
                "worker",
                "--interval=0.1",
                "--no-startup-delay",
                "--verbosity=2",
                *args,
            ],
            env={**self.env, **env},
            cwd=self.tmp,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.workers.append(worker)
        return worker

    def query(self, sql: str, *params) -> list[tuple]:
        if self.postgres:
            import psycopg

            with psycopg.connect(**self.postgres) as connection:
                return connection.execute(sql, params).fetchall()
        with sqlite3.connect(self.tmp / "data" / "koers.sqlite3", timeout=30) as connection:
            return connection.execute(sql.replace("%s", "?"), params).fetchall()

    def row(self, task_id: str) -> dict:
        query = (
            "SELECT status, traceback, exception_class_path, worker_ids, return_value "
            "FROM django_tasks_database_dbtaskresult WHERE id = %s"
        )
        key = task_id if self.postgres else uuid.UUID(task_id).hex
        (found,) = self.query(query, key)
        status, traceback, exception, worker_ids, value = found
        return {
            "status": status,
            "traceback": traceback,
            "exception": exception,
            "worker_ids": self._json(worker_ids),
            "return_value": self._json(value),
        }

    def _json(self, value):
        """PostgreSQL gives JSON columns decoded, SQLite as text."""
        return value if self.postgres or value is None else json.loads(value)

    def wait_until(self, condition, what: str, seconds: float = 180) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                logs = "\n".join(p.read_text() for p in sorted(self.tmp.glob("worker-*.log")))
                raise AssertionError(f"timed out waiting until {what}\n{logs}")
            time.sleep(0.1)

    def stop_all(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
            worker.wait(timeout=30)


@pytest.fixture
def queue(tmp_path):
    queue = Queue(tmp_path)
    try:
        yield queue
    finally:
        queue.stop_all()


def _runs(log: Path) -> int:
    return len(log.read_text().split()) if log.exists() else 0


def test_a_worker_killed_with_kill_9_leaves_no_task_running(queue, tmp_path):
    gate, first_log = tmp_path / "gate-1", tmp_path / "runs-1"
    closed, second_log = tmp_path / "gate-never", tmp_path / "runs-2"
    first, second = queue.django(
        "from django.core.management import call_command\n"
        "call_command('migrate', 'django_tasks_database', verbosity=0)\n"
        "call_command('migrate', 'jobs', verbosity=0)\n"
        "from tests.job_tasks import wait_for_gate\n"
        f"print(wait_for_gate.using(priority=10).enqueue({str(gate)!r}, {str(first_log)!r}).id)\n"
        f"print(wait_for_gate.enqueue({str(closed)!r}, {str(second_log)!r}).id)\n"
    ).split()

    # Worker A takes the first task (the higher priority) and is killed while it waits.
    a = queue.start_worker()
    queue.wait_until(lambda: _runs(first_log) == 1, "worker A runs the first task")
    a.send_signal(signal.SIGKILL)
    a.wait(timeout=30)
    assert queue.row(first)["status"] == "RUNNING"  # what kill -9 leaves behind
    time.sleep(queue.LEASE + 1)  # A's heartbeat is now older than the lease

    # Worker B queues it again (first interruption) and runs it to the end.
    gate.touch()
    b = queue.start_worker()
    queue.wait_until(lambda: queue.row(first)["status"] == "SUCCESSFUL", "the retry succeeds")
    done = queue.row(first)
    assert _runs(first_log) == 2 and len(done["worker_ids"]) == 2
    assert done["return_value"] == "done"

    # B then takes the second task and is killed too; worker C, allowed no retries,
    # marks it failed with the reason.
    queue.wait_until(lambda: _runs(second_log) == 1, "worker B runs the second task")
    b.send_signal(signal.SIGKILL)
    b.wait(timeout=30)
    time.sleep(queue.LEASE + 1)
    c = queue.start_worker(KOERS_WORKER_RETRIES="0")
    queue.wait_until(lambda: queue.row(second)["status"] == "FAILED", "the task is failed")
    failed = queue.row(second)
    assert failed["traceback"] == INTERRUPTED
    assert failed["exception"] == "koers.jobs.services.WorkerStopped"
    assert _runs(second_log) == 1  # failed, not run again

    # An orderly stop: C ends at once and removes its heartbeat.
    c.send_signal(signal.SIGTERM)
    assert c.wait(timeout=60) == 0
    # C's row is gone (A's and B's stay until forgotten); nothing runs.
    running, *pids = queue.django(
        "from koers.jobs.models import Worker\n"
        "from django_tasks_db.models import DBTaskResult\n"
        "print(DBTaskResult.objects.filter(status='RUNNING').count(), "
        "*Worker.objects.values_list('pid', flat=True))"
    ).split()
    assert str(c.pid) not in pids
    assert running == "0"


def test_koers_worker_runs_several_processes_and_replaces_one_that_was_killed(queue):
    queue.django(
        "from django.core.management import call_command\n"
        "call_command('migrate', 'django_tasks_database', verbosity=0)\n"
        "call_command('migrate', 'jobs', verbosity=0)\n"
    )

    def worker_pids() -> set[int]:
        return {pid for (pid,) in queue.query("SELECT pid FROM jobs_worker")}

    supervisor = queue.start_worker("--processes=2")
    queue.wait_until(lambda: len(worker_pids()) == 2, "two worker processes beat")
    killed, kept = sorted(worker_pids())
    os.kill(killed, signal.SIGKILL)
    queue.wait_until(lambda: len(worker_pids()) == 3, "a new worker process replaces it")
    (new,) = worker_pids() - {killed, kept}

    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=120) == 0
    assert worker_pids() == {killed}  # the others stopped in order and removed their rows
    for pid in (kept, new):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gone(pid: int) -> bool:
    """The process has ended (a zombie waiting for its new parent counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def test_koers_serve_starts_a_worker_and_stops_it_with_the_server(queue):
    def serve() -> subprocess.Popen:
        server = subprocess.Popen(
            [sys.executable, "-m", "koers.cli", "serve", f"--addrport=127.0.0.1:{_free_port()}"],
            env=queue.env,
            cwd=queue.tmp,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        queue.workers.append(server)
        return server

    def worker_pids() -> set[int]:
        try:
            return {pid for (pid,) in queue.query("SELECT pid FROM jobs_worker")}
        except Exception:  # the tables are not there before the server's migrate
            return set()

    def parent_of(pid: int) -> int:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])

    # Stopped like Ctrl+C or systemd do: the worker stops with it and removes its row.
    server = serve()
    queue.wait_until(lambda: len(worker_pids()) == 1, "the server's worker beats", 300)
    (worker,) = worker_pids()
    assert parent_of(worker) == server.pid
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)
    queue.wait_until(lambda: _gone(worker), "the worker stops with the server", 60)
    assert worker_pids() == set()

    # Killed with kill -9: the worker notices that its server is gone and stops too.
    server = serve()
    queue.wait_until(lambda: len(worker_pids()) == 1, "the server's worker beats", 300)
    (worker,) = worker_pids()
    server.send_signal(signal.SIGKILL)
    server.wait(timeout=60)
    queue.wait_until(lambda: _gone(worker), "the worker stops without its server", 60)
    assert worker_pids() == set()


def test_a_task_that_hangs_while_its_worker_lives_is_stopped_with_the_reason(
    demo, settings, monkeypatch
):
    settings.TASKS = DATABASE_QUEUE
    settings.KOERS_TASK_TIMEOUT_SECONDS = 1

    def hangs(*args, **kwargs):
        time.sleep(30)

    monkeypatch.setattr(jobs, "make_report_file", hangs)
    job = jobs.enqueue(ReportJob.objects.create(plan=demo.plan, format="xlsx"))
    started = time.monotonic()
    assert run_queued_tasks() == 1
    assert time.monotonic() - started < 10
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.error == (
        "Het rapport kon niet gemaakt worden: "
        "Het werk duurde langer dan 1 seconden en werd gestopt."
    )
