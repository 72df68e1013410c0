"""(c) A Flemish policy note with goal tables.

'STRATEGISCH DOEL N' (its title on the same or the next line), optionally
'Tactische doelstelling N.M', then 'Operationele doelstelling N.M(.K)' with a
table 'Concrete acties | timing | budget'. In text copied from a table every
cell starts with a tab and may continue on the following lines; a row is
complete when it has as many cells as the header. 'regulier' means the action
has no amount of its own.
"""

import re

from koers.importers.amounts import bare_amount, euro_amounts, scale_of
from koers.importers.draft import Draft, DraftBudget, DraftItem
from koers.importers.families.common import content_lines, note_years
from koers.importers.lines import Line
from koers.importers.periods import parse_period
from koers.importers.statuses import parse_status
from koers.importers.vocabulary import normalise

LEVELS = ("Strategische doelstelling", "Operationele doelstelling", "Actie")
GOAL = re.compile(
    r"^(?P<kind>strategisch(?:e)?\s+doel(?:stelling)?|tactische\s+doel(?:stelling)?|"
    r"operationele\s+doel(?:stelling)?|beleidsdoelstelling|actieplan)\s+"
    r"(?P<number>\d{1,2}(?:\.\d{1,2}){0,3})\s*[:.]?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
KINDS = {
    "strat": ("strategic_goal", "SD"),
    "tacti": ("tactical_goal", "TD"),
    "opera": ("operational_goal", "OD"),
    "beleid": ("strategic_goal", "BD"),
    "actie": ("operational_goal", "AP"),
}
ACTION_HEADERS = {"concrete acties", "acties", "actie", "concrete actie", "wat gaan we doen"}
CHAPTER = re.compile(r"^(?:\d{1,2}\.|deel\s+\d+\s*:?)$", re.IGNORECASE)
NO_AMOUNT = {"regulier", "reguliere werking", "regulier budget", "geen", "nvt", "n.v.t", "-"}


def score(lines: list[Line]) -> int:
    goals = sum(1 for line in lines if GOAL.match(line.text))
    tables = sum(1 for line in lines if _is_header(line))
    return goals + tables if goals >= 2 else 0


def _is_header(line: Line) -> bool:
    if line.cells:
        return normalise(line.cells[0]) in ACTION_HEADERS
    return normalise(line.text) in ACTION_HEADERS


def parse(lines: list[Line]) -> Draft:
    draft = Draft(family="policy_note", preset="flemish_bbc", levels=LEVELS)
    lines = content_lines(lines)
    note_years(draft, lines)
    goals: dict[str, DraftItem] = {}
    current: DraftItem | None = None
    waiting_title: DraftItem | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        text = line.text
        if (match := GOAL.match(text)) and not line.bullet:
            word = match["kind"].lower()
            kind, prefix = next(value for key, value in KINDS.items() if word.startswith(key))
            number = match["number"]
            item = DraftItem(match["title"].strip(), kind, line.source, code=prefix + number)
            _place(draft, goals, item, number, prefix)
            goals[item.code] = item
            current = item
            waiting_title = item if not item.title else None
            index += 1
            continue
        if waiting_title is not None:
            waiting_title.title = text.rstrip(" *")
            waiting_title = None
            index += 1
            continue
        if CHAPTER.match(text) and not line.cell:
            current = None
            index += 1
            continue
        if current is not None and _is_header(line):
            index = _table(lines, index, current, draft)
            continue
        if current is None:
            draft.context.append(line)
        else:
            current.add_text("description", line)
        index += 1
    if not any(item.kind == "action" for _depth, item in draft.walk()):
        draft.warn("no_items", "No tables of concrete actions were found.")
    return draft


def _place(draft: Draft, goals: dict[str, DraftItem], item: DraftItem, number: str, prefix: str):
    """Under the nearest goal whose number is a prefix of this one."""
    if prefix in ("SD", "BD"):
        draft.items.append(item)
        return
    parts = number.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        head = ".".join(parts[:cut])
        for parent_prefix in ("TD", "SD", "BD", "OD"):
            parent = goals.get(parent_prefix + head)
            if parent is not None and parent is not item:
                parent.children.append(item)
                return
    draft.warn(
        "orphan_goal",
        "%(code)s has no goal above it in the document; it was placed at the top.",
        item.source,
        code=item.code,
    )
    draft.items.append(item)


def _table(lines: list[Line], index: int, goal: DraftItem, draft: Draft) -> int:
    """Read a table of actions starting at its header line; return the next index."""
    header = lines[index]
    if header.cells:
        width = len(header.cells)
        scale = scale_of(" ".join(header.cells))
        index += 1
        while index < len(lines) and lines[index].cells and not _is_header(lines[index]):
            _action(goal, list(lines[index].cells), [lines[index]] * width, scale, draft)
            index += 1
        return index
    # Text copied from a table: the header cells, then one tab-led line per cell.
    header_cells = [header]
    index += 1
    while (
        index < len(lines)
        and lines[index].cell
        and len(header_cells) < 6
        and (
            normalise(lines[index].text)
            in {
                "timing",
                "budget",
                "planning",
                "timing en budget",
                "trekker",
                "verantwoordelijke",
                "kostprijs",
                "raming",
            }
            or scale_of(lines[index].text) != 1
        )
    ):
        header_cells.append(lines[index])
        index += 1
    width = len(header_cells)
    scale = scale_of(" ".join(cell.text for cell in header_cells))
    cells: list[list[Line]] = []
    while index < len(lines):
        line = lines[index]
        if (
            GOAL.match(line.text)
            or _is_header(line)
            or (CHAPTER.match(line.text) and not line.cell)
        ):
            break
        complete = len(cells) == width
        if line.cell:
            if complete:
                _action_from_cells(goal, cells, scale, draft)
                cells = []
            cells.append([line])
        elif cells and (not complete or not line.blank_before):
            cells[-1].append(line)
        else:
            break  # text after the table belongs to the goal
        index += 1
    if cells:
        _action_from_cells(goal, cells, scale, draft)
    return index


def _action_from_cells(goal: DraftItem, cells: list[list[Line]], scale: int, draft: Draft):
    if len(cells) < 2:
        draft.warn("short_row", "A table row has fewer cells than its header.", cells[0][0].source)
    texts = ["\n".join(line.text for line in cell) for cell in cells]
    _action(goal, texts, [cell[0] for cell in cells], scale, draft, cells[0])


def _action(goal, texts, first_lines, scale, draft, title_lines=None):
    title_lines = title_lines or [first_lines[0]]
    title, rest = _title(title_lines)
    action = DraftItem(title, "action", first_lines[0].source)
    action.sections["description"] = rest
    if len(texts) > 1:
        timing = texts[1]
        action.timing_text = " / ".join(part.strip() for part in timing.split("\n") if part.strip())
        action.timing = parse_period(timing)
        status = parse_status(timing)
        if status is not None:
            action.status = status
    if len(texts) > 2:
        money = texts[2]
        action.add_text("cost", Line(" ".join(money.split()), first_lines[2].source))
        amounts = [value for value, _position in euro_amounts(money)]
        if not amounts and (alone := bare_amount(money.split("\n")[0])) is not None:
            amounts = [alone]
        if amounts:
            year = action.timing.first_year if action.timing else None
            action.budget.append(
                DraftBudget(
                    first_lines[2].source,
                    label=action.title[:300],
                    year=year,
                    initial=amounts[0] * scale,
                )
            )
        elif normalise(money.split("\n")[0]) not in NO_AMOUNT:
            pass  # words such as 'budget ICT' stay in the cost note
    goal.children.append(action)


def _title(lines: list[Line]) -> tuple[str, list[Line]]:
    """The first sentence of a cell is the title; a sentence broken over lines is joined."""
    title = lines[0].text
    taken = 1
    while taken < len(lines):
        following = lines[taken]
        if title.endswith((".", ":", "!", "?")) or following.bullet or following.blank_before:
            break
        title = f"{title} {following.text}"
        taken += 1
    return " ".join(title.split()), lines[taken:]
