"""(d) Anything else: headings and bullets become a draft tree, with warnings.

Headings come from the format (HTML, Word, Markdown) or, in plain text, from
leading codes ('1.2 Title' is one level below '1 Title') and from short lines
that stand alone between blank lines. Bullets under a heading become its
children; other text becomes the description. Nothing here raises: the worst
outcome is an empty tree with a warning.
"""

import re

from koers.importers import cells, codes, progress
from koers.importers import fields as labelled
from koers.importers.draft import Draft, DraftItem
from koers.importers.families.common import content_lines, note_years
from koers.importers.lines import Line
from koers.importers.outlines import (
    LEVEL_RANKS,
    LEVEL_TITLE,
    LEVEL_WORD,
    THEME_RANK,
    THEME_TITLE,
    coded_lines,
)

MAX_DEPTH = 8
SHORT = 90
SCHEMA_TITLE = re.compile(r"^(?:schema\s+)?[MJTB][1-9]\s*(?:-|–|:)\s", re.IGNORECASE)
CHAPTER = re.compile(r"^\d{1,2}\.\s+[A-ZÀ-Ý][^\d]*$")  # '2. Wonen en werken'
NUMBERED_ACTIVITY = re.compile(r"^(?P<code>\d{1,2})[.)]\s+(?P<rest>[A-ZÀ-Ý].*)$")
LETTERS = re.compile(r"[^\W\d_]{2}")
SHEET_MIN = 4  # distinct labelled fields that make a page one item (a project sheet)


def parse(lines: list[Line]) -> Draft:
    draft = Draft(family="outline", preset="custom")
    lines = content_lines(lines)
    note_years(draft, lines)
    if not lines:
        draft.warn("no_items", "The document has no text to build a plan from.")
        return draft
    has_headings = any(line.heading for line in lines)
    fielded = labelled.find_fields(lines)
    if not has_headings and (coded := coded_lines(lines)):
        return _numbered(draft, lines, coded, fielded)
    if not has_headings and len({f.key for f in fielded.values()}) >= SHEET_MIN:
        return _sheet(draft, lines, fielded)
    taken = {index for f in fielded.values() for index in f.taken}
    guessed = False
    stack: list[tuple[int, DraftItem]] = []  # (heading level, item)
    bullets: list[tuple[int, DraftItem]] = []  # (bullet depth, item) under the current heading
    for index, line in enumerate(lines):
        if index in taken:
            if index in fielded and stack:
                labelled.apply(draft, stack[-1][1], fielded[index])
            elif index in fielded:
                draft.context.append(line)
            continue
        if labelled.is_list_label(line.text) and stack:
            bullets = []
            continue
        following = lines[index + 1] if index + 1 < len(lines) else None
        level = _heading_level(line, following, has_headings)
        if (
            level is not None
            and not has_headings
            and (same := _same_title(draft, line.text, stack))
        ):
            stack = [(level, same)]
            bullets = []
            continue
        if level is not None:
            guessed = guessed or not has_headings
            found = _code_of(line.text, has_headings)
            item = DraftItem(
                found[1] if found else line.text,
                "heading",
                line.source,
                code=found[0] if found else "",
            )
            if draft.title == "" and index == 0 and level == 1 and not found:
                draft.title = line.text
                continue
            progress.title_status(draft, item)
            while stack and stack[-1][0] >= level:
                stack.pop()
            (stack[-1][1].children if stack else draft.items).append(item)
            stack.append((level, item))
            bullets = []
            continue
        if (
            not has_headings
            and stack
            and not line.bullet
            and len(line.text) <= 200
            and (numbered := NUMBERED_ACTIVITY.match(line.text))
        ):
            item = DraftItem(numbered["rest"], "numbered", line.source, code=numbered["code"])
            stack[-1][1].children.append(item)
            draft.warn(
                "numbered_line",
                "A numbered line under '%(parent)s' was taken as its child item %(code)s.",
                line.source,
                parent=stack[-1][1].title[:60],
                code=numbered["code"],
            )
            continue
        if line.bullet and stack:
            while bullets and bullets[-1][0] >= line.bullet:
                bullets.pop()
            parent = bullets[-1][1] if bullets else stack[-1][1]
            if progress.bullet(draft, line, stack[-1][1], bullets):
                continue
            if len(stack) + len(bullets) >= MAX_DEPTH:
                parent.add_text("description", line)
                continue
            item = DraftItem(line.text, "bullet", line.source)
            parent.children.append(item)
            bullets.append((line.bullet, item))
            continue
        if stack and progress.status(draft, line, stack[-1][1]):
            continue
        if stack:
            stack[-1][1].add_text("description", line)
        else:
            draft.context.append(line)
    if not draft.items:
        draft.warn(
            "no_items",
            "No headings or lists were recognised; the text was kept as the plan's description.",
        )
    else:
        draft.warn(
            "generic",
            "The document did not look like a known plan format; the tree was built from its "
            "headings and lists. Check the levels before loading.",
        )
        if guessed:
            draft.warn(
                "guessed_headings",
                "The file has no marked headings; short lines standing alone were taken as "
                "headings.",
            )
    _name_levels(draft)
    return draft


