"""X-Request-ID on every answer and on every log line of its request; the job id on a
worker's lines; JSON lines with KOERS_LOG_FORMAT=json."""

import io
import json
import logging
import os
import subprocess
import sys
import threading

import pytest
from django.core.signals import request_finished
from django.http import HttpResponse
from django.test import RequestFactory
from django_tasks import task

from koers.operations.logs import (
    ContextFilter,
    JsonFormatter,
    RequestIdMiddleware,
    logging_config,
    request_id_from,
)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
log = logging.getLogger("koers.test_request_logs")


@task
def write_a_log_line(text: str) -> str:
    log.warning("job says %s", text)
    return text


@pytest.fixture
def lines():
    """Every line the test's logger writes, formatted as JSON through the context filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    log.removeHandler(handler)


def test_a_valid_request_id_is_kept_anything_else_replaced():
    assert request_id_from("abc-123_x.y:z") == "abc-123_x.y:z"
    for bad in ("", None, "a b", "x" * 129, "id\nInjected: 1", "é"):
        made = request_id_from(bad)
        assert made != bad and len(made) == 32 and int(made, 16) >= 0


def test_the_answer_carries_the_callers_id_or_a_new_one(db, client):
    response = client.get("/health/", headers={"X-Request-ID": "lb-7f3a"})
    assert response["X-Request-ID"] == "lb-7f3a"
    made = client.get("/health/", headers={"X-Request-ID": "bad id"})["X-Request-ID"]
    assert len(made) == 32 and made != "bad id"
    assert client.get("/health/")["X-Request-ID"] != client.get("/health/")["X-Request-ID"]


def test_every_line_of_a_request_carries_its_id_and_nothing_leaks_after(db, lines):
    def view(request):
        log.info("first")
        log.warning("second %s", 2)
        return HttpResponse("ok")

    middleware = RequestIdMiddleware(view)
    response = middleware(RequestFactory().get("/", headers={"X-Request-ID": "req-1"}))
    log.info("answered")  # Django logs 4xx/5xx answers here, after the middleware
    request_finished.send(sender=None)
    log.info("after the request")
    assert response["X-Request-ID"] == "req-1"
    got = lines()
    assert [(line["message"], line.get("request_id")) for line in got] == [
        ("first", "req-1"),
        ("second 2", "req-1"),
        ("answered", "req-1"),
        ("after the request", None),
    ]
    assert got[1]["level"] == "WARNING" and got[1]["logger"] == "koers.test_request_logs"
    assert "job_id" not in got[0]


def test_concurrent_requests_in_threads_keep_their_own_ids(lines):
    both_inside = threading.Barrier(2)

    def view(request):
        both_inside.wait(timeout=10)  # both requests are running at the same time
        log.info("inside %s", request.headers["X-Request-ID"])
        both_inside.wait(timeout=10)
        log.info("leaving %s", request.headers["X-Request-ID"])
        return HttpResponse("ok")

    middleware = RequestIdMiddleware(view)
    threads = [
        threading.Thread(
            target=middleware, args=(RequestFactory().get("/", headers={"X-Request-ID": rid}),)
        )
        for rid in ("one", "two")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    got = lines()
    assert len(got) == 4
    for line in got:
        assert line["message"].endswith(line["request_id"])


def test_a_worker_logs_with_the_job_id(db, settings, lines):
    from koers.jobs.worker import run_queued_tasks

    settings.TASKS = DATABASE_QUEUE
    result = write_a_log_line.enqueue("hallo")
    log.info("before")
    assert run_queued_tasks() == 1
    got = lines()
    assert [(line["message"], line.get("job_id")) for line in got] == [
        ("before", None),
        ("job says hallo", str(result.id)),
    ]


def test_exceptions_are_one_json_line():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "broke %s", ("here",), None)
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "broke here" and entry["level"] == "ERROR"
    assert entry["exception"].startswith("Traceback") and "ValueError: boom" in entry["exception"]


def test_log_format_setting():
    assert logging_config("json", "INFO")["handlers"]["console"]["formatter"] == "json"
    assert "formatter" not in logging_config("text", "INFO")["handlers"]["console"]
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        logging_config("xml", "INFO")


def test_koers_log_format_json_writes_json_lines_with_the_request_id(tmp_path):
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/~/', headers={'X-Request-ID': 'probe-42'}); print(r.status_code)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        "DJANGO_SETTINGS_MODULE": "koers.settings",
        "KOERS_DATA_DIR": str(tmp_path),
        "KOERS_DEBUG": "true",
        "KOERS_LOG_FORMAT": "json",
        "KOERS_LOG_LEVEL": "WARNING",
        "KOERS_TASK_BACKEND": "immediate",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "404"
    entries = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    assert entries == [
        {
            "time": entries[0]["time"],
            "level": "WARNING",
            "logger": "django.request",
            "message": "Not Found: /~/",
            "request_id": "probe-42",
        }
    ]
