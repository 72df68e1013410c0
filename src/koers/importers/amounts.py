"""Euro amounts in running text and table cells.

'€ 1.000', '5.000 euro', '1.685.521', '15.770,29', '9 171 819', '-2.500',
'€ -1.000', 'EUR 12.500,00'; a table headed 'x € 1.000' multiplies by 1,000.
"""

import re
from decimal import Decimal, InvalidOperation

_NUMBER = (
    r"[-−–]?\s?\d{1,3}(?:(?:[.\s\u00a0\u202f])\d{3})+(?:,\d{1,2})?|[-−–]?\s?\d+(?:[.,]\d{1,2})?"
)
EURO_AMOUNT = re.compile(
    r"(?:€|EUR|euro)\s*(?P<before>" + _NUMBER + r")(?:\s*(?:euro|EUR))?"
    # '5.000 euro', but not the year in 'in 2027 € 30.000'
    r"|(?P<after>" + _NUMBER + r")\s*(?:€|EUR\b|euro\b)(?!\s*[-−–]?\s?\d)",
    re.IGNORECASE,
)
BARE_AMOUNT = re.compile(r"^\s*(?P<number>" + _NUMBER + r")\s*$")
THOUSANDS_HEADER = re.compile(r"x\s*(?:€|eur|euro)?\s*1[.\s]?000\b", re.IGNORECASE)
MILLIONS_HEADER = re.compile(r"x\s*(?:€|eur|euro)?\s*1[.\s]?000[.\s]?000\b", re.IGNORECASE)


def to_decimal(number: str) -> Decimal | None:
    """'1.685.521' → 1685521; '15.770,29' → 15770.29; '9 171 819' → 9171819."""
    text = number.strip().replace("−", "-").replace("–", "-")
    negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
    text = re.sub(r"[^\d.,]", "", text)
    if not text:
        return None
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        head, _, tail = text.rpartition(",")
        text = head.replace(",", "") + ("." + tail if len(tail) != 3 else tail)
    elif "." in text:
        parts = text.split(".")
        if all(len(part) == 3 for part in parts[1:]) and len(parts[0]) <= 3:
            text = "".join(parts)
        elif len(parts) > 2:
            return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if abs(value) >= Decimal("1e12"):
        return None
    return -value if negative else value


def euro_amounts(text: str) -> list[tuple[Decimal, int]]:
    """Every euro amount in a text with its character position."""
    found = []
    for match in EURO_AMOUNT.finditer(text):
        value = to_decimal(match["before"] or match["after"])
        if value is not None:
            found.append((value, match.start()))
    return found


def bare_amount(text: str) -> Decimal | None:
    match = BARE_AMOUNT.match(text)
    return to_decimal(match["number"]) if match else None


def scale_of(header: str) -> int:
    if MILLIONS_HEADER.search(header):
        return 1_000_000
    if THOUSANDS_HEADER.search(header):
        return 1_000
    return 1
