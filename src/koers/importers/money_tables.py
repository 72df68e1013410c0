"""Money tables whose rows hold their amounts on one line (BBC schemas, programme tables).

A Flemish BBC schema (J1 doelstellingenrekening, M1, M2, T1, T2) or a Dutch
programme table read as text gives one row per line, its cells separated by
``|`` (web pages, Word tables) or by spaces (PDF transcripts)::

    Schema M1 | 2026 | 2027
    Meerjarenplan | Meerjarenplan
    1 Wonen en leven | |
    Exploitatie | |
    Uitgave | 261 667 | 270 000
    Ontvangst | 10 000 | 12 000
    Saldo | -251 667 | -258 000

:func:`read_money_tables` finds the header (a line of at least two years or
column words: *Jaarrekening/Rek/Rekening/Realisatie* is the actual amount,
*Meerjarenplan/Mjp/Begroting/Budget/Raming* the initial budget, *Begroting na
wijziging* the current budget; a row of column words above or below a row of
years gives the years their kind), then reads the rows below it:

- a row without amounts names the item the amounts below belong to (a
  beleidsdoelstelling, beleidsdomein, programme or taakveld), found in the draft
  by its code or title or else added as a top-level item with a warning; a table
  under a schema title (``M2 - …``) and without such rows belongs to an item
  named after the schema, for the whole plan, and any other to the item whose
  heading stands nearest above it;
- *Exploitatie*, *Investering* and *Financiering* start a block (the budget
  line's nature; financing has no budget line in Koers, so its rows are skipped
  with a warning);
- *Uitgave(n)*/*Lasten* rows are expenses, *Ontvangst(en)*/*Baten*/*Inkomsten*
  receipts; a row named by an item under a table headed *Lasten*, *Baten* or
  with *Lasten/Baten/Saldo* columns gives that item's amounts;
- derived rows and columns (*Saldo*, *Verschil*, *Afwijking*, *Beschikbaar*) are
  checked against the stored amounts and warn with their line when they disagree
  by more than one unit of the table; they are never stored;
- any other row with amounts (totals, results, margins) is skipped with one
  warning per table.

``x € 1.000`` or ``Bedragen * 1.000`` near the table multiplies; a space may
separate thousands (``261 667``) when the row still splits into exactly one
amount per column. *Exploitatie / Investeringen / Andere* may also head groups of
columns. A schema copied one cell per line (years, column words, then *Uitgave*
and one amount per line) is read too (:func:`_vertical_header`), and so are a
programme page's key figures (:func:`read_labelled_amounts`). Amounts of one
item, year, direction and nature become one
budget line (an account and a plan column of the same year fill its actual and
initial amounts).
"""

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache

from koers.importers.amounts import scale_of, to_decimal
from koers.importers.draft import Draft, DraftBudget, DraftItem
from koers.importers.lines import Line
from koers.importers.vocabulary import normalise

YEAR_IN = re.compile(r"(?<![\d.,])((?:19|20)\d\d)(?![\d.,])")
SCALE = re.compile(r"(?:\bx|\*)\s*(?:€|eur\b|euro\b)?\s*1[.\s]?000(?:[.\s]?000)?\b", re.IGNORECASE)
SCHEMA_TITLE = re.compile(r"^(?:schema\s+)?(?P<name>[MJT][1-9])\b", re.IGNORECASE)
NUMBER_TOKEN = re.compile(r"^[-−–]?\d[\d.]*(?:,\d+)?$")
GROUP_HEAD = re.compile(r"^[-−–]?(?:[1-9]\d{0,2}|0)$")
GROUP_TAIL = re.compile(r"^\d{3}(?:,\d{1,2})?$")
ENUMERATOR = re.compile(r"^(?:[ivx]+|[a-h])[.)]\s+", re.IGNORECASE)
FORMULA = re.compile(r"\s*\([a-zivx+\-−–\s]+\)\s*$", re.IGNORECASE)
CODE = re.compile(r"^(?P<code>(?:[A-Z]{1,4}[-\s]?)?\d{1,4}(?:\.\d{1,4})*)\.?\s+(?P<title>\S.*)$")
LETTERS = re.compile(r"[^\W\d_]{3}")

MAX_LABEL = 120  # a longer line without amounts is prose: the table ends there
MAX_COLUMNS = 40  # a space-separated row of more columns is not split (bounded recursion)
MAX_GAP = 3  # lines without rows that a table may hold (titles, blank cells)
KIND_ROW_DISTANCE = 2

