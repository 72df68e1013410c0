"""Indicator tables in an item's text → indicators with their series (PlanDocument version 2).

(A year grid of milestones in the same text is read first, by
:func:`koers.importers.progress.year_grids`.)

Two layouts, whether the table has real cells, pipe rows or one cell per line (a PDF or
web transcript):

- **a grid of places by dates**: a heading cell, then two or more period cells
  (``2017``, ``31 dec 2020``), then rows of a name and one figure per period. The
  indicator is the short line above the table (a sentence between them is its target,
  kept as its definition); the first row is the organisation's own figures, the other
  rows are benchmark series (``Vlaams Gewest``)::

      Aandeel tevreden inwoners
      Dit aandeel stijgt.
      Plaats | 2017 | 2020
      Voorbeeld | 0,62 | 0,66
      Vlaams Gewest | 0,60 | 0,61

- **a row per indicator**: a heading cell (``Effectindicator``, ``Indicator``), then
  column headings among *Nulmeting*, *Realisatie 2016*, *Begroting 2018*,
  *Streefwaarde 2025*, *Bron* (split over two lines or not), then rows of a name and
  one cell per column. *Nulmeting* is the baseline, *Realisatie* a value, *Begroting* and
  *Streefwaarde* with a year a target, *Bron* the source; a *Streefwaarde* without a year
  is kept in the definition.

The lines of a table that is read are taken out of the item's text; every indicator
carries a warning with its location. Codes are made from the indicator's name (loading
updates an indicator of the organisation with the same code).
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from koers.importers.draft import Draft, DraftItem
from koers.importers.lines import Line, Source
from koers.importers.progress import year_grids
from koers.importers.vocabulary import normalise

YEAR = re.compile(r"(?<!\d)((?:19|20|21)\d\d)(?!\d)")
PERIOD_CELL = re.compile(
    r"^(?:(?:\d{1,2}\s+)?[a-z]{3,9}\.?\s+)?(?:19|20|21)\d\d$|^(?:19|20|21)\d\d\s*[-/]\s*\d{2,4}$",
    re.IGNORECASE,
)
FIGURE = re.compile(
    r"^[-+−]?\s*(?:€\s*)?\d{1,3}(?:[.\s]\d{3})*(?:,\d+)?\s*%?$|^[-+−]?\d+(?:[.,]\d+)?\s*%?$"
)
MISSING = {"-", "–", "n.b.", "nb", "n.v.t.", "nvt", "onbekend", "?", "*", ""}
SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
INDICATOR_HEADINGS = {
    "effectindicator",
    "effectindicatoren",
    "indicator",
    "indicatoren",
    "prestatie-indicator",
    "prestatieindicator",
    "prestatie-indicatoren",
    "beleidsindicator",
    "beleidsindicatoren",
    "kengetal",
    "kengetallen",
    "maatstaf",
    "omschrijving indicator",
}
BASELINE = ("nulmeting", "basiswaarde", "uitgangswaarde", "startwaarde", "referentiewaarde")
REALISED = ("realisatie", "rekening", "werkelijk", "gerealiseerd", "resultaat", "meting")
TARGET = ("begroting", "streefwaarde", "streefwaarden", "doel", "norm", "target", "ambitie")
SOURCE = ("bron",)
MAX_NAME = 300
NAME_LOOKBACK = 3


@dataclass
class DraftIndicator:
    name: str
    source: Source
    code: str = ""
    definition: str = ""
    unit: str = "number"
    decimals: int = 0
    origin: str = ""  # 'Bron'
    baseline_value: Decimal | None = None
    baseline_period: str = ""
    targets: dict[int, Decimal] = field(default_factory=dict)
    values: list[tuple[str, str, Decimal]] = field(default_factory=list)  # period, series, value

    def as_dict(self) -> dict:
        data: dict = {"code": self.code, "name": self.name[:MAX_NAME], "unit": self.unit}
        if self.decimals:
            data["decimals"] = min(self.decimals, 6)
        if self.definition:
            data["definition"] = self.definition
        if self.origin:
            data["source"] = self.origin[:300]
        if self.baseline_value is not None:
            data["baseline_value"] = _figure(self.baseline_value)
            data["baseline_period"] = self.baseline_period
        if self.targets:
            data["targets"] = [
                {"year": year, "value": _figure(value)}
                for year, value in sorted(self.targets.items())
            ]
        if self.values:
            detail = str(self.source)[:300]
            data["values"] = [
                {
                    "period": period,
                    "series": series[:200],
                    "value": _figure(value),
                    "source_kind": "imported",
                    "source_detail": detail,
                }
                for period, series, value in self.values
            ]
        return data


@dataclass
class _Cell:
    text: str
    line: Line
    index: int  # of its line in the item's text


def _figure(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if text not in ("-0", "") else "0"


def parse_figure(text: str) -> tuple[Decimal, int, bool] | None:
    """'0,32' → (0.32, 2 decimals, not percent); '83%' → (83, 0, percent); else None."""
    text = text.strip().replace("−", "-")
    if not FIGURE.match(text):
        return None
    percent = text.endswith("%")
    text = text.rstrip("% ").replace("€", "").replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(?:\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    decimals = len(text.partition(".")[2])
    return value, decimals, percent


def _cells(lines: list[Line]) -> list[_Cell]:
    cells: list[_Cell] = []
    for index, line in enumerate(lines):
        if line.cells:
            cells.extend(_Cell(text.strip(), line, index) for text in line.cells)
            continue
        text = line.text.strip()
        if SEPARATOR.match(text):
            continue
        if "|" in text:
            parts = [part.strip() for part in text.strip("|").split("|")]
            cells.extend(_Cell(part, line, index) for part in parts if part or len(parts) > 1)
            continue
        cells.append(_Cell(text, line, index))
    return cells


def _merge_headings(cells: list[_Cell], start: int) -> list[_Cell]:
    """'Realisatie' + '2016' and 'Streef-' + 'waarde' are one heading each."""
    merged: list[_Cell] = []
    for cell in cells[start:]:
        if merged and merged[-1].line is not cell.line:
            last = merged[-1]
            if last.text.endswith("-") and cell.text[:1].islower():
                merged[-1] = _Cell(last.text[:-1] + cell.text, last.line, last.index)
                continue
            if (
                YEAR.fullmatch(cell.text)
                and _column(last.text) is not None
                and not YEAR.search(last.text)
            ):
                merged[-1] = _Cell(f"{last.text} {cell.text}", last.line, last.index)
                continue
        merged.append(cell)
    return merged


def _column(text: str) -> str | None:
    words = normalise(text)
    first = words.split(" ")[0] if words else ""
    for kind, names in (
        ("baseline", BASELINE),
        ("realised", REALISED),
        ("target", TARGET),
        ("source", SOURCE),
    ):
        if first in names or words in names:
            return kind
    return None


def extract(draft: Draft, filename: str = "") -> None:
    """Read the indicator tables in every item's text into indicators linked to the item."""
    codes: set[str] = set()
    for _depth, item in draft.walk():
        for section in ("description", "progress", "intent"):
            lines = item.sections.get(section)
            if lines:
                lines = year_grids(draft, item, lines)
                item.sections[section] = _extract_from(draft, item, lines, codes)
    for _depth, item in draft.walk():
        for indicator in item.indicators:
            draft.warn(
                "indicator_table",
                "'%(name)s' was read as an indicator of '%(item)s' with %(count)s values and "
                "%(targets)s targets (code %(code)s); check it before loading: an indicator of "
                "the organisation with that code is updated.",
                indicator.source,
                name=indicator.name[:60],
                item=item.title[:60],
                count=len(indicator.values),
                targets=len(indicator.targets),
                code=indicator.code,
            )


