"""Indicator values from CSV and Excel: long and wide layouts, refusal with row numbers,
all or nothing, history, and the command."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from koers.accounts.actor import Actor
from koers.indicators import services
from koers.indicators.importing import LONG, WIDE, load_values, read_values
from koers.indicators.models import IndicatorValue
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def coordinator():
    return MembershipFactory(coordinator=True)


@pytest.fixture
def catalogue(coordinator):
    actor = Actor.member(coordinator)
    organisation = coordinator.organisation
    make = services.create_indicator
    return {
        "tevreden": make(
            organisation,
            {"code": "TEV", "name": "Tevreden inwoners", "unit": "percent", "decimals": 1},
            actor=actor,
        ),
        "budget": make(
            organisation, {"code": "BUD", "name": "Budget cultuur", "unit": "euro"}, actor=actor
        ),
        "park": make(
            organisation, {"code": "PARK", "name": "Speelpleinen", "unit": "number"}, actor=actor
        ),
        "plan": make(
            organisation,
            {"code": "KLIMAAT", "name": "Klimaatplan goedgekeurd", "unit": "yes_no"},
            actor=actor,
        ),
        "werk": make(
            organisation,
            {"code": "WERK", "name": "Werkzoekenden", "unit": "number", "frequency": "quarter"},
            actor=actor,
        ),
    }


def csv(text: str) -> bytes:
    return text.strip().encode("utf-8")


def load(coordinator, content, filename="waarden.csv"):
    sheet = read_values(coordinator.organisation, content, filename)
    assert sheet.problems == []
    return load_values(
        coordinator.organisation, sheet, actor=Actor.member(coordinator), filename=filename
    )


def stored():
    return sorted(
        (v.indicator.code, v.period, v.breakdown, v.series, v.value, v.text)
        for v in IndicatorValue.objects.select_related("indicator")
    )


def test_long_form_with_breakdown_series_and_names(coordinator, catalogue):
    content = csv(
        """