# Column words, most specific first: the first that occurs in a cell gives its kind.
COLUMN_WORDS = (
    ("current", ("begroting na wijziging", "na wijziging", "gewijzigde begroting",
                 "actuele begroting", "huidig budget", "aangepast budget")),
    ("difference", ("verschil", "afwijking")),
    ("available", ("beschikbaar",)),
    ("percent", ("%",)),
    ("actual", ("jaarrekening", "rekening", "rek", "realisatie", "gerealiseerd",
                "werkelijk", "aanwending", "besteed", "gebruikt")),
    ("initial", ("meerjarenplan", "mjp", "begroting", "begroot", "budget", "raming",
                 "primitieve begroting", "aanpassing", "krediet")),
)  # fmt: skip
DIRECTION_COLUMNS = {
    "lasten": "expense",
    "uitgaven": "expense",
    "baten": "receipt",
    "inkomsten": "receipt",
    "ontvangsten": "receipt",
    "saldo": "saldo",
}
EXPENSE_ROWS = {"uitgave", "uitgaven", "lasten", "kosten"}
RECEIPT_ROWS = {"ontvangst", "ontvangsten", "baten", "inkomsten", "opbrengsten"}
BLOCKS = (
    ("exploitatie", "operating"),
    ("investering", "investment"),
    ("financiering", "financing"),
)
_FIRST_WORDS = frozenset(phrase.split()[0] for _name, phrases in COLUMN_WORDS for phrase in phrases)
GROUP_BLOCKS = {"andere": "financing", "andere uitgaven en ontvangsten": "financing"}
MONEY_WORDS = ("exploitatie", "investering", "uitgave", "ontvangst", "lasten", "baten")
STORED = ("initial", "current", "actual")


@dataclass
class Column:
    year: int | None
    field: str | None  # initial, current, actual, difference, available, percent
    direction: str | None = None  # expense, receipt or saldo for Lasten/Baten/Saldo columns
    block: str | None = None  # operating, investment or financing under a group heading
    position: int | None = None  # the cell's place in a '|' row, for the group heading above


@dataclass
class _Table:
    header: Line
    columns: list[Column]
    scale: int
    direction: str | None  # 'Lasten' or 'Baten' above the table
    item: DraftItem | None = None
    pending: tuple | None = None  # (line, label) of a row naming the item of the rows below
    schema: Line | None = None  # the title of a whole-plan schema above the table
    above: object = None  # () → the item whose heading stands nearest above the table
    block: str = "operating"
    lines: dict = field(default_factory=dict)  # (item, year, direction, nature) → DraftBudget
    saldos: list = field(default_factory=list)  # (item, block, Line, values)
    skipped: list = field(default_factory=list)  # lines of rows that are no budget line
    financing: int = 0


def read_money_tables(draft: Draft, lines: list[Line]) -> None:
    """Add the budget lines of every one-row-per-line money table in ``lines`` to ``draft``."""
    draft.__dict__.pop("_money_items", None)  # the items by code and title, built on first use
    index = 0
    while index < len(lines):
        line = lines[index]
        text = line.text
        if (
            len(text) > 25
            and not line.cells
            and "|" not in text
            and text.count("20") + text.count("19") < 2
        ):
            index += 1  # no header can start here: the quick test most lines stop at
            continue
        columns = _header(line)
        if columns is None:
            vertical = _vertical_header(draft, lines, index)
            if vertical is None:
                index += 1
                continue
            columns, end = vertical
            index = _read_table(draft, lines, index, columns, body=end)
            continue
        if all(column.year is None for column in columns) and any(
            (near := _header(line)) and any(column.year for column in near)
            for line in lines[index + 1 : index + 1 + KIND_ROW_DISTANCE]
        ):
            index += 1  # a row of column words above the row of years: read with it
            continue
        columns = _with_kinds(draft, lines, index, columns)
        if columns is None:
            index += 1
            continue
        _group_blocks(lines, index, columns)
        index = _read_table(draft, lines, index, columns)
    read_labelled_amounts(draft, lines)
    draft.__dict__.pop("_money_items", None)
    draft.__dict__.pop("_money_positions", None)


# -- cells -------------------------------------------------------------------------


def _cells(line: Line) -> list[str] | None:
    """The cells of a row given as a table row or with '|' between cells; else None."""
    if line.cells:
        return [cell.strip() for cell in line.cells]
    if "|" in line.text:
        return [cell.strip() for cell in line.text.split("|")]
    return None


def _column(text: str) -> Column | None:
    """A header cell: a year, a column word, or both ('Rek 2020', 'Begroting 2026')."""
    years = YEAR_IN.findall(text)
    if len(years) > 1:
        return None
    words = normalise(YEAR_IN.sub(" ", text))
    kind = _kind(words)
    direction = DIRECTION_COLUMNS.get(words)
    if not years and kind is None and direction is None:
        return None
    return Column(int(years[0]) if years else None, kind, direction)


def _kind(words: str) -> str | None:
    for kind, pattern in _kind_patterns():
        if pattern.search(words):
            return kind
    return None


@cache
def _kind_patterns() -> tuple:
    patterns = []
    for kind, phrases in COLUMN_WORDS:
        words = "|".join(re.escape(phrase) for phrase in phrases if phrase != "%")
        alternatives = [rf"(?<!\w)(?:{words})(?!\w)"] if words else []
        if "%" in phrases:
            alternatives.append("%")
        patterns.append((kind, re.compile("|".join(alternatives))))
    return tuple(patterns)


