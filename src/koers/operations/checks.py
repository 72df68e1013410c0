"""Start-up checks: Koers refuses to run in production with the public demo secret key.

The check runs before every management command except ``koers demo`` (which skips the
system checks, see the demo command) and, through :func:`refuse_demo_key`, when gunicorn
or uvicorn load ``koers.wsgi`` or ``koers.asgi``. The test suite runs no system checks.
"""

import os

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

DEMO_KEY_MESSAGE = (
    "Koers is running with the public demo secret key while KOERS_DEBUG is off. "
    "Anyone can forge sessions and password-reset links with that key."
)
DEMO_KEY_HINT = (
    "Set KOERS_SECRET_KEY (or KOERS_SECRET_KEY_FILE) to a long random string, e.g. "
    "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'. "
    "On a laptop, `koers demo` or KOERS_DEBUG=true work without one."
)


def uses_demo_key() -> bool:
    return not settings.DEBUG and settings.SECRET_KEY == settings.KOERS_DEMO_SECRET_KEY


@register(Tags.security)
def demo_secret_key(app_configs=None, **kwargs):
    if uses_demo_key():
        return [Error(DEMO_KEY_MESSAGE, hint=DEMO_KEY_HINT, id="koers.E001")]
    return []


# Set by ``koers demo`` in its own process just before it starts the web server, whose
# WSGI application is loaded from ``koers.wsgi`` like a production server's.
DEMO_SERVER = "KOERS_DEMO_SERVER"


def refuse_demo_key() -> None:
    """Stop a production server (gunicorn, uvicorn, ``koers serve``) that would start with
    the demo key; the server that ``koers demo`` starts may."""
    if uses_demo_key() and os.environ.get(DEMO_SERVER) != "1":
        raise ImproperlyConfigured(f"{DEMO_KEY_MESSAGE} {DEMO_KEY_HINT}")
