"""``KOERS_CACHE_URL``: where Koers keeps what it caches (see docs/configuration.md).

Cached figures are keyed by each plan's ``content_version``, which every write changes in
the database, so any backend stays correct with several processes or machines; a shared
one only saves each process computing the same figures once.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def cache_settings(url: str, max_entries: int) -> dict:
    """Django's ``CACHES`` for a cache URL.

    ``locmem://`` (default): memory of each process. ``db://TABLE``: a table of the
    database (create it once with ``koers createcachetable``; the backend is
    koers/cache_backends.py). ``file:///PATH``: files in a directory.
    ``redis://HOST:PORT/DB``: a Redis server (needs the ``redis`` package).
    ``memcached://HOST:PORT``: a memcached server (needs ``pymemcache``). ``dummy://``:
    nothing is kept."""
    parts = urlsplit(url or "locmem://")
    options = {"MAX_ENTRIES": max_entries}
    if parts.scheme == "locmem":
        backend = {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": parts.netloc or "koers",
            "OPTIONS": options,
        }
    elif parts.scheme == "db":
        backend = {
            "BACKEND": "koers.cache_backends.DatabaseCache",
            "LOCATION": parts.netloc or "koers_cache",
            "OPTIONS": options,
        }
    elif parts.scheme == "file":
        backend = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": parts.path,
            "OPTIONS": options,
        }
    elif parts.scheme in ("redis", "rediss"):
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    elif parts.scheme == "memcached":
        backend = {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": parts.netloc,
        }
    elif parts.scheme == "dummy":
        backend = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    else:
        raise ImproperlyConfigured(
            f"KOERS_CACHE_URL: unknown kind of cache {parts.scheme!r}; use locmem://, db://, "
            "file://, redis://, memcached:// or dummy://"
        )
    return {"default": backend}
