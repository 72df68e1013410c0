"""Plain numbers ('12', '-3', '12,5') are read at once; what they give must be what the
full reading gives, for every unit that reads numbers and either kind of file."""

from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from koers.indicators import figures

plain = st.from_regex(r"-?[0-9]{1,13}(,[0-9]{1,20})?", fullmatch=True)


def slow(unit, written, point_is_decimal):
    """The full reading, without the shortcut."""
    raw = " ".join(written.split())
    number = figures.read_number(
        figures.EURO_SIGN.sub(" ", figures.PERCENT_SIGN.sub(" ", raw)), point_is_decimal
    )
    if number is None:
        raise figures.FigureError(raw)
    return number, ""


@settings(deadline=None, max_examples=500)  # a busy machine is no failure
@given(plain, st.sampled_from([figures.NUMBER, figures.PERCENT, figures.EURO]), st.booleans())
@example("-1000000000000,0000000000000001", figures.NUMBER, False)  # 29 digits: rounded to 28
def test_plain_numbers_read_at_once_as_the_full_reading_reads_them(written, unit, excel):
    assert figures.read_figure(unit, written, excel) == slow(unit, written, excel)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("12", Decimal(12)),
        ("-3", Decimal(-3)),
        ("12,5", Decimal("12.5")),
        ("0,125", Decimal("0.125")),
    ],
)
def test_plain_numbers(written, expected):
    assert figures.read_figure(figures.NUMBER, written) == (expected, "")


@pytest.mark.parametrize("written", ["1.250", "12.5", "1 250", "−3", "12 %"])
def test_other_numbers_take_the_full_reading(written, monkeypatch):
    calls = []
    monkeypatch.setattr(figures, "read_number", lambda *a: calls.append(a) or Decimal(1))
    figures.read_figure(figures.PERCENT, written)
    assert calls


def test_a_plain_number_too_large_is_refused():
    with pytest.raises(figures.FigureError):
        figures.read_figure(figures.NUMBER, "10000000000000")