def _extract_from(draft: Draft, item: DraftItem, lines: list[Line], codes: set) -> list[Line]:
    cells = _cells(lines)
    used: set[int] = set()  # indexes of lines taken by a table
    position = 0
    while position < len(cells):
        found = _grid(cells, position, lines) or _rows(cells, position)
        if found is None:
            position += 1
            continue
        indicators, end, taken = found
        for indicator in indicators:
            indicator.code = _code(indicator.name, codes)
            item.indicators.append(indicator)
        used.update(taken)
        position = end
    return [line for index, line in enumerate(lines) if index not in used]


def _grid(cells: list[_Cell], start: int, lines: list[Line]):
    """Layout 1: a heading cell, periods, then rows of a name and a figure per period."""
    head = cells[start]
    if parse_figure(head.text) is not None or PERIOD_CELL.match(head.text) or len(head.text) > 60:
        return None
    periods: list[str] = []
    position = start + 1
    while position < len(cells) and PERIOD_CELL.match(cells[position].text):
        periods.append(YEAR.findall(cells[position].text)[-1])
        position += 1
    if len(periods) < 2 or len(set(periods)) != len(periods):
        return None
    rows: list[tuple[str, list[tuple[Decimal, int, bool] | None]]] = []
    last_index = cells[position - 1].index
    while position + len(periods) < len(cells) + 1 and position < len(cells):
        name = cells[position].text
        row = cells[position + 1 : position + 1 + len(periods)]
        if len(row) < len(periods) or not re.search(r"[^\W\d_]{2}", name):
            break
        figures = [parse_figure(cell.text) for cell in row]
        if any(
            f is None and cell.text.lower() not in MISSING
            for f, cell in zip(figures, row, strict=True)
        ):
            break
        if all(f is None for f in figures):
            break
        rows.append((name, figures))
        last_index = row[-1].index
        position += 1 + len(periods)
    if not rows:
        return None
    name_at, definition = _name_above(lines, head.index)
    if name_at is None:
        return None
    indicator = DraftIndicator(lines[name_at].text.strip(), lines[name_at].source)
    indicator.definition = definition
    for number, (series, figures) in enumerate(rows):
        for period, figure in zip(periods, figures, strict=True):
            if figure is not None:
                indicator.values.append((period, "" if number == 0 else series, figure[0]))
    _unit(indicator, [f for _s, figures in rows for f in figures if f is not None])
    taken = set(range(name_at, last_index + 1))
    return [indicator], position, taken


