"""Spreadsheets (CSV, Excel): one row per item.

The header row names the columns; ``vocabulary.toml`` maps headings such as
'Code', 'Titel', 'Bovenliggende code', 'Niveau', 'Eigenaar', 'Start', 'Einde',
'Budget' and 'Status' to fields, and a caller may map columns itself. The tree
comes from the parent code column, else from the codes themselves (PE1-01 under
PE1), else from a level column; otherwise the rows form a flat list.
"""

import re
from decimal import Decimal

from koers.importers import codes as code_rules
from koers.importers.amounts import bare_amount, euro_amounts, scale_of
from koers.importers.draft import Draft, DraftBudget, DraftItem
from koers.importers.families.common import note_years
from koers.importers.lines import Line
from koers.importers.periods import Period, parse_period
from koers.importers.statuses import parse_status
from koers.importers.vocabulary import column_fields, normalise

FIELDS = (
    "code",
    "title",
    "parent_code",
    "level",
    "description",
    "owner",
    "departments",
    "start",
    "end",
    "timing",
    "budget",
    "spent",
    "status",
    "progress",
    "policy",
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def map_columns(header: tuple[str, ...]) -> dict[str, int]:
    """Field → column index, from the header's words."""
    known = column_fields()
    mapping: dict[str, int] = {}
    for index, heading in enumerate(header):
        words = normalise(re.sub(r"\(.*?\)", "", heading)) or normalise(heading)
        field = known.get(normalise(heading)) or known.get(words)
        if field is None and words.startswith("budget"):
            field = "budget"
        if field and field not in mapping:
            mapping[field] = index
    return mapping


def header_row(lines: list[Line], columns: dict[str, str] | None = None) -> int | None:
    """Index (among the rows with cells) of the header: the first row naming a title column,
    or, with a mapping chosen by the user, the first row holding the chosen headings."""
    rows = [line for line in lines if line.cells][:20]
    for index, line in enumerate(rows):
        if columns:
            if set(columns.values()) <= set(line.cells):
                return index
        elif "title" in map_columns(line.cells):
            return index
    return None


def sheet_columns(lines: list[Line]) -> tuple[tuple[str, ...], dict[str, str]]:
    """The header cells of a sheet and the fields they are mapped to automatically."""
    rows = [line for line in lines if line.cells]
    at = header_row(lines)
    header = rows[at].cells if at is not None else (rows[0].cells if rows else ())
    return header, {field: header[index] for field, index in map_columns(header).items()}


def parse(lines: list[Line], columns: dict[str, str] | None = None) -> Draft:
    """``columns`` maps fields to header cells ('title': 'Naam'), overriding the headings."""
    draft = Draft(family="table", preset="custom")
    rows = [line for line in lines if line.cells]
    note_years(draft, rows)
    columns = {field: name for field, name in (columns or {}).items() if field in FIELDS and name}
    if columns and "title" not in columns:
        draft.warn("no_title_column", "Choose the column that holds the titles.")
        return draft
    header_at = header_row(lines, columns)
    if header_at is None:
        draft.warn(
            "no_header",
            "No header row with a title column was found; name the columns (for example "
            "'Code', 'Titel', 'Bovenliggende code').",
        )
        return draft
    header = rows[header_at].cells
    if columns:
        mapping = {field: header.index(name) for field, name in columns.items()}
    else:
        mapping = map_columns(header)
    scale = scale_of(" ".join(header))
    body = rows[header_at + 1 :]
    items: list[tuple[DraftItem, str, str]] = []  # (item, parent code, level)
    for row in body:
        item, parent, level = _item(row, mapping, scale, draft)
        if item is not None:
            items.append((item, parent, level))
    _build_tree(draft, items)
    if not draft.items:
        draft.warn("no_items", "The sheet has no rows with a title.")
    return draft


def _cell(row: Line, mapping: dict[str, int], field: str) -> str:
    index = mapping.get(field)
    if index is None or index >= len(row.cells):
        return ""
    return row.cells[index].strip()


def _item(row: Line, mapping, scale, draft) -> tuple[DraftItem | None, str, str]:
    title = _cell(row, mapping, "title")
    if not title:
        if any(row.cells):
            draft.warn("row_without_title", "A row without a title was skipped.", row.source)
        return None, "", ""
    item = DraftItem(title, "row", row.source, code=_cell(row, mapping, "code"))
    if description := _cell(row, mapping, "description"):
        item.add_text("description", Line(description, row.source))
    owner = _cell(row, mapping, "owner")
    if owner and EMAIL.match(owner):
        item.owner = owner.lower()
    elif owner:
        item.add_text("description", Line(f"Eigenaar: {owner}", row.source))
    if departments := _cell(row, mapping, "departments"):
        item.departments = [d.strip() for d in re.split(r"[;,\n]", departments) if d.strip()]
    start, end, timing = (_cell(row, mapping, f) for f in ("start", "end", "timing"))
    item.timing, item.timing_text = _timing(start, end, timing)
    if status_text := _cell(row, mapping, "status"):
        item.status = parse_status(status_text)
        if item.status is None:
            draft.warn(
                "unknown_status",
                "Status '%(status)s' is not known; it was kept in the description.",
                row.source,
                status=status_text,
            )
            item.add_text("description", Line(f"Status: {status_text}", row.source))
    if progress := _cell(row, mapping, "progress"):
        number = bare_amount(progress.rstrip("% "))
        if number is not None and 0 <= number <= 100:
            item.progress = int(number)
    policy = normalise(_cell(row, mapping, "policy"))
    if policy:
        item.policy = "regular" if policy.startswith(("regul", "gelijk", "niet")) else "priority"
    budget = _money(_cell(row, mapping, "budget"), scale)
    spent = _money(_cell(row, mapping, "spent"), scale)
    if budget is not None or spent is not None:
        year = item.timing.first_year if item.timing else None
        item.budget.append(DraftBudget(row.source, year=year, initial=budget, actual=spent))
    return item, _cell(row, mapping, "parent_code"), _cell(row, mapping, "level")


def _timing(start: str, end: str, timing: str) -> tuple[Period | None, str]:
    if timing:
        return parse_period(timing), timing
    first = parse_period(start) if start else None
    last = parse_period(end) if end else None
    if first is None and last is None:
        return None, ""
    text = " – ".join(part for part in (start, end) if part)
    return Period(first.start if first else None, (last or first).end, text), ""


def _money(text: str, scale: int) -> Decimal | None:
    if not text:
        return None
    found = euro_amounts(text)
    value = found[0][0] if found else bare_amount(text)
    return value * scale if value is not None else None


def _build_tree(draft: Draft, items: list[tuple[DraftItem, str, str]]) -> None:
    by_code = {item.code: item for item, _parent, _level in items if item.code}
    has_parents = any(parent for _item, parent, _level in items)
    has_levels = any(level for _item, _parent, level in items)
    stack: list[tuple[int, DraftItem]] = []
    for item, parent_code, level in items:
        parent = None
        if has_parents and parent_code:
            parent = by_code.get(parent_code)
            if parent is None:
                draft.warn(
                    "unknown_parent",
                    "Parent code '%(code)s' does not occur in the sheet; the row was placed at "
                    "the top.",
                    item.source,
                    code=parent_code,
                )
        elif not has_parents and item.code:
            code = code_rules.parent_code(item.code)
            while code and parent is None:
                parent = by_code.get(code)
                code = code_rules.parent_code(code)
        elif has_levels and level:
            depth = _level_number(level)
            while stack and stack[-1][0] >= depth:
                stack.pop()
            parent = stack[-1][1] if stack else None
            stack.append((depth, item))
        if parent is item or _is_descendant(parent, item):
            parent = None
        (parent.children if parent is not None else draft.items).append(item)


def _level_number(level: str) -> int:
    number = re.match(r"\d+", level.strip())
    if number:
        return int(number.group())
    words = normalise(level)
    for depth, names in enumerate(
        (
            ("beleidsdoelstelling", "doelstelling", "programma", "strategisch", "doel"),
            ("actieplan", "actielijn", "operationeel", "tactisch"),
            ("actie", "activiteit", "project"),
        ),
        start=1,
    ):
        if any(words.startswith(name) for name in names):
            return depth
    return 1


def _is_descendant(candidate: DraftItem | None, item: DraftItem) -> bool:
    if candidate is None:
        return False
    return any(child is candidate for _depth, child in item.walk())
