"""Milestones and statuses put into a draft item (the layouts: koers.importers.milestones).

:func:`bullet` takes a bullet that is a milestone (it ends in its timing or state, or it
is only a timing or state nested under the bullet that names the milestone);
:func:`status` takes a line that is the item's status (a word or traffic-light letter
right below its title) or traffic-light counts. Each returns whether it took the line;
every milestone and status read this way carries a warning with its location.
"""

from koers.importers import milestones as layouts
from koers.importers.draft import Draft, DraftItem, DraftMilestone
from koers.importers.lines import Line
from koers.importers.periods import Period, parse_period
from koers.importers.vocabulary import normalise, vocabulary


def is_progress_line(text: str) -> bool:
    """A line that is a status or traffic-light counts: never a heading."""
    return layouts.status_line(text) is not None or layouts.light_counts(text) is not None


def bullet(draft: Draft, line: Line, item: DraftItem, bullets: list) -> bool:
    """A milestone bullet under ``item`` (``bullets``: the open bullet items above it)."""
    found = layouts.tail_of(line.text)
    if found is None:
        return False
    title, tail = found
    parent = bullets[-1][1] if bullets else None
    if not title and parent is not None:
        owner = bullets[-2][1] if len(bullets) >= 2 else item
        return _nested(draft, line, parent, owner, tail)
    if not title:
        if tail.period is not None and item.timing is None:
            item.timing = tail.period
            item.timing_text = tail.period.text
            return True
        if tail.status is not None and item.status is None:
            item.status = tail.status
            _warn_status(draft, line, item)
            return True
        return False
    owner = parent or item
    owner.milestones.append(DraftMilestone(title, line.source, _period(tail), tail.done))
    draft.warn(
        "milestone_bullet",
        "'%(title)s' was read as a milestone of '%(item)s' (the bullet ends in its timing or "
        "state); check it.",
        line.source,
        title=title[:60],
        item=owner.title[:60],
    )
    return True


def _nested(draft: Draft, line: Line, parent: DraftItem, owner: DraftItem, tail) -> bool:
    """'• Ontwerp' / '◦ kwartaal 4 (2022)' / '◦ afgerond': the parent bullet is the milestone."""
    milestone = next(
        (m for m in owner.milestones if m.source == parent.source and m.title == parent.title),
        None,
    )
    if milestone is None:
        if parent.children or parent not in owner.children:
            return False
        owner.children.remove(parent)
        milestone = DraftMilestone(parent.title, parent.source)
        owner.milestones.append(milestone)
        draft.warn(
            "milestone_bullet",
            "'%(title)s' was read as a milestone of '%(item)s' (the bullets below it give its "
            "timing or state); check it.",
            parent.source,
            title=parent.title[:60],
            item=owner.title[:60],
        )
    if milestone.period is None or (milestone.period.start is None and tail.period is not None):
        milestone.period = _period(tail)
    milestone.done = milestone.done or tail.done
    return True


def _period(tail) -> Period | None:
    """The tail's period, or its state in words ('permanent lopende') when it is not done."""
    if tail.period is not None:
        return tail.period
    if tail.status is not None and not tail.done:
        return Period(None, None, tail.status.text)
    return None


def status(draft: Draft, line: Line, item: DraftItem) -> bool:
    """A status line or traffic-light counts under ``item``."""
    if line.bullet or line.cells:
        return False
    counts = layouts.light_counts(line.text)
    if counts is not None:
        earlier = [
            found
            for other in item.sections.get("progress", [])
            if (found := layouts.light_counts(other.text)) is not None
        ]
        item.add_text("progress", line)
        if not earlier:
            draft.warn(
                "status_counts",
                "The traffic-light counts under '%(item)s' were kept in its progress note; they "
                "give its status only when they name one colour.",
                line.source,
                item=item.title[:60],
            )
        if item.status is None or item.status.text.startswith(tuple(layouts.LIGHTS)):
            combined: dict[str, int] = {}
            for found in [*earlier, counts]:
                for colour, count in found.items():
                    combined[colour] = combined.get(colour, 0) + count
            item.status = layouts.status_of_counts(combined)
        return True
    if item.status is not None or item.sections or item.children or item.milestones:
        return False  # only right below the item's title
    found = layouts.status_line(line.text)
    if found is None or normalise(line.text) in _column_words():
        return False
    item.status = found
    _warn_status(draft, line, item)
    return True


def title_status(draft: Draft, item: DraftItem) -> None:
    """'Actie 3: Het plein heraanleggen - afgerond': the status that ends a heading."""
    found = layouts.tail_of(item.title)
    if found is None or not found[0] or found[1].status is None or found[1].period is not None:
        return
    item.title, item.status = found[0], found[1].status
    _warn_status(draft, Line(item.title, item.source), item)


def _warn_status(draft: Draft, line: Line, item: DraftItem) -> None:
    draft.warn(
        "status_line",
        "'%(status)s' was read as the status of '%(item)s'; check it.",
        line.source,
        status=item.status.text[:60],
        item=item.title[:60],
    )


def _column_words() -> frozenset:
    """Headings of money columns ('Gerealiseerd'), which are no status."""
    return frozenset(
        normalise(word) for words in vocabulary()["money_columns"].values() for word in words
    )


MARKS = frozenset({"x", "v", "✓", "✔", "●", "•", "■", "█", "ja", "*"})
EMPTY = frozenset({"", "-", "–"})


def _row_cells(line: Line) -> list[str] | None:
    """The cells of a table row: real cells, or a '|' row on one line."""
    if line.cells:
        return [cell.strip() for cell in line.cells]
    text = line.text.strip()
    if text.count("|") < 2:
        return None
    text = text.removeprefix("|").removesuffix("|")
    return [cell.strip() for cell in text.split("|")]


def year_grids(draft: Draft, item: DraftItem, lines: list[Line]) -> list[Line]:
    """A year grid of milestones in the item's text: a header of periods, rows of a name and
    marks ('x') under the periods they run in. The rows become milestones of the item; the
    lines that are not part of such a grid are returned."""
    kept: list[Line] = []
    index = 0
    while index < len(lines):
        header = _row_cells(lines[index])
        periods = [parse_period(cell) for cell in header[1:]] if header else []
        if len(periods) < 2 or not all(periods):
            kept.append(lines[index])
            index += 1
            continue
        rows: list[tuple[Line, str, list]] = []
        at = index + 1
        while at < len(lines):
            cells = _row_cells(lines[at])
            if cells and set("".join(cells)) <= set("-:| "):
                at += 1  # a Markdown separator row
                continue
            if not cells or not cells[0] or len(cells) > len(header):
                break
            marks = [cell.lower() for cell in cells[1:]]
            if not all(m in MARKS or m in EMPTY for m in marks) or not any(
                m in MARKS for m in marks
            ):
                break
            marked = [p for p, m in zip(periods, marks, strict=False) if m in MARKS]
            rows.append((lines[at], cells[0], marked))
            at += 1
        if not rows:
            kept.append(lines[index])
            index += 1
            continue
        for line, title, marked in rows:
            start = min(p.start for p in marked if p.start)
            end = max(p.end for p in marked if p.end)
            words = " – ".join(dict.fromkeys([marked[0].text, marked[-1].text]))
            item.milestones.append(DraftMilestone(title, line.source, Period(start, end, words)))
        draft.warn(
            "milestone_grid",
            "A year grid of %(count)s milestones was read under '%(item)s'; check their periods.",
            lines[index].source,
            count=len(rows),
            item=item.title[:60],
        )
        index = at
    return kept