def _name_above(lines: list[Line], index: int) -> tuple[int | None, str]:
    """The indicator's name: the short line above the table, with the sentences between."""
    between: list[str] = []
    for at in range(index - 1, max(-1, index - 1 - NAME_LOOKBACK), -1):
        text = lines[at].text.strip()
        if not text or "|" in text or lines[at].cells:
            return None, ""
        if len(text) <= 150 and not text.endswith((".", ":", ";", ",")):
            return at, " ".join(reversed(between))
        between.append(text)
    return None, ""


def _rows(cells: list[_Cell], start: int):
    """Layout 2: 'Effectindicator', column headings, then a row per indicator."""
    if normalise(cells[start].text) not in INDICATOR_HEADINGS:
        return None
    merged = _merge_headings(cells, start + 1)
    columns: list[tuple[str, int | None, str]] = []  # kind, year, heading
    for cell in merged:
        kind = _column(cell.text)
        if kind is None:
            break
        years = YEAR.findall(cell.text)
        columns.append((kind, int(years[-1]) if years else None, cell.text))
    if len(columns) < 2:
        return None
    rest = merged[len(columns) :]
    indicators: list[DraftIndicator] = []
    taken: set[int] = set(range(cells[start].index, (rest[0].index if rest else cells[-1].index)))
    position = 0
    while position + len(columns) < len(rest) + 1 and position < len(rest):
        name = rest[position]
        row = rest[position + 1 : position + 1 + len(columns)]
        if len(row) < len(columns) or parse_figure(name.text) is not None:
            break
        indicator = _row(name, row, columns)
        if indicator is None:
            break
        indicators.append(indicator)
        taken.update(range(name.index, row[-1].index + 1))
        position += 1 + len(columns)
    if not indicators:
        return None
    last = max(taken)
    end = next((at for at, cell in enumerate(cells) if cell.index > last), len(cells))
    return indicators, end, taken


def _row(name: _Cell, row: list[_Cell], columns: list) -> DraftIndicator | None:
    indicator = DraftIndicator(name.text, name.line.source)
    figures = []
    notes = []
    for (kind, year, heading), cell in zip(columns, row, strict=True):
        if kind == "source":
            indicator.origin = cell.text if cell.text.lower() not in MISSING else ""
            continue
        figure = parse_figure(cell.text)
        if figure is None:
            if cell.text.lower() in MISSING:
                continue
            return None
        figures.append(figure)
        if kind == "baseline":
            indicator.baseline_value = figure[0]
            indicator.baseline_period = str(year) if year else ""
        elif kind == "realised" and year:
            indicator.values.append((str(year), "", figure[0]))
        elif kind == "target" and year:
            indicator.targets[year] = figure[0]
        else:
            notes.append(f"{heading}: {cell.text}")
    if not figures:
        return None
    indicator.definition = "; ".join(notes)
    _unit(indicator, figures)
    return indicator


def _unit(indicator: DraftIndicator, figures: list) -> None:
    if figures and all(percent for _value, _decimals, percent in figures):
        indicator.unit = "percent"
    indicator.decimals = max((decimals for _value, decimals, _percent in figures), default=0)


def _code(name: str, codes: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", normalise(name)).strip("-")
    if len(base) > 44:
        base = base[:45].rpartition("-")[0] or base[:44]  # whole words
    base = base or "indicator"
    code, number = base, 1
    while code.casefold() in codes:
        number += 1
        code = f"{base}-{number}"
    codes.add(code.casefold())
    return code