def _header(line: Line) -> list[Column] | None:
    """The columns of a header line, or None when the line is no header."""
    cells = _cells(line)
    if cells is not None:
        columns = []
        filled = [(place, cell) for place, cell in enumerate(cells) if cell]
        for position, (place, cell) in enumerate(filled):
            column = _column(cell)
            if column is None:
                if position == 0 and not NUMBER_TOKEN.match(cell.replace(" ", "")):
                    continue  # the table's own label ('Programma', 'Budgettair resultaat')
                return None
            column.position = place
            columns.append(column)
    else:
        text = line.text
        if len(text) > 300 or text.count("20") + text.count("19") < 2:
            return None  # cheap test first: most lines name no two years
        if len(YEAR_IN.findall(text)) < 2:
            return None
        columns = []
        start = 0
        for match in YEAR_IN.finditer(text):
            segment = text[start : match.start()]
            if re.search(r"\d", segment):
                return None  # another figure than a year: a data row or prose
            words = normalise(segment)
            if columns and words and _kind(words) is None:
                return None  # words between the years that are no column words: prose
            columns.append(Column(int(match[1]), _kind(words) if words else None))
            start = match.end()
        tail = normalise(text[start:])
        if tail:
            if (kind := _kind(tail)) is None:
                return None
            columns.append(Column(None, kind))
    years = [column.year for column in columns if column.year]
    named = sum(1 for column in columns if column.field or column.direction)
    if len(columns) < 2 or not (years or named >= 2):
        return None
    return columns


def _group_blocks(lines: list[Line], index: int, columns: list[Column]) -> None:
    """Exploitatie / Investeringen / Andere as group headings above a row of Uitgaven columns."""
    for near in (index - 1, index - 2):
        if near < 0 or (cells := _cells(lines[near])) is None:
            continue
        starts = [
            (place, GROUP_BLOCKS.get(normalise(cell)) or _block(normalise(cell)))
            for place, cell in enumerate(cells)
            if cell
        ]
        if len(starts) < 2 or any(block is None for _place, block in starts):
            continue
        for column in columns:
            if column.position is None:
                return
            before = [block for place, block in starts if place <= column.position]
            column.block = before[-1] if before else None
        return


def _kind_row(line: Line) -> list[str] | None:
    """A row of column words only ('Jaarrekening | Jaarrekening | Meerjarenplan')."""
    cells = _cells(line)
    words = [cell for cell in cells if cell] if cells is not None else line.text.split()
    if len(words) < 2:
        return None
    kinds = [_kind(normalise(word)) for word in words]
    if any(kind is None or YEAR_IN.search(word) for kind, word in zip(kinds, words, strict=True)):
        return None
    return kinds


def _with_kinds(draft: Draft, lines: list[Line], index: int, columns: list[Column]):
    """Give year-only columns their kind from a row of column words next to the header."""
    if all(column.field or column.direction for column in columns):
        return columns
    for near in range(index - KIND_ROW_DISTANCE, index + KIND_ROW_DISTANCE + 1):
        if near == index or not 0 <= near < len(lines):
            continue
        kinds = _kind_row(lines[near])
        if kinds is None:
            continue
        if len(kinds) == len(columns):
            return [
                Column(c.year, kind, c.direction) for c, kind in zip(columns, kinds, strict=True)
            ]
        switches = [i for i in range(1, len(kinds)) if kinds[i] != kinds[i - 1]]
        if len(kinds) == len(columns) + 1 and len(switches) == 1:
            # a year reported both as account and as plan ('Jaarrekening 2023 | Meerjarenplan
            # 2023') is written once in the row of years
            boundary = switches[0]
            years = [c.year for c in columns]
            years.insert(boundary, years[boundary - 1])
            draft.warn(
                "money_year_twice",
                "The table has %(columns)s amount columns but %(years)s years; the year "
                "%(year)s is read as both account and plan. Check its budget lines.",
                lines[index].source,
                columns=len(kinds),
                years=len(columns),
                year=years[boundary],
            )
            return [Column(year, kind) for year, kind in zip(years, kinds, strict=True)]
    following = " ".join(line.text for line in lines[index + 1 : index + 6]).lower()
    if not any(word in following for word in MONEY_WORDS):
        return None
    schema = _schema_title(lines, index)
    if schema is not None and SCHEMA_TITLE.match(schema.text.strip())["name"][0] in "Mm":
        # a schema of the multi-year plan (M1, M2, M3): its years are planned amounts
        return [Column(column.year, "initial", column.direction) for column in columns]
    draft.warn(
        "money_columns_unknown",
        "The table's columns name years but not whether they are budget or account; its "
        "amounts were not read.",
        lines[index].source,
    )
    return None


# -- rows --------------------------------------------------------------------------


