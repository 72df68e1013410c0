"""Money tables become budget lines of the right item, year, direction and nature.

Every example is invented (Gemeente Voorbeeld); each layout is one the importers
meet in real plan documents: BBC schemas J1, M2 and T1 with Exploitatie /
Investering / Financiering blocks and Uitgave / Ontvangst / Saldo rows, Dutch
Lasten / Baten / Saldo and Begroting / na wijziging / Rekening / Verschil tables,
multipliers, space-separated thousands, cells one per line, KPI widgets.
"""

from decimal import Decimal

from koers.importers import import_document
from koers.importers.money_tables import _split


def _import(text: str):
    return import_document(text.encode(), "voorbeeld.txt")


def _items(document: dict) -> dict[str, dict]:
    found = {}

    def visit(item):
        found[item["title"]] = item
        for child in item.get("children", []):
            visit(child)

    for item in document["plan"]["items"]:
        visit(item)
    return found


def _lines(item: dict) -> list[tuple]:
    return [
        (
            line["year"],
            line["direction"],
            line.get("nature", "operating"),
            line.get("initial"),
            line.get("current"),
            line.get("actual"),
        )
        for line in item.get("budget_lines", [])
    ]


def _warnings(result, code: str) -> list[str]:
    return [str(warning) for warning in result.warnings if warning.code == code]


J1 = """Gemeente Voorbeeld
Schema J1: Doelstellingenrekening 2025

Jaarrekening 2025 | Meerjarenplan 2025
BD1 Wij maken de gemeente veiliger | |
Exploitatie | |
Uitgaven | 120.000 | 130.000
Ontvangsten | 20.000 | 25.000
Saldo | -100.000 | -105.000
Investeringen | |
Uitgaven | 50.000 | 60.000
Ontvangsten | 0 | 0
Saldo | -50.000 | -60.000
Financiering | |
Uitgaven | 10.000 | 10.000
"""


def test_j1_rows_become_the_goals_operating_and_investment_lines():
    result = _import(J1)
    goal = _items(result.document)["Wij maken de gemeente veiliger"]
    assert goal["code"] == "BD1"
    assert _lines(goal) == [
        (2025, "expense", "operating", "130000.00", "130000.00", "120000.00"),
        (2025, "receipt", "operating", "25000.00", "25000.00", "20000.00"),
        (2025, "expense", "investment", "60000.00", "60000.00", "50000.00"),
        (2025, "receipt", "investment", "0.00", "0.00", "0.00"),
    ]
    assert [line["source"]["line"] for line in goal["budget_lines"]] == [7, 8, 11, 12]
    assert _warnings(result, "money_derived_disagrees") == []
    assert _warnings(result, "money_financing_skipped") == [
        "line 4: 1 financing rows (loans and repayments) were not read: Koers keeps operating "
        "and investment budgets only."
    ]


M2 = """M2 - Staat van het financieel evenwicht
Budgettair resultaat Rek 2024 Mjp 2025 Mjp 2026
I. Exploitatiesaldo (a-b) 1.000.000 900.000 800.000
a. Ontvangsten 11.000.000 11.500.000 12.000.000
b. Uitgaven 10.000.000 10.600.000 11.300.000
II. Investeringssaldo (a-b) -500.000 -700.000 -400.000
a. Ontvangsten 100.000 300.000 600.000
b. Uitgaven 600.000 1.000.000 1.000.000
III. Saldo exploitatie en investeringen (I+II) 500.000 200.000 400.000
IV. Financieringssaldo (a-b) -200.000 -200.000 -200.000
a. Ontvangsten 0 0 0
b. Uitgaven 200.000 200.000 200.000
V. Budgettair resultaat van het boekjaar (III+IV) 300.000 0 200.000
"""


def test_m2_is_a_whole_plan_schema_and_a_disagreeing_saldo_warns_with_its_line():
    result = _import(M2)
    items = _items(result.document)
    assert list(items) == ["M2 - Staat van het financieel evenwicht"]
    schema = items["M2 - Staat van het financieel evenwicht"]
    assert schema["code"] == "M2"
    lines = _lines(schema)
    assert len(lines) == 12
    assert lines[:3] == [
        (2024, "receipt", "operating", None, None, "11000000.00"),
        (2025, "receipt", "operating", "11500000.00", "11500000.00", None),
        (2026, "receipt", "operating", "12000000.00", "12000000.00", None),
    ]
    assert lines[-1] == (2026, "expense", "investment", "1000000.00", "1000000.00", None)
    # 2026: 12.000.000 - 11.300.000 is 700.000, not the stated 800.000
    assert _warnings(result, "money_derived_disagrees") == [
        "line 3: The stated 800000 is not what the other amounts give, 700000; check the row."
    ]
    assert _warnings(result, "money_rows_skipped") == [
        "line 9: 2 rows of the table (totals, results, rows of no known item or kind, from line "
        "9) are no budget lines and were not read."
    ]
    assert len(_warnings(result, "money_schema_item")) == 1


