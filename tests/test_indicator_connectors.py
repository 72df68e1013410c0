"""Indicator values fetched from public sources: the connector framework, the CBS
StatLine OData v4 connector against recorded answers (tests/fixtures/cbs), hostile and
oversized answers refused with nothing stored, the background fetch, the schedule and
its command, permissions and tenancy. No network: every answer comes from a fake getter."""

import datetime
import json
import zoneinfo
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from koers.accounts.actor import Actor
from koers.indicators import connectors, feeds, services
from koers.indicators.connectors import FetchError, Limits
from koers.indicators.connectors.http import getter as real_getter
from koers.indicators.models import Indicator, IndicatorFeed, IndicatorValue
from tests.factories import MembershipFactory

FIXTURES = Path(__file__).parent / "fixtures" / "cbs"
CBS = connectors.connector("cbs_statline")
LIMITS = Limits(max_bytes=1_000_000, max_pages=10, max_rows=1_000, timeout=5)
FIRST_URL = (
    "https://datasets.cbs.nl/odata/v1/CBS/70072NED/Observations?$filter=Measure eq 'M001607' "
    "and (RegioS eq 'GM0153' or RegioS eq 'WK015301' or RegioS eq 'WK015302') "
    "and contains(Perioden,'JJ')"
)
PARAMETERS = {
    "table": "70072NED",
    "measure": "M001607",
    "region": "GM0153",
    "breakdowns": "WK015301 = Centrum\nWK015302=Noord",
}


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def recorded(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class Source:
    """Answers in order, and the addresses asked for."""

    def __init__(self, *answers: bytes):
        self.answers = list(answers)
        self.asked: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.asked.append(url)
        if not self.answers:
            raise AssertionError(f"asked once too often: {url}")
        return self.answers.pop(0)


def two_pages():
    return Source(recorded("70072NED-page-1.json"), recorded("70072NED-page-2.json"))


def yearly(unit="number", frequency="year", code="INW"):
    return Indicator(code=code, name="Inwoners", unit=unit, frequency=frequency)


def cleaned(indicator=None, **changes):
    return CBS.clean({**PARAMETERS, **changes}, indicator or yearly())


def edited(name: str, change) -> bytes:
    document = json.loads(recorded(name))
    change(document)
    return json.dumps(document).encode()


# The connector ----------------------------------------------------------------------


def test_cbs_reads_recorded_pages_following_the_next_link():
    source = two_pages()
    fetched = CBS.fetch(cleaned(), yearly(), source, LIMITS)
    rows = [(r.period, r.value, r.breakdown, r.series) for r in fetched.rows]
    assert rows == [
        ("2019", Decimal("158986"), "", ""),
        ("2020", Decimal("159732"), "", ""),
        ("2021", Decimal("160500.0"), "", ""),
        ("2019", Decimal("21054"), "Centrum", ""),
        ("2021", Decimal("21410.25"), "Centrum", ""),
        ("2019", Decimal("9876"), "Noord", ""),
        ("2020", Decimal("9901"), "Noord", ""),
        ("2021", Decimal("9950"), "Noord", ""),
        ("2022", Decimal("161377"), "", ""),
    ]
    assert fetched.skipped == 1  # 2020 Centrum: "Impossible"
    assert fetched.pages == 2
    assert [unquote(url) for url in source.asked] == [
        FIRST_URL,
        "https://datasets.cbs.nl/odata/v1/CBS/70072NED/Observations?$filter=Measure eq "
        "'M001607'&$skip=5",
    ]


def test_quarters_months_series_and_first_year():
    source = Source(recorded("70072NED-quarters.json"))
    indicator = yearly(unit="percent", frequency="quarter")
    parameters = cleaned(indicator, measure="M004200", breakdowns="", series="Nederland")
    fetched = CBS.fetch(parameters, indicator, source, LIMITS)
    assert [(r.period, r.value, r.series) for r in fetched.rows] == [
        ("2023-Q1", Decimal("4.1"), "Nederland"),
        ("2023-Q2", Decimal("3.9"), "Nederland"),
        ("2023-Q3", Decimal("3.7"), "Nederland"),
    ]
    assert fetched.skipped == 1
    assert "contains(Perioden,'KW')" in unquote(source.asked[0])
    later = CBS.fetch(cleaned(first_year="2021"), yearly(), two_pages(), LIMITS)
    assert [r.period for r in later.rows] == ["2021", "2021", "2021", "2022"]


def test_other_dimensions_are_asked_for_and_checked():
    parameters = cleaned(breakdowns="", filters="Geslacht = T001038\nLeeftijd=10000")
    address = unquote(CBS.address(parameters, "month"))
    assert address.endswith(
        "$filter=Measure eq 'M001607' and (RegioS eq 'GM0153') and Geslacht eq 'T001038' "
        "and Leeftijd eq '10000' and contains(Perioden,'MM')"
    )
    answer = json.dumps(
        {
            "value": [
                {"Measure": "M001607", "RegioS": "GM0153", "Perioden": "2024MM05",
                 "Geslacht": "T001038", "Value": 12},
                {"Measure": "M001607", "RegioS": "GM0153", "Perioden": "2024MM06",
                 "Geslacht": "3000", "Value": 13},
            ]
        }
    ).encode()  # fmt: skip
    with pytest.raises(FetchError, match="Geslacht 3000"):
        CBS.fetch(parameters, yearly(frequency="month"), Source(answer), LIMITS)


def _value(document, value):
    document["value"][0]["Value"] = value


def _period(code):
    def change(document):
        document["value"][0]["Perioden"] = code

    return change


def _no_next(document):
    document.pop("@odata.nextLink")


HOSTILE = [
    (lambda d: _value(d, "12,5"), "Het cijfer voor 2019 is geen getal (12,5)"),
    (lambda d: _value(d, True), "Het cijfer voor 2019 is geen getal (True)"),
    (lambda d: _value(d, {"x": 1}), "Het cijfer voor 2019 is geen getal"),
    (lambda d: _value(d, 1e20), "Het cijfer voor 2019 is te groot voor Koers"),
    (_period("2019X"), "'2019X' is geen periode die Koers kan lezen"),
    (_period("2019W101"), "'2019W101' is geen periode die Koers kan lezen"),
    (_period("2019KW05"), "'2019KW05' is geen periode die Koers kan lezen"),
    (_period("2019MM13"), "'2019MM13' is geen periode die Koers kan lezen"),
    (_period("2019KW02"), "'2019KW02' is een kwartaal, maar INW wordt jaarlijks gemeten"),
    (_period(None), "'None' is geen periode die Koers kan lezen"),
    (lambda d: d["value"][0].update(RegioS="GM0363"), "een regio die niet gevraagd werd (GM0363)"),
    (lambda d: d["value"][0].update(RegioS=["GM0153"]), "een regio die niet gevraagd werd"),
    (lambda d: d["value"][0].update(Measure="M000001"), "een cijfer van een andere maatstaf"),
    (lambda d: d["value"].append(dict(d["value"][0])), "twee cijfers voor 2019 in GM0153"),
    (lambda d: d["value"].append("x"), "Waarneming 6 is geen record"),
    (lambda d: d.pop("value"), "geen lijst van waarnemingen"),
    (lambda d: d.update(value={"a": 1}), "geen lijst van waarnemingen"),
    (
        lambda d: d.update({"@odata.nextLink": "https://evil.example/CBS/70072NED/Observations"}),
        "De volgende pagina van de bron ligt buiten de tabel",
    ),
    (
        lambda d: d.update({"@odata.nextLink": "/odata/v1/CBS/OTHER/Observations?$skip=5"}),
        "De volgende pagina van de bron ligt buiten de tabel",
    ),
    (lambda d: d.update({"@odata.nextLink": 5}), "is geen adres"),
]


@pytest.mark.parametrize(("change", "message"), HOSTILE)
def test_a_hostile_or_garbled_answer_is_refused_with_a_dutch_message(change, message):
    source = Source(edited("70072NED-page-1.json", change), recorded("70072NED-page-2.json"))
    with pytest.raises(FetchError) as refused:
        CBS.fetch(cleaned(), yearly(), source, LIMITS)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (b"<html>Service unavailable</html>", "Het antwoord van de bron is geen geldige JSON."),
        (b'{"value": [', "Het antwoord van de bron is geen geldige JSON."),
        (b'{"value": [{"Value": NaN}]}', "Het antwoord van de bron is geen geldige JSON."),
        (b"[" * 100_000 + b"]" * 100_000, "Het antwoord van de bron is geen geldige JSON."),
        (b'{"value": "\xff\xfe"}', "geen leesbare tekst (geen UTF-8)"),
        (b"[]", "geen lijst van waarnemingen"),
    ],
)
def test_an_answer_that_is_not_json_is_refused(answer, message):
    with pytest.raises(FetchError) as refused:
        CBS.fetch(cleaned(), yearly(), Source(answer), LIMITS)
    assert message in str(refused.value)


