"""Pure rules of indicators: periods, values per unit, and the traffic light."""

from datetime import date
from decimal import Decimal

import pytest

from koers.indicators.figures import FigureError, read_figure, read_number, show_figure
from koers.indicators.periods import PeriodError, frequency_of, parse_period
from koers.indicators.status import GREEN, ORANGE, RED, UNKNOWN, judge

D = Decimal


@pytest.mark.parametrize(
    ("written", "key", "start", "end"),
    [
        ("2024", "2024", date(2024, 1, 1), date(2024, 12, 31)),
        (" 2024 ", "2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024.0", "2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024-S1", "2024-H1", date(2024, 1, 1), date(2024, 6, 30)),
        ("2024 H1", "2024-H1", date(2024, 1, 1), date(2024, 6, 30)),
        ("2024-h2", "2024-H2", date(2024, 7, 1), date(2024, 12, 31)),
        ("H2 2024", "2024-H2", date(2024, 7, 1), date(2024, 12, 31)),
        ("1e halfjaar 2024", "2024-H1", date(2024, 1, 1), date(2024, 6, 30)),
        ("2de halfjaar 2024", "2024-H2", date(2024, 7, 1), date(2024, 12, 31)),
        ("tweede halfjaar 2024", "2024-H2", date(2024, 7, 1), date(2024, 12, 31)),
        ("first half 2024", "2024-H1", date(2024, 1, 1), date(2024, 6, 30)),
        ("Q3 2024", "2024-Q3", date(2024, 7, 1), date(2024, 9, 30)),
        ("2024-Q3", "2024-Q3", date(2024, 7, 1), date(2024, 9, 30)),
        ("2024 K3", "2024-Q3", date(2024, 7, 1), date(2024, 9, 30)),
        ("K1 2024", "2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("kwartaal 3 2024", "2024-Q3", date(2024, 7, 1), date(2024, 9, 30)),
        ("4e kwartaal 2024", "2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
        ("mei 2024", "2024-05", date(2024, 5, 1), date(2024, 5, 31)),
        ("Mei 2024", "2024-05", date(2024, 5, 1), date(2024, 5, 31)),
        ("May 2024", "2024-05", date(2024, 5, 1), date(2024, 5, 31)),
        ("feb 2024", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("februari 2023", "2023-02", date(2023, 2, 1), date(2023, 2, 28)),
        ("2024-05", "2024-05", date(2024, 5, 1), date(2024, 5, 31)),
        ("2024/5", "2024-05", date(2024, 5, 1), date(2024, 5, 31)),
        ("05/2024", "2024-05", date(2024, 5, 1), date(2024, 5, 31)),
        ("12-2024", "2024-12", date(2024, 12, 1), date(2024, 12, 31)),
    ],
)
def test_periods_are_read_in_dutch_and_english(written, key, start, end):
    period = parse_period(written)
    assert (period.key, period.start, period.end) == (key, start, end)
    assert parse_period(period.key) == period  # the normal form reads back as itself
    assert frequency_of(period.key) == period.frequency


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("", "De periode is leeg."),
        ("volgend jaar", "'volgend jaar' is geen periode. Schrijf een jaar (2024)"),
        ("2024-Q5", "'2024-Q5': een jaar heeft vier kwartalen, niet 5."),
        ("2024-H3", "'2024-H3': een jaar heeft twee helften, niet 3."),
        ("2024-13", "'2024-13': een jaar heeft twaalf maanden, niet 13."),
        ("mai 2024", "'mai 2024' is geen periode: 'mai' is geen maand."),
        ("1850", "'1850': het jaar 1850 ligt buiten 1900–2200."),
        ("24", "'24' is geen periode."),
    ],
)
def test_wrong_periods_get_a_dutch_message(written, message):
    from django.utils import translation

    with translation.override("nl"), pytest.raises(PeriodError) as error:
        parse_period(written)
    assert str(error.value).startswith(message)


@pytest.mark.parametrize(
    ("unit", "written", "value", "text"),
    [
        ("number", "12", D("12"), ""),
        ("number", "1.250", D("1250"), ""),
        ("number", "1.250.000", D("1250000"), ""),
        ("number", "1 250", D("1250"), ""),
        ("number", "12,5", D("12.5"), ""),
        ("number", "12.5", D("12.5"), ""),
        ("number", "0.125", D("0.125"), ""),
        ("number", "1.250,75", D("1250.75"), ""),
        ("number", "1,250.75", D("1250.75"), ""),
        ("number", "-3", D("-3"), ""),
        ("percent", "12,5 %", D("12.5"), ""),
        ("percent", "12.5%", D("12.5"), ""),
        ("percent", "40", D("40"), ""),
        ("euro", "€ 5.000", D("5000"), ""),
        ("euro", "5000 EUR", D("5000"), ""),
        ("euro", "€ 1.250,50", D("1250.50"), ""),
        ("yes_no", "ja", D(1), ""),
        ("yes_no", "Nee", D(0), ""),
        ("yes_no", "yes", D(1), ""),
        ("yes_no", "0", D(0), ""),
        ("text", "Stap 3: uitvoering", None, "Stap 3: uitvoering"),
    ],
)
def test_values_are_read_for_their_unit(unit, written, value, text):
    assert read_figure(unit, written) == (value, text)


@pytest.mark.parametrize(
    ("unit", "written", "message"),
    [
        ("euro", "12 %", "'12 %' is een percentage, maar deze indicator telt in euro."),
        ("percent", "€ 5", "'€ 5' is een bedrag in euro, maar deze indicator telt in percentages."),
        ("number", "12 %", "'12 %' is een percentage, maar deze indicator telt in getallen."),
        ("yes_no", "misschien", "'misschien' is geen ja of nee (schrijf ja of nee)."),
        ("number", "veel", "'veel' is geen getal."),
        ("number", "1,2,3", "'1,2,3' is geen getal."),
        ("number", "", "De waarde is leeg."),
        ("euro", "ja", "'ja' is geen getal."),
    ],
)
def test_values_that_do_not_fit_the_unit_are_refused_in_dutch(unit, written, message):
    from django.utils import translation

    with translation.override("nl"), pytest.raises(FigureError) as error:
        read_figure(unit, written)
    assert str(error.value) == message


def test_read_number_refuses_what_is_not_one_number():
    assert read_number("12a") is None
    assert read_number("1.2.3") is None
    assert read_number("") is None
    assert read_number("99999999999999") is None


def test_values_are_shown_in_dutch():
    from django.utils import translation

    with translation.override("nl"):
        assert show_figure(D("12.345"), "percent", 1) == "12,3 %"
        assert show_figure(D("1250000"), "euro", 0) == "€ 1.250.000"
        assert show_figure(D("1"), "yes_no") == "ja"
        assert show_figure(None, "number") == "–"
        assert show_figure(None, "text", text="fase 2") == "fase 2"


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (None, {"direction": "higher", "target": D(10)}, UNKNOWN),
        (D(5), {"direction": "higher"}, UNKNOWN),
        (D(10), {"direction": "higher", "target": D(10)}, GREEN),
        (D(11), {"direction": "higher", "target": D(10)}, GREEN),
        (D("9.5"), {"direction": "higher", "target": D(10)}, RED),
        (D(9), {"direction": "higher", "target": D(10), "tolerance": D(1)}, ORANGE),
        (D("8.99"), {"direction": "higher", "target": D(10), "tolerance": D(1)}, RED),
        (D(10), {"direction": "lower", "target": D(10)}, GREEN),
        (D(3), {"direction": "lower", "target": D(10)}, GREEN),
        (D(12), {"direction": "lower", "target": D(10), "tolerance": D(2)}, ORANGE),
        (D(13), {"direction": "lower", "target": D(10), "tolerance": D(2)}, RED),
        (D(11), {"direction": "lower", "target": D(10)}, RED),
        (D(-1), {"direction": "lower", "target": D(0), "tolerance": D(0)}, GREEN),
        (D(5), {"direction": "band", "band_low": D(4), "band_high": D(6)}, GREEN),
        (D(4), {"direction": "band", "band_low": D(4), "band_high": D(6)}, GREEN),
        (D(6), {"direction": "band", "band_low": D(4), "band_high": D(6)}, GREEN),
        (
            D("3.5"),
            {"direction": "band", "band_low": D(4), "band_high": D(6), "tolerance": D(1)},
            ORANGE,
        ),
        (
            D("6.5"),
            {"direction": "band", "band_low": D(4), "band_high": D(6), "tolerance": D(1)},
            ORANGE,
        ),
        (D(8), {"direction": "band", "band_low": D(4), "band_high": D(6), "tolerance": D(1)}, RED),
        (D(2), {"direction": "band", "band_low": D(4), "band_high": D(6)}, RED),
        (D(100), {"direction": "band", "band_low": D(4)}, GREEN),
        (D(1), {"direction": "band", "band_high": D(4)}, GREEN),
        (D(5), {"direction": "band", "band_high": D(4)}, RED),
        (D(5), {"direction": "band"}, UNKNOWN),
        (D(5), {"direction": "band", "target": D(5)}, UNKNOWN),  # a band has no target
        (D(1), {"direction": "higher", "target": D(1)}, GREEN),  # yes/no: yes wanted, yes
        (D(0), {"direction": "higher", "target": D(1)}, RED),
        (D(9), {"direction": "higher", "target": D(10), "tolerance": D(-1)}, ORANGE),
    ],
)
def test_traffic_light(value, kwargs, expected):
    assert judge(value, **kwargs) == expected


def test_a_single_point_is_a_decimal_point_in_excel_number_cells():
    assert read_number("1.234") == D("1234")
    assert read_number("1.234", point_is_decimal=True) == D("1.234")
    assert read_figure("number", "1.234", point_is_decimal=True) == (D("1.234"), "")
    assert read_number("1.234.567", point_is_decimal=True) == D("1234567")
