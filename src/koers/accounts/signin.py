"""Protection of signing in: the login throttle, the client's address, idle sessions and the
second factor an organisation can require.

The throttle (django-axes, configured in settings.py) counts failed logins per user name
*and* address and, with a higher limit, per address. It is checked by the first
authentication backend, before any password is hashed. The user name is counted whether
or not an account with that name exists, and a locked name gets the same page as a locked
address, so the throttle tells nobody which accounts exist.
"""

import math
import time
from datetime import timedelta
from urllib.parse import quote

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db.models import Max, Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

# -- the login throttle ----------------------------------------------------------------


def cooloff(request=None) -> timedelta:
    """How long failed attempts count, and so how long a lock lasts."""
    return timedelta(minutes=settings.KOERS_LOGIN_COOLOFF_MINUTES)


def attempted_username(request, credentials=None) -> str:
    """The name typed at login, the way the throttle counts it: case and spaces ignored."""
    if credentials:
        name = credentials.get("username")
    else:
        data = getattr(request, "data", None) or request.POST
        name = data.get("username")
    return (name or "").strip().lower()


def client_address(request) -> str:
    """The client's address: from the configured proxy header, else the connection's.

    ``KOERS_CLIENT_IP_HEADER`` (e.g. ``X-Forwarded-For``) is read only when it is set, and
    then its right-most entry: the one the installation's own proxy added. A client can put
    anything in the header itself, so without a proxy it must stay unset.
    """
    header = settings.KOERS_CLIENT_IP_HEADER
    if header:
        key = "HTTP_" + header.upper().replace("-", "_")
        entries = [part.strip() for part in request.META.get(key, "").split(",")]
        entries = [entry for entry in entries if entry]
        if entries:
            return entries[-1]
    return request.META.get("REMOTE_ADDR", "")


def _limits() -> list[tuple[tuple[str, ...], int]]:
    """Each lockout parameter set of AXES_LOCKOUT_PARAMETERS with its own failure limit."""
    return [
        (("username", "ip_address"), settings.KOERS_LOGIN_FAILURE_LIMIT),
        (("ip_address",), settings.KOERS_LOGIN_ADDRESS_FAILURE_LIMIT),
    ]


def _filters(request, credentials) -> list[tuple[dict, int]]:
    values = {
        "username": get_client_username(request, credentials),
        "ip_address": request.axes_ip_address,
    }
    return [({key: values[key] for key in keys}, limit) for keys, limit in _limits()]


def _recent(filters: dict, request):
    since = request.axes_attempt_time - cooloff(request)
    return AccessAttempt.objects.filter(attempt_time__gte=since, **filters)


class LoginThrottle(AxesDatabaseHandler):
    """django-axes' database handler with a limit per parameter set.

    Axes compares one number with AXES_FAILURE_LIMIT. Here a user name at an address
    is locked after KOERS_LOGIN_FAILURE_LIMIT failures and an address, whatever names it
    tries, after KOERS_LOGIN_ADDRESS_FAILURE_LIMIT; :meth:`get_failures` answers the
    failure limit when either is reached.
    """

    def get_failures(self, request, credentials=None) -> int:
        counted = 0
        for filters, limit in _filters(request, credentials):
            failures = _recent(filters, request).aggregate(n=Sum("failures_since_start"))["n"]
            if (failures or 0) >= limit:
                return settings.AXES_FAILURE_LIMIT
            if "username" in filters:
                counted = failures or 0
        return min(counted, settings.AXES_FAILURE_LIMIT - 1)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful login forgets the failures of that name at that address only;
        the address keeps its count, so one good account cannot unlock guessing others."""
        filters = _filters(request, credentials)[0][0]
        count, _deleted = AccessAttempt.objects.filter(**filters).delete()
        return count


def lockout_ends(request, credentials=None):
    """When the lock on this request's name and address (or on the address) ends."""
    ends = None
    for filters, limit in _filters(request, credentials):
        recent = _recent(filters, request).aggregate(
            n=Sum("failures_since_start"), last=Max("attempt_time")
        )
        if (recent["n"] or 0) >= limit and recent["last"] is not None:
            candidate = recent["last"] + cooloff(request)
            ends = candidate if ends is None else max(ends, candidate)
    return ends


def lockout_response(request, original_response=None, credentials=None):
    """The page for a refused login: 429, in Dutch, saying when to try again."""
    ends = lockout_ends(request, credentials) or (timezone.now() + cooloff(request))
    wait = max(1, math.ceil((ends - timezone.now()).total_seconds()))
    response = render(
        request,
        "registration/locked_out.html",
        {"ends": ends, "minutes": math.ceil(wait / 60)},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


# -- idle sessions ---------------------------------------------------------------------

LAST_SEEN = "koers_last_seen"


def _note_every() -> float:
    """Seconds between two notes of activity in the session (a note is a session write):
    a twelfth of the idle time, at most five minutes."""
    return min(300.0, settings.KOERS_SESSION_IDLE_MINUTES * 60 / 12)


class IdleSessionMiddleware:
    """Ends a logged-in session unused for KOERS_SESSION_IDLE_MINUTES; the request that
    finds it expired continues as anonymous (a page sends to the login, the API says 403).

    Activity is noted in the session at most every :func:`_note_every` seconds, not on
    every request, so a session may end up to that much before the full idle time.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > settings.KOERS_SESSION_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after %(minutes)s minutes without activity.")
                    % {"minutes": settings.KOERS_SESSION_IDLE_MINUTES},
                )
            elif last is None or now - last >= _note_every():
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def mark_active_at_login(sender, request, user, **kwargs) -> None:
    """Idle time counts from the login (every way of logging in sends this signal)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = time.time()


# -- the second factor an organisation requires ------------------------------------------


class TwoFactorRequiredMiddleware:
    """In an organisation that requires two-step verification, an administrator or
    coordinator without a verified second factor sees nothing of it: without a device
    they are sent to enrolment, with one to the code step."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("org")
        if not slug or not request.path_info.startswith("/app/"):
            return None
        if not request.user.is_authenticated:
            return None
        from koers.accounts import two_factor

        where = two_factor.required_step(request.user, slug)
        if where is None:
            return None
        messages.warning(
            request,
            _("This organisation requires two-step verification for your role."),
        )
        return redirect(reverse(where) + "?next=" + quote(request.get_full_path(), safe="/"))