def test_limits_of_size_pages_and_rows():
    small = Limits(max_bytes=500, max_pages=10, max_rows=1_000, timeout=5)
    with pytest.raises(FetchError, match=r"groter dan 0.0 MB \(KOERS_FETCH_MAX_BYTES\)"):
        CBS.fetch(cleaned(), yearly(), two_pages(), small)
    endless = edited(
        "70072NED-page-2.json",
        lambda d: d.update(
            {
                "value": [],
                "@odata.nextLink": "https://datasets.cbs.nl/odata/v1/CBS/70072NED/"
                "Observations?$skip=9",
            }
        ),
    )
    few_pages = Limits(max_bytes=1_000_000, max_pages=3, max_rows=1_000, timeout=5)
    source = Source(*[endless] * 4)
    with pytest.raises(FetchError, match=r"meer dan 3 pagina's \(KOERS_FETCH_MAX_PAGES\)"):
        CBS.fetch(cleaned(), yearly(), source, few_pages)
    assert len(source.asked) == 3
    few_rows = Limits(max_bytes=1_000_000, max_pages=10, max_rows=7, timeout=5)
    with pytest.raises(FetchError, match=r"meer dan 7 waarnemingen \(KOERS_FETCH_MAX_ROWS\)"):
        CBS.fetch(cleaned(), yearly(), two_pages(), few_rows)


