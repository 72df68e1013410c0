"""The cijferdatabank pages: catalogue, indicator page, forms, downloads, imports, links;
who may see and do what; and query counts that do not grow with the data."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koers.accounts.actor import Actor
from koers.indicators import reading, services
from koers.indicators.importing import keep_upload
from koers.indicators.models import Indicator, IndicatorValue, ItemIndicator, ValueImport
from tests.factories import DepartmentFactory, MembershipFactory, make_item, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    coordinator = MembershipFactory(coordinator=True)
    organisation = coordinator.organisation
    members = {
        "coordinator": coordinator,
        "editor": MembershipFactory(editor=True, organisation=organisation),
        "reader": MembershipFactory(organisation=organisation),
        "stranger": MembershipFactory(admin=True),
    }
    actor = Actor.member(coordinator)
    department = DepartmentFactory(organisation=organisation, name="Welzijn")
    indicator = services.create_indicator(
        organisation,
        {
            "code": "TEV",
            "name": "Tevreden inwoners",
            "unit": "percent",
            "decimals": 1,
            "theme": "Samenleven",
            "department": department,
            "tolerance": Decimal(2),
            "owner": members["editor"].user,
        },
        actor=actor,
    )
    for year, value in ((2021, "40"), (2022, "42,5"), (2023, "44")):
        services.save_value(indicator, {"period": str(year), "value": value}, actor=actor)
    services.save_value(
        indicator, {"period": "2023", "value": "41", "breakdown": "Noord"}, actor=actor
    )
    services.save_value(
        indicator, {"period": "2023", "value": "47", "series": "Vlaams Gewest"}, actor=actor
    )
    services.save_target(indicator, 2023, Decimal(45), actor=actor)
    plan = make_plan(organisation)
    goal = make_item(plan, title="Een warme gemeente")
    services.link_indicator(goal, indicator, "effect", actor=actor)
    return {
        **members,
        "organisation": organisation,
        "indicator": indicator,
        "goal": goal,
        "client": client,
        "department": department,
    }


def as_member(world, role):
    client = world["client"]
    client.force_login(world[role].user)
    return client


def url(world, name, **kwargs):
    return reverse(f"indicators:{name}", kwargs={"org": world["organisation"].slug, **kwargs})


def test_the_catalogue_shows_last_value_target_traffic_light_and_sparkline(world):
    response = as_member(world, "reader").get(url(world, "list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cijferdatabank" in html
    assert 'data-indicator="TEV"' in html
    assert "44,0 %" in html and "45,0 %" in html  # last value (2023) and its target
    assert "k-indicator-status--orange" in html  # 1 point short, tolerance 2
    assert 'class="k-spark"' in html
    assert "Verloop: 2021: 40,0 %; 2022: 42,5 %; 2023: 44,0 %" in html
    assert "style=" not in html.split("<main", 1)[1]
    assert "Nieuwe indicator" not in html  # readers do not keep the catalogue


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"q": "tevreden"}, True),
        ({"q": "fietspaden"}, False),
        ({"theme": "Samenleven"}, True),
        ({"theme": "Mobiliteit"}, False),
        ({"status": "off"}, True),
        ({"status": "on"}, False),
    ],
)
def test_the_catalogue_filters(world, query, found):
    response = as_member(world, "reader").get(url(world, "list"), query)
    assert ('data-indicator="TEV"' in response.content.decode()) is found


def test_the_catalogue_filters_on_department_and_goal(world):
    client = as_member(world, "reader")
    other = DepartmentFactory(organisation=world["organisation"])
    assert (
        'data-indicator="TEV"'
        in client.get(url(world, "list"), {"department": world["department"].pk}).content.decode()
    )
    assert (
        'data-indicator="TEV"'
        not in client.get(url(world, "list"), {"department": other.pk}).content.decode()
    )
    assert (
        'data-indicator="TEV"'
        in client.get(url(world, "list"), {"goal": world["goal"].pk}).content.decode()
    )
    other_goal = make_item(world["goal"].plan, title="Ander doel")
    assert (
        'data-indicator="TEV"'
        not in client.get(url(world, "list"), {"goal": other_goal.pk}).content.decode()
    )


def test_a_filter_that_is_not_a_plain_number_is_ignored(world):
    client = as_member(world, "reader")
    for odd in ("²", "abc", "-1", "١٢"):  # digits Python calls digits, but int() refuses some
        response = client.get(url(world, "list"), {"department": odd, "goal": odd})
        assert response.status_code == 200, odd
        assert 'data-indicator="TEV"' in response.content.decode()


def _queries(client, address) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def _more_indicators(world, count, values):
    actor = Actor.member(world["coordinator"])
    for n in range(count):
        indicator = services.create_indicator(
            world["organisation"],
            {"code": f"X{n}", "name": f"Extra {n}", "department": world["department"]},
            actor=actor,
        )
        for year in range(2010, 2010 + values):
            services.save_value(indicator, {"period": str(year), "value": str(n)}, actor=actor)
        services.save_target(indicator, 2020, Decimal(3), actor=actor)
        services.link_indicator(world["goal"], indicator, "output", actor=actor)


def test_catalogue_queries_do_not_grow_with_indicators_or_values(world):
    client = as_member(world, "reader")
    _more_indicators(world, 2, 2)
    few = _queries(client, url(world, "list"))
    Indicator.objects.filter(code__startswith="X").delete()
    _more_indicators(world, 12, 8)
    many = _queries(client, url(world, "list"))
    assert many == few


def test_indicator_page_queries_do_not_grow_with_values(world):
    client = as_member(world, "reader")
    indicator = world["indicator"]
    few = _queries(client, url(world, "detail", pk=indicator.pk))
    actor = Actor.member(world["coordinator"])
    for year in range(2000, 2020):
        for breakdown in ("", "Noord", "Zuid"):
            services.save_value(
                indicator, {"period": str(year), "value": "30", "breakdown": breakdown}, actor=actor
            )
        services.save_value(
            indicator, {"period": str(year), "value": "31", "series": "Nederland"}, actor=actor
        )
        services.save_target(indicator, year, Decimal(35), actor=actor)
    assert _queries(client, url(world, "detail", pk=indicator.pk)) == few


def test_the_indicator_page_shows_series_chart_benchmarks_and_targets(world):
    response = as_member(world, "reader").get(url(world, "detail", pk=world["indicator"].pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="indicator-chart"' in html and 'role="img"' in html
    assert "k-indicator-chart__line--target" in html
    assert "k-indicator-chart__line--benchmark-1" in html
    assert "Waarden: totaal" in html and "Waarden: Noord" in html
    assert 'id="benchmark-table"' in html and "Vlaams Gewest" in html and "47,0 %" in html
    assert 'id="targets-table"' in html
    assert "Een warme gemeente" in html
    assert '<th scope="row">2023</th>' in html
    assert "Een waarde toevoegen" not in html  # a reader does not type values


def test_downloads_are_formula_guarded_and_read_back(world):
    actor = Actor.member(world["coordinator"])
    services.save_value(
        world["indicator"],
        {"period": "2023", "value": "1", "breakdown": "=HYPERLINK(1)"},
        actor=actor,
    )
    client = as_member(world, "reader")
    response = client.get(url(world, "export", pk=world["indicator"].pk, fmt="csv"))
    assert response["Content-Disposition"] == 'attachment; filename="indicator-tev.csv"'
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Indicator;Naam;Periode;Opsplitsing;Reeks;Waarde;Eenheid;Bron;Ingevoerd op"
    assert "TEV;Tevreden inwoners;2022;;;42,5;percent;typed;2026-10-15" in lines
    assert any(";'=HYPERLINK(1);" in line for line in lines)
    response = client.get(url(world, "export", pk=world["indicator"].pk, fmt="xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "=HYPERLINK(1)" in cells
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert client.get(url(world, "export", pk=world["indicator"].pk, fmt="pdf")).status_code == 404


def test_the_coordinator_creates_and_edits_an_indicator(world):
    client = as_member(world, "coordinator")
    response = client.post(
        url(world, "create"),
        {
            "code": "FIETS",
            "name": "Km fietspad",
            "unit": "number",
            "decimals": "0",
            "direction": "higher",
            "frequency": "year",
        },
    )
    indicator = Indicator.objects.get(code="FIETS")
    assert response.status_code == 302 and response["Location"] == url(
        world, "detail", pk=indicator.pk
    )
    data = {
        "code": "FIETS",
        "name": "Kilometer fietspad",
        "unit": "number",
        "decimals": "0",
        "direction": "higher",
        "frequency": "year",
        "version": "1",
    }
    assert client.post(url(world, "edit", pk=indicator.pk), data).status_code == 302
    stale = client.post(url(world, "edit", pk=indicator.pk), {**data, "name": "Oud"})
    assert stale.status_code == 409
    indicator.refresh_from_db()
    assert (indicator.name, indicator.version) == ("Kilometer fietspad", 2)


def test_forms_show_dutch_errors(world):
    client = as_member(world, "coordinator")
    response = client.post(
        url(world, "value_create", pk=world["indicator"].pk), {"period": "2023-Q1", "value": "€ 3"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "is een kwartaal, maar TEV wordt jaarlijks gemeten." in html
    assert "is een bedrag in euro, maar deze indicator telt in percentages." in html


def test_the_owner_types_a_value_and_a_stale_form_gets_the_conflict_page(world):
    client = as_member(world, "editor")  # the indicator's owner
    indicator = world["indicator"]
    response = client.post(
        url(world, "value_create", pk=indicator.pk), {"period": "2024", "value": "46,2"}
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get(indicator=indicator, period="2024", breakdown="", series="")
    assert (value.value, value.entered_by) == (Decimal("46.2"), world["editor"].user)
    edit = url(world, "value_edit", pk=indicator.pk, value_pk=value.pk)
    assert client.post(edit, {"period": "2024", "value": "47", "version": "1"}).status_code == 302
    conflict = client.post(edit, {"period": "2024", "value": "48", "version": "1"})
    assert conflict.status_code == 409
    value.refresh_from_db()
    assert value.value == Decimal(47)


def test_who_may_open_the_management_pages(world):
    indicator = world["indicator"]
    target = indicator.targets.get()
    value = indicator.values.first()
    manage = [
        url(world, "create"),
        url(world, "edit", pk=indicator.pk),
        url(world, "target_create", pk=indicator.pk),
        url(world, "target_edit", pk=indicator.pk, target_pk=target.pk),
        url(world, "import"),
    ]
    enter = [
        url(world, "value_create", pk=indicator.pk),
        url(world, "value_edit", pk=indicator.pk, value_pk=value.pk),
    ]
    reader = as_member(world, "reader")
    for address in manage + enter:
        assert reader.get(address).status_code == 403, address
    editor = as_member(world, "editor")  # owns the indicator: may type its values only
    for address in manage:
        assert editor.get(address).status_code == 403, address
    for address in enter:
        assert editor.get(address).status_code == 200, address
    coordinator = as_member(world, "coordinator")
    for address in manage + enter:
        assert coordinator.get(address).status_code == 200, address


def test_another_organisation_gets_404_on_every_page(world):
    indicator = world["indicator"]
    target = indicator.targets.get()
    value = indicator.values.first()
    link = ItemIndicator.objects.get()
    draft = keep_upload(world["organisation"], None, "x.csv", b"Indicator;2024\nTEV;1")
    pages = [
        url(world, "list"),
        url(world, "create"),
        url(world, "detail", pk=indicator.pk),
        url(world, "edit", pk=indicator.pk),
        url(world, "export", pk=indicator.pk, fmt="csv"),
        url(world, "target_create", pk=indicator.pk),
        url(world, "target_edit", pk=indicator.pk, target_pk=target.pk),
        url(world, "value_create", pk=indicator.pk),
        url(world, "value_edit", pk=indicator.pk, value_pk=value.pk),
        url(world, "import"),
        url(world, "import_preview", pk=draft.pk),
    ]
    posts = [
        url(world, "import_discard", pk=draft.pk),
        url(world, "item_link", item_pk=world["goal"].pk),
        url(world, "item_unlink", link_pk=link.pk),
    ]
    client = as_member(world, "stranger")
    for address in pages:
        assert client.get(address).status_code == 404, address
    for address in posts:
        assert client.post(address).status_code == 404, address
    # Through the stranger's own organisation's address, the records are not found either.
    own = world["stranger"].organisation.slug

    def theirs(name, **kwargs):
        return reverse(f"indicators:{name}", kwargs={"org": own, **kwargs})

    for address in [
        theirs("detail", pk=indicator.pk),
        theirs("edit", pk=indicator.pk),
        theirs("export", pk=indicator.pk, fmt="xlsx"),
        theirs("target_edit", pk=indicator.pk, target_pk=target.pk),
        theirs("value_edit", pk=indicator.pk, value_pk=value.pk),
        theirs("import_preview", pk=draft.pk),
    ]:
        assert client.get(address).status_code == 404, address
    for address in [
        theirs("import_discard", pk=draft.pk),
        theirs("item_link", item_pk=world["goal"].pk),
        theirs("item_unlink", link_pk=link.pk),
    ]:
        assert client.post(address).status_code == 404, address
    assert ValueImport.objects.filter(pk=draft.pk).exists()
    assert ItemIndicator.objects.filter(pk=link.pk).exists()


def test_import_pages_preview_then_load(world):
    client = as_member(world, "coordinator")
    upload = SimpleUploadedFile(
        "cijfers.csv", b"Indicator;2023;2024\nTEV;44;46\nTevreden inwoners;;", "text/csv"
    )
    response = client.post(url(world, "import"), {"file": upload})
    draft = ValueImport.objects.get()
    assert response["Location"] == url(world, "import_preview", pk=draft.pk)
    preview = client.get(response["Location"]).content.decode()
    assert "1 nieuwe waarden, 0 gewijzigde waarden" in preview
    assert IndicatorValue.objects.filter(period="2024").count() == 0
    loaded = client.post(url(world, "import_preview", pk=draft.pk), {"confirm": "1"})
    assert loaded.status_code == 302
    assert not ValueImport.objects.exists()
    value = IndicatorValue.objects.get(period="2024", breakdown="", series="")
    assert (value.value, value.source_kind, value.source_detail) == (
        Decimal(46),
        "imported",
        "cijfers.csv",
    )


def test_a_bad_file_shows_its_rows_and_stores_nothing(world):
    client = as_member(world, "coordinator")
    before = IndicatorValue.objects.count()
    upload = SimpleUploadedFile("fout.csv", b"Indicator;Periode;Waarde\nTEV;2025;50\nTEV;2026;veel")
    response = client.post(url(world, "import"), {"file": upload})
    draft = ValueImport.objects.get()
    preview = client.get(response["Location"]).content.decode()
    assert "Rij 3: &#x27;veel&#x27; is geen getal." in preview
    assert "Deze waarden laden" not in preview
    assert (
        client.post(url(world, "import_preview", pk=draft.pk), {"confirm": "1"}).status_code == 400
    )
    assert IndicatorValue.objects.count() == before
    client.post(url(world, "import_discard", pk=draft.pk))
    assert not ValueImport.objects.exists()


def test_linking_an_indicator_to_an_item(world):
    client = as_member(world, "coordinator")
    other = services.create_indicator(
        world["organisation"],
        {"code": "B", "name": "Bezoekers"},
        actor=Actor.member(world["coordinator"]),
    )
    item = make_item(world["goal"].plan, title="Actie")
    response = client.post(
        url(world, "item_link", item_pk=item.pk), {"indicator": other.pk, "role": "output"}
    )
    assert response.status_code == 302
    assert ItemIndicator.objects.filter(item=item, indicator=other, role="output").exists()
    foreign = services.create_indicator(
        world["stranger"].organisation,
        {"code": "V", "name": "Vreemd"},
        actor=Actor.member(world["stranger"]),
    )
    client.post(
        url(world, "item_link", item_pk=item.pk), {"indicator": foreign.pk, "role": "output"}
    )
    assert not ItemIndicator.objects.filter(indicator=foreign).exists()
    assert (
        as_member(world, "editor")
        .post(url(world, "item_link", item_pk=item.pk), {"indicator": other.pk, "role": "effect"})
        .status_code
        == 403
    )


def test_the_item_page_lists_its_indicators_and_offers_to_link_one(world):
    address = reverse(
        "plans:item_detail", kwargs={"org": world["organisation"].slug, "pk": world["goal"].pk}
    )
    html = as_member(world, "coordinator").get(address).content.decode()
    section = html.split('id="item-indicators"', 1)[1].split("</section>", 1)[0]
    assert "Tevreden inwoners" in section and "(effectindicator)" in section
    assert "44,0 %" in section and "k-indicator-status--orange" in section
    assert 'id="indicator-link-form"' in section
    # The full chart, with the target line, its figures as text and a way to the tables.
    chart = section.split(f'id="item-chart-{world["indicator"].pk}"', 1)[1].split("</details>")[0]
    assert "k-indicator-chart__line--own" in chart and "k-indicator-chart__line--target" in chart
    assert "Verloop: " in chart and "in tabellen" in chart
    reader = as_member(world, "reader").get(address).content.decode()
    section = reader.split('id="item-indicators"', 1)[1].split("</section>", 1)[0]
    assert "Tevreden inwoners" in section
    assert 'id="indicator-link-form"' not in section and "Ontkoppelen" not in section


def test_the_menu_leads_to_the_cijferdatabank(world):
    html = as_member(world, "reader").get(url(world, "list")).content.decode()
    assert f'<a href="{url(world, "list")}">Cijferdatabank</a>' in html


def test_a_downloaded_sheet_reads_back_unchanged(world):
    from koers.indicators.importing import read_values

    actor = Actor.member(world["coordinator"])
    services.save_value(world["indicator"], {"period": "2020", "value": "1,234"}, actor=actor)
    client = as_member(world, "reader")
    for fmt in ("csv", "xlsx"):
        content = client.get(url(world, "export", pk=world["indicator"].pk, fmt=fmt)).content
        sheet = read_values(world["organisation"], content, f"terug.{fmt}")
        assert sheet.problems == []
        assert (sheet.new, sheet.changed, sheet.unchanged) == (0, 0, 6)
        assert sheet.ignored_columns == ["Eenheid", "Bron", "Ingevoerd op"]


def test_deleting_an_indicator_asks_first_and_checks_the_version(world):
    indicator = world["indicator"]
    address = url(world, "delete", pk=indicator.pk)
    assert as_member(world, "reader").post(address, {"version": "1"}).status_code == 403
    assert as_member(world, "stranger").post(address, {"version": "1"}).status_code == 404
    client = as_member(world, "coordinator")
    page = client.get(address).content.decode()
    assert "Zijn streefwaarden, 5 waarden en zijn koppelingen" in page
    stale = client.post(address, {"version": "0"})
    assert stale["Location"] == url(world, "detail", pk=indicator.pk)
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    done = client.post(address, {"version": str(indicator.version)})
    assert done["Location"] == url(world, "list")
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    assert not IndicatorValue.objects.exists() and not ItemIndicator.objects.exists()


def test_uploads_left_for_a_week_are_deleted_at_the_next_upload(world, frozen_clock):
    client = as_member(world, "coordinator")
    client.post(url(world, "import"), {"file": SimpleUploadedFile("oud.csv", b"Indicator;2024")})
    other = keep_upload(world["stranger"].organisation, None, "ander.csv", b"x")
    frozen_clock.shift(datetime.timedelta(days=8))
    client = as_member(world, "coordinator")  # a new session: the old one has run out
    client.post(url(world, "import"), {"file": SimpleUploadedFile("nieuw.csv", b"Indicator;2024")})
    assert sorted(ValueImport.objects.values_list("filename", flat=True)) == [
        "ander.csv",  # another organisation's upload is left to its own uploads
        "nieuw.csv",
    ]
    assert ValueImport.objects.filter(pk=other.pk).exists()


def test_the_owner_deletes_a_value_from_its_form(world):
    indicator = world["indicator"]
    value = indicator.values.get(period="2021", breakdown="", series="")
    edit = url(world, "value_edit", pk=indicator.pk, value_pk=value.pk)
    delete = url(world, "value_delete", pk=indicator.pk, value_pk=value.pk)
    client = as_member(world, "editor")  # the owner
    assert f'action="{delete}"' in client.get(edit).content.decode()
    assert as_member(world, "reader").post(delete, {"version": "1"}).status_code == 403
    assert as_member(world, "stranger").post(delete, {"version": "1"}).status_code == 404
    client = as_member(world, "editor")
    client.post(delete, {"version": "0"})  # opened before someone else's save
    assert IndicatorValue.objects.filter(pk=value.pk).exists()
    response = client.post(delete, {"version": "1"})
    assert response["Location"] == url(world, "detail", pk=indicator.pk)
    assert not IndicatorValue.objects.filter(pk=value.pk).exists()
    assert IndicatorValue.history.filter(id=value.pk, history_type="-").exists()


def test_the_catalogue_comes_in_pages_whose_work_does_not_grow_with_the_catalogue(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    organisation = world["organisation"]
    client = as_member(world, "reader")

    def read(address):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(address).content.decode()
        return html, len(queries)

    def add(start, stop):
        made = Indicator.objects.bulk_create(
            Indicator(organisation=organisation, code=f"P{n:04d}", name=f"Indicator {n}")
            for n in range(start, stop)
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                indicator=i,
                period=str(year),
                period_start=f"{year}-01-01",
                period_end=f"{year}-12-31",
                value=year,
                entered_at="2026-01-01T00:00Z",
            )
            for i in made
            for year in range(2015, 2025)
        )

    add(0, 10)
    client.get(url(world, "list"))  # warm
    _html, few = read(url(world, "list"))
    add(10, 250)
    html, many = read(url(world, "list"))
    assert many == few
    assert html.count("data-indicator=") == reading.PAGE_SIZE
    assert "251 indicatoren" in html and "pagina 1 van 3" in html
    html, _count = read(url(world, "list") + "?page=3")
    assert html.count("data-indicator=") == 251 - 2 * reading.PAGE_SIZE
    assert 'data-indicator="P0249"' in html
    # With the on/off-target filter every indicator is judged, and the list still pages.
    html, _count = read(url(world, "list") + "?status=off&page=1")
    assert "k-indicator-status--orange" in html


def test_the_catalogue_filters_on_the_sdg_of_a_linked_item(world):
    from koers.sdgs.models import SDGGoal

    goal = world["goal"]
    climate = SDGGoal.objects.get(number=13)
    goal.sdg_goals.add(climate)
    html = as_member(world, "reader").get(url(world, "list") + "?sdg=13").content.decode()
    assert 'data-indicator="TEV"' in html
    assert '<option value="13" selected>SDG 13' in html
    html = as_member(world, "reader").get(url(world, "list") + "?sdg=4").content.decode()
    assert 'data-indicator="TEV"' not in html
