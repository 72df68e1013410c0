"""Helpers the family parsers share."""

import re

from koers.importers.amounts import euro_amounts
from koers.importers.draft import Draft, DraftBudget, DraftMilestone
from koers.importers.lines import Line
from koers.importers.periods import Period, parse_period
from koers.importers.statuses import find_status
from koers.importers.vocabulary import is_chrome

YEAR = re.compile(r"(?<!\d)((?:19|20|21)\d\d)(?!\d)")
DONE_TAIL = re.compile(
    r"\s*(?:-|–|:)?\s*(?P<word>gerealiseerd|afgerond|voltooid|uitgevoerd|klaar)"
    r"(?:\s+(?:in\s+)?(?P<year>(?:19|20|21)\d\d))?\s*\)?\s*[.;]?\s*$",
    re.IGNORECASE,
)
TAIL = 300
PAREN_TAIL = re.compile(r"\s*\((?P<inner>[^()]*)\)\s*[.;]?\s*$")


def content_lines(lines: list[Line]) -> list[Line]:
    return [line for line in lines if not is_chrome(line.text)]


def note_years(draft: Draft, lines: list[Line]) -> None:
    for line in lines:
        for year in YEAR.findall(line.text):
            if 1990 <= int(year) <= 2100:
                draft.years[int(year)] += 1


def milestone_from(line: Line, prefix: str = "") -> DraftMilestone:
    """'Kader telewerk - gerealiseerd 2020', 'Iets (2020-2021)', 'Iets (vanaf 2021)'."""
    text = line.text.strip()
    period: Period | None = None
    done = False
    cut = max(0, len(text) - TAIL)  # look at the end only: long lines stay linear
    if match := DONE_TAIL.search(text, cut):
        done = True
        title = text[: match.start()]
        if match["year"]:
            period = parse_period(match["year"])
    elif match := PAREN_TAIL.search(text, cut):
        period = parse_period(match["inner"])
        title = text[: match.start()] if period else text
        if period is not None:
            period = Period(period.start, period.end, match["inner"].strip())
    else:
        title = text
        status = find_status(text)
        done = status is not None and status.key == "done"
    title = title.strip(" -–:;")
    if prefix:
        title = f"{prefix}: {title}"
    return DraftMilestone(title or text, line.source, period, done)


def budget_lines_from(line: Line, year: int | None = None) -> list[DraftBudget]:
    """A budget line for every euro amount in a line of cost text."""
    found = []
    years = [int(y) for y in YEAR.findall(line.text)]
    for amount, _position in euro_amounts(line.text):
        found.append(
            DraftBudget(
                line.source,
                label=line.text,
                year=years[0] if len(years) == 1 else year,
                initial=amount,
            )
        )
    return found