def _code_of(text: str, has_headings: bool) -> tuple[str, str] | None:
    """The item's code and title: 'PE1-01 Title', or '2. Title' as a chapter in plain text."""
    found = codes.leading_code(text)
    if found is None and not has_headings and CHAPTER.match(text):
        number, _, rest = text.partition(".")
        return number, rest.strip()
    if found is None and not has_headings and (match := LEVEL_WORD.match(text)):
        return match["code"], match["rest"].strip()
    if found is None and not has_headings and (match := LEVEL_TITLE.match(text)):
        return match["code"] or "", match["rest"].strip()
    return found


def _same_title(draft: Draft, text: str, stack: list) -> DraftItem | None:
    """A guessed heading that repeats a top item's title (the next W-question's part)."""
    if stack:
        return None if stack[-1][1].title != text else stack[-1][1]
    return next((item for item in draft.items if item.title == text), None)


def _sheet(draft: Draft, lines: list[Line], found: dict) -> Draft:
    """A page of labelled fields is one item: the short line before the first label."""
    first = next(
        (index for index, line in enumerate(lines) if labelled.label_of(line.text)), min(found)
    )
    taken = {index for f in found.values() for index in f.taken}
    title_at = next(
        (
            index
            for index in range(first - 1, -1, -1)
            if len(lines[index].text) <= SHORT
            and not lines[index].text.endswith((".", ";", ",", ":"))
            and index not in taken
            and not labelled.label_of(lines[index].text)
        ),
        None,
    )
    if title_at is None:
        title_line = lines[first]
        item = DraftItem(draft.title or title_line.text, "sheet", title_line.source)
    else:
        item = DraftItem(lines[title_at].text, "sheet", lines[title_at].source)
    draft.items.append(item)
    rows = False  # below a table's header row of two labels ('Resultaat', 'Status')
    for index, line in enumerate(lines):
        if index in found:
            labelled.apply(draft, item, found[index])
            rows = False
        elif index in taken or index == title_at:
            continue
        elif title_at is not None and index < title_at:
            draft.context.append(line)
        elif labelled.label_of(line.text):
            following = lines[index + 1] if index + 1 < len(lines) else None
            rows = rows or bool(following and labelled.label_of(following.text))
        elif rows and len(line.text) <= SHORT:
            item.children.append(DraftItem(line.text, "row", line.source))
            draft.warn(
                "row_without_value",
                "'%(title)s' is a row of a table whose other cells are empty; check it.",
                line.source,
                title=line.text[:60],
            )
        else:
            rows = False
            item.add_text("description", line)
    draft.warn(
        "one_item_page",
        "The page was read as one item with %(count)s labelled fields; its other text was kept "
        "as the item's description.",
        item.source,
        count=len(found),
    )
    _name_levels(draft)
    return draft


def _name_levels(draft: Draft) -> None:
    levels = max((depth for depth, _item in draft.walk()), default=0)
    draft.levels = tuple(f"Niveau {n}" for n in range(1, min(levels, 10) + 1))


