"""(d) Anything else: headings and bullets become a draft tree, with warnings.

Headings come from the format (HTML, Word, Markdown) or, in plain text, from
leading codes ('1.2 Title' is one level below '1 Title') and from short lines
that stand alone between blank lines. Bullets under a heading become its
children; other text becomes the description. Nothing here raises: the worst
outcome is an empty tree with a warning.
"""

import re

from koers.importers import codes
from koers.importers.draft import Draft, DraftItem
from koers.importers.families.common import content_lines, note_years
from koers.importers.lines import Line
from koers.importers.outlines import coded_lines

MAX_DEPTH = 8
SHORT = 90


def parse(lines: list[Line]) -> Draft:
    draft = Draft(family="outline", preset="custom")
    lines = content_lines(lines)
    note_years(draft, lines)
    if not lines:
        draft.warn("no_items", "The document has no text to build a plan from.")
        return draft
    has_headings = any(line.heading for line in lines)
    if not has_headings and (coded := coded_lines(lines)):
        return _numbered(draft, lines, coded)
    guessed = False
    stack: list[tuple[int, DraftItem]] = []  # (heading level, item)
    bullets: list[tuple[int, DraftItem]] = []  # (bullet depth, item) under the current heading
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        level = _heading_level(line, following, has_headings)
        if level is not None:
            guessed = guessed or not has_headings
            found = codes.leading_code(line.text)
            item = DraftItem(
                found[1] if found else line.text,
                "heading",
                line.source,
                code=found[0] if found else "",
            )
            if draft.title == "" and index == 0 and level == 1 and not found:
                draft.title = line.text
                continue
            while stack and stack[-1][0] >= level:
                stack.pop()
            (stack[-1][1].children if stack else draft.items).append(item)
            stack.append((level, item))
            bullets = []
            continue
        if line.bullet and stack:
            while bullets and bullets[-1][0] >= line.bullet:
                bullets.pop()
            parent = bullets[-1][1] if bullets else stack[-1][1]
            if len(stack) + len(bullets) >= MAX_DEPTH:
                parent.add_text("description", line)
                continue
            item = DraftItem(line.text, "bullet", line.source)
            parent.children.append(item)
            bullets.append((line.bullet, item))
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


def _name_levels(draft: Draft) -> None:
    levels = max((depth for depth, _item in draft.walk()), default=0)
    draft.levels = tuple(f"Niveau {n}" for n in range(1, min(levels, 10) + 1))


def _numbered(draft: Draft, lines: list[Line], coded: list) -> Draft:
    """A tree of the numbered lines only; the other lines are the text of the item above."""
    by_line: dict[int, list] = {}
    for element in coded:
        by_line.setdefault(id(element.line), []).append(element)
    stack: list[tuple[int, DraftItem]] = []
    current: DraftItem | None = None
    for line in lines:
        elements = by_line.get(id(line))
        if not elements:
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
    found = codes.leading_code(line.text)
    if found and len(line.text) <= 200 and not line.text.endswith((".", ";", ",")):
        code = found[0]
        return min(1 + len(re.findall(r"[-./]", code)), MAX_DEPTH)
    stands_alone = line.blank_before and (following is None or following.blank_before)
    if (
        stands_alone
        and len(line.text) <= SHORT
        and not line.text.endswith((".", ";", ",", ":"))
        and line.text[:1].isupper()
        and following is not None
        and (following.bullet or len(following.text) > len(line.text))
    ):
        return 2
    return None
