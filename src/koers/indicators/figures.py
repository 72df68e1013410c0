"""Reading a value as written for an indicator of a given unit, and showing it.

Numbers are read the Dutch way first: a comma is the decimal sign ('12,5'), points
between groups of three digits separate thousands ('1.250.000'); a single point before
other than three digits is a decimal point ('12.5', '0.125', as spreadsheets write
numbers); in an Excel file a single point is always a decimal point, since
its number cells are read that way. A unit written in the cell must match the
indicator's: '12 %' is refused for a euro indicator and '€ 5' for a percentage.
Yes/no indicators read ja/nee, yes/no, waar/onwaar and 1/0, stored as 1 and 0.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import gettext as _

NUMBER, PERCENT, EURO, YES_NO, TEXT = "number", "percent", "euro", "yes_no", "text"
YES_WORDS = {"ja", "yes", "j", "y", "waar", "true", "1", "x"}
NO_WORDS = {"nee", "neen", "no", "n", "onwaar", "false", "0"}
PERCENT_SIGN = re.compile(r"%|\bprocent\b|\bpercent\b", re.IGNORECASE)
EURO_SIGN = re.compile(r"€|\beur\b|\beuro\b", re.IGNORECASE)
THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
DIGITS_AND_SIGNS = re.compile(r"[\d.,]+")
A_DIGIT = re.compile(r"\d")
# Whole numbers and numbers with a decimal comma, as most cells hold them: read at once
# (at most 28 digits, the precision the full reading rounds to).
PLAIN = re.compile(r"-?\d{1,13}(,\d{1,15})?")
LIMIT = Decimal("1e13")


class FigureError(ValueError):
    """A value that does not fit the indicator; the message is for the person."""


def read_number(text: str, point_is_decimal: bool = False) -> Decimal | None:
    """'1.250,5' → 1250.5, '12.5' → 12.5, '1 250' → 1250, '-3' → -3; None if no number.
    ``point_is_decimal``: a single point is always a decimal point ('1.234' → 1.234), as in
    the number cells of an Excel file."""
    text = text.strip().replace("−", "-").replace("–", "-").replace("\u00a0", " ")
    negative = text.startswith("-")
    text = text.lstrip("+-").strip().replace(" ", "").replace("\u202f", "")
    if not DIGITS_AND_SIGNS.fullmatch(text) or not A_DIGIT.search(text):
        return None
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif "," in text:
        if text.count(",") > 1:
            return None
        text = text.replace(",", ".")
    elif text.count(".") > 1 or (
        THOUSANDS.match(text) and not text.startswith("0") and not point_is_decimal
    ):
        if not THOUSANDS.match(text):
            return None
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if abs(value) >= LIMIT:
        return None
    return -value if negative else value


def read_figure(unit: str, written, point_is_decimal: bool = False) -> tuple[Decimal | None, str]:
    """``(value, text)`` of what was written for an indicator of ``unit``; FigureError if
    it does not fit. A text indicator keeps the text and has no value. For
    ``point_is_decimal`` see :func:`read_number`."""
    if unit not in (TEXT, YES_NO) and type(written) is str and PLAIN.fullmatch(written):
        value = Decimal(written.replace(",", "."))
        if abs(value) < LIMIT:
            return value, ""
    raw = " ".join(str(written if written is not None else "").split())
    if unit == TEXT:
        return None, raw
    if not raw:
        raise FigureError(_("The value is empty."))
    if unit == YES_NO:
        word = raw.lower()
        if word in YES_WORDS:
            return Decimal(1), ""
        if word in NO_WORDS:
            return Decimal(0), ""
        raise FigureError(_("'%(value)s' is not yes or no (write ja or nee).") % {"value": raw})
    has_percent = bool(PERCENT_SIGN.search(raw))
    has_euro = bool(EURO_SIGN.search(raw))
    if has_percent and unit != PERCENT:
        raise FigureError(
            _("'%(value)s' is a percentage, but this indicator counts in %(unit)s.")
            % {"value": raw, "unit": unit_word(unit)}
        )
    if has_euro and unit != EURO:
        raise FigureError(
            _("'%(value)s' is an amount in euro, but this indicator counts in %(unit)s.")
            % {"value": raw, "unit": unit_word(unit)}
        )
    bare = EURO_SIGN.sub(" ", PERCENT_SIGN.sub(" ", raw))
    number = read_number(bare, point_is_decimal)
    if number is None:
        raise FigureError(_("'%(value)s' is not a number.") % {"value": raw})
    return number, ""


def unit_word(unit: str) -> str:
    return {
        NUMBER: _("numbers"),
        PERCENT: _("percentages"),
        EURO: _("euro"),
        YES_NO: _("yes/no"),
        TEXT: _("text"),
    }[unit]


def separators() -> tuple[str, str]:
    """The active language's decimal sign and thousands separator."""
    return formats.get_format("DECIMAL_SEPARATOR"), formats.get_format("THOUSAND_SEPARATOR")


def show_figure(
    value: Decimal | None,
    unit: str,
    decimals: int = 0,
    text: str = "",
    signs: tuple[str, str] | None = None,
) -> str:
    """A value as a person reads it, in the active language: '12,5 %', '€ 1.250', 'ja'.
    ``signs``: :func:`separators`, when the caller shows many figures."""
    if unit == TEXT:
        return text or "–"
    if value is None:
        return "–"
    if unit == YES_NO:
        return _("yes") if value else _("no")
    quantum = Decimal(1).scaleb(-decimals)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    # The language's separators, applied to Python's own grouping: number_format does the
    # same in many more steps, and the cijferdatabank shows thousands of figures.
    decimal_sign, thousands = signs or separators()
    shown = f"{rounded:,.{decimals}f}".translate({44: "\0", 46: decimal_sign})
    shown = shown.replace("\0", thousands)
    if unit == PERCENT:
        return f"{shown} %"
    if unit == EURO:
        return f"€ {shown}"
    return shown
