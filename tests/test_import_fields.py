"""Field labels of project sheets and progress pages become the item's fields."""

import datetime
from decimal import Decimal

from koers.importers import import_document
from koers.importers.fields import find_fields, parse_date
from koers.importers.lines import Line, Source


def _lines(*texts: str) -> list[Line]:
    return [Line(text, Source(line=number)) for number, text in enumerate(texts, start=1)]


def _import(*texts: str) -> tuple[dict, list]:
    result = import_document("\n\n".join(texts).encode(), "voorbeeld.txt")
    return result.document["plan"], result.warnings


def test_labels_inline_on_the_next_line_and_header_rows():
    found = find_fields(
        _lines(
            "Portefeuillehouder: J. Voorbeeld",
            "Afdeling",
            "Ruimte",
            "Resultaat",
            "Status",
            "Fietsbrug",
            "Einddatum project",
            "31-12-2026",
        )
    )
    assert {index: (f.key, f.value) for index, f in found.items()} == {
        0: ("owner", "J. Voorbeeld"),
        1: ("department", "Ruimte"),
        6: ("end", "31-12-2026"),
    }
    assert parse_date("18-5-2025") == datetime.date(2025, 5, 18)
    assert parse_date("31-2-2025") is None


def test_a_project_sheet_is_one_item_with_its_fields():
    plan, warnings = _import(
        "Voorjaarsnota 2026",
        "Overzicht projecten",
        "Sporthal Voorbeeld",
        "Soort rapportage",
        "Tussenrapportage",
        "Afdeling",
        "Sport",
        "Startdatum project",
        "1-3-2025",
        "Projectfase",
        "Uitvoeringsfase",
        "Einddatum project",
        "30-6-2027",
        "Wethouder",
        "A. Voorbeeld",
        "Omschrijving project",
        "Een nieuwe sporthal naast de school van Voorbeeld.",
        "Verleend krediet",
        "2.500.000",
        "Besteed tot peildatum",
        "1.200.000",
    )
    (item,) = plan["items"]
    assert item["title"] == "Sporthal Voorbeeld"
    assert item["source"]["line"] == 5
    assert (item["departments"], item["owner"]) == (["Sport"], "A. Voorbeeld")
    assert (item["planned_start"], item["planned_end"]) == ("2025-03-01", "2027-06-30")
    (budget,) = item["budget_lines"]
    assert (Decimal(budget["initial"]), Decimal(budget["actual"])) == (
        Decimal(2500000),
        Decimal(1200000),
    )
    assert budget["source"]["line"] == 37
    assert "Een nieuwe sporthal" in item["description"]
    assert "Projectfase: Uitvoeringsfase" in item["description"]
    kept = [w for w in warnings if w.code == "field_as_text"]
    assert [w.params["label"] for w in kept] == ["Soort rapportage"]
    assert item["status"] == "op-schema"  # the phase 'Uitvoeringsfase' is under way
    assert "children" not in item


def test_a_progress_page_with_a_result_table_and_a_coordinating_alderman():
    plan, warnings = _import(
        "Collegeprioriteit Fietsveilig Voorbeeld",
        "Resultaat",
        "Status",
        "Fietsbrug",
        "Schoolstraten",
        "Coördinerend wethouder",
        "Wethouder Voorbeeld",
        "Doelstelling",
        "Veilig fietsen naar elke school van Voorbeeld.",
        "Toelichting",
        "De fietsbrug en de schoolstraten zijn de twee onderdelen.",
        "Stand van zaken",
        "De fietsbrug is aanbesteed; de schoolstraten starten in het voorjaar.",
    )
    (item,) = plan["items"]
    assert item["title"] == "Collegeprioriteit Fietsveilig Voorbeeld"
    assert [child["title"] for child in item["children"]] == ["Fietsbrug", "Schoolstraten"]
    assert item["owner"] == "Wethouder Voorbeeld"
    assert item["intended_result"] == "<p>Veilig fietsen naar elke school van Voorbeeld.</p>"
    assert item["progress_note"].startswith("<p>De fietsbrug is aanbesteed")
    assert [w.params["title"] for w in warnings if w.code == "row_without_value"] == [
        "Fietsbrug",
        "Schoolstraten",
    ]


def test_a_theme_with_a_goal_label_and_a_list_of_sub_goals():
    plan, _warnings = _import(
        "Wat willen we bereiken?",
        "Veiligheid",
        "Doel\nEen veilig Voorbeeld voor iedereen.",
        "Subdoelen\n▪   Minder inbraken\n▪   Veilige schoolroutes",
        "Wat gaan we daarvoor doen?",
        "Veiligheid",
        "We zetten in op preventie samen met de buurten van Voorbeeld en de politie.",
    )
    (item,) = plan["items"]
    assert item["title"] == "Veiligheid"
    assert item["intended_result"] == "<p>Een veilig Voorbeeld voor iedereen.</p>"
    assert [child["title"] for child in item["children"]] == [
        "Minder inbraken",
        "Veilige schoolroutes",
    ]


def test_a_credit_without_a_year_stays_inside_the_plan_period():
    from koers.plans.document.validation import validate

    result = import_document(
        "\n\n".join(
            [
                "Voorjaarsnota 2029",
                "Fietsbrug Voorbeeld",
                "Afdeling",
                "Ruimte",
                "Startdatum project",
                "1-3-2025",
                "Einddatum project",
                "30-6-2026",
                "Verleend krediet",
                "800.000",
                "Peildatum",
                "31-3-2029",
            ]
        ).encode(),
        "voorbeeld.txt",
    )
    validate(result.document)
    (item,) = result.document["plan"]["items"]
    assert item["budget_lines"][0]["year"] == 2029
    assert (result.document["plan"]["first_year"], result.document["plan"]["last_year"]) == (
        2025,
        2029,
    )
