"""A database that stays busy: the person is asked to try again (503), nothing is lost."""

import sqlite3

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.urls import reverse

from koers.database_busy import is_busy
from koers.plans.models import Plan
from koers.plans.services import plans as plan_services
from tests.factories import MembershipFactory

BUSY_DUTCH = (
    "Koers is op dit moment erg druk en kon dit niet op tijd bewaren of tonen. "
    "Er werd niets gewijzigd. Probeer het over enkele seconden opnieuw."
)


def sqlite_connection(path, timeout: float) -> DatabaseWrapper:
    """A Django connection to ``path`` with Koers' own SQLite options."""
    options = {**settings.DATABASES["default"].get("OPTIONS", {}), "timeout": timeout}
    if "init_command" not in options:  # the PostgreSQL pass keeps no SQLite options
        options["init_command"] = "PRAGMA journal_mode=WAL;"
        options["transaction_mode"] = "IMMEDIATE"
    wrapper = DatabaseWrapper(
        {
            **settings.DATABASES["default"],
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": options,
            "TEST": {},
        },
        alias="busy-test",
    )
    return wrapper


def test_sqlite_runs_in_wal_mode_with_a_configurable_busy_timeout(
    tmp_path, monkeypatch, django_db_blocker
):
    monkeypatch.setenv("KOERS_SQLITE_BUSY_TIMEOUT", "7")
    import importlib

    import koers.settings as koers_settings

    reloaded = importlib.reload(koers_settings)
    try:
        options = reloaded.DATABASES["default"]["OPTIONS"]
        assert options["timeout"] == 7
        assert "journal_mode=WAL" in options["init_command"]
    finally:
        monkeypatch.delenv("KOERS_SQLITE_BUSY_TIMEOUT")
        importlib.reload(koers_settings)
    first = sqlite_connection(tmp_path / "wal.sqlite3", 0.1)
    with django_db_blocker.unblock(), first.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    first.close()


def test_a_writer_that_waits_too_long_gets_the_busy_error_a_reader_does_not(
    tmp_path, django_db_blocker
):
    path = tmp_path / "busy.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("INSERT INTO t VALUES (1)")
    holder.execute("BEGIN IMMEDIATE")  # another writer is busy
    holder.execute("INSERT INTO t VALUES (2)")
    waiting = sqlite_connection(path, 0.2)
    unblocked = django_db_blocker.unblock()
    unblocked.__enter__()
    try:
        with waiting.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM t")  # readers never wait in WAL mode
            assert cursor.fetchone()[0] == 1
        with pytest.raises(OperationalError) as refused, waiting.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (3)")
        assert is_busy(refused.value)
    finally:
        waiting.close()
        unblocked.__exit__(None, None, None)
        holder.execute("ROLLBACK")
        holder.close()


def test_other_database_errors_are_not_taken_for_busy():
    assert not is_busy(OperationalError("no such table: plans_plan"))
    assert not is_busy(ValueError("database is locked"))


@pytest.mark.django_db
def test_a_busy_database_asks_to_try_again_and_keeps_what_was_typed(client, monkeypatch):
    membership = MembershipFactory(role="coordinator")
    client.force_login(membership.user)

    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(plan_services, "create_plan", busy)
    response = client.post(
        reverse("plans:plan_create", kwargs={"org": membership.organisation.slug}),
        {
            "title": "Meerjarenplan <2026>",
            "first_year": "2026",
            "last_year": "2031",
            "terminology_preset": "flemish_bbc",
            "progress_rollup": "average",
        },
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert BUSY_DUTCH in page
    assert '<input type="hidden" name="title" value="Meerjarenplan &lt;2026&gt;">' in page
    assert Plan.objects.count() == 0


@pytest.mark.django_db
def test_the_api_gets_the_busy_answer_as_json(client, monkeypatch):
    membership = MembershipFactory(role="reader")
    client.force_login(membership.user)
    from koers.api import views as api_views

    def busy(*args, **kwargs):
        raise OperationalError("deadlock detected")

    monkeypatch.setattr(api_views.PlanList, "get_queryset", busy)
    response = client.get(f"/api/v1/{membership.organisation.slug}/plans/")
    assert response.status_code == 503
    assert response.json() == {"detail": BUSY_DUTCH}
