"""A database that stays busy longer than its wait: "try again", never a server error.

SQLite lets one writer work at a time; another writer waits up to
``KOERS_SQLITE_BUSY_TIMEOUT`` seconds and then fails with "database is locked".
PostgreSQL can refuse a transaction for a deadlock or a lock timeout. Each of these is
temporary: nothing was changed (the transaction was rolled back), so the person gets a
page (or JSON for the API) that says so and asks to try again, with status 503 and
``Retry-After``.
"""

import logging

from django.db import OperationalError
from django.db.utils import InternalError
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5

# Phrases of the temporary errors, as SQLite and PostgreSQL word them.
BUSY_PHRASES = (
    "database is locked",
    "database table is locked",
    "deadlock detected",
    "lock timeout",
    "could not obtain lock",
    "could not serialize access",
)


def is_busy(error: BaseException) -> bool:
    if not isinstance(error, OperationalError | InternalError):
        return False
    text = str(error).lower()
    return any(phrase in text for phrase in BUSY_PHRASES)


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_busy(exception):
            return None
        logger.warning("Database busy on %s %s: %s", request.method, request.path, exception)
        message = _(
            "Koers is very busy at this moment and could not save or show this in time. "
            "Nothing was changed. Please try again in a few seconds."
        )
        if request.path.startswith("/api/") or request.headers.get("HX-Request"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            # A form sent again from this page carries what the person typed.
            resend = request.POST.lists() if request.method == "POST" else []
            response = TemplateResponse(
                request, "busy.html", {"message": message, "resend": list(resend)}, status=503
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
