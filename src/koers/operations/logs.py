"""Logs with a request id (and a job id in workers), as JSON lines with KOERS_LOG_FORMAT=json.

``RequestIdMiddleware`` takes the caller's ``X-Request-ID`` when it is a plausible id
(1–128 letters, digits and ``._:-``; a proxy such as nginx can send ``$request_id``) or
makes one, sends it back in ``X-Request-ID``, and keeps it in a context variable until
the answer has been sent (``request_finished``). ``ContextFilter`` copies that variable
(and the job id a worker sets with ``job_context``) onto every log record, so every line a
request or a job writes carries it.
A context variable belongs to one thread (or task), so concurrent requests never share it.
"""

import contextvars
import json
import logging
import re
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime

from django.core.signals import request_finished, request_started

REQUEST_ID_HEADER = "X-Request-ID"
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "koers_request_id", default=None
)
job_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "koers_job_id", default=None
)


def request_id_from(value: str | None) -> str:
    """The caller's id when it is valid, otherwise a new one (32 hexadecimal digits)."""
    if value and VALID_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        # Kept until the answer is sent (request_finished): Django logs a 4xx/5xx answer
        # ("Not Found: …") after the last middleware has returned.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def forget_request_id(**kwargs):
    request_id_var.set(None)


request_started.connect(forget_request_id, dispatch_uid="koers-request-id-started")
request_finished.connect(forget_request_id, dispatch_uid="koers-request-id-finished")


@contextmanager
def job_context(job_id):
    """Every log line written inside the block carries ``job_id``."""
    token = job_id_var.set(str(job_id))
    try:
        yield
    finally:
        job_id_var.reset(token)


class ContextFilter(logging.Filter):
    """Adds ``request_id`` and ``job_id`` (``None`` outside a request or job) to a record."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        record.job_id = job_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id and
    job_id when set, the exception's traceback when there is one."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "job_id"):
            value = getattr(record, key, None)
            if value is None:  # a handler without ContextFilter
                value = (request_id_var if key == "request_id" else job_id_var).get()
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(log_format: str, level: str) -> dict:
    """Django's LOGGING: one console handler on the root logger; ``text``: the message
    alone (as before), ``json``: :class:`JsonFormatter`."""
    if log_format not in ("text", "json"):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("KOERS_LOG_FORMAT must be 'text' or 'json'")
    console = {"class": "logging.StreamHandler", "filters": ["context"]}
    loggers = {}
    if log_format == "json":
        console["formatter"] = "json"
        # Django's own console handlers (DEBUG) and mail_admins would write plain text
        # beside the JSON: Django's loggers write through the root's handler instead.
        loggers = {
            name: {"handlers": [], "level": level, "propagate": True}
            for name in ("django", "django.server")
        }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "koers.operations.logs.ContextFilter"}},
        "formatters": {"json": {"()": "koers.operations.logs.JsonFormatter"}},
        "handlers": {"console": console},
        "loggers": loggers,
        "root": {"handlers": ["console"], "level": level},
    }
