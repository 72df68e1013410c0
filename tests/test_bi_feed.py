"""The BI feed: flat tables as CSV and JSON for Power BI and Qlik, read with a feed key of
one member of one organisation (docs/bi-feed.md)."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
import requests
from django.core.cache import cache
from django.urls import reverse

from koers.accounts.actor import Actor
from koers.accounts.models import Department, Role
from koers.api import feed
from koers.api.feed_tokens import create_feed_token, hash_key, revoke_feed_token
from koers.api.models import FeedToken
from koers.followup.models import ProgressUpdate, ReportingRound
from koers.indicators.models import Indicator, IndicatorTarget, IndicatorValue, ItemIndicator
from tests.factories import MembershipFactory, OrganisationFactory, make_item, make_plan

ENTERED = datetime.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fresh_rates():
    cache.clear()
    yield
    cache.clear()


def _organisation(name: str, values: int = 3):
    """An organisation with a plan of a goal and two actions, a round with an update in
    each state, and one indicator with ``values`` values."""
    organisation = OrganisationFactory(name=name)
    admin = MembershipFactory(organisation=organisation, admin=True)
    coordinator = MembershipFactory(organisation=organisation, coordinator=True)
    editor = MembershipFactory(organisation=organisation, editor=True)
    reader = MembershipFactory(organisation=organisation)
    department = Department.objects.create(organisation=organisation, name="Vrije tijd")
    editor.departments.add(department)
    plan = make_plan(organisation, title=f"Meerjarenplan {name}")
    goal = make_item(plan, code="BD1", title="Een bruisende gemeente")
    mine = make_item(plan, goal, code="AC1", title="Speelpleinen vernieuwen")
    mine.departments.add(department)
    other = make_item(plan, goal, code="AC2", title="Straatverlichting")
    round_ = ReportingRound.objects.create(
        plan=plan,
        name="Voorjaar 2026",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 6, 30),
        deadline=datetime.date(2026, 7, 15),
    )
    State = ProgressUpdate.State
    updates = {
        "approved": ProgressUpdate.objects.create(
            round=round_,
            item=other,
            state=State.APPROVED,
            percent=80,
            narrative="<p>Klaar &amp; goed</p>",
        ),
        "submitted_mine": ProgressUpdate.objects.create(
            round=round_, item=mine, state=State.SUBMITTED, narrative="<p>Bijna</p>", version=3
        ),
        "untouched": ProgressUpdate.objects.create(round=round_, item=goal, state=State.DRAFT),
    }
    indicator = Indicator.objects.create(
        organisation=organisation,
        code="VT-1",
        name="Tevredenheid speelpleinen — Sint-Amandsberg",
        unit=Indicator.Unit.PERCENT,
        decimals=1,
    )
    IndicatorTarget.objects.create(indicator=indicator, year=2026, value=Decimal("75"))
    ItemIndicator.objects.create(item=mine, indicator=indicator)
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=indicator,
            period=str(2000 + n),
            period_start=datetime.date(2000 + n, 1, 1),
            period_end=datetime.date(2000 + n, 12, 31),
            breakdown="Wijk Zuid",
            value=Decimal("41.500000") + n,
            source_kind=IndicatorValue.SourceKind.IMPORTED,
            source_detail="enquête.csv",
            entered_at=ENTERED,
        )
        for n in range(values)
    )
    return {
        "organisation": organisation,
        "admin": admin,
        "coordinator": coordinator,
        "editor": editor,
        "reader": reader,
        "plan": plan,
        "items": [goal, mine, other],
        "updates": updates,
        "indicator": indicator,
    }


def _key(world, role="reader"):
    _token, key = create_feed_token(world[role], "Power BI", actor=Actor.member(world["admin"]))
    return key


def _get(client, world, table, fmt="json", key=None, **query):
    url = reverse(
        "api-feed-table", kwargs={"org": world["organisation"].slug, "table": table, "fmt": fmt}
    )
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"} if key else {}
    headers |= {name: query.pop(name) for name in list(query) if name.startswith("HTTP_")}
    return client.get(url, query, **headers)


def _csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


# -- formats ------------------------------------------------------------------------------


def test_cells_have_decimal_points_iso_dates_and_utc_times():
    assert feed.plain_decimal(Decimal("41.500000")) == "41.5"
    assert feed.plain_decimal(Decimal("100.000000")) == "100"
    assert feed.plain_decimal(Decimal("-0.250000")) == "-0.25"
    assert feed.plain_decimal(Decimal("0.000000")) == "0"
    assert feed.csv_cell(datetime.date(2026, 1, 5)) == "2026-01-05"
    assert feed.csv_cell(ENTERED) == "2026-03-01T09:30:15Z"
    brussels = datetime.datetime(
        2026, 7, 1, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    assert feed.csv_cell(brussels) == "2026-07-01T10:00:00Z"
    assert feed.csv_cell(True) == "true" and feed.csv_cell(None) == ""
    assert feed.json_cell(Decimal("1234567890123.123456")) == "1234567890123.123456"
    assert feed.plain_text("<p>Klaar &amp; <strong>goed</strong></p><p>Daarna</p>") == (
        "Klaar & goed Daarna"
    )


def test_a_json_page_has_stable_columns_and_the_exact_values(db, client):
    world = _organisation("Herenthout")
    response = _get(client, world, "indicator_values", key=_key(world))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content.decode("utf-8"), parse_float=Decimal)
    assert data["columns"] == [
        "value_id",
        "indicator_id",
        "indicator_code",
        "period",
        "period_start",
        "period_end",
        "breakdown",
        "series",
        "value",
        "text",
        "source_kind",
        "source_detail",
        "round_id",
        "entered_at",
    ]
    first = data["rows"][0]
    assert first == {
        "value_id": first["value_id"],
        "indicator_id": world["indicator"].pk,
        "indicator_code": "VT-1",
        "period": "2000",
        "period_start": "2000-01-01",
        "period_end": "2000-12-31",
        "breakdown": "Wijk Zuid",
        "series": "",
        "value": Decimal("41.5"),
        "text": "",
        "source_kind": "imported",
        "source_detail": "enquête.csv",
        "round_id": None,
        "entered_at": "2026-03-01T09:30:15Z",
    }
    assert [row["value"] for row in data["rows"]] == [
        Decimal("41.5"),
        Decimal("42.5"),
        Decimal("43.5"),
    ]
    assert data["next"] is None and "Link" not in response


def test_items_carry_their_parent_level_and_departments(db, client):
    world = _organisation("Herenthout")
    goal, other = world["items"][0], world["items"][2]
    earlier = ReportingRound.objects.create(
        plan=world["plan"],
        name="Najaar 2025",
        period_start=datetime.date(2025, 7, 1),
        period_end=datetime.date(2025, 12, 31),
        deadline=datetime.date(2026, 1, 15),
    )
    ProgressUpdate.objects.create(round=earlier, item=other, state="approved", percent=40)
    rows = _csv_rows(_get(client, world, "items", "csv", key=_key(world)))
    by_code = {row["code"]: row for row in rows}
    assert list(by_code) == ["BD1", "AC1", "AC2"]
    assert by_code["BD1"]["parent_id"] == "" and by_code["BD1"]["level"] == "1"
    assert by_code["AC1"]["parent_id"] == str(goal.pk) and by_code["AC1"]["level"] == "2"
    assert by_code["AC1"]["departments"] == "Vrije tijd"
    assert by_code["AC2"]["departments"] == ""
    assert by_code["AC1"]["plan_id"] == str(world["plan"].pk)
    assert by_code["AC1"]["weight"] == "1" and by_code["AC1"]["is_public"] == "true"
    # the latest approved update, as the dashboard shows readers; none for a submitted one
    approved = world["updates"]["approved"]
    assert (by_code["AC2"]["approved_round_id"], by_code["AC2"]["approved_percent"]) == (
        str(approved.round_id),
        "80",
    )
    assert by_code["AC1"]["approved_round_id"] == "" and by_code["AC1"]["approved_status_key"] == ""


def test_any_accept_header_gets_the_format_of_the_address_and_bad_input_is_refused(db, client):
    world = _organisation("Herenthout")
    key = _key(world)
    for accept in ("text/csv", "application/json", "application/xml", "*/*"):
        answer = _get(client, world, "plans", "csv", key=key, HTTP_ACCEPT=accept)
        assert answer.status_code == 200, accept
        assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert _get(client, world, "budgets", "csv", key=key).status_code == 404
    refused = _get(client, world, "plans", "json", key=key, limit="tien")
    assert refused.status_code == 400
    assert refused.json() == {"limit": "Geef een geheel getal."}
    assert _get(client, world, "plans", "json", key=key, after="-1").status_code == 400


# -- tokens -------------------------------------------------------------------------------


def test_an_administrator_makes_a_key_that_is_shown_once_and_revokes_it(db, client):
    world = _organisation("Herenthout")
    client.force_login(world["admin"].user)
    page_url = reverse("feed:tokens", kwargs={"org": world["organisation"].slug})
    page = client.get(page_url)
    assert page.status_code == 200
    assert "<h1>BI-feed</h1>" in page.content.decode()
    assert "Nog geen sleutels." in page.content.decode()
    posted = client.post(page_url, {"name": "Dashboard raad", "membership": world["reader"].pk})
    assert posted.status_code == 302 and posted["Location"] == page_url
    made = client.get(page_url)
    token = FeedToken.objects.get()
    key = made.context["new_key"]
    assert key.startswith("kf_") and key in made.content.decode()
    assert made["Cache-Control"] == "no-store"
    assert token.key_hash == hash_key(key) and key not in (token.key_hash, token.prefix)
    assert token.membership == world["reader"] and token.created_by == world["admin"].user
    assert key not in client.get(page_url).content.decode()  # shown once

    feed_url = reverse("api-feed", kwargs={"org": world["organisation"].slug})
    client.logout()
    assert client.get(feed_url, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert FeedToken.objects.get().last_used_at is not None

    client.force_login(world["admin"].user)
    revoked = client.post(
        reverse("feed:revoke", kwargs={"org": world["organisation"].slug, "pk": token.pk})
    )
    assert revoked.status_code == 302
    client.logout()
    refused = client.get(feed_url, HTTP_AUTHORIZATION=f"Token {key}")
    assert refused.status_code == 401
    history = list(token.history.order_by("history_date"))
    assert [(h.history_change_reason, h.history_user) for h in history] == [
        ("Feedsleutel gemaakt", world["admin"].user),
        ("Feedsleutel ingetrokken", world["admin"].user),
    ]
    assert history[-1].revoked_at is not None


def test_only_administrators_manage_keys(db, client):
    world = _organisation("Herenthout")
    client.force_login(world["coordinator"].user)
    page_url = reverse("feed:tokens", kwargs={"org": world["organisation"].slug})
    assert client.get(page_url).status_code == 403
    assert (
        client.post(page_url, {"name": "x", "membership": world["coordinator"].pk}).status_code
        == 403
    )
    assert not FeedToken.objects.exists()
    with pytest.raises(Exception) as refused:
        create_feed_token(world["reader"], "x", actor=Actor.member(world["coordinator"]))
    assert type(refused.value).__name__ == "PermissionDenied"


def test_an_administrator_cannot_make_or_revoke_keys_of_another_organisation(db, client):
    here, there = _organisation("Herenthout"), _organisation("Hoogstraten")
    with pytest.raises(Exception) as refused:
        create_feed_token(there["reader"], "x", actor=Actor.member(here["admin"]))
    assert type(refused.value).__name__ == "PermissionDenied"
    token, _key = create_feed_token(there["reader"], "x", actor=Actor.member(there["admin"]))
    client.force_login(here["admin"].user)
    url = reverse("feed:revoke", kwargs={"org": here["organisation"].slug, "pk": token.pk})
    assert client.post(url).status_code == 404
    assert FeedToken.objects.get().revoked_at is None
    with pytest.raises(Exception) as refused:
        revoke_feed_token(token, actor=Actor.member(here["admin"]))
    assert type(refused.value).__name__ == "PermissionDenied"


def test_the_personal_api_key_and_made_up_keys_do_not_open_the_feed(db, client):
    from rest_framework.authtoken.models import Token

    world = _organisation("Herenthout")
    personal = Token.objects.create(user=world["admin"].user)
    for header in (f"Token {personal.key}", "Token kf_made-up", "Token", "Bearer kf_x y"):
        response = client.get(
            reverse("api-feed", kwargs={"org": world["organisation"].slug}),
            HTTP_AUTHORIZATION=header,
        )
        assert response.status_code == 401, header
    anonymous = client.get(reverse("api-feed", kwargs={"org": world["organisation"].slug}))
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Token"


def test_a_key_of_a_member_who_left_or_cannot_sign_in_stops_working(db, client):
    world = _organisation("Herenthout")
    key = _key(world)
    world["reader"].user.is_active = False
    world["reader"].user.save()
    assert _get(client, world, "plans", key=key).status_code == 401
    world["reader"].delete()
    assert not FeedToken.objects.exists()


# -- tenancy and roles --------------------------------------------------------------------


def test_a_key_sees_its_own_organisation_only(db, client):
    here, there = _organisation("Herenthout"), _organisation("Hoogstraten")
    # the same person is a member of both: the key still reads only the one it was made for
    MembershipFactory(organisation=there["organisation"], user=here["reader"].user, role=Role.ADMIN)
    key = _key(here)
    for table in feed.TABLES:
        rows = json.loads(_get(client, here, table, key=key).content)["rows"]
        assert rows, table
        mine = feed.TABLES[table].rows(here["reader"]).values_list("id", flat=True)
        id_column = feed.TABLES[table].columns[0][0]
        assert sorted(row[id_column] for row in rows) == sorted(mine), table
        elsewhere = feed.TABLES[table].rows(there["reader"]).values_list("id", flat=True)
        assert not set(elsewhere) & {row[id_column] for row in rows}, table
        assert _get(client, there, table, key=key).status_code == 404
        assert _get(client, there, table, "csv", key=key).status_code == 404
    plans = json.loads(_get(client, here, "plans", key=key).content)["rows"]
    assert [plan["title"] for plan in plans] == ["Meerjarenplan Herenthout"]
    assert (
        client.get(
            reverse("api-feed", kwargs={"org": there["organisation"].slug}),
            HTTP_AUTHORIZATION=f"Token {key}",
        ).status_code
        == 404
    )


def test_readers_get_approved_updates_editors_their_own_too_coordinators_all(db, client):
    world = _organisation("Herenthout")
    updates = world["updates"]

    def states(role):
        rows = json.loads(_get(client, world, "updates", key=_key(world, role)).content)["rows"]
        return {row["update_id"]: row["state"] for row in rows}

    approved = {updates["approved"].pk: "approved"}
    assert states("reader") == approved
    assert states("editor") == {**approved, updates["submitted_mine"].pk: "submitted"}
    assert states("coordinator") == {**approved, updates["submitted_mine"].pk: "submitted"}
    rows = json.loads(_get(client, world, "updates", key=_key(world, "reader")).content)["rows"]
    assert rows[0]["narrative"] == "Klaar & goed"
    assert rows[0]["round_period_start"] == "2026-01-01"


def test_a_role_change_applies_to_the_key_at_the_next_request(db, client):
    world = _organisation("Herenthout")
    key = _key(world, "editor")
    assert len(json.loads(_get(client, world, "updates", key=key).content)["rows"]) == 2
    world["editor"].role = Role.READER
    world["editor"].save()
    assert len(json.loads(_get(client, world, "updates", key=key).content)["rows"]) == 1


def test_the_feed_is_throttled_like_the_api(db, client, settings):
    settings.KOERS_API_USER_RATE = "3/minute"
    world = _organisation("Herenthout")
    key = _key(world)
    statuses = [_get(client, world, "plans", key=key).status_code for _n in range(5)]
    assert statuses == [200] * 3 + [429] * 2


# -- paging and query counts -------------------------------------------------------------


def test_json_pages_follow_next_and_link_until_every_row_is_read(db, client):
    world = _organisation("Herenthout", values=23)
    key = _key(world)
    seen, response, pages = [], _get(client, world, "indicator_values", key=key, limit=10), 0
    while True:
        pages += 1
        data = json.loads(response.content)
        seen += [row["period"] for row in data["rows"]]
        if data["next"] is None:
            assert "Link" not in response
            break
        assert response["Link"] == f'<{data["next"]}>; rel="next"'
        response = client.get(data["next"], HTTP_AUTHORIZATION=f"Token {key}")
    assert pages == 3
    assert seen == [str(2000 + n) for n in range(23)]


def test_a_csv_page_with_a_limit_has_a_link_to_the_next(db, client):
    world = _organisation("Herenthout", values=5)
    key = _key(world)
    first = _get(client, world, "indicator_values", "csv", key=key, limit=3)
    rows = _csv_rows(first)
    assert [row["period"] for row in rows] == ["2000", "2001", "2002"]
    following = first["Link"].removeprefix("<").split(">")[0]
    second = client.get(following, HTTP_AUTHORIZATION=f"Token {key}")
    assert [row["period"] for row in _csv_rows(second)] == ["2003", "2004"]
    assert "Link" not in second


@pytest.mark.parametrize("table", sorted(feed.TABLES))
def test_query_count_of_a_page_does_not_grow_with_its_rows(
    db, client, django_assert_max_num_queries, table
):
    small, large = _organisation("Klein", values=2), _organisation("Groot", values=300)
    for world in (large,):
        plan, goal = world["plan"], world["items"][0]
        for n in range(40):
            item = make_item(plan, goal, code=f"X{n}", title=f"Actie {n}")
            item.departments.add(Department.objects.get(organisation=world["organisation"]))
            ProgressUpdate.objects.create(
                round=ReportingRound.objects.get(plan=plan), item=item, state="approved"
            )
            extra = Indicator.objects.create(
                organisation=world["organisation"], code=f"E{n}", name="x"
            )
            IndicatorTarget.objects.create(indicator=extra, year=2026, value=1)
            ItemIndicator.objects.create(item=item, indicator=extra)
    counts = {}
    for world in (small, large):
        key = _key(world, "editor")
        expected = feed.TABLES[table].rows(world["editor"]).count()
        for fmt in ("json", "csv"):
            with django_assert_max_num_queries(8) as captured:
                response = _get(client, world, table, fmt, key=key)
                body = b"".join(response.streaming_content) if fmt == "csv" else b""
            if fmt == "csv":
                assert body.count(b"\r\n") == expected + 1
            else:
                assert len(json.loads(response.content)["rows"]) == expected
            counts[world["organisation"].name, fmt] = len(captured)
            print(table, world["organisation"].name, fmt, expected, len(captured))
    assert counts["Klein", "json"] == counts["Groot", "json"]
    assert counts["Klein", "csv"] == counts["Groot", "csv"]


def test_a_long_csv_is_written_a_chunk_at_a_time(
    db, client, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(feed, "CSV_CHUNK", 10)
    world = _organisation("Herenthout", values=35)
    key = _key(world)
    response = _get(client, world, "indicator_values", "csv", key=key)
    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) == 4  # 10 + 10 + 10 + 5 rows, each chunk sent as it is read
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert [row["period"] for row in rows] == [str(2000 + n) for n in range(35)]
    assert rows[0]["value"] == "41.5" and rows[0]["entered_at"] == "2026-03-01T09:30:15Z"


# -- read by an independent client against the running server ------------------------------


@pytest.mark.django_db(transaction=True)
def test_requests_reads_the_feed_from_the_running_server(live_server):
    world = _organisation("Herenthout", values=57)
    key = _key(world)
    session = requests.Session()
    session.headers["Authorization"] = f"Token {key}"
    base = f"{live_server.url}/api/v1/{world['organisation'].slug}/feed/"

    index = session.get(base, timeout=10)
    assert index.status_code == 200
    tables = {table["name"]: table for table in index.json()["tables"]}
    assert set(tables) == set(feed.TABLES)

    # CSV in one request, as Power BI's Web connector reads it
    answer = session.get(tables["indicator_values"]["csv"], timeout=10)
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert len(rows) == 57
    assert rows[0]["breakdown"] == "Wijk Zuid" and rows[0]["source_detail"] == "enquête.csv"
    assert [Decimal(row["value"]) for row in rows] == [Decimal("41.5") + n for n in range(57)]
    assert rows[56]["period_end"] == "2056-12-31"

    # JSON pages following "next", as Qlik's REST connector reads them
    url, read = tables["indicator_values"]["json"] + "?limit=20", []
    while url:
        page = session.get(url, timeout=10)
        assert page.status_code == 200
        body = page.json()
        read += body["rows"]
        url = body["next"]
    assert [row["value_id"] for row in read] == [int(row["value_id"]) for row in rows]
    names = {row["indicator_id"] for row in read}
    assert names == {world["indicator"].pk}

    indicators = session.get(tables["indicators"]["json"], timeout=10).json()["rows"]
    assert indicators[0]["name"] == "Tevredenheid speelpleinen — Sint-Amandsberg"

    # another organisation's feed does not exist for this key; without a key nothing
    other = OrganisationFactory(slug="elders")
    assert (
        session.get(f"{live_server.url}/api/v1/{other.slug}/feed/", timeout=10).status_code == 404
    )
    assert requests.get(tables["plans"]["csv"], timeout=10).status_code == 401
