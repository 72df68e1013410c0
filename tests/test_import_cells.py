"""Money tables whose cells come one per line become budget lines of their rows' items."""

from decimal import Decimal

from koers.importers import import_document

TABLE = [
    "Uitvoeringsinformatie Gemeente Voorbeeld",
    "Lasten",
    "Programma",
    "Taakveld",
    "Begroting",
    "2026",
    "Begroting na wijziging",
    "2026",
    "Rekening",
    "Verschil",
    "1 Ruimte en wonen",
    "0.10  Mutaties reserves",
    "-",
    "2.815",
    "2.755",
    "-60",
    "8.3  Wonen en bouwen",
    "1.105",
    "1.322",
    "1.775",
    "400",
    "Subtotaal",
    "1.105",
    "4.137",
    "4.530",
    "340",
    "2 Beheer",
    "2.1  Verkeer en vervoer",
    "3.997",
    "3.854",
    "Bedragen x € 1.000",
]


def _budgets(text: str) -> tuple[dict, list]:
    result = import_document(text.encode(), "voorbeeld.txt")
    found = {}

    def visit(item):
        for line in item.get("budget_lines") or []:
            found[item["code"]] = (
                line["year"],
                line["direction"],
                *(
                    Decimal(line[key]) if key in line else None
                    for key in ("initial", "current", "actual")
                ),
                line["source"]["line"],
            )
        for child in item.get("children") or []:
            visit(child)

    for item in result.document["plan"]["items"]:
        visit(item)
    return found, result.warnings


def test_cells_one_per_line_become_budget_lines_with_the_multiplier():
    found, warnings = _budgets("\n\n".join(TABLE))
    assert found == {
        "0.10": (2026, "expense", Decimal(0), Decimal(2815000), Decimal(2755000), 23),
        "8.3": (2026, "expense", Decimal(1105000), Decimal(1322000), Decimal(1775000), 33),
        "2.1": (2026, "expense", Decimal(3997000), Decimal(3854000), None, 55),
    }
    problems = {(w.code, w.source.line) for w in warnings if w.source}
    assert ("difference_disagrees", 33) in problems  # 1.775 - 1.322 is 453, not 400
    assert ("difference_disagrees", 23) not in problems
    assert ("row_cut_short", 55) in problems


def test_receipts_and_no_table_without_a_header():
    text = "\n\n".join(["Baten", *TABLE[2:-1]])
    found, _ = _budgets(text)
    assert {value[1] for value in found.values()} == {"receipt"}
    assert found["0.10"][3] == Decimal(2815)
    without_header = "\n\n".join(TABLE[:2] + TABLE[10:])
    found, _ = _budgets(without_header)
    assert found == {}
