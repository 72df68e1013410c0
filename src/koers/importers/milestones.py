"""Milestone bullets and status lines of progress reports, whatever family reads them.

Layouts (each rule is about the shape of a line, never about one document):

- a bullet that ends in its timing or its state: ``• Ontwerp - kwartaal 4 (2022)``,
  ``• Subsidiereglement Q3 2024``, ``• Inspraak (kwartaal 2 2023)``,
  ``• Aanleg: permanent lopende``, ``• Bestek - afgerond``;
- a bullet that is only a timing or a state, nested under another bullet: the
  parent bullet is the milestone (its title kept), the nested bullets give its period
  and whether it is done (``• Ontwerp`` / ``◦ kwartaal 4 (2022)`` / ``◦ afgerond``);
- a line that is only a status: a word (``Op schema``, ``Vertraagd``) or a
  traffic-light letter (``G``, ``O``, ``R`` alone on a line);
- traffic-light counts (``Groen 12``, ``3 oranje``, ``Rood: 1``): never an item; an item
  whose counts name one colour only gets that status.

:func:`tail_of` splits a line into its title and the :class:`Tail` it ends in.
"""

import re
from dataclasses import dataclass

from koers.importers.periods import Period, parse_period
from koers.importers.statuses import Status, parse_status
from koers.importers.vocabulary import normalise

# A timing at the end of a line: a quarter, 'kwartaal 2 2023', a month and year, or a
# year range; after a dash, colon or in brackets also a single year.
QUARTER = r"(?:Q[1-4]|kwartaal\s+[1-4]|(?:eerste|tweede|derde|vierde|[1-4]e|[1-4]de)\s+kwartaal)"
_TIMING = (
    rf"{QUARTER}\s*(?:van\s+)?\(?\s*(?:19|20|21)\d\d\)?"
    r"|(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november"
    r"|december)\s+(?:19|20|21)\d\d"
    r"|(?:19|20|21)\d\d\s*[-–]\s*(?:19|20|21)\d\d"
)
TIMING_TAIL = re.compile(
    rf"(?:\s*[-–:]\s*|\s+|^)\(?(?P<timing>{_TIMING})\)?\s*[.;]?\s*$", re.IGNORECASE
)
YEAR_TAIL = re.compile(r"(?:\s*[-–:]\s*\(?|\s*\(|^\(?)(?P<timing>(?:19|20|21)\d\d)\)?\s*[.;]?\s*$")
STATE_TAIL = re.compile(r"(?:\s*[-–:]\s*|\s*\(|^)(?P<state>[^\W\d_][^-–:()]{1,40}?)\)?\s*[.;]?\s*$")
LIGHTS = {"groen": "running", "oranje": "delayed", "geel": "delayed", "rood": "delayed"}
COUNT = re.compile(
    r"(?:(?P<colour>groen|oranje|geel|rood)\s*[:=]?\s*(?P<count>\d{1,4})"
    r"|(?P<count2>\d{1,4})\s*(?:x\s*)?(?P<colour2>groen|oranje|geel|rood))(?:\s*\(\d{1,3}\s*%\))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Tail:
    period: Period | None = None
    status: Status | None = None

    @property
    def done(self) -> bool:
        return self.status is not None and self.status.key == "done"


def tail_of(text: str) -> tuple[str, Tail] | None:
    """A line's title and the timing or state it ends in, or None when it ends in neither.

    The title is ``""`` when the line is only a timing or a state.
    """
    text = text.strip()
    if not text or len(text) > 300:
        return None
    for pattern in (TIMING_TAIL, YEAR_TAIL):
        if match := pattern.search(text):
            period = parse_period(match["timing"])
            if period is not None:
                title = text[: match.start()].strip(" -–:(")
                words = _balanced(match["timing"].strip())
                return title, Tail(period=Period(period.start, period.end, words))
    if match := STATE_TAIL.search(text):
        status = parse_status(match["state"])
        if status is not None and (match.start() > 0 or len(normalise(text)) > 1):
            return text[: match.start()].strip(" -–:("), Tail(status=status)
    return None


def _balanced(text: str) -> str:
    """'(2022' → '2022', 'kwartaal 4 (2022)' kept, '2023)' → '2023'."""
    while text.count("(") > text.count(")") and "(" in text:
        text = text.replace("(", "", 1) if text.startswith("(") else text + ")"
    while text.count(")") > text.count("("):
        text = text[::-1].replace(")", "", 1)[::-1]
    return text.strip()


def status_line(text: str) -> Status | None:
    """A line that is only a status: 'Op schema', 'Afgerond', a traffic light 'G'."""
    text = text.strip()
    if not text or len(text) > 40:
        return None
    return parse_status(text)


def light_counts(text: str) -> dict[str, int] | None:
    """'Groen 12 Oranje 3 Rood 1' → {'groen': 12, 'oranje': 3, 'rood': 1}; None otherwise."""
    text = text.strip()
    if not text or len(text) > 120:
        return None
    counts: dict[str, int] = {}
    rest = text
    for match in COUNT.finditer(text):
        colour = (match["colour"] or match["colour2"]).lower()
        counts[colour] = counts.get(colour, 0) + int(match["count"] or match["count2"])
        rest = rest.replace(match.group(0), " ", 1)
    if not counts or re.search(r"[^\W\d_]", rest):
        return None  # prose that mentions a colour is no count
    return counts


def status_of_counts(counts: dict[str, int]) -> Status | None:
    """The status counts name when only one colour has any: all green is on schedule."""
    keys = {LIGHTS[colour] for colour, count in counts.items() if count > 0}
    if len(keys) != 1:
        return None
    key = keys.pop()
    words = ", ".join(f"{colour} {count}" for colour, count in counts.items())
    return Status(key, words)
