"""The audit log: every recorded change of an organisation, as a sentence in the reader's
language with the whole reason; a page for administrators with filters (who, what, when)
and a CSV download; nothing of another organisation."""

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from koers.accounts.actor import Actor
from koers.audit.models import AuditEntry
from koers.audit.sentences import sentence
from koers.plans.services.items import update_item
from tests.factories import MembershipFactory, make_item, make_plan

pytestmark = pytest.mark.django_db
LONG_REASON = "Aangepast na het advies van de auditcommissie over de planning " * 3


@pytest.fixture
def world():
    admin = MembershipFactory(admin=True)
    organisation = admin.organisation
    coordinator = MembershipFactory(coordinator=True, organisation=organisation)
    plan = make_plan(organisation, title="Meerjarenplan")
    item = make_item(plan, None, title="Een groene gemeente", code="BD1")
    other_admin = MembershipFactory(admin=True)
    other_plan = make_plan(other_admin.organisation, title="Geheim plan van elders")
    make_item(other_plan, None, title="Geheime doelstelling", code="X1")
    return {
        "organisation": organisation,
        "admin": admin,
        "coordinator": coordinator,
        "plan": plan,
        "item": item,
        "other_admin": other_admin,
    }


def log_url(world, **query):
    address = reverse("audit:log", kwargs={"org": world["organisation"].slug})
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_a_change_through_a_service_is_logged_with_who_what_and_the_whole_reason(world):
    item, coordinator = world["item"], world["coordinator"]
    update_item(
        item,
        {"title": "Een groenere gemeente"},
        actor=Actor.member(coordinator),
        reason=LONG_REASON,
    )
    entry = AuditEntry.objects.filter(object_type="plans.planitem", object_id=item.pk).last()
    assert entry.organisation == world["organisation"]
    assert entry.action == "plans.planitem.changed"
    assert entry.actor == coordinator.user
    assert entry.data["reason"] == LONG_REASON  # history keeps 100 characters of it
    assert len(LONG_REASON) > 100
    assert "Een groenere gemeente" in entry.object_label


def test_the_sentence_is_made_when_read_in_the_readers_language(world):
    update_item(world["item"], {"title": "Nieuw"}, actor=Actor.member(world["coordinator"]))
    entry = AuditEntry.objects.filter(action="plans.planitem.changed").last()
    with translation.override("nl"):
        dutch = sentence(entry)
    with translation.override("en"):
        english = sentence(entry)
    who = world["coordinator"].user.get_username()
    assert dutch.startswith(f"{who} wijzigde ") and "“" in dutch
    assert english.startswith(f"{who} changed ")
    created = AuditEntry.objects.filter(action="plans.planitem.created").first()
    with translation.override("nl"):
        assert sentence(created).startswith("Koers (")  # made on the command line


def test_each_organisation_sees_only_its_own_log(world, client):
    client.force_login(world["admin"].user)
    html = client.get(log_url(world)).content.decode()
    assert "Een groene gemeente" in html
    assert "Geheim" not in html
    assert AuditEntry.objects.filter(organisation=world["other_admin"].organisation).exists()


def test_only_administrators_read_the_log(world, client):
    client.force_login(world["coordinator"].user)
    assert client.get(log_url(world)).status_code == 403
    client.force_login(world["other_admin"].user)
    assert client.get(log_url(world)).status_code == 404
    client.logout()
    assert client.get(log_url(world)).status_code == 302


def test_filters_who_what_and_when(world, client):
    coordinator = world["coordinator"]
    with time_machine.travel("2026-03-02 10:00", tick=False):
        update_item(world["item"], {"title": "Maart"}, actor=Actor.member(coordinator))
    client.force_login(world["admin"].user)
    by_coordinator = client.get(log_url(world, actor=coordinator.user.pk)).content.decode()
    assert "Maart" in by_coordinator and "Meerjarenplan" not in by_coordinator
    plans_only = client.get(log_url(world, kind="plans.plan")).content.decode()
    assert "Meerjarenplan" in plans_only and "Maart" not in plans_only
    march = client.get(log_url(world, since="2026-03-01", until="2026-03-02")).content.decode()
    assert "Maart" in march and "Meerjarenplan" not in march
    assert "Maart" not in client.get(log_url(world, until="2026-03-01")).content.decode()
    # nonsense in the address is ignored, not an error
    assert client.get(log_url(world, actor="x", since="gisteren", page="-3")).status_code == 200


def test_the_csv_has_every_filtered_entry_and_no_formulas(world, client):
    AuditEntry.objects.create(  # a name that a spreadsheet would run as a formula
        organisation=world["organisation"],
        action="plans.planitem.changed",
        object_type="plans.planitem",
        object_label='=HYPERLINK("http://x")',
        created_at=timezone.now() + timedelta(days=1),
    )
    client.force_login(world["admin"].user)
    response = client.get(reverse("audit:csv", kwargs={"org": world["organisation"].slug}))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Wanneer", "Wie", "Actie"]
    labels = [row[4] for row in rows[1:]]
    assert labels[0] == '\'=HYPERLINK("http://x")'  # the newest first, read as text
    assert not any("Geheim" in cell for row in rows for cell in row)
    assert len(rows) - 1 == AuditEntry.objects.filter(organisation=world["organisation"]).count()


def test_the_log_page_reads_the_same_queries_however_long_the_log(
    world, client, django_assert_max_num_queries
):
    client.force_login(world["admin"].user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(log_url(world))
    for n in range(120):
        update_item(world["item"], {"title": f"Titel {n}"}, actor=Actor.system())
    with CaptureQueriesContext(connection) as large:
        html = client.get(log_url(world)).content.decode()
    assert len(large) == len(small)
    assert 'rel="next"' in html  # 120 changes: more than a page


def test_the_day_filter_reads_whole_days(world):
    from koers.audit import reading

    filters = reading.Filters(since=date(2026, 1, 1), until=date(2026, 1, 1))
    found = reading.entries(world["organisation"], filters)
    assert "created_at" in str(found.query)


def test_a_plan_document_and_an_indicator_file_are_logged_as_one_load_each(world):
    from koers.demo.synthetic import synthetic_plan_document
    from koers.indicators import services as indicators
    from koers.indicators.importing import load_values, read_values
    from koers.plans.document.load import load_plan_document

    organisation, admin = world["organisation"], world["admin"]
    loaded = load_plan_document(
        synthetic_plan_document(12), organisation, actor=Actor.system(admin.user)
    )
    entry = AuditEntry.objects.get(action="plans.plan.loaded")
    assert (entry.object_id, entry.actor, entry.data["items"]) == (
        loaded.plan.pk,
        admin.user,
        loaded.item_count,
    )
    with translation.override("nl"):
        assert f"laadde {loaded.item_count} onderdelen in" in sentence(entry)
    indicators.create_indicator(
        organisation, {"code": "W1", "name": "Woningen"}, actor=Actor.system()
    )
    sheet = read_values(
        organisation, b"Indicator;Periode;Waarde\nW1;2024;12\nW1;2025;14\n", "w.csv"
    )
    load_values(organisation, sheet, actor=Actor.member(admin), filename="w.csv")
    entry = AuditEntry.objects.get(action="indicators.indicatorvalue.imported")
    assert entry.organisation == organisation and entry.data["new"] == 2
    with translation.override("nl"):
        assert "importeerde 2 nieuwe en 0 gewijzigde waarden uit “w.csv”" in sentence(entry)