def _row(line: Line, count: int) -> tuple[str, list[Decimal] | None] | None:
    """(label, amounts) of a data row; amounts is None when they do not fit the columns.

    None when the line has no amounts at all.
    """
    cells = _cells(line)
    if cells is not None:
        filled = [cell for cell in cells if cell]
        if not filled:
            return None
        label = "" if _number(filled[0]) is not None else filled.pop(0)
        values = [_number(cell) for cell in filled]
        if not values:
            return label, []
        if any(value is None for value in values):
            return (label, None) if any(v is not None for v in values) else (label, [])
        return label, values if len(values) == count else None
    tokens = line.text.split()
    tail = len(tokens)
    while tail > 0 and (NUMBER_TOKEN.match(tokens[tail - 1]) or tokens[tail - 1] == "-"):
        tail -= 1
    numbers = tokens[tail:]
    label = " ".join(tokens[:tail])
    if not numbers:
        return label, []
    if len(numbers) < 2 and not label:
        return None
    return label, _split(numbers, count)


def _number(text: str) -> Decimal | None:
    text = text.strip().removeprefix("€").strip()
    if text in ("-", "–", "—"):
        return Decimal(0)
    compact = text.replace("\u00a0", " ").replace("\u202f", " ")
    if not re.fullmatch(
        r"[-−–]?\s?\d{1,3}(?:[. ]\d{3})*(?:,\d{1,2})?|[-−–]?\d+(?:,\d{1,2})?", compact
    ):
        return None
    return to_decimal(compact.replace(" ", ""))


def _split(tokens: list[str], count: int) -> list[Decimal] | None:
    """Space-separated cells as exactly ``count`` amounts, or None when that is ambiguous.

    '261 667 12 000' as two amounts is 261667 and 12000: a space is taken as a
    thousands separator only when it leaves one way to make ``count`` amounts.
    """
    tokens = ["0" if token == "-" else token for token in tokens]
    if len(tokens) == count:
        values = [to_decimal(token) for token in tokens]
        return None if any(value is None for value in values) else values
    if len(tokens) < count or len(tokens) > 4 * count or count > MAX_COLUMNS:
        return None
    ways: dict[tuple[int, int], int] = {}  # (position, amounts left) → number of splits

    def splits(position: int, left: int) -> int:
        if position == len(tokens):
            return 1 if left == 0 else 0
        if left == 0:
            return 0
        key = (position, left)
        if key not in ways:
            total = 0
            end = position + 1
            if GROUP_HEAD.match(tokens[position]):
                total += splits(end, left - 1)
                while end < len(tokens) and GROUP_TAIL.match(tokens[end]):
                    end += 1
                    total += splits(end, left - 1)
            elif NUMBER_TOKEN.match(tokens[position]):
                total += splits(end, left - 1)
            ways[key] = min(total, 2)
        return ways[key]

    if splits(0, count) != 1:
        return None
    values: list[Decimal] = []
    position, left = 0, count
    while position < len(tokens):
        end = position + 1
        while not (
            splits(end, left - 1) == 1
            and (end == position + 1 or GROUP_HEAD.match(tokens[position]))
            and all(GROUP_TAIL.match(token) for token in tokens[position + 1 : end])
        ):
            end += 1
            if end > len(tokens):
                return None
        value = to_decimal("".join(tokens[position:end]))
        if value is None:
            return None
        values.append(value)
        position, left = end, left - 1
    return values


def _label_words(label: str) -> str:
    return normalise(FORMULA.sub("", ENUMERATOR.sub("", label.strip())))


def _block(words: str) -> str | None:
    """'Exploitatie', 'Investeringen', 'Financieringsbudget': the row starts a block."""
    for word, block in BLOCKS:
        if words.startswith(word) and len(words.split()) <= 2:
            return block
    return None


# -- tables ------------------------------------------------------------------------


def _read_table(
    draft: Draft, lines: list[Line], start: int, columns: list[Column], body: int | None = None
) -> int:
    """Read the rows below a header at ``start`` (``body``: the first line after the header)."""
    table = _Table(lines[start], columns, _scale(lines, start), _direction_above(lines, start))
    table.schema = _schema_title(lines, start)
    table.above = lambda: _item_above(draft, lines, start)
    if not _context_kind(draft, lines, table):
        return body or start + 1
    gap = 0
    index = body or start + 1
    while index < len(lines):
        line = lines[index]
        if SCALE.search(line.text) and len(line.text) <= 40:
            table.scale = scale_of(line.text.replace("*", "x")) or 1
            index += 1
            continue
        if _kind_row(line) is not None:
            index += 1
            continue
        if _header(line) is not None:
            break
        row = _row(line, len(columns))
        if row is None:
            break
        label, values = row
        words = _label_words(label)
        if values == [] and (cells := _cells_below(lines, index, len(columns), words)):
            values = cells  # a row whose cells come one per line (PDF and web transcripts)
            _data_row(draft, table, line, label, words, values)
            index += 1 + len(columns)
            gap = 0
            continue
        if values == []:  # a row without amounts: a block, a direction or an item
            if not words or len(label) > MAX_LABEL or label.endswith((".", ":")):
                gap += 1
                if gap > MAX_GAP or len(label) > MAX_LABEL:
                    break
                index += 1
                continue
            gap = 0
            if (block := _block(words)) is not None:
                table.block = block
            elif words in ("lasten", "uitgaven"):
                table.direction = "expense"
            elif words in ("baten", "inkomsten", "ontvangsten"):
                table.direction = "receipt"
            elif LETTERS.search(words):
                table.item, table.pending = None, (line, label)  # an item once amounts follow
                table.block = "operating"
            index += 1
            continue
        gap = 0
        _data_row(draft, table, line, label, words, values)
        index += 1
    _finish(draft, table)
    return max(index, start + 1)