@pytest.mark.parametrize(
    ("changes", "indicator", "field", "message"),
    [
        ({"table": "70072NED' or 1 eq 1"}, yearly(), "table", "cijfers en letters"),
        ({"measure": "M1'"}, yearly(), "measure", "letters, cijfers en liggende streepjes"),
        ({"region": "gm0153"}, yearly(), "region", "Een regiocode zoals GM0153"),
        ({"region": ""}, yearly(), "region", "Deze parameter is verplicht."),
        ({"breakdowns": "WK015301"}, yearly(), "breakdowns", "Regel 1: schrijf een code"),
        ({"breakdowns": "GM0153 = Alles"}, yearly(), "breakdowns", "Elke regio mag één keer"),
        ({"breakdowns": "WK015301 = A\nWK015302 = A"}, yearly(), "breakdowns", "dezelfde naam"),
        ({"breakdowns": "WK015301 = " + "A" * 201}, yearly(), "breakdowns", "ten hoogste 200"),
        ({"filters": "Geslacht = T0'"}, yearly(), "filters", "letters, cijfers"),
        ({"filters": "RegioS = GM0153"}, yearly(), "filters", "is hierboven al gekozen"),
        ({"first_year": "15"}, yearly(), "first_year", "Een jaar zoals 2015."),
        ({}, yearly(unit="text"), "connector", "een tekstindicator"),
        ({}, yearly(frequency="half_year"), "connector", "halfjaarlijks"),
    ],
)
def test_parameters_are_checked_before_anything_is_asked(changes, indicator, field, message):
    with pytest.raises(ValidationError) as refused:
        cleaned(indicator, **changes)
    assert message in " ".join(refused.value.message_dict[field])


def test_parameters_are_stored_in_one_form():
    assert cleaned(breakdowns=" WK015301=Centrum \n\n WK015302 =Noord") == {
        "table": "70072NED",
        "measure": "M001607",
        "region": "GM0153",
        "breakdowns": "WK015301 = Centrum\nWK015302 = Noord",
        "filters": "",
        "series": "",
        "first_year": "",
        "region_dimension": "RegioS",
        "period_dimension": "Perioden",
    }


def test_the_real_getter_asks_only_the_source_over_https():
    get = real_getter(LIMITS, ("datasets.cbs.nl",))
    with pytest.raises(FetchError, match=r"alleen datasets\.cbs\.nl over HTTPS"):
        get("http://datasets.cbs.nl/odata/v1/CBS/70072NED/Observations")
    with pytest.raises(FetchError, match=r"alleen datasets\.cbs\.nl over HTTPS"):
        get("https://169.254.169.254/latest/meta-data")


