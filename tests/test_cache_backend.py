"""The database cache (``KOERS_CACHE_URL=db://``): a set is one statement, the table is
counted and culled once in COUNT_EVERY sets, and it keeps Django's behaviour otherwise.
Runs on SQLite and, with KOERS_TEST_POSTGRES=1, on PostgreSQL."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from koers.cache_backends import DatabaseCache

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def table():
    call_command("createcachetable", "koers_backend_test_cache", verbosity=0)
    yield "koers_backend_test_cache"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE koers_backend_test_cache")


def _cache(table, **options) -> DatabaseCache:
    return DatabaseCache(table, {"OPTIONS": options})


def _rows(table) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]


def test_set_get_overwrite_and_delete(table):
    cache = _cache(table)
    value = {"figures": [1, 2, 3], "text": "Fietspaden <b>& meer</b>"}
    cache.set("plan:1", value)
    assert cache.get("plan:1") == value
    cache.set("plan:1", "tweede versie")
    assert cache.get("plan:1") == "tweede versie"
    assert _rows(table) == 1
    cache.delete("plan:1")
    assert cache.get("plan:1") is None


def test_a_set_is_one_statement_between_counts(table):
    cache = _cache(table, COUNT_EVERY=10)
    cache.set("first", 1)  # the first set of a process counts the table
    with CaptureQueriesContext(connection) as queries:
        for number in range(9):
            cache.set(f"key-{number}", number)
    assert len(queries) == 9
    assert not any("COUNT(" in query["sql"] for query in queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:
        cache.set("tenth-after-the-count", 10)
    assert any("COUNT(" in query["sql"] for query in queries.captured_queries)


def test_the_table_is_culled_past_max_entries(table):
    cache = _cache(table, MAX_ENTRIES=20, CULL_FREQUENCY=2, COUNT_EVERY=5)
    for number in range(60):
        cache.set(f"key-{number:03}", number)
    # counted every 5 sets: never more than MAX_ENTRIES + COUNT_EVERY rows
    assert _rows(table) <= 25
    assert cache.get("key-059") == 59


def test_expired_entries_are_not_returned_and_are_culled_first(table, monkeypatch):
    cache = _cache(table, MAX_ENTRIES=3, COUNT_EVERY=1)
    cache.set("old", "oud", timeout=1)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    monkeypatch.setattr("django.core.cache.backends.db.tz_now", lambda: later)
    monkeypatch.setattr("koers.cache_backends.tz_now", lambda: later)
    assert cache.get("old") is None
    for number in range(4):
        cache.set(f"new-{number}", number, timeout=None)
    assert cache.get("new-3") == 3
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {table}")
        keys = {row[0] for row in cursor.fetchall()}
    assert not any(key.endswith(":old") for key in keys)


def test_add_and_touch_keep_djangos_meaning(table):
    cache = _cache(table)
    assert cache.add("key", "eerste")
    assert not cache.add("key", "tweede")
    assert cache.get("key") == "eerste"
    assert cache.touch("key", timeout=60)
    assert not cache.touch("missing", timeout=60)
    assert cache.incr(cache.set("count", 1) or "count") == 2
