"""Test set-up. ``KOERS_TEST_POSTGRES=1`` runs the suite on a throwaway PostgreSQL server."""

import contextlib
import datetime
import os
import zoneinfo

import pytest
import time_machine
from django.conf import settings

from tests import pg_cluster

# Hashing demo passwords properly costs seconds per test; tests need no strong hashes.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if os.environ.get("KOERS_TEST_POSTGRES") == "1":
    from django.db import connections

    # Point the default database at a fresh server, and drop a connection object
    # made from the SQLite settings, if any, so the next use builds a PostgreSQL one.
    settings.DATABASES["default"].update(
        ENGINE="django.db.backends.postgresql", OPTIONS={}, **pg_cluster.start()
    )
    with contextlib.suppress(AttributeError):
        del connections["default"]

# Playwright's sync API runs an event loop in the test thread; Django must allow
# its synchronous ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Every test runs on the same day, whatever the calendar says (the clock still ticks, so
# durations and time-outs behave). A test that shares its database with other processes
# (transactional tests: live servers, workers, subprocesses) keeps the real clock, since
# those processes do; so does a test marked ``real_clock``.
FROZEN_NOW = datetime.datetime(2026, 10, 15, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Brussels"))


@pytest.fixture(autouse=True)
def frozen_clock(request):
    shared = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        shared = True
    if shared or request.node.get_closest_marker("real_clock"):
        yield None
        return
    with time_machine.travel(FROZEN_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def tenant_scopes_disabled(monkeypatch):
    """Test code reads and writes every organisation's rows freely; a request through the
    test client or a live server enters its own scope in TenantScopeMiddleware, so the
    views under test are still checked (tests/test_tenant_scoping.py proves both).

    Threads a test starts (concurrent writers) are test code too; a new thread starts
    with an empty context, so each runs its target unscoped as well. Threads with their
    own ``run`` (the live server's) are left alone."""
    import threading

    from koers.accounts.scoping import scopes_disabled

    run = threading.Thread.run

    def run_as_test_code(thread):
        with scopes_disabled():
            run(thread)

    monkeypatch.setattr(threading.Thread, "run", run_as_test_code)
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def attachment_dir(tmp_path, settings):
    """Attached files and reports of every test go to the test's own directory; background
    tasks (reports asked for on the web, imports) run at once, where they are asked for."""
    settings.KOERS_ATTACHMENT_DIR = tmp_path / "attachments"
    settings.KOERS_REPORT_DIR = tmp_path / "reports"
    settings.MEDIA_ROOT = tmp_path / "files"  # logos (koers/storage.py)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return settings.KOERS_ATTACHMENT_DIR


@pytest.fixture
def demo(db):
    """The demo organisations, users and plans."""
    from koers.demo.services import load_demo

    load_demo()
    return DemoWorld()


class DemoWorld:
    @property
    def voorbeeld(self):
        from koers.accounts.models import Organisation

        return Organisation.objects.get(slug="voorbeeld")

    @property
    def proefdorp(self):
        from koers.accounts.models import Organisation

        return Organisation.objects.get(slug="proefdorp")

    @property
    def plan(self):
        from koers.plans.models import Plan

        return Plan.objects.get(organisation__slug="voorbeeld")

    @property
    def dutch_plan(self):
        from koers.plans.models import Plan

        return Plan.objects.get(organisation__slug="proefdorp")

    def user(self, email):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(email=email)

    def membership(self, email, slug="voorbeeld"):
        from koers.accounts.models import Membership

        return Membership.objects.select_related("organisation", "user").get(
            user__email=email, organisation__slug=slug
        )

    def item(self, code, plan=None):
        from koers.plans.models import PlanItem

        return PlanItem.objects.select_related("plan").get(plan=plan or self.plan, code=code)


@pytest.fixture
def login(client):
    """``login("coordinator@voorbeeld.be")`` logs the test client in as that user."""
    from django.contrib.auth import get_user_model

    def as_user(email):
        client.force_login(get_user_model().objects.get(email=email))
        return client

    return as_user