# Feeds: fetching and writing ----------------------------------------------------------


@pytest.fixture
def world(client, monkeypatch):
    coordinator = MembershipFactory(coordinator=True)
    organisation = coordinator.organisation
    actor = Actor.member(coordinator)
    indicator = services.create_indicator(
        organisation, {"code": "INW", "name": "Inwoners", "unit": "number"}, actor=actor
    )
    feed = feeds.create_feed(indicator, "cbs_statline", PARAMETERS, actor=actor)
    source = {"answers": None}

    def fake(connector, limits):
        assert connector is CBS
        return source["answers"]

    monkeypatch.setattr(feeds, "GETTER", fake)
    return {
        "coordinator": coordinator,
        "organisation": organisation,
        "actor": actor,
        "indicator": indicator,
        "feed": feed,
        "source": source,
        "client": client,
    }


def answering(world, source):
    world["source"]["answers"] = source
    return source


def page(world, name, **kwargs):
    return reverse(f"indicators:{name}", kwargs={"org": world["organisation"].slug, **kwargs})


def feed_page(world, name):
    return page(world, name, pk=world["indicator"].pk, feed_pk=world["feed"].pk)


def stored(indicator):
    return sorted(
        (v.period, v.breakdown, v.value, v.source_kind)
        for v in IndicatorValue.objects.filter(indicator=indicator)
    )


@pytest.mark.django_db
def test_fetch_now_runs_in_the_background_and_writes_with_provenance(world):
    answering(world, two_pages())
    client = world["client"]
    client.force_login(world["coordinator"].user)
    response = client.post(feed_page(world, "feed_fetch"))
    assert response.status_code == 302
    indicator = world["indicator"]
    values = IndicatorValue.objects.filter(indicator=indicator)
    assert values.count() == 9
    first = values.get(period="2019", breakdown="")
    assert first.value == Decimal("158986")
    assert first.source_kind == "fetched"
    assert first.source_detail == "CBS StatLine 70072NED, 2026-10-15 10:00"
    assert first.entered_by == world["coordinator"].user
    record = first.history.get()
    assert record.history_type == "+"
    assert record.history_change_reason == "Opgehaald uit CBS StatLine 70072NED"
    feed = IndicatorFeed.objects.get()
    assert feed.state == "idle" and feed.last_ok is True
    assert feed.last_outcome == (
        "9 nieuwe, 0 gewijzigde, 0 ongewijzigde waarden; 0 getypte waarden behouden; "
        "1 lege cellen overgeslagen."
    )
    assert feed.last_success_at is not None
    html = client.get(page(world, "detail", pk=indicator.pk)).content.decode()
    assert "Opgehaald uit openbare bronnen" in html
    assert "9 nieuwe, 0 gewijzigde" in html
    assert "CBS StatLine 70072NED, 2026-10-15 10:00" in html  # each value's provenance


@pytest.mark.django_db
def test_a_second_fetch_changes_only_what_changed_and_keeps_typed_values(world):
    indicator = world["indicator"]
    answering(world, two_pages())
    feeds.request_fetch(world["feed"], actor=world["actor"])
    fetched_2022 = IndicatorValue.objects.get(indicator=indicator, period="2022")
    services.save_value(  # a person types over a fetched value
        indicator, {"period": "2022", "value": "7"}, actor=world["actor"], record=fetched_2022
    )
    changed = edited("70072NED-page-1.json", lambda d: _value(d, 158990))
    answering(world, Source(changed, recorded("70072NED-page-2.json")))
    outcome = feeds.run_feed(world["feed"].pk, asked=False)
    assert outcome.ok and outcome.counts == {
        "new": 0, "changed": 1, "unchanged": 7, "kept": 1, "skipped": 1
    }  # fmt: skip
    value = IndicatorValue.objects.get(indicator=indicator, period="2019", breakdown="")
    assert value.value == Decimal("158990") and value.version == 2
    assert [h.history_type for h in value.history.order_by("history_id")] == ["+", "~"]
    typed = IndicatorValue.objects.get(indicator=indicator, period="2022")
    assert typed.value == Decimal("7") and typed.source_kind == "typed"