def _data_row(draft: Draft, table: _Table, line: Line, label: str, words: str, values) -> None:
    blocks = {block for word, block in BLOCKS if word in words}
    if "saldo" in words:
        if len(blocks) > 1:  # 'Saldo exploitatie en investeringen': a total
            table.skipped.append(line)
            return
        if blocks:
            table.block = blocks.pop()
        if values is not None and (item := _table_item(draft, table)) is not None:
            table.saldos.append((item, table.block, line, values))
        return
    direction = None
    if words in EXPENSE_ROWS:
        direction = "expense"
    elif words in RECEIPT_ROWS:
        direction = "receipt"
    if values is None:
        draft.warn(
            "money_row_unclear",
            "The row's amounts do not fit the table's %(columns)s columns; they were not read.",
            line.source,
            columns=len(table.columns),
        )
        return
    if direction is not None:
        item = _table_item(draft, table)
        if item is None:
            table.skipped.append(line)
            return
    elif _is_total(words):
        table.skipped.append(line)
        return
    elif any(c.direction in ("expense", "receipt") for c in table.columns) or (
        table.direction is not None and LETTERS.search(words) and not _is_total(words)
    ):
        item = _item(draft, line, label)
        direction = table.direction
    else:
        table.skipped.append(line)
        return
    if table.block == "financing":
        table.financing += 1
        return
    _store(draft, table, item, line, label, direction, values)


def _is_total(words: str) -> bool:
    return words.startswith(("totaal", "subtotaal", "eindtotaal", "saldo", "resultaat"))


def _store(draft, table: _Table, item, line: Line, label: str, direction, values) -> None:
    by_direction: dict[tuple, dict] = {}  # (block, direction) → year → field → amount
    financing = False
    for column, value in zip(table.columns, values, strict=True):
        where = column.direction if column.direction in ("expense", "receipt", "saldo") else None
        where = where or direction or "expense"
        block = column.block or table.block
        if block == "financing":
            financing = True
            continue
        by_direction.setdefault((block, where), {}).setdefault(column.year, {})[column.field] = (
            value * table.scale
        )
    if financing:
        table.financing += 1
    for (block, where), years in by_direction.items():
        if where == "saldo":
            continue
        for year, amounts in years.items():
            if not any(amounts.get(key) is not None for key in STORED):
                continue
            key = (id(item), year, where, block)
            budget = table.lines.get(key)
            if budget is None:
                budget = DraftBudget(line.source, label=label, year=year, direction=where)
                budget.nature = block
                table.lines[key] = budget
                item.budget.append(budget)
            for name in STORED:
                if amounts.get(name) is not None and getattr(budget, name) is None:
                    setattr(budget, name, amounts[name])
            _check_derived(draft, table, line, amounts)
    for (block, where), saldo in by_direction.items():
        if where != "saldo":
            continue
        for year, amounts in saldo.items():
            expense = by_direction.get((block, "expense"), {}).get(year, {})
            receipt = by_direction.get((block, "receipt"), {}).get(year, {})
            for name, stated in amounts.items():
                if (
                    name in STORED
                    and expense.get(name) is not None
                    and receipt.get(name) is not None
                ):
                    _compare(draft, table, line, stated, receipt[name] - expense[name])


def _check_derived(draft: Draft, table: _Table, line: Line, amounts: dict) -> None:
    base = amounts.get("current", amounts.get("initial"))
    actual = amounts.get("actual")
    if base is None or actual is None:
        return
    stated = amounts.get("difference")
    # a difference is written as either budget minus actual or actual minus budget
    if stated is not None and abs(abs(stated) - abs(actual - base)) > table.scale:
        _compare(draft, table, line, stated, actual - base)
    if (stated := amounts.get("available")) is not None:
        _compare(draft, table, line, stated, base - actual)


def _compare(draft: Draft, table: _Table, line: Line, stated: Decimal, computed: Decimal) -> None:
    if abs(stated - computed) > table.scale:  # one unit of the table: rounding
        draft.warn(
            "money_derived_disagrees",
            "The stated %(stated)s is not what the other amounts give, %(computed)s; check "
            "the row.",
            line.source,
            stated=str(stated),
            computed=str(computed),
        )


