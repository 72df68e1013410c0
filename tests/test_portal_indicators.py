"""The public cijferdatabank on the portal: public indicators only, values only as
``koers.indicators.public`` allows (a value typed in a round shows once the round is
published), downloads as CSV and JSON, goal pages that list their indicators, escaping,
tenancy and a fixed number of queries."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from koers.accounts.actor import Actor
from koers.followup import services as followup
from koers.indicators import services
from koers.indicators.models import Indicator, IndicatorValue

PAYLOAD = '<script>alert("x")</script>&"'


def _coordinator(demo, slug="voorbeeld"):
    domain = "voorbeeld.be" if slug == "voorbeeld" else "proefdorp.nl"
    email = f"coordinator@{domain}" if slug == "voorbeeld" else f"admin@{domain}"
    return Actor.member(demo.membership(email, slug))


def _indicator(demo, code, name, public=True, organisation=None, slug="voorbeeld"):
    return services.create_indicator(
        organisation or demo.voorbeeld,
        {"code": code, "name": name, "unit": "percent", "is_public": public},
        actor=_coordinator(demo, slug),
    )


def _value(demo, indicator, period, value, slug="voorbeeld"):
    return services.save_value(
        indicator, {"period": period, "value": value}, actor=_coordinator(demo, slug)
    )


@pytest.fixture
def world(demo):
    shown = _indicator(demo, "PUB-1", "Tevreden inwoners")
    services.save_target(shown, 2025, Decimal(80), actor=_coordinator(demo))
    for period, value in (("2023", "71"), ("2024", "74,5"), ("2025", "78")):
        _value(demo, shown, period, value)
    hidden = _indicator(demo, "PUB-2", "Interne doorlooptijd", public=False)
    _value(demo, hidden, "2025", "12")
    return {"shown": shown, "hidden": hidden}


def test_the_list_shows_public_indicators_with_their_last_value(client, world):
    page = client.get("/voorbeeld/cijfers/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tevreden inwoners" in html and "78 %" in html and "(2025)" in html
    assert "80 %" in html  # the target of 2025
    assert "Interne doorlooptijd" not in html


def test_a_non_public_or_foreign_indicator_is_not_found(client, demo, world):
    assert client.get(f"/voorbeeld/cijfers/{world['hidden'].pk}/").status_code == 404
    assert client.get(f"/proefdorp/cijfers/{world['shown'].pk}/").status_code == 404
    assert client.get(f"/proefdorp/cijfers/{world['shown'].pk}.csv").status_code == 404
    page = client.get(f"/voorbeeld/cijfers/{world['shown'].pk}/")
    assert page.status_code == 200
    assert 'id="indicator-chart"' in page.content.decode()


def test_a_value_typed_in_a_round_shows_once_the_round_is_published(client, demo, world):
    shown = world["shown"]
    coordinator = _coordinator(demo)
    round_ = followup.open_round(
        demo.plan,
        {
            "name": "Najaar 2026",
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 12, 31),
            "deadline": date(2027, 1, 15),
        },
        actor=coordinator,
    )
    update = round_.updates.filter(item__owner__email="editor@voorbeeld.be").first()
    services.link_indicator(update.item, shown, "output", actor=coordinator)
    update = followup.save_update(
        update,
        {"narrative": "<p>ok</p>", "indicator_values": {shown.pk: {"value": "83"}}},
        version=update.version,
        submit=True,
        actor=Actor.member(demo.membership("editor@voorbeeld.be")),
    )
    followup.approve(update, actor=coordinator)
    assert IndicatorValue.objects.filter(indicator=shown, period="2026").exists()

    def public_figures():
        return client.get(f"/voorbeeld/cijfers/{shown.pk}.json").json()["values"]

    assert "2026" not in [row["period"] for row in public_figures()]
    assert "83 %" not in client.get(f"/voorbeeld/cijfers/{shown.pk}/").content.decode()
    followup.close_round(round_, actor=coordinator)
    assert "2026" not in [row["period"] for row in public_figures()]
    followup.publish_round(round_, actor=coordinator)
    assert {"period": "2026", "value": "83"}.items() <= public_figures()[-1].items()
    assert "83 %" in client.get(f"/voorbeeld/cijfers/{shown.pk}/").content.decode()


def test_downloads_hold_only_public_values_and_read_back(client, world):
    answer = client.get("/voorbeeld/cijfers.csv")
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Indicator", "Naam", "Periode"]
    # The demo's own public indicators are there too; never a non-public one.
    public = set(
        Indicator.objects.filter(
            organisation=world["shown"].organisation, is_public=True
        ).values_list("code", flat=True)
    )
    assert "PUB-1" in {row[0] for row in rows[1:]} <= public
    assert [(row[2], row[5]) for row in rows[1:] if row[0] == "PUB-1"] == [
        ("2023", "71"),
        ("2024", "74,5"),
        ("2025", "78"),
    ]
    document = json.loads(client.get("/voorbeeld/cijfers.json").content)
    assert {v["indicator"] for v in document["values"]} <= public
    assert [
        (v["indicator"], v["period"], v["value"])
        for v in document["values"]
        if v["indicator"] == "PUB-1"
    ] == [
        ("PUB-1", "2023", "71"),
        ("PUB-1", "2024", "74.5"),
        ("PUB-1", "2025", "78"),
    ]
    assert client.get("/voorbeeld/cijfers.xml").status_code == 404


def test_user_text_is_escaped_on_the_pages_and_kept_as_text_in_the_downloads(client, demo):
    indicator = _indicator(demo, "ESC-1", PAYLOAD)
    _value(demo, indicator, "2025", "5")
    for address in ("/voorbeeld/cijfers/", f"/voorbeeld/cijfers/{indicator.pk}/"):
        html = client.get(address).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert" in html
    document = json.loads(client.get(f"/voorbeeld/cijfers/{indicator.pk}.json").content)
    assert document["values"][0]["name"] == PAYLOAD


def test_a_goal_page_lists_its_public_indicators_and_follows_a_new_link(client, demo, world):
    item = demo.plan.items.filter(depth=2, is_public=True).first()
    address = f"/voorbeeld/items/{item.pk}/"
    assert "PUB" not in client.get(address).content.decode()  # now kept in the cache
    services.link_indicator(item, world["shown"], "effect", actor=_coordinator(demo))
    services.link_indicator(item, world["hidden"], "effect", actor=_coordinator(demo))
    html = client.get(address).content.decode()
    assert f'href="/voorbeeld/cijfers/{world["shown"].pk}/"' in html
    assert "Interne doorlooptijd" not in html
    assert f"/voorbeeld/cijfers/?goal={item.pk}" in html
    listed = client.get(f"/voorbeeld/cijfers/?goal={item.pk}").content.decode()
    assert 'id="goal-filter"' in listed and "Tevreden inwoners" in listed
    # Renamed or made private: the kept page follows.
    services.update_indicator(world["shown"], {"is_public": False}, actor=_coordinator(demo))
    assert f"/voorbeeld/cijfers/{world['shown'].pk}/" not in client.get(address).content.decode()


def test_the_pages_take_the_same_queries_for_3_or_30_indicators(client, demo):
    def count(address):
        client.get(address)  # warm: sessions, the organisation's settings
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        return len(queries)

    for n in range(3):
        indicator = _indicator(demo, f"Q-{n}", f"Indicator {n}")
        _value(demo, indicator, "2025", str(n))
    small = count("/voorbeeld/cijfers/"), count(f"/voorbeeld/cijfers/{indicator.pk}/")
    for n in range(3, 30):
        indicator = _indicator(demo, f"Q-{n}", f"Indicator {n}")
        for year in range(2018, 2026):
            _value(demo, indicator, str(year), str(n))
    large = count("/voorbeeld/cijfers/"), count(f"/voorbeeld/cijfers/{indicator.pk}/")
    assert small == large