HOSTILE_PAGES = [
    edited("70072NED-page-2.json", lambda d: _value(d, "veel")),  # the second page is wrong
    b"\x00\x01garbage",
    b"{" + b" " * 2_000_000 + b"}",  # larger than KOERS_FETCH_MAX_BYTES below
]


@pytest.mark.django_db
@pytest.mark.parametrize("second", HOSTILE_PAGES)
def test_a_refused_answer_stores_nothing(world, second, settings):
    settings.KOERS_FETCH_MAX_BYTES = 1_000_000
    indicator = world["indicator"]
    services.save_value(indicator, {"period": "2019", "value": "1"}, actor=world["actor"])
    before = stored(indicator)
    answering(world, Source(recorded("70072NED-page-1.json"), second))
    feeds.request_fetch(world["feed"], actor=world["actor"])
    assert stored(indicator) == before
    feed = IndicatorFeed.objects.get()
    assert feed.last_ok is False and feed.state == "idle"
    assert feed.last_success_at is None
    assert feed.last_outcome.endswith(("geweigerd.", "JSON.", "opgeslagen."))


@pytest.mark.django_db
def test_a_source_that_cannot_be_reached_is_the_outcome(world):
    def unreachable(url):
        raise FetchError("De bron kon niet bereikt worden: timed out")

    answering(world, unreachable)
    feeds.request_fetch(world["feed"], actor=world["actor"])
    feed = IndicatorFeed.objects.get()
    assert (feed.last_ok, feed.last_outcome) == (
        False,
        "De bron kon niet bereikt worden: timed out",
    )


@pytest.mark.django_db
def test_a_page_view_never_fetches(world):
    def refuse(url):
        raise AssertionError("fetched on a page view")

    answering(world, refuse)
    client = world["client"]
    client.force_login(world["coordinator"].user)
    for address in (
        page(world, "detail", pk=world["indicator"].pk),
        page(world, "list"),
        feed_page(world, "feed_edit"),
    ):
        assert client.get(address).status_code == 200
    assert client.get(feed_page(world, "feed_fetch")).status_code == 405
    assert IndicatorFeed.objects.get().last_fetched_at is None


