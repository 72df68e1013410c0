"""The small rules the importers share: periods, amounts, codes and statuses."""

from datetime import date
from decimal import Decimal

import pytest

from koers.importers.amounts import euro_amounts, scale_of, to_decimal
from koers.importers.codes import leading_code, parent_code, references
from koers.importers.periods import parse_period
from koers.importers.statuses import find_status, parse_status
from koers.importers.vocabulary import is_chrome, section_key


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2021", date(2021, 1, 1), date(2021, 12, 31)),
        ("2020-2021", date(2020, 1, 1), date(2021, 12, 31)),
        ("2022 – 2023", date(2022, 1, 1), date(2023, 12, 31)),
        ("vanaf 2021", date(2021, 1, 1), None),
        ("Q4 2021", date(2021, 10, 1), date(2021, 12, 31)),
        ("Q2 en Q3 2021", date(2021, 4, 1), date(2021, 9, 30)),
        ("1e kwartaal van 2024", date(2024, 1, 1), date(2024, 3, 31)),
        ("voorjaar 2011", date(2011, 3, 1), date(2011, 5, 31)),
        ("najaar 2012", date(2012, 9, 1), date(2012, 11, 30)),
        ("najaar van 2020", date(2020, 9, 1), date(2020, 11, 30)),
        ("winter 2025", date(2025, 12, 1), date(2026, 2, 28)),
        ("februari–maart 2011", date(2011, 2, 1), date(2011, 3, 31)),
        ("sept.-okt. 2013", date(2013, 9, 1), date(2013, 10, 31)),
        ("mei – juni 2012", date(2012, 5, 1), date(2012, 6, 30)),
        ("februari 2012", date(2012, 2, 1), date(2012, 2, 29)),
        ("voor 15 mei 2011", None, date(2011, 5, 15)),
        ("voor 15 aug. 2013", None, date(2013, 8, 15)),
        ("tegen juni 2022", None, date(2022, 6, 30)),
        ("15 mei 2011", date(2011, 5, 15), date(2011, 5, 15)),
        ("eerste helft van 2021", date(2021, 1, 1), date(2021, 6, 30)),
        ("2de helft 2021", date(2021, 7, 1), date(2021, 12, 31)),
        ("juni en dec. 2011\njuni en dec. 2013", date(2011, 6, 1), date(2013, 12, 31)),
        ("doorlopend, januari 2011 eerste aanzet", date(2011, 1, 1), None),
    ],
)
def test_periods(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)
    assert period.text == " ".join(text.split())


@pytest.mark.parametrize(
    "text", ["regulier", "doorlopend", "planning in overleg ICT", "", "1x/jaar"]
)
def test_texts_without_a_date_have_no_period(text):
    assert parse_period(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.685.521", Decimal("1685521")),
        ("15.770,29", Decimal("15770.29")),
        ("9 171 819", Decimal("9171819")),
        ("-2.500", Decimal("-2500")),
        ("1,5", Decimal("1.5")),
        ("12.5", Decimal("12.5")),
        ("(1.000)", Decimal("-1000")),
    ],
)
def test_amounts(text, value):
    assert to_decimal(text) == value


def test_euro_amounts_in_running_text():
    assert [a for a, _ in euro_amounts("Er is nog 5.000 euro voorzien")] == [Decimal(5000)]
    assert [a for a, _ in euro_amounts("€ 1.000 en €30.000")] == [Decimal(1000), Decimal(30000)]
    assert [a for a, _ in euro_amounts("EUR 12.500,00 besteed")] == [Decimal("12500.00")]
    assert [a for a, _ in euro_amounts("saldo € -1.250")] == [Decimal(-1250)]
    assert euro_amounts("in 2021 met 20 deelnemers") == []
    assert scale_of("Bedragen x € 1.000") == 1000
    assert scale_of("budget") == 1