def _finish(draft: Draft, table: _Table) -> None:
    by_key: dict = {}
    for key, budget in table.lines.items():
        by_key[key] = budget
    for item, block, line, values in table.saldos:
        if values is None:
            continue
        for column, value in zip(table.columns, values, strict=True):
            if column.field not in STORED:
                continue
            expense = by_key.get((id(item), column.year, "expense", block))
            receipt = by_key.get((id(item), column.year, "receipt", block))
            if expense is None or receipt is None:
                continue
            spent = getattr(expense, column.field)
            received = getattr(receipt, column.field)
            if spent is None or received is None:
                continue
            _compare(draft, table, line, value * table.scale, received - spent)
    if table.financing:
        draft.warn(
            "money_financing_skipped",
            "%(count)s financing rows (loans and repayments) were not read: Koers keeps "
            "operating and investment budgets only.",
            table.header.source,
            count=table.financing,
        )
    if table.skipped:
        draft.warn(
            "money_rows_skipped",
            "%(count)s rows of the table (totals, results, rows of no known item or kind, from "
            "line %(first)s) are no budget lines and were not read.",
            table.skipped[0].source,
            count=len(table.skipped),
            first=table.skipped[0].source.line or "?",
        )


def _cells_below(lines: list[Line], index: int, count: int, words: str) -> list[Decimal] | None:
    """The amounts of an Uitgave/Ontvangst/Saldo row given one per line below its label."""
    if not (words in EXPENSE_ROWS or words in RECEIPT_ROWS or "saldo" in words):
        return None
    values = []
    for line in lines[index + 1 : index + 1 + count]:
        value = _number(line.text) if not line.cells and "|" not in line.text else None
        if value is None:
            return None
        values.append(value)
    return values if len(values) == count else None


def _vertical_header(draft: Draft, lines: list[Line], start: int):
    """A header whose cells come one per line: '2024', '2025', 'Jaarrekening', 'Meerjarenplan'.

    Returns (columns, first line after the header) or None. Only tables of
    Uitgave/Ontvangst rows are read this way; programme tables with one cell per
    line are read by :mod:`koers.importers.cells`.
    """
    text = lines[start].text
    first = text.split(maxsplit=1)[0].lower() if text.strip() else ""
    if len(text) > 25 or "|" in text or not (first in _FIRST_WORDS or YEAR_IN.match(first)):
        return None
    cells: list[Column] = []
    end = start
    while end < len(lines) and end - start < 30:
        line = lines[end]
        if line.cells or "|" in line.text or len(line.text) > 40:
            break
        column = _column(line.text)
        if column is None or column.direction:
            break
        cells.append(column)
        end += 1
    if len(cells) < 3:
        return None
    following = " ".join(normalise(line.text) for line in lines[end : end + 12]).split()
    if not any(word in ("uitgave", "uitgaven", "ontvangst", "ontvangsten") for word in following):
        return None
    years = [c.year for c in cells if c.year and not c.field]
    kinds = [c.field for c in cells if c.field and not c.year]
    named = [c for c in cells if c.year and c.field]
    if named and not years and not kinds:
        columns = named
    elif years and kinds and not named:
        row = Line(" | ".join(str(y) for y in years), lines[start].source)
        columns = _header(row)
        kind_line = Line(" | ".join(kinds_text(kinds)), lines[start].source)
        columns = _with_kinds(draft, [row, kind_line], 0, columns) if columns else None
    else:
        return None
    if not columns or len(columns) < 2:
        return None
    return columns, end


def kinds_text(kinds: list[str]) -> list[str]:
    names = {"actual": "Jaarrekening", "initial": "Meerjarenplan", "current": "Na wijziging"}
    return [names.get(kind, kind) for kind in kinds]


def _context_kind(draft: Draft, lines: list[Line], table: _Table) -> bool:
    """Give Lasten/Baten/Saldo columns without a kind the kind and year of the table's title.

    False (with a warning) when neither the lines above nor the document say it.
    """
    if all(column.field for column in table.columns):
        return True
    if not all(column.field or column.direction for column in table.columns):
        return True  # year-only columns got their kind from a row of column words
    start = lines.index(table.header) if table.header in lines else 0
    kind = year = None
    for line in lines[max(0, start - 3) : start + 1]:
        if match := DOCUMENT_KIND.search(line.text):
            kind, year = _kind_of(match)
    if kind is None:
        kind, year = _document_kind(draft, lines)
    if kind is None:
        draft.warn(
            "money_columns_unknown",
            "The table's columns do not say whether they are budget or account; its amounts "
            "were not read.",
            table.header.source,
        )
        return False
    table.columns = [
        replace(column, year=column.year or year, field=column.field or kind)
        for column in table.columns
    ]
    return True


# -- labelled amounts (KPI widgets and lists) ------------------------------------