T1 = """T1: Ontvangsten en uitgaven naar functionele aard | 2025 | | |
2024 | 2025 | 2026 | |
Jaarrekening | Meerjarenplan | Meerjarenplan | Meerjarenplan |
Cultuur en vrije tijd | | | |
Exploitatie | | | |
Uitgave | 1.200 | 1.250 | 1.300 | 1.400 |
Ontvangst | 200 | 150 | 160 | 170 |
Saldo | -1.000 | -1.100 | -1.140 | -1.230 |
Investering | | | |
Uitgave | 90 | 100 | 0 | 40 |
Ontvangst | 0 | 0 | 0 | 0 |
Saldo | -90 | -100 | 0 | -40 |
"""


def test_t1_domain_rows_and_a_year_given_once_for_account_and_plan():
    result = _import(T1)
    domain = _items(result.document)["Cultuur en vrije tijd"]
    assert _lines(domain)[:3] == [
        (2024, "expense", "operating", "1250.00", "1250.00", "1200.00"),
        (2025, "expense", "operating", "1300.00", "1300.00", None),
        (2026, "expense", "operating", "1400.00", "1400.00", None),
    ]
    assert len(domain["budget_lines"]) == 12
    assert _warnings(result, "money_year_twice") == [
        "line 2: The table has 4 amount columns but 3 years; the year 2024 is read as both "
        "account and plan. Check its budget lines."
    ]
    assert _warnings(result, "money_derived_disagrees") == []
    assert len(_warnings(result, "money_item_added")) == 1


T1_ONE_CELL_PER_LINE = """Schema T2 - Gemeente Voorbeeld
2024
2025
Jaarrekening
Meerjarenplan
Sport
Exploitatie
Uitgave
1.000
1.100
Ontvangst
300
250
Saldo
-700
-850
"""


def test_a_schema_whose_cells_come_one_per_line():
    result = _import(T1_ONE_CELL_PER_LINE)
    sport = _items(result.document)["Sport"]
    assert _lines(sport) == [
        (2024, "expense", "operating", None, None, "1000.00"),
        (2025, "expense", "operating", "1100.00", "1100.00", None),
        (2024, "receipt", "operating", None, None, "300.00"),
        (2025, "receipt", "operating", "250.00", "250.00", None),
    ]
    assert _warnings(result, "money_derived_disagrees") == []


DUTCH_LASTEN_BATEN = """Begroting 2026 Gemeente Voorbeeld

Overzicht per programma
Programma | Lasten | Baten | Saldo
Bedragen x € 1.000
1 Veiligheid | 2.500 | 300 | -2.200
2 Verkeer en vervoer | 4.000 | 1.000 | -2.000
Totaal | 6.500 | 1.300 | -4.200
"""


def test_dutch_lasten_baten_saldo_per_programme_with_a_multiplier():
    result = _import(DUTCH_LASTEN_BATEN)
    items = _items(result.document)
    assert _lines(items["Veiligheid"]) == [
        (2026, "expense", "operating", "2500000.00", "2500000.00", None),
        (2026, "receipt", "operating", "300000.00", "300000.00", None),
    ]
    assert _lines(items["Verkeer en vervoer"])[0][3] == "4000000.00"
    assert "Totaal" not in items
    # 1.000 - 4.000 is -3.000, not -2.000 (x € 1.000)
    assert _warnings(result, "money_derived_disagrees") == [
        "line 7: The stated -2000000 is not what the other amounts give, -3000000; check the row."
    ]


DUTCH_TAAKVELDEN = """Jaarstukken 2025 Gemeente Voorbeeld
Lasten
Taakveld | Begroting 2025 | Begroting na wijziging 2025 | Rekening 2025 | Verschil
0.1 Bestuur | 261 667 | 270 000 | 265 500 | 4 500
0.4 Ondersteuning organisatie | 1 020 000 | 1 050 000 | 1 100 000 | -50 000
"""