@pytest.mark.parametrize(
    ("text", "code", "rest"),
    [
        ("PE1-01 Ons plan", "PE1-01", "Ons plan"),
        ("PE1-01-02 Vorming", "PE1-01-02", "Vorming"),
        ("1.2.1.1 Titel", "1.2.1.1", "Titel"),
        ("II.1.2 Titel", "II.1.2", "Titel"),
        ("2025-3-2: Titel", "2025-3-2", "Titel"),
        ("01/04/SAP/01/06 Titel", "01/04/SAP/01/06", "Titel"),
    ],
)
def test_codes(text, code, rest):
    assert leading_code(text) == (code, rest)


def test_code_rules():
    assert leading_code("2020 was een goed jaar") is None
    assert parent_code("PE1-01-02") == "PE1-01"
    assert parent_code("PE1-01") == "PE1"
    assert parent_code("1.2.1") == "1.2"
    assert parent_code("01/04/SAP") == "01/04"
    assert references("kosten (PE1-01-01) en GB8-01-03") == ["PE1-01-01", "GB8-01-03"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("gerealiseerd", "done"),
        ("Afgerond", "done"),
        ("in uitvoering", "running"),
        ("gestart, nog niet gereed", "running"),
        ("permanent lopende", "running"),
        ("nog op te starten", "not_started"),
        ("on hold", "on_hold"),
        ("uitgesteld", "on_hold"),
        ("geannuleerd", "cancelled"),
        ("G", "running"),
        ("oranje", "delayed"),
        ("R", "delayed"),
    ],
)
def test_statuses(text, key):
    assert parse_status(text).key == key


def test_scores_and_status_tails():
    score = parse_status("3/5")
    assert (score.key, score.percent) == ("running", 60)
    assert parse_status("5 van 5").key == "done"
    assert parse_status("onbekend woord") is None
    assert find_status("implementatie software - gerealiseerd").key == "done"
    assert find_status("tussentijdse evaluatie (Q4): nog op te starten").key == "not_started"


def test_heading_synonyms_and_chrome_are_data():
    assert section_key("Tijdpad & mijlpalen") == "milestones"
    assert section_key("Wat mag het kosten?") == "cost"
    assert section_key("Wat gaan we ervoor doen?") == "progress"
    assert section_key("Wat wilden we bereiken?") == "intent"
    assert section_key("Een gewone zin.") is None
    assert is_chrome("Terug naar navigatie - PE1-01 Iets")
    assert is_chrome("Publicatiedatum: 1 juni 2021")
    assert is_chrome("Terug")
    assert not is_chrome("Terugblik op 2021")


def test_a_year_before_the_euro_sign_is_no_amount():
    assert [a for a, _ in euro_amounts("Nog te besteden in 2027 € 30.000")] == [Decimal(30000)]


def test_the_examples_in_the_documentation_read_as_described():
    import re
    from pathlib import Path

    from koers.importers import import_document

    text = (Path(__file__).parents[1] / "docs" / "import-formats.md").read_text()
    families = []
    for block in re.findall(r"```text\n(.*?)```", text, re.S):
        result = import_document(block.encode(), "voorbeeld.txt")
        assert result.warnings == [], result.warnings
        families.append(result.family)
    assert families == ["flemish_report", "dutch_programme", "policy_note"]


def test_every_importer_message_is_in_the_translation_list():
    import ast
    from pathlib import Path

    from koers.importers.limits import MESSAGES as LIMIT_MESSAGES
    from koers.plans.import_messages import MESSAGES

    root = Path(__file__).parents[1] / "src" / "koers" / "importers"
    found = set(LIMIT_MESSAGES.values())  # the limits' messages, raised through limit_error
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", None))
                if (
                    name in ("warn", "DocumentError")
                    and len(node.args) >= 2
                    and isinstance(node.args[1], ast.Constant)  # others pass a message on
                ):
                    found.add(node.args[1].value)
    assert found <= set(MESSAGES), found - set(MESSAGES)