Indicator;Periode;Waarde;Deelgemeente;Reeks
TEV;2023;41,5 %;;
TEV;2024;43;;
tev;2024;39;Noord;
Tevreden inwoners;2024;40,2;;Vlaams Gewest
BUD;2024;€ 1.250.000;;
Klimaatplan goedgekeurd;2024;ja;;
WERK;Q3 2024;812;;
WERK;2024 K4;790;;
"""
    )
    sheet = read_values(coordinator.organisation, content, "waarden.csv")
    assert sheet.problems == []
    assert sheet.layout == LONG
    assert (sheet.new, sheet.changed, sheet.unchanged) == (8, 0, 0)
    counts = load(coordinator, content)
    assert counts == {"new": 8, "changed": 0, "unchanged": 0}
    assert stored() == [
        ("BUD", "2024", "", "", Decimal("1250000"), ""),
        ("KLIMAAT", "2024", "", "", Decimal(1), ""),
        ("TEV", "2023", "", "", Decimal("41.5"), ""),
        ("TEV", "2024", "", "", Decimal("43"), ""),
        ("TEV", "2024", "", "Vlaams Gewest", Decimal("40.2"), ""),
        ("TEV", "2024", "Noord", "", Decimal("39"), ""),
        ("WERK", "2024-Q3", "", "", Decimal("812"), ""),
        ("WERK", "2024-Q4", "", "", Decimal("790"), ""),
    ]
    value = IndicatorValue.objects.get(indicator__code="WERK", period="2024-Q3")
    assert (value.source_kind, value.source_detail, value.entered_by) == (
        "imported",
        "waarden.csv",
        coordinator.user,
    )
    assert str(value.period_start) == "2024-07-01"
    record = value.history.get()
    assert record.history_user == coordinator.user
    assert record.history_change_reason == "Geïmporteerd uit waarden.csv"


def test_wide_form_from_excel(coordinator, catalogue):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Code", "Eenheid", "Wijk", 2021, 2022, "2023"])
    sheet.append(["PARK", "aantal", "", 12, 13, 15])
    sheet.append(["PARK", "aantal", "Noord", 3, None, 4])
    sheet.append(["TEV", "%", "", 40.5, "", "41,2"])
    out = io.BytesIO()
    book.save(out)
    read = read_values(coordinator.organisation, out.getvalue(), "cijfers.xlsx")
    assert read.problems == []
    assert read.layout == WIDE
    assert read.ignored_columns == ["Eenheid"]
    load(coordinator, out.getvalue(), "cijfers.xlsx")
    assert stored() == [
        ("PARK", "2021", "", "", Decimal(12), ""),
        ("PARK", "2021", "Noord", "", Decimal(3), ""),
        ("PARK", "2022", "", "", Decimal(13), ""),
        ("PARK", "2023", "", "", Decimal(15), ""),
        ("PARK", "2023", "Noord", "", Decimal(4), ""),
        ("TEV", "2021", "", "", Decimal("40.5"), ""),
        ("TEV", "2023", "", "", Decimal("41.2"), ""),
    ]


def test_a_second_import_updates_changed_values_with_history(coordinator, catalogue):
    load(coordinator, csv("Indicator,Periode,Waarde\nPARK,2023,12\nPARK,2024,14"))
    before = IndicatorValue.objects.get(period="2023")
    sheet = read_values(
        coordinator.organisation, csv("Indicator,2023,2024,2025\nPARK,12,15,16"), "nieuw.csv"
    )
    assert (sheet.new, sheet.changed, sheet.unchanged) == (1, 1, 1)
    counts = load_values(
        coordinator.organisation, sheet, actor=Actor.member(coordinator), filename="nieuw.csv"
    )
    assert counts == {"new": 1, "changed": 1, "unchanged": 1}
    changed = IndicatorValue.objects.get(period="2024")
    assert (changed.value, changed.version, changed.source_detail) == (Decimal(15), 2, "nieuw.csv")
    assert [h.value for h in changed.history.order_by("history_id")] == [Decimal(14), Decimal(15)]
    assert changed.history.latest("history_id").history_type == "~"
    unchanged = IndicatorValue.objects.get(period="2023")
    assert (unchanged.version, unchanged.source_detail, unchanged.history.count()) == (
        before.version,
        "waarden.csv",
        1,
    )


def test_bad_rows_are_refused_whole_with_their_row_numbers(coordinator, catalogue):
    load(coordinator, csv("Indicator;Periode;Waarde\nPARK;2020;1"))
    content = csv(
        """