def test_dutch_begroting_rekening_verschil_with_space_thousands():
    result = _import(DUTCH_TAAKVELDEN)
    items = _items(result.document)
    assert _lines(items["Bestuur"]) == [
        (2025, "expense", "operating", "261667.00", "270000.00", "265500.00")
    ]
    assert _lines(items["Ondersteuning organisatie"]) == [
        (2025, "expense", "operating", "1020000.00", "1050000.00", "1100000.00")
    ]
    assert _warnings(result, "money_derived_disagrees") == []


def test_space_thousands_are_read_only_where_the_row_splits_one_way():
    assert _split(["1", "250", "000", "30", "000"], 2) == [Decimal(1250000), Decimal(30000)]
    assert _split(["261", "667", "270", "000"], 2) is None  # 261 | 667270000 or 261667 | 270000
    assert _split(["12", "-", "7"], 3) == [Decimal(12), Decimal(0), Decimal(7)]


def test_an_ambiguous_row_is_skipped_with_a_warning_and_nothing_is_invented():
    text = """M1 - Financieel doelstellingenplan
Doelstelling Mjp 2025 Mjp 2026
1 Wonen | |
Exploitatie
Uitgaven 261 667 270 000
Ontvangsten 1 250 000 30 000
"""
    result = _import(text)
    wonen = _items(result.document)["Wonen"]
    assert _lines(wonen) == [
        (2025, "receipt", "operating", "1250000.00", "1250000.00", None),
        (2026, "receipt", "operating", "30000.00", "30000.00", None),
    ]
    assert _warnings(result, "money_row_unclear") == [
        "line 5: The row's amounts do not fit the table's 2 columns; they were not read."
    ]


KPI_WIDGET = """Jaarrekening 2025 Gemeente Voorbeeld
Uitgaven
12,5%
€ 4.200
x € 1.000
Inkomsten
3,1%
€ 1.100
x € 1.000
Saldo
€ -3.000
x € 1.000

3. Onderwijs en jeugd

Wat hebben we bereikt?
"""


def test_kpi_widgets_of_a_programme_page_are_its_actual_amounts():
    result = _import(KPI_WIDGET)
    programme = _items(result.document)["Onderwijs en jeugd"]
    assert _lines(programme) == [
        (2025, "expense", "operating", None, None, "4200000.00"),
        (2025, "receipt", "operating", None, None, "1100000.00"),
    ]
    # 1.100 - 4.200 is -3.100
    assert _warnings(result, "money_derived_disagrees") == [
        "line 10: The stated -3000000 is not what the other amounts give, -3100000; check the row."
    ]


def test_labelled_amounts_without_an_item_are_skipped_with_a_warning():
    text = """Jaarverslag 2025 Gemeente Voorbeeld

Programmaverantwoording in woorden zonder programma's op deze pagina.

 • Lasten x € 1.000
Begroot € 5.000
Gerealiseerd € 5.400
Afwijking € -400
"""
    result = _import(text)
    assert _warnings(result, "money_no_item") == [
        "line 5: The amounts under 'Lasten x € 1.000' belong to no item of the plan; they were "
        "not read."
    ]
    assert all(not item.get("budget_lines") for item in _items(result.document).values())


def test_year_columns_without_a_kind_are_not_guessed():
    text = """Gemeente Voorbeeld
Overzicht | 2025 | 2026
Sport | |
Exploitatie | |
Uitgaven | 100 | 200
"""
    result = _import(text)
    assert all(not item.get("budget_lines") for item in _items(result.document).values())
    assert _warnings(result, "money_columns_unknown") == [
        "line 2: The table's columns name years but not whether they are budget or account; its "
        "amounts were not read."
    ]


def test_a_table_under_a_heading_in_html_belongs_to_that_heading():
    html = """<html><body><h1>Jaarrekening 2025</h1>
<h2>Wonen</h2>
<table><tr><td></td><td>Jaarrekening 2024</td><td>Meerjarenplan 2025</td></tr>
<tr><td>Exploitatie</td><td></td><td></td></tr>
<tr><td>Uitgaven</td><td>1.000</td><td>1.200</td></tr>
<tr><td>Ontvangsten</td><td>100</td><td>150</td></tr>
<tr><td>Saldo</td><td>-900</td><td>-1.000</td></tr></table>
<h2>Werken</h2></body></html>"""
    result = import_document(html.encode(), "voorbeeld.html")
    items = _items(result.document)
    assert _lines(items["Wonen"]) == [
        (2024, "expense", "operating", None, None, "1000.00"),
        (2025, "expense", "operating", "1200.00", "1200.00", None),
        (2024, "receipt", "operating", None, None, "100.00"),
        (2025, "receipt", "operating", "150.00", "150.00", None),
    ]
    assert "budget_lines" not in items["Werken"]
    # 150 - 1.200 is -1.050
    assert [w.params for w in result.warnings if w.code == "money_derived_disagrees"] == [
        {"stated": "-1000", "computed": "-1050"}
    ]


