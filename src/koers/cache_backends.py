"""Django's database cache, made to hold the figures and pages of hundreds of organisations.

Django's ``DatabaseCache`` counts the whole table (``SELECT COUNT(*)``) on every ``set``
to decide whether to cull it, then reads the key, then writes it, in a transaction. With
tens of thousands of entries (a hosting provider's portals) that count costs more than
rendering the page being kept, and grows with the number of organisations. Here a
``set`` is one upsert, and the table is counted (and culled past ``MAX_ENTRIES``, as
Django does) once in ``COUNT_EVERY`` sets of each process's cache object; so the table may
hold up to ``COUNT_EVERY`` entries more than ``MAX_ENTRIES`` for a while.

``add`` and ``touch`` stay Django's. Each thread has its own cache object (Django's
``caches``), so the counter is never shared between threads.
"""

import base64
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        options = params.get("OPTIONS", {})
        self._count_every = max(1, int(options.get("COUNT_EVERY", 50)))
        self._sets_since_count = self._count_every  # the first set counts

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)
        now = tz_now().replace(microsecond=0)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        pickled = pickle.dumps(value, self.pickle_protocol)
        encoded = base64.b64encode(pickled).decode("latin1")
        with connection.cursor() as cursor:
            self._sets_since_count += 1
            if self._sets_since_count >= self._count_every:
                self._sets_since_count = 0
                cursor.execute(f"SELECT COUNT(*) FROM {table}")
                entries = cursor.fetchone()[0]
                if entries > self._max_entries:
                    self._cull(db, cursor, now, entries)
            key_column, value_column, expires_column = (
                quote("cache_key"),
                quote("value"),
                quote("expires"),
            )
            # PostgreSQL and SQLite (3.24 and later) both know ON CONFLICT
            cursor.execute(
                f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) "
                f"VALUES (%s, %s, %s) ON CONFLICT ({key_column}) DO UPDATE SET "
                f"{value_column} = EXCLUDED.{value_column}, "
                f"{expires_column} = EXCLUDED.{expires_column}",
                [key, encoded, expires],
            )
