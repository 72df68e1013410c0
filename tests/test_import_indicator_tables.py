"""Indicator tables in imported documents become indicators with their series (invented examples).

The layouts are described in docs/import-formats.md ("Indicator tables"); the documents
are invented (Gemeente Voorbeeld).
"""

from decimal import Decimal

import pytest

from koers.accounts.actor import Actor
from koers.accounts.models import Organisation
from koers.importers import import_document
from koers.importers.indicator_tables import parse_figure
from koers.indicators.models import Indicator, IndicatorTarget, IndicatorValue, ItemIndicator
from koers.plans.document.load import load_plan_document
from koers.plans.document.validation import problems

GRID_ONE_CELL_PER_LINE = """Meerjarenplan Gemeente Voorbeeld
3 Een levendige gemeente
3.1 Inwoners voelen zich thuis in hun buurt
Aandeel inwoners dat zich thuis voelt
Dit aandeel stijgt tegen het einde van de legislatuur.
Plaats |
31 dec 2019 |
31 dec 2022 |
|---|---|---|
Voorbeeld |
0,71 |
0,74 |
Vlaams Gewest |
0,69 |
0,70 |
Aandeel inwoners dat de buren kent
Plaats |
2019 |
2022 |
|---|---|---|
Voorbeeld |
0,52 |
n.b. |
3.2 Een bruisend centrum
Het centrum krijgt een nieuw plein.
"""

ROWS_ONE_CELL_PER_LINE = """Programmabegroting Gemeente Voorbeeld

1 Een schone en groene gemeente

We willen dat de gemeente schoon en groen is.

Effectindicator

Nulmeting

Realisatie
2023

Begroting
2024

Begroting
2025

Streef-
waarde

Bron

Percentage inwoners dat tevreden is over het groen in de wijk

61%

64%

65%

66%

70%

Inwonerspeiling

Aantal meldingen over zwerfafval per jaar

1.250

1.100

1.000

900

-

Meldingensysteem

1.1 Meer bomen in de wijken

We planten 500 bomen.
"""


def _read(text: str) -> dict:
    return import_document(text.encode("utf-8"), "voorbeeld.txt")


def _item(items: list[dict], code: str) -> dict:
    for item in items:
        if item.get("code") == code:
            return item
        if found := _item(item.get("children", []), code):
            return found
    return {}


def test_a_grid_of_places_by_dates_becomes_an_indicator_with_its_own_and_benchmark_series():
    result = _read(GRID_ONE_CELL_PER_LINE)
    document = result.document
    assert document["version"] == 2
    assert problems(document) == []
    goal = _item(document["plan"]["items"], "3.1")
    assert goal["indicators"] == [
        {"code": "aandeel-inwoners-dat-zich-thuis-voelt", "role": "effect"},
        {"code": "aandeel-inwoners-dat-de-buren-kent", "role": "effect"},
    ]
    assert "description" not in goal  # the tables and their names left the item's text
    first, second = document["indicators"]
    assert (first["name"], first["unit"], first["decimals"]) == (
        "Aandeel inwoners dat zich thuis voelt",
        "number",
        2,
    )
    assert first["definition"] == "Dit aandeel stijgt tegen het einde van de legislatuur."
    assert [(v["period"], v["series"], v["value"]) for v in first["values"]] == [
        ("2019", "", "0.71"),
        ("2022", "", "0.74"),
        ("2019", "Vlaams Gewest", "0.69"),
        ("2022", "Vlaams Gewest", "0.7"),
    ]
    assert {v["source_detail"] for v in first["values"]} == {"line 4"}
    assert [(v["period"], v["value"]) for v in second["values"]] == [("2019", "0.52")]
    centre = _item(document["plan"]["items"], "3.2")
    assert centre["description"] == "<p>Het centrum krijgt een nieuw plein.</p>"
    warned = [w for w in result.warnings if w.code == "indicator_table"]
    assert [(w.source.line, w.params["count"]) for w in warned] == [(4, 4), (16, 1)]