def test_an_m1_schema_with_years_only_gives_planned_amounts_per_goal():
    text = """Schema M1 - Financieel doelstellingenplan
Beleidsdoelstelling | 2026 | 2027 | 2028
BD2 We vergroenen het centrum | | |
Exploitatie | | |
Uitgaven | 10.000 | 12.000 | 14.000
Ontvangsten | 0 | 0 | 0
Investeringen | | |
Uitgaven | 250.000 | 0 | 0
"""
    result = _import(text)
    goal = _items(result.document)["We vergroenen het centrum"]
    assert _lines(goal) == [
        (2026, "expense", "operating", "10000.00", "10000.00", None),
        (2027, "expense", "operating", "12000.00", "12000.00", None),
        (2028, "expense", "operating", "14000.00", "14000.00", None),
        (2026, "receipt", "operating", "0.00", "0.00", None),
        (2027, "receipt", "operating", "0.00", "0.00", None),
        (2028, "receipt", "operating", "0.00", "0.00", None),
        (2026, "expense", "investment", "250000.00", "250000.00", None),
        (2027, "expense", "investment", "0.00", "0.00", None),
        (2028, "expense", "investment", "0.00", "0.00", None),
    ]
    assert _warnings(result, "money_columns_unknown") == []


def test_credit_spent_and_available_per_project_with_available_checked():
    text = """Gemeente Voorbeeld
Uitgaven
Project | Krediet 2025 | Aanwending 2025 | Beschikbaar 2025
Investeringen | | |
1 Sporthal | 500.000 | 320.000 | 170.000
2 Fietsbrug | 200.000 | 50.000 | 150.000
"""
    result = _import(text)
    items = _items(result.document)
    assert _lines(items["Sporthal"]) == [
        (2025, "expense", "investment", "500000.00", "500000.00", "320000.00")
    ]
    assert _lines(items["Fietsbrug"]) == [
        (2025, "expense", "investment", "200000.00", "200000.00", "50000.00")
    ]
    # 500.000 - 320.000 leaves 180.000, not the stated 170.000
    assert _warnings(result, "money_derived_disagrees") == [
        "line 5: The stated 170000 is not what the other amounts give, 180000; check the row."
    ]


def test_a_goal_per_row_with_uitgaven_ontvangsten_columns_takes_the_titles_year_and_kind():
    text = """Jaarrekening 2025 - doelstellingenrekening
Beleidsdoelstelling | Uitgaven | Ontvangsten | Saldo
BD1 Wij maken de gemeente veiliger | 1.000 | 200 | -800
BD2 Wij vergroenen het centrum | 300 | 0 | -300
Totaal | 1.300 | 200 | -1.100
"""
    result = _import(text)
    items = _items(result.document)
    assert _lines(items["Wij maken de gemeente veiliger"]) == [
        (2025, "expense", "operating", None, None, "1000.00"),
        (2025, "receipt", "operating", None, None, "200.00"),
    ]
    assert items["Wij vergroenen het centrum"]["code"] == "BD2"
    assert "Totaal" not in items
    assert _warnings(result, "money_derived_disagrees") == []


J1_GROUPS = """Jaarrekening 2025
J1 - Doelstellingenrekening
| Exploitatie | | Investeringen | | Andere | |
Beleidsdoelstelling | Uitgaven | Ontvangsten | Uitgaven | Ontvangsten | Uitgaven | Ontvangsten
BD1 Wij maken de gemeente veiliger | 1.000 | 200 | 5.000 | 0 | 300 | 0
"""


def test_j1_with_exploitatie_investeringen_andere_as_column_groups():
    result = _import(J1_GROUPS)
    goal = _items(result.document)["Wij maken de gemeente veiliger"]
    assert _lines(goal) == [
        (2025, "expense", "operating", None, None, "1000.00"),
        (2025, "receipt", "operating", None, None, "200.00"),
        (2025, "expense", "investment", None, None, "5000.00"),
        (2025, "receipt", "investment", None, None, "0.00"),
    ]
    assert len(_warnings(result, "money_financing_skipped")) == 1
