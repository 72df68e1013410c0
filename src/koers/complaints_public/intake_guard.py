"""Spam protection and throttling of the public complaint form, without outside services.

- **Form token**: every form shown carries a signed token (``django.core.signing``, with
  the project's secret key) holding the organisation and the moment it was shown. A
  submission is refused when its token is missing or forged, when it comes back sooner
  than ``KOERS_COMPLAINT_FORM_MIN_SECONDS`` (no person reads and fills in a form that
  fast; a script does) or later than ``KOERS_COMPLAINT_FORM_MAX_HOURS``.
- **Honeypot**: a field hidden from people (and from screen readers and the keyboard)
  that a script filling in every field fills in too.
- **Throttle**: per client address and per organisation, the submissions of a window of
  ``KOERS_COMPLAINT_FORM_WINDOW_MINUTES`` are counted in Django's cache (the configured
  backend, so several processes or machines share the count with a shared cache; the
  process itself keeps no state). Beyond ``KOERS_COMPLAINT_FORM_ADDRESS_LIMIT`` from one
  address or ``KOERS_COMPLAINT_FORM_ORGANISATION_LIMIT`` for one organisation the form is
  refused until the window ends. The address is the one the login throttle uses
  (``signin.client_address``) and is kept in the cache only as a hash.

Each check returns the Dutch message the form shows; the form keeps what was typed.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

from koers.accounts.signin import client_address

SALT = "koers.complaints.portal-form"
HONEYPOT = "website"  # the hidden field's name: what a script expects to fill in


def issue_token(organisation_slug: str, now: float | None = None) -> str:
    """The token of a form shown now for the organisation."""
    moment = int(now if now is not None else time.time())
    return signing.dumps({"o": organisation_slug, "t": moment}, salt=SALT, compress=False)


def token_problem(token: str, organisation_slug: str, now: float | None = None) -> str | None:
    """Why a submission with this token is refused (Dutch), or None when it may pass."""
    now = now if now is not None else time.time()
    try:
        data = signing.loads(token or "", salt=SALT)
    except signing.BadSignature:
        return _("The form could not be checked. Send it again: what you typed is kept below.")
    if not isinstance(data, dict) or data.get("o") != organisation_slug:
        return _("The form could not be checked. Send it again: what you typed is kept below.")
    shown = data.get("t")
    if not isinstance(shown, int):
        return _("The form could not be checked. Send it again: what you typed is kept below.")
    age = now - shown
    if age < settings.KOERS_COMPLAINT_FORM_MIN_SECONDS:
        return _(
            "That went very fast. Check your complaint and send it again in a few seconds: "
            "what you typed is kept below."
        )
    if age > settings.KOERS_COMPLAINT_FORM_MAX_HOURS * 3600:
        return _(
            "The form was open for too long. Check your complaint and send it again: what you "
            "typed is kept below."
        )
    return None


def honeypot_problem(value: str) -> str | None:
    if value:
        return _(
            "Leave the field “Website” empty: it is there to stop automatic messages. "
            "What you typed is kept below."
        )
    return None


@dataclass(frozen=True)
class Throttle:
    """The counts of the current window for one client address and one organisation."""

    address_key: str
    organisation_key: str
    window_seconds: int

    @classmethod
    def for_request(cls, request, organisation_id: int, now: float | None = None) -> "Throttle":
        window = max(1, settings.KOERS_COMPLAINT_FORM_WINDOW_MINUTES) * 60
        number = int((now if now is not None else time.time()) // window)
        address = hashlib.sha256(f"{SALT}:{client_address(request)}".encode()).hexdigest()[:32]
        return cls(
            address_key=f"koers:complaint-form:address:{address}:{number}",
            organisation_key=f"koers:complaint-form:organisation:{organisation_id}:{number}",
            window_seconds=window,
        )

    def _count(self, key: str) -> int:
        # ``add`` sets it only when absent; ``incr`` then counts (atomic on Redis and
        # memcached; on the database or in memory two requests at the same instant may
        # count once, which a burst of tens of requests does not notice).
        cache.add(key, 0, timeout=self.window_seconds * 2)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=self.window_seconds * 2)
            return 1

    def problem(self) -> str | None:
        """Counts this submission; the Dutch message when it is one too many."""
        from_address = self._count(self.address_key)
        for_organisation = self._count(self.organisation_key)
        minutes = self.window_seconds // 60
        if from_address > settings.KOERS_COMPLAINT_FORM_ADDRESS_LIMIT:
            return _(
                "Too many complaints were sent from your connection in a short time. Try "
                "again in %(minutes)s minutes: what you typed is kept below."
            ) % {"minutes": minutes}
        if for_organisation > settings.KOERS_COMPLAINT_FORM_ORGANISATION_LIMIT:
            return _(
                "The complaint form is very busy right now. Try again in %(minutes)s minutes: "
                "what you typed is kept below."
            ) % {"minutes": minutes}
        return None