def test_a_row_per_indicator_gives_baseline_values_targets_and_source():
    result = _read(ROWS_ONE_CELL_PER_LINE)
    document = result.document
    assert problems(document) == []
    goal = _item(document["plan"]["items"], "1")
    assert [link["code"] for link in goal["indicators"]] == [
        "percentage-inwoners-dat-tevreden-is-over-het",
        "aantal-meldingen-over-zwerfafval-per-jaar",
    ]
    assert goal["description"] == "<p>We willen dat de gemeente schoon en groen is.</p>"
    green, litter = document["indicators"]
    assert green["unit"] == "percent"
    assert (green["baseline_value"], green["baseline_period"]) == ("61", "")
    assert [(v["period"], v["value"]) for v in green["values"]] == [("2023", "64")]
    assert green["targets"] == [{"year": 2024, "value": "65"}, {"year": 2025, "value": "66"}]
    assert (green["definition"], green["source"]) == ("Streefwaarde: 70%", "Inwonerspeiling")
    assert litter["unit"] == "number"
    assert [(v["period"], v["value"]) for v in litter["values"]] == [("2023", "1100")]
    assert "definition" not in litter  # '-' under Streefwaarde is no value
    assert [c["code"] for c in goal["children"]] == ["1.1"]


def test_a_table_of_amounts_without_an_indicator_heading_or_periods_is_no_indicator():
    result = _read(
        "Begroting Gemeente Voorbeeld\n1 Wonen\n1.1 Sociale woningen\nWat kost het\n"
        "Lasten |\nBaten |\nSaldo |\n1.200 |\n300 |\n-900 |\n"
    )
    assert result.document["version"] == 1
    assert "indicators" not in result.document


def test_figures_are_read_with_decimal_commas_thousands_and_percentages():
    assert parse_figure("0,32") == (Decimal("0.32"), 2, False)
    assert parse_figure("1.250")[0] == 1250
    assert parse_figure("83%")[1:] == (0, True)
    assert parse_figure("veel") is None


@pytest.mark.django_db
def test_the_imported_indicators_load_with_their_values_targets_and_links():
    organisation = Organisation.objects.create(slug="voorbeeld-ind", name="Gemeente Voorbeeld")
    document = _read(ROWS_ONE_CELL_PER_LINE).document
    load_plan_document(document, organisation, actor=Actor.system())
    green = Indicator.objects.get(
        organisation=organisation, code="percentage-inwoners-dat-tevreden-is-over-het"
    )
    assert (green.unit, green.source) == ("percent", "Inwonerspeiling")
    assert list(IndicatorTarget.objects.filter(indicator=green).values_list("year", flat=True)) == [
        2024,
        2025,
    ]
    assert IndicatorValue.objects.filter(indicator=green).count() == 1
    assert ItemIndicator.objects.filter(indicator__organisation=organisation).count() == 2


def test_the_preview_counts_the_indicators_read():
    from koers.plans.services.document_import import counts

    assert counts(_read(ROWS_ONE_CELL_PER_LINE).document)["indicators"] == 2
    assert counts(_read("Plan Gemeente Voorbeeld\n1 Wonen\n2 Werken\n").document)["indicators"] == 0


@pytest.mark.django_db
def test_indicators_come_along_when_a_document_is_loaded_into_an_existing_plan():
    from koers.plans.models import DocumentImport, PlanItem
    from koers.plans.services.document_import import load_import

    organisation = Organisation.objects.create(slug="voorbeeld-into", name="Gemeente Voorbeeld")
    plan = load_plan_document(
        _read("Plan Gemeente Voorbeeld\n1 Wonen\n2 Werken\n").document,
        organisation,
        actor=Actor.system(),
    ).plan
    document = _read(ROWS_ONE_CELL_PER_LINE).document
    draft = DocumentImport.objects.create(
        organisation=organisation, filename="voorbeeld.txt", format="txt", document=document
    )
    result = load_import(draft, actor=Actor.system(), into=plan)
    assert result.plan == plan and result.indicators.created == 2
    links = ItemIndicator.objects.filter(item__plan=plan)
    assert links.count() == 2
    assert set(links.values_list("item__plan", flat=True)) == {plan.pk}
    assert PlanItem.objects.filter(plan=plan, is_public=False).exists()
    green = Indicator.objects.get(
        organisation=organisation, code="percentage-inwoners-dat-tevreden-is-over-het"
    )
    assert IndicatorValue.objects.filter(indicator=green).count() == 1