Indicator;Periode;Waarde
PARK;2023;12
PARK;volgend jaar;3
ONBEKEND;2023;5
PARK;2024;veel
PARK;2023;13
BUD;2024;12 %
TEV;2024;€ 5
KLIMAAT;2024;misschien
WERK;2024;800
;2024;1
PARK;2025;
"""
    )
    sheet = read_values(coordinator.organisation, content, "fout.csv")
    assert sheet.problems == [
        "Rij 3: 'volgend jaar' is geen periode. Schrijf een jaar (2024), een halfjaar "
        "(2024-H1), een kwartaal (2024-Q3) of een maand (2024-05).",
        "Rij 4: er is geen indicator met code of naam 'ONBEKEND'.",
        "Rij 5: 'veel' is geen getal.",
        "Rij 6: PARK 2023 komt twee keer voor (ook in rij 2).",
        "Rij 7: '12 %' is een percentage, maar deze indicator telt in euro.",
        "Rij 8: '€ 5' is een bedrag in euro, maar deze indicator telt in percentages.",
        "Rij 9: 'misschien' is geen ja of nee (schrijf ja of nee).",
        "Rij 10: '2024' is een jaar, maar WERK wordt per kwartaal gemeten.",
        "Rij 11: de indicator is leeg.",
        "Rij 12: De waarde is leeg.",
    ]
    with pytest.raises(ValidationError):
        load_values(
            coordinator.organisation, sheet, actor=Actor.member(coordinator), filename="fout.csv"
        )
    assert stored() == [("PARK", "2020", "", "", Decimal(1), "")]


def test_files_without_a_usable_header_are_refused(coordinator, catalogue):
    sheet = read_values(coordinator.organisation, csv("a;b\n1;2"), "x.csv")
    assert sheet.problems == [
        "Het bestand heeft geen kopregel met een kolom 'Indicator' (of 'Code'). "
        "Schrijf de koppen in de eerste rij."
    ]
    sheet = read_values(coordinator.organisation, csv("Indicator;Opmerking\nPARK;x"), "x.csv")
    assert sheet.problems[0].startswith("De kopregel heeft noch de kolommen 'Periode' en 'Waarde'")
    sheet = read_values(coordinator.organisation, csv("Indicator;2024\n"), "x.csv")
    assert sheet.problems == ["Het bestand bevat geen waarden."]
    sheet = read_values(coordinator.organisation, b"Indicator", "x.docx")
    assert len(sheet.problems) == 1


def test_a_file_beyond_the_import_limits_is_refused(coordinator, catalogue, settings):
    settings.KOERS_IMPORT_MAX_ROWS = 3
    content = csv(
        "Indicator;Periode;Waarde\n" + "\n".join(f"PARK;{y};1" for y in range(2000, 2010))
    )
    sheet = read_values(coordinator.organisation, content, "groot.csv")
    assert sheet.problems == ["Het werkblad heeft 11 rijen; de limiet is 3."]


def test_only_the_organisations_own_indicators_are_found(coordinator, catalogue):
    stranger = MembershipFactory(coordinator=True)
    services.create_indicator(
        stranger.organisation, {"code": "EIGEN", "name": "Eigen"}, actor=Actor.member(stranger)
    )
    sheet = read_values(coordinator.organisation, csv("Indicator;2024\nEIGEN;1"), "x.csv")
    assert sheet.problems == ["Rij 2: er is geen indicator met code of naam 'EIGEN'."]
    good = read_values(coordinator.organisation, csv("Indicator;2024\nPARK;1"), "x.csv")
    with pytest.raises(Exception) as error:
        load_values(stranger.organisation, good, actor=Actor.member(stranger), filename="x.csv")
    assert type(error.value).__name__ in {"PermissionDenied", "ValidationError"}
    assert not IndicatorValue.objects.exists()


def test_readers_and_editors_may_not_import(coordinator, catalogue):
    good = read_values(coordinator.organisation, csv("Indicator;2024\nPARK;1"), "x.csv")
    from django.core.exceptions import PermissionDenied

    for traits in ({"editor": True}, {}):
        member = MembershipFactory(organisation=coordinator.organisation, **traits)
        with pytest.raises(PermissionDenied):
            load_values(coordinator.organisation, good, actor=Actor.member(member), filename="x")
    assert not IndicatorValue.objects.exists()


def test_the_command_loads_a_file_or_refuses_it(coordinator, catalogue, tmp_path):
    good = tmp_path / "goed.csv"
    good.write_bytes(csv("Indicator;Periode;Waarde\nPARK;2024;7\nPARK;2025;8"))
    out = io.StringIO()
    call_command(
        "import_indicator_values",
        str(good),
        "--organisation",
        coordinator.organisation.slug,
        "--dry-run",
        stdout=out,
    )
    assert not IndicatorValue.objects.exists()
    call_command(
        "import_indicator_values",
        str(good),
        "--organisation",
        coordinator.organisation.slug,
        stdout=out,
    )
    assert "Geladen: 2 nieuwe, 0 gewijzigde, 0 ongewijzigde waarden." in out.getvalue()
    assert stored() == [
        ("PARK", "2024", "", "", Decimal(7), ""),
        ("PARK", "2025", "", "", Decimal(8), ""),
    ]
    bad = tmp_path / "fout.csv"
    bad.write_bytes(csv("Indicator;Periode;Waarde\nPARK;2026;9\nPARK;2027;x"))
    with pytest.raises(CommandError) as error:
        call_command(
            "import_indicator_values", str(bad), "--organisation", coordinator.organisation.slug
        )
    assert "Rij 3: 'x' is geen getal." in str(error.value)
    assert IndicatorValue.objects.count() == 2