WIDGET_LABELS = {
    "uitgaven": "expense",
    "lasten": "expense",
    "inkomsten": "receipt",
    "baten": "receipt",
    "ontvangsten": "receipt",
    "saldo": "saldo",
}
EURO_ALONE = re.compile(r"^(?P<word>[^\d€]*?)\s*€\s*(?P<number>[-−–]?\s?[\d.,]+)$")
PERCENT = re.compile(r"^[-−–]?\d+(?:[.,]\d+)?\s?%")
DOCUMENT_KIND = re.compile(
    r"(?<![^\W\d_])(?P<word>jaarrekening|jaarverslag|jaarstukken|rekening|begroting|"
    r"meerjarenplan|voorjaarsnota|kadernota)(?![^\W\d_])(?:[\s_-]*(?P<year>(?:19|20)\d\d)(?!\d))?",
    re.IGNORECASE,
)
_LABEL_START = re.compile(r"\W*(?:uitgaven|lasten|inkomsten|baten|ontvangsten|saldo)\b", re.I)
WIDGET_SPAN = 5  # lines after a label that may hold its figure, percentage and multiplier


def read_labelled_amounts(draft: Draft, lines: list[Line]) -> None:
    """Amounts under a label of their own, as a programme page's KPI widgets show them::

        Uitgaven            Lasten x € 1.000
        16,16%              Begroot € 5.547
        € 18.795            Gerealiseerd € 6.079
        x € 1.000           Afwijking € -532

    A figure alone is the actual amount in a year account (*jaarrekening*,
    *jaarverslag* in the document's first lines) and the budget in a budget
    (*begroting*, *meerjarenplan*); named figures (*Begroot*, *Gerealiseerd*) say
    it themselves. The amounts belong to the item above them, or to the page's
    only top-level item when they stand above it; else they are skipped with a
    warning. *Saldo* and *Afwijking* are checked, not stored.
    """
    placed = None  # (line index, order, item), built at the first label
    found: dict = {}  # (item, year, direction) → DraftBudget
    saldos: list = []
    for index, line in enumerate(lines):
        if len(line.text) > 60 or not _LABEL_START.match(line.text):
            continue
        words = normalise(SCALE.sub(" ", line.text).replace("(", " ").replace(")", " "))
        words = " ".join(word for word in words.split() if word != "bedragen")
        direction = WIDGET_LABELS.get(words)
        if direction is None:
            continue
        scale = scale_of(line.text.replace("*", "x")) if SCALE.search(line.text) else 1
        amounts: dict[str, Decimal] = {}
        figure = None  # the line of the first figure
        for following in lines[index + 1 : index + 1 + WIDGET_SPAN]:
            text = following.text.strip()
            if PERCENT.match(text) and len(text) <= 20:
                continue
            if SCALE.fullmatch(text):
                scale = scale_of(text.replace("*", "x"))
                continue
            match = EURO_ALONE.match(text)
            if match is None or (value := to_decimal(match["number"])) is None:
                break
            field = _kind(normalise(match["word"])) if match["word"].strip() else ""
            if field is None or field in amounts:
                break
            amounts[field] = value
            figure = figure or following
        if not amounts:
            continue
        if "" in amounts:
            kind, year = _document_kind(draft, lines)
            if kind is None:
                draft.warn(
                    "money_figure_unclear",
                    "The figure under '%(label)s' is not said to be a budget or an account; it "
                    "was not read.",
                    line.source,
                    label=line.text[:40],
                )
                continue
            amounts[kind] = amounts.pop("")
        else:
            year = _document_kind(draft, lines)[1]
        amounts = {key: value * scale for key, value in amounts.items()}
        if placed is None:
            positions = {line.source: index for index, line in enumerate(lines)}
            placed = sorted(
                (positions[item.source], order, item)
                for order, (_depth, item) in enumerate(draft.walk())
                if item.source in positions
            )
        item = _item_at(draft, placed, index)
        if item is None:
            draft.warn(
                "money_no_item",
                "The amounts under '%(label)s' belong to no item of the plan; they were not read.",
                line.source,
                label=line.text[:40],
            )
            continue
        if direction == "saldo":
            saldos.append((item, year, line, amounts))
            continue
        key = (id(item), year, direction)
        if key in found:
            continue  # the same widget repeated on the page
        budget = DraftBudget(figure.source, label=line.text[:300], year=year, direction=direction)
        for name in STORED:
            setattr(budget, name, amounts.get(name))
        found[key] = budget
        item.budget.append(budget)
        table = _Table(line, [], scale, None)
        _check_derived(draft, table, line, amounts)
    for item, year, line, amounts in saldos:
        expense, receipt = (
            found.get((id(item), year, "expense")),
            found.get((id(item), year, "receipt")),
        )
        for name, stated in amounts.items():
            if name in STORED and expense is not None and receipt is not None:
                spent, received = getattr(expense, name), getattr(receipt, name)
                if spent is not None and received is not None:
                    _compare(draft, _Table(line, [], 1, None), line, stated, received - spent)