@pytest.mark.django_db
def test_a_second_request_while_queued_does_not_queue_again(world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    from koers.jobs.worker import run_queued_tasks

    answering(world, two_pages())
    assert feeds.request_fetch(world["feed"], actor=world["actor"]) is True
    assert feeds.request_fetch(world["feed"], actor=world["actor"]) is False
    assert DBTaskResult.objects.count() == 1
    assert IndicatorFeed.objects.get().state == "queued"
    run_queued_tasks()
    feed = IndicatorFeed.objects.get()
    assert feed.state == "idle" and feed.last_ok is True
    assert IndicatorValue.objects.count() == 9


# The schedule -----------------------------------------------------------------------

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def at(year, month, day):
    return datetime.datetime(year, month, day, 12, tzinfo=BRUSSELS)


@pytest.mark.django_db
def test_the_command_fetches_only_the_feeds_that_are_due(world, capsys):
    indicator = world["indicator"]
    actor = world["actor"]
    world["feed"].delete()

    def make(schedule, success=None, enabled=True, state="idle"):
        feed = feeds.create_feed(
            indicator, "cbs_statline", PARAMETERS, schedule=schedule, enabled=enabled, actor=actor
        )
        IndicatorFeed.objects.filter(pk=feed.pk).update(last_success_at=success, state=state)
        return feed.pk

    # Today is 15 October 2026 (tests/conftest.py).
    due = {
        make("monthly", at(2026, 9, 30)),
        make("quarterly", at(2026, 9, 1)),
        make("yearly", at(2025, 12, 31)),
        make("monthly"),
    }
    not_due = {
        make("never"),
        make("monthly", at(2026, 10, 1)),
        make("quarterly", at(2026, 10, 2)),
        make("yearly", at(2026, 1, 5)),
        make("monthly", enabled=False),
        make("monthly", state="queued"),
    }
    assert {feed.pk for feed in feeds.due_feeds()} == due
    call_command("fetch_indicator_values", "--dry-run")
    assert "4 feeds zijn aan de beurt." in capsys.readouterr().out
    assert IndicatorFeed.objects.filter(last_fetched_at__isnull=False).count() == 0
    world["source"]["answers"] = lambda url: recorded("70072NED-quarters.json")  # wrong kind
    with pytest.raises(CommandError):
        call_command("fetch_indicator_values")
    fetched = set(
        IndicatorFeed.objects.filter(last_fetched_at__isnull=False).values_list("pk", flat=True)
    )
    assert fetched == due
    assert not (fetched & not_due)
    world["source"]["answers"] = lambda url: recorded("70072NED-page-2.json")
    call_command("fetch_indicator_values")
    assert "4 feeds opgehaald, 0 mislukt." in capsys.readouterr().out
    assert feeds.due_feeds() == []  # fetched successfully this month, quarter and year
    assert IndicatorValue.objects.filter(source_kind="fetched").count() == 5


@pytest.mark.django_db
def test_the_command_fetches_one_feed_when_asked_and_knows_organisations(world, capsys):
    world["source"]["answers"] = two_pages()
    call_command("fetch_indicator_values", "--feed", str(world["feed"].pk))
    assert "9 nieuwe" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Er is geen organisatie 'nope'"):
        call_command("fetch_indicator_values", "--organisation", "nope")
    other = MembershipFactory(coordinator=True).organisation
    with pytest.raises(CommandError, match="Er is geen feed"):
        call_command(
            "fetch_indicator_values", "--feed", str(world["feed"].pk), "--organisation", other.slug
        )


# Permissions, tenancy, forms, history ------------------------------------------------


@pytest.mark.django_db
def test_only_managers_of_the_organisation_configure_or_fetch(world):
    feed = world["feed"]
    indicator = world["indicator"]
    organisation = world["organisation"]
    for role in ("editor", "reader"):
        member = MembershipFactory(
            organisation=organisation, **{role: True} if role != "reader" else {}
        )
        actor = Actor.member(member)
        with pytest.raises(PermissionDenied):
            feeds.request_fetch(feed, actor=actor)
        with pytest.raises(PermissionDenied):
            feeds.create_feed(indicator, "cbs_statline", PARAMETERS, actor=actor)
        with pytest.raises(PermissionDenied):
            feeds.update_feed(feed, PARAMETERS, schedule="never", enabled=True, actor=actor)
        with pytest.raises(PermissionDenied):
            feeds.delete_feed(feed, actor=actor)
        client = world["client"]
        client.force_login(member.user)
        assert client.get(page(world, "feed_create", pk=indicator.pk)).status_code == 403
        assert client.get(feed_page(world, "feed_edit")).status_code == 403
        assert client.post(feed_page(world, "feed_fetch")).status_code == 403
        assert client.post(feed_page(world, "feed_delete")).status_code == 403
        html = client.get(page(world, "detail", pk=indicator.pk)).content.decode()
        assert "Nu ophalen" not in html and "CBS StatLine 70072NED" in html
    stranger = Actor.member(MembershipFactory(admin=True))
    with pytest.raises(PermissionDenied):
        feeds.request_fetch(feed, actor=stranger)
    with pytest.raises(PermissionDenied):
        feeds.update_feed(feed, PARAMETERS, schedule="never", enabled=True, actor=stranger)
    assert IndicatorFeed.objects.get().state == "idle"


@pytest.mark.django_db
def test_another_organisations_feed_is_404(world):
    other = MembershipFactory(admin=True)
    client = world["client"]
    client.force_login(other.user)
    own_slug = {"org": other.organisation.slug}
    keys = {"pk": world["indicator"].pk, "feed_pk": world["feed"].pk}
    for name in ("feed_edit",):
        assert (
            client.get(reverse(f"indicators:{name}", kwargs={**own_slug, **keys})).status_code
            == 404
        )
        assert client.get(feed_page(world, name)).status_code == 404
    for name in ("feed_fetch", "feed_delete"):
        assert (
            client.post(reverse(f"indicators:{name}", kwargs={**own_slug, **keys})).status_code
            == 404
        )
        assert client.post(feed_page(world, name)).status_code == 404
    create = reverse("indicators:feed_create", kwargs={**own_slug, "pk": world["indicator"].pk})
    assert client.get(create).status_code == 404
    assert IndicatorFeed.objects.get().state == "idle"


def _form_data(**changes):
    return {**PARAMETERS, "schedule": "monthly", "enabled": "on", **changes}


@pytest.mark.django_db
def test_adding_a_feed_keeps_what_was_typed_on_error_and_records_history(world):
    client = world["client"]
    client.force_login(world["coordinator"].user)
    address = page(world, "feed_create", pk=world["indicator"].pk)
    page_html = client.get(address).content.decode()
    assert "Tabel" in page_html and 'value="RegioS"' in page_html
    response = client.post(address, _form_data(region="Enschede", measure="M009999"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Een regiocode zoals GM0153" in html
    assert 'value="M009999"' in html and 'value="Enschede"' in html
    response = client.post(address, _form_data(measure="M009999"))
    assert response.status_code == 302
    feed = IndicatorFeed.objects.latest("pk")
    assert feed.parameters["measure"] == "M009999" and feed.schedule == "monthly"
    record = feed.history.get()
    assert record.history_type == "+" and record.history_user == world["coordinator"].user


@pytest.mark.django_db
def test_editing_a_feed_checks_the_version_and_keeps_the_fetch_outcome(world):
    client = world["client"]
    client.force_login(world["coordinator"].user)
    feed = world["feed"]
    address = feed_page(world, "feed_edit")
    assert f'name="version" value="{feed.version}"' in client.get(address).content.decode()
    IndicatorFeed.objects.filter(pk=feed.pk).update(last_outcome="3 nieuwe", last_ok=True)
    response = client.post(address, _form_data(series="Nederland", version=str(feed.version)))
    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.parameters["series"] == "Nederland" and feed.version == 2
    assert feed.last_outcome == "3 nieuwe"  # written by the fetch, not by the form
    assert [h.history_type for h in feed.history.order_by("history_id")] == ["+", "~"]
    stale = client.post(address, _form_data(series="Vlaams Gewest", version="1"))
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Vlaams Gewest" in html and "Nederland" in html
    feed.refresh_from_db()
    assert feed.parameters["series"] == "Nederland"


@pytest.mark.django_db
def test_deleting_a_feed_keeps_its_values_and_checks_the_version(world):
    answering(world, two_pages())
    feeds.request_fetch(world["feed"], actor=world["actor"])
    client = world["client"]
    client.force_login(world["coordinator"].user)
    feed = IndicatorFeed.objects.get()
    client.post(feed_page(world, "feed_delete"), {"version": str(feed.version - 1 or 99)})
    assert IndicatorFeed.objects.exists()
    client.post(feed_page(world, "feed_delete"), {"version": str(feed.version)})
    assert not IndicatorFeed.objects.exists()
    assert IndicatorValue.objects.filter(source_kind="fetched").count() == 9
    assert IndicatorFeed.history.filter(history_type="-").count() == 1


# The real getter, with a fake connection -----------------------------------------------


class _Response:
    def __init__(self, chunks, length=None, clock=None):
        self.chunks = list(chunks)
        self.headers = {"Content-Length": str(length)} if length is not None else {}
        self.clock = clock

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self, size):
        if self.clock is not None:
            self.clock[0] += 2  # two seconds per piece
        return self.chunks.pop(0) if self.chunks else b""


def _connect(monkeypatch, outcome):
    from koers.indicators.connectors import http

    class Opener:
        def open(self, request, timeout):
            assert timeout == LIMITS.timeout
            assert request.full_url.startswith("https://datasets.cbs.nl/")
            if isinstance(outcome, Exception):
                raise outcome
            return outcome

    monkeypatch.setattr(http.urllib.request, "build_opener", lambda *handlers: Opener())
    return real_getter(LIMITS, ("datasets.cbs.nl",))


URL = "https://datasets.cbs.nl/odata/v1/CBS/70072NED/Observations"


def test_the_real_getter_reads_an_answer_in_pieces(monkeypatch):
    get = _connect(monkeypatch, _Response([b'{"value": ', b"[]}"]))
    assert get(URL) == b'{"value": []}'


def test_the_real_getter_stops_at_the_size_limit_and_the_timeout(monkeypatch):
    from koers.indicators.connectors import http

    announced = _connect(monkeypatch, _Response([b"x"], length=LIMITS.max_bytes + 1))
    with pytest.raises(FetchError, match=r"groter dan 1\.0 MB"):
        announced(URL)
    piece = b"x" * 400_000
    unannounced = _connect(monkeypatch, _Response([piece, piece, piece]))
    with pytest.raises(FetchError, match=r"groter dan 1\.0 MB"):
        unannounced(URL)
    clock = [0.0]
    monkeypatch.setattr(http.time, "monotonic", lambda: clock[0])
    slow = _connect(monkeypatch, _Response([b"x"] * 10, clock=clock))  # 2 s a piece, 5 s in all
    with pytest.raises(FetchError, match="antwoordde niet binnen 5 seconden"):
        slow(URL)


def test_the_real_getter_explains_errors_and_refuses_redirects(monkeypatch):
    import urllib.error

    from koers.indicators.connectors import http

    status = urllib.error.HTTPError(URL, 503, "Service Unavailable", {}, None)
    with pytest.raises(FetchError, match="HTTP-status 503"):
        _connect(monkeypatch, status)(URL)
    down = urllib.error.URLError("Name or service not known")
    with pytest.raises(FetchError, match="kon niet bereikt worden: Name or service not known"):
        _connect(monkeypatch, down)(URL)
    with pytest.raises(FetchError, match="Koers volgt geen doorverwijzingen"):
        http._NoRedirects().redirect_request(None, None, 302, "Found", {}, "http://10.0.0.1/")


# Abandoned and interrupted fetches ----------------------------------------------------


@pytest.mark.django_db
def test_a_feed_held_too_long_may_be_fetched_again(world):
    from django.utils import timezone

    feed = world["feed"]
    IndicatorFeed.objects.filter(pk=feed.pk).update(
        schedule="monthly", state="running", state_since=timezone.now() - feeds.STALE_AFTER / 2
    )
    assert feeds.due_feeds() == []
    assert feeds.request_fetch(feed, actor=world["actor"]) is False
    assert feeds.run_feed(feed.pk, asked=False) is None
    IndicatorFeed.objects.filter(pk=feed.pk).update(
        state_since=timezone.now() - feeds.STALE_AFTER - datetime.timedelta(minutes=1)
    )
    assert [f.pk for f in feeds.due_feeds()] == [feed.pk]
    answering(world, two_pages())
    assert feeds.request_fetch(feed, actor=world["actor"]) is True  # runs at once here
    feed.refresh_from_db()
    assert (feed.state, feed.last_ok) == ("idle", True)


@pytest.mark.django_db
def test_an_interrupted_fetch_waits_again_or_fails_with_the_reason(world):
    from koers.indicators.tasks import _interrupted
    from koers.jobs.services import Interruption

    feed = world["feed"]
    IndicatorFeed.objects.filter(pk=feed.pk).update(state="running")
    _interrupted(Interruption(args=[feed.pk, None], kwargs={}, retry=True, reason=""))
    assert IndicatorFeed.objects.get().state == "queued"
    _interrupted(
        Interruption(args=[feed.pk, None], kwargs={}, retry=False, reason="De worker stopte.")
    )
    feed.refresh_from_db()
    assert (feed.state, feed.last_ok, feed.last_outcome) == ("idle", False, "De worker stopte.")


@pytest.mark.django_db
def test_a_switched_off_source_is_not_fetched_when_asked(world):
    feed = feeds.update_feed(
        world["feed"], PARAMETERS, schedule="monthly", enabled=False, actor=world["actor"]
    )
    with pytest.raises(ValidationError, match="Deze bron is uitgeschakeld"):
        feeds.request_fetch(feed, actor=world["actor"])
    client = world["client"]
    client.force_login(world["coordinator"].user)
    response = client.post(feed_page(world, "feed_fetch"), follow=True)
    html = response.content.decode()
    assert "Deze bron is uitgeschakeld" in html and "Nu ophalen" not in html
    assert "(uitgeschakeld)" in html
    assert feeds.due_feeds() == []
    assert IndicatorFeed.objects.get().state == "idle"


@pytest.mark.django_db
def test_the_indicator_page_queries_do_not_grow_with_feeds(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world["client"]
    client.force_login(world["coordinator"].user)
    address = page(world, "detail", pk=world["indicator"].pk)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(address).status_code == 200
        return len(captured)

    one = queries()
    for region in ("GM0363", "GM0344", "NL01"):
        feeds.create_feed(
            world["indicator"],
            "cbs_statline",
            {**PARAMETERS, "region": region, "breakdowns": "", "series": region},
            actor=world["actor"],
        )
    html = client.get(address).content.decode()
    assert html.count("Nu ophalen") == 4
    assert queries() == one