def _numbered(draft: Draft, lines: list[Line], coded: list, found: dict) -> Draft:
    """A tree of the numbered lines only; the other lines are the text of the item above."""
    by_line: dict[int, list] = {}
    for element in coded:
        by_line.setdefault(id(element.line), []).append(element)
    stack: list[tuple[int, DraftItem]] = []
    current: DraftItem | None = None
    taken = {index for f in found.values() for index in f.taken}
    first_row = next(index for index, line in enumerate(lines) if id(line) in by_line)
    columns = cells.money_columns(lines, first_row)
    amounts: set[int] = set()  # lines that are cells of a row's amounts
    for index, line in enumerate(lines):
        if index in amounts:
            continue
        elements = by_line.get(id(line))
        if not elements and index in taken:
            if index in found and current is not None:
                labelled.apply(draft, current, found[index])
            elif index in found:
                draft.context.append(line)
            continue
        if not elements:
            if current is not None and progress.status(draft, line, current):
                continue
            if current is not None:
                current.add_text("description", line)
            else:
                draft.context.append(line)
            continue
        for element in elements:
            level = min(element.level, MAX_DEPTH)
            item = DraftItem(element.title, "numbered", line.source, code=element.code)
            while stack and stack[-1][0] >= level:
                stack.pop()
            if stack and stack[-1][0] < level - 1:
                draft.warn(
                    "level_skipped",
                    "%(code)s is %(levels)s levels below the item above it; check its level.",
                    line.source,
                    code=element.code,
                    levels=level - stack[-1][0],
                )
            (stack[-1][1].children if stack else draft.items).append(item)
            stack.append((level, item))
            current = item
        if columns is not None:
            values, count = cells.amounts_after(lines, index, columns)
            if count >= 2:
                cells.budget_line(draft, current, line, values, columns)
                amounts.update(range(index + 1, index + 1 + count))
    draft.warn(
        "generic",
        "The document did not look like a known plan format; the tree was built from its "
        "headings and lists. Check the levels before loading.",
    )
    draft.warn(
        "numbered_outline",
        "The tree was built from the numbered lines only (%(count)s); other lines were kept as "
        "the text of the item above them. Check the levels before loading.",
        count=len(coded),
    )
    _name_levels(draft)
    return draft


def _heading_level(line: Line, following: Line | None, has_headings: bool) -> int | None:
    if line.heading:
        return min(line.heading, MAX_DEPTH)
    if has_headings or line.bullet or line.cells or line.cell:
        return None
    if "|" in line.text or SCHEMA_TITLE.match(line.text):
        return None  # a table row, or the title of a financial schema (M2, J1, T1)
    if (
        (CHAPTER.match(line.text) or LEVEL_WORD.match(line.text))
        and len(line.text) <= SHORT
        and not line.text.endswith((":", "."))
    ):
        return 1
    found = codes.leading_code(line.text)
    if found and len(line.text) <= 200 and not line.text.endswith((".", ";", ",")):
        code = found[0]
        return min(1 + len(re.findall(r"[-./]", code)), MAX_DEPTH)
    if labelled.label_of(line.text) or labelled.is_list_label(line.text):
        return None
    if progress.is_progress_line(line.text):
        return None  # a status ('Op schema', 'G') or traffic-light counts
    if (
        (match := LEVEL_TITLE.match(line.text))
        and len(line.text) <= 200
        and not line.text.endswith((".", ";", ",", ":"))
    ):
        return LEVEL_RANKS[match["word"].lower()]
    if (
        THEME_TITLE.match(line.text)
        and len(line.text) <= SHORT
        and line.blank_before
        and (following is None or following.blank_before)
    ):
        return THEME_RANK  # 'Opgave Betaalbaar wonen' standing alone
    stands_alone = line.blank_before and (following is None or following.blank_before)
    if (
        line.text.isupper()
        and " " not in line.text.strip()
        and following is not None
        and len(following.text) <= SHORT
        and not following.text.endswith((".", ":"))
    ):
        return None  # 'ALGEMEEN' above a heading: a category label, no item
    if (
        stands_alone
        and len(line.text) <= SHORT
        and not line.text.endswith((".", ";", ",", ":"))
        and line.text[:1].isupper()
        and following is not None
        and (
            following.bullet
            or (len(following.text) > len(line.text) and LETTERS.search(following.text))
            or labelled.label_of(following.text) is not None
        )
    ):
        return 2
    return None