def _document_kind(draft: Draft, lines: list[Line]) -> tuple[str | None, int | None]:
    """(actual or initial, year) from the words of the document's first lines."""
    for line in lines[:5]:
        if match := DOCUMENT_KIND.search(line.text):
            return _kind_of(match)
    return None, None


def _kind_of(match: re.Match) -> tuple[str, int | None]:
    word = match["word"].lower()
    kind = (
        "actual"
        if word in ("jaarrekening", "jaarverslag", "jaarstukken", "rekening")
        else "initial"
    )
    return kind, int(match["year"]) if match["year"] else None


def _item_above(draft: Draft, lines: list[Line], start: int) -> DraftItem | None:
    """The item whose line is the nearest above line ``start`` (None above the first item)."""
    positions = draft.__dict__.get("_money_positions")
    if positions is None or positions[0] is not lines:
        positions = (lines, {line.source: index for index, line in enumerate(lines)})
        draft.__dict__["_money_positions"] = positions
    best, best_position = None, -1
    for _depth, item in draft.walk():
        position = positions[1].get(item.source, -1)
        if best_position < position <= start:
            best, best_position = item, position
    return best


def _item_at(draft: Draft, placed: list, index: int) -> DraftItem | None:
    """The item whose line is the nearest above ``index``; or the only top-level item below.

    ``placed`` holds (line index, order, item), sorted.
    """
    at = bisect_right(placed, (index, float("inf")))
    if at:
        return placed[at - 1][2]
    return draft.items[0] if len(draft.items) == 1 else None


# -- context -----------------------------------------------------------------------


def _scale(lines: list[Line], start: int) -> int:
    """'x € 1.000' or 'Bedragen * 1.000' on the header or the lines just above it."""
    for line in reversed(lines[max(0, start - 5) : start + 1]):
        if SCALE.search(line.text):
            return scale_of(line.text.replace("*", "x")) or 1
    return 1


def _direction_above(lines: list[Line], start: int) -> str | None:
    for line in lines[max(0, start - 3) : start + 1]:
        words = normalise(SCALE.sub(" ", line.text).replace("(", " ").replace(")", " "))
        words = words.replace("bedragen", "").strip()
        if words.startswith(("lasten", "uitgaven")):
            return "expense"
        if words.startswith(("baten", "inkomsten", "ontvangsten")):
            return "receipt"
    return None


def _schema_title(lines: list[Line], start: int) -> Line | None:
    """The first schema title ('M2 - Staat van het financieel evenwicht') just above a table."""
    for line in lines[max(0, start - 8) : start]:
        if SCHEMA_TITLE.match(line.text.strip()) and len(line.text) <= MAX_LABEL:
            return line
    return None


def _table_item(draft: Draft, table: _Table) -> DraftItem | None:
    """The item the table's current rows belong to: the row naming it, else the schema's."""
    if table.item is not None:
        return table.item
    if table.pending is not None:
        line, label = table.pending
        table.item, table.pending = _item(draft, line, label), None
        return table.item
    if table.schema is None:
        table.item = table.above()  # a goal's or programme's own table, under its heading
        return table.item
    line = table.schema
    name = SCHEMA_TITLE.match(line.text.strip())["name"].upper()
    for _depth, item in draft.walk():
        if item.kind == "schema" and item.code == name:
            table.item = item
            return item
    title = line.text.split("|")[0].strip()
    table.item = DraftItem(title, "schema", line.source, code=name)
    draft.items.append(table.item)
    draft.warn(
        "money_schema_item",
        "The amounts of schema %(name)s are for the whole plan; they were kept on an item of "
        "their own. Untick it if the plan's items carry their own budget lines.",
        line.source,
        name=name,
    )
    return table.item


class _Items:
    """The draft's items by code and by title, looked up once per row."""

    def __init__(self, draft: Draft):
        self.codes: dict[str, DraftItem] = {}
        self.titles: dict[str, DraftItem] = {}
        for _depth, item in draft.walk():
            self.add(item)

    def add(self, item: DraftItem) -> None:
        if item.code:
            self.codes.setdefault(item.code, item)
        self.titles.setdefault(normalise(item.title), item)


def _item(draft: Draft, line: Line, label: str) -> DraftItem:
    """The draft's item with the row's code or title, or a new top-level item."""
    items = draft.__dict__.get("_money_items")
    if items is None:
        items = draft.__dict__["_money_items"] = _Items(draft)
    label = label.strip()
    match = CODE.match(label)
    code, title = (match["code"], match["title"]) if match else ("", label)
    found = (
        (code and items.codes.get(code))
        or items.titles.get(normalise(title))
        or (code and items.titles.get(normalise(label)))
    )
    if found:
        return found
    item = DraftItem(title, "money_row", line.source, code=code)
    draft.items.append(item)
    items.add(item)
    draft.warn(
        "money_item_added",
        "'%(title)s' names the amounts of a money table but is no item of the plan yet; it was "
        "added as a top-level item.",
        line.source,
        title=title[:80],
    )
    return item
