"""Money tables whose cells come one per line (web and PDF transcripts).

A programme page copied as text gives its table as one cell per line::

    Programma / Taakveld / Begroting 2026 / Begroting na wijziging 2026 / Rekening / Verschil
    3.1  Economische ontwikkeling
    1.064
    406
    339
    -67

:func:`money_columns` reads the header (the column words of ``[money_columns]``
in ``vocabulary.toml``, a year on the next line joining its column) and
:func:`amounts_after` takes the numbers ('-' is zero) that follow a row's title.
They become one budget line of the row's item: budget (*Begroting*), current
budget (*na wijziging*) and actual (*Rekening*, *Realisatie*); a difference
column (*Verschil*, *Afwijking*) is checked against actual minus current budget
and warns when it disagrees by more than one unit of the table (rounding).
*Lasten* above the table means expenses, *Baten* receipts; *x € 1.000* or
*Bedragen * 1.000* anywhere in the document multiplies.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from koers.importers.amounts import bare_amount, scale_of
from koers.importers.draft import Draft, DraftBudget, DraftItem
from koers.importers.lines import Line
from koers.importers.vocabulary import normalise, vocabulary

YEAR = re.compile(r"^(?:19|20|21)\d\d$")
SCALE = re.compile(r"(?:x|\*)\s*(?:€|eur|euro)?\s*1[.\s]?000(?:[.\s]?000)?\b", re.IGNORECASE)
MAX_HEADER = 40  # lines above the first row that may hold the header


@dataclass
class Columns:
    fields: list[str]  # 'initial', 'current', 'actual', 'difference' (or '' for others)
    year: int | None
    direction: str
    scale: int


def _column_words() -> dict[str, str]:
    return {
        normalise(word): key
        for key, words in vocabulary()["money_columns"].items()
        for word in words
    }


def money_columns(lines: list[Line], first_row: int) -> Columns | None:
    """The columns of a one-cell-per-line money table whose first row is at ``first_row``."""
    words = _column_words()
    fields: list[str] = []
    year = None
    direction = "expense"
    for line in lines[max(0, first_row - MAX_HEADER) : first_row]:
        text = normalise(line.text)
        if text in ("baten", "inkomsten", "ontvangsten"):
            direction = "receipt"
        elif text in ("lasten", "uitgaven"):
            direction = "expense"
        elif text in words:
            fields.append(words[text])
        elif YEAR.match(text) and fields:
            year = year or int(text)
    if len([f for f in fields if f != "difference"]) < 2:
        return None
    scale = 1
    for line in lines:
        if SCALE.search(line.text):
            scale = scale_of(line.text.replace("*", "x")) or 1
            break
    return Columns(fields, year, direction, scale)


def _number(text: str) -> Decimal | None:
    if text.strip() in ("-", "–", "—"):
        return Decimal(0)
    return bare_amount(text)


def amounts_after(lines: list[Line], index: int, columns: Columns) -> tuple[list[Decimal], int]:
    """The numbers on the lines after ``index`` (at most one per column), and how many."""
    values: list[Decimal] = []
    for line in lines[index + 1 : index + 1 + len(columns.fields)]:
        value = _number(line.text)
        if value is None:
            break
        values.append(value)
    return values, len(values)


def budget_line(
    draft: Draft, item: DraftItem, row: Line, values: list[Decimal], columns: Columns
) -> None:
    budget = DraftBudget(row.source, label=row.text, year=columns.year)
    budget.direction = columns.direction
    found: dict[str, Decimal] = {}
    for key, value in zip(columns.fields, values, strict=False):
        if key:
            found[key] = value * columns.scale
    budget.initial = found.get("initial")
    budget.current = found.get("current")
    budget.actual = found.get("actual")
    if budget.initial is None and budget.current is None and budget.actual is None:
        return
    item.budget.append(budget)
    if len(values) < len(columns.fields):
        draft.warn(
            "row_cut_short",
            "The row has %(found)s of %(columns)s amounts; check its budget line.",
            row.source,
            found=len(values),
            columns=len(columns.fields),
        )
    base = budget.current if budget.current is not None else budget.initial
    if (
        "difference" in found
        and budget.actual is not None
        and base is not None
        and abs(found["difference"] - (budget.actual - base)) > columns.scale  # rounding
    ):
        draft.warn(
            "difference_disagrees",
            "The stated difference %(stated)s is not the actual amount minus the budget, "
            "%(computed)s.",
            row.source,
            stated=str(found["difference"]),
            computed=str(budget.actual - base),
        )
