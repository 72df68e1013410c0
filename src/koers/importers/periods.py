"""Timing text → a period with a start and an end date, the text kept as it was.

'2021', '2020-2021', 'vanaf 2021', 'Q4 2021', 'kwartaal 4 (2022)', 'voorjaar 2011',
'najaar van 2020', 'februari–maart 2011', 'juni en dec. 2011', 'eerste helft van 2021', 'voor 15 mei
2011', '15 mei 2011'. Several dates in one text span from the earliest start to
the latest end; 'vanaf' (or 'eerste aanzet') leaves the end open, a text of only
deadlines leaves the start open.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "januari": 1,
    "jan": 1,
    "january": 1,
    "februari": 2,
    "feb": 2,
    "febr": 2,
    "february": 2,
    "maart": 3,
    "mrt": 3,
    "maa": 3,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "juni": 6,
    "jun": 6,
    "june": 6,
    "juli": 7,
    "jul": 7,
    "july": 7,
    "augustus": 8,
    "aug": 8,
    "august": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
SEASONS = {
    "voorjaar": (3, 5),
    "lente": (3, 5),
    "spring": (3, 5),
    "zomer": (6, 8),
    "zomermaanden": (6, 8),
    "summer": (6, 8),
    "najaar": (9, 11),
    "herfst": (9, 11),
    "autumn": (9, 11),
    "winter": (12, 2),
}
HALVES = {
    "eerste helft": (1, 6),
    "1e helft": (1, 6),
    "1ste helft": (1, 6),
    "eerste semester": (1, 6),
    "1e semester": (1, 6),
    "tweede helft": (7, 12),
    "2e helft": (7, 12),
    "2de helft": (7, 12),
    "tweede semester": (7, 12),
    "2e semester": (7, 12),
    "2de semester": (7, 12),
}
QUARTER_WORDS = {
    "eerste": 1,
    "1e": 1,
    "1ste": 1,
    "tweede": 2,
    "2e": 2,
    "2de": 2,
    "derde": 3,
    "3e": 3,
    "3de": 3,
    "vierde": 4,
    "4e": 4,
    "4de": 4,
}

_MONTH = r"(?P<{name}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<{name}>(?:19|20|21)\d\d)"
_DASH = r"\s*(?:-|–|—|/|tot|t\.e\.m\.|tem|en)\s*"
_OF = r"(?:\s+van)?\s+"

PATTERNS = [
    (
        "deadline_day",
        r"(?:voor|vóór|tegen|uiterlijk|ten laatste|before|by)\s+(?P<day>\d{1,2})\s+"
        + _MONTH.format(name="month")
        + r"\s+"
        + _YEAR.format(name="year"),
    ),
    (
        "deadline_month",
        r"(?:voor|vóór|tegen|uiterlijk|ten laatste|before|by)\s+(?:eind\s+)?"
        + _MONTH.format(name="month")
        + _OF
        + _YEAR.format(name="year"),
    ),
    (
        "day",
        r"(?P<day>\d{1,2})\s+" + _MONTH.format(name="month") + r"\s+" + _YEAR.format(name="year"),
    ),
    (
        "month_range",
        _MONTH.format(name="month")
        + _DASH
        + _MONTH.format(name="month2")
        + _OF
        + _YEAR.format(name="year"),
    ),
    ("month", _MONTH.format(name="month") + _OF + _YEAR.format(name="year")),
    (
        "quarter_range",
        r"Q(?P<q>[1-4])\s*(?:-|–|en|/)\s*Q(?P<q2>[1-4])" + _OF + _YEAR.format(name="year"),
    ),
    ("quarter", r"Q(?P<q>[1-4])" + _OF + _YEAR.format(name="year")),
    (
        "quarter_word",
        r"(?P<qw>eerste|1e|1ste|tweede|2e|2de|derde|3e|3de|vierde|4e|4de)\s+"
        r"kwartaal" + _OF + _YEAR.format(name="year"),
    ),
    (
        "quarter_number",
        r"kwartaal\s+(?P<q>[1-4])\s*(?:\(\s*|van\s+|,\s*)?" + _YEAR.format(name="year") + r"\)?",
    ),
    ("half", r"(?P<half>" + "|".join(HALVES) + r")" + _OF + _YEAR.format(name="year")),
    ("season", r"(?P<season>" + "|".join(SEASONS) + r")" + _OF + _YEAR.format(name="year")),
    (
        "year_range",
        _YEAR.format(name="year") + r"\s*(?:-|–|—|/|tot)\s*" + _YEAR.format(name="year2"),
    ),
    ("year", r"(?<![\d.,/])" + _YEAR.format(name="year") + r"(?![\d.,]\d)"),
]
SCANNER = re.compile(
    "|".join(
        f"(?P<_{kind}>{pattern.replace('(?P<', f'(?P<{kind}_')})" for kind, pattern in PATTERNS
    ),
    re.IGNORECASE,
)
OPEN_END = re.compile(r"\b(vanaf|sinds|from|eerste aanzet|aanzet)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    start: date | None
    end: date | None
    text: str

    @property
    def first_year(self) -> int | None:
        return (self.start or self.end).year if (self.start or self.end) else None

    @property
    def last_year(self) -> int | None:
        return (self.end or self.start).year if (self.end or self.start) else None

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _span(kind: str, groups: dict) -> tuple[date | None, date | None]:
    def get(name):
        return groups.get(f"{kind}_{name}")

    year = int(get("year"))
    if kind in ("deadline_day", "day"):
        month = MONTHS[get("month").lower()]
        day = min(int(get("day")), calendar.monthrange(year, month)[1])
        moment = date(year, month, max(day, 1))
        return (None, moment) if kind == "deadline_day" else (moment, moment)
    if kind == "deadline_month":
        return None, _month_end(year, MONTHS[get("month").lower()])
    if kind == "month_range":
        first, last = MONTHS[get("month").lower()], MONTHS[get("month2").lower()]
        if last < first:
            first, last = last, first
        return date(year, first, 1), _month_end(year, last)
    if kind == "month":
        month = MONTHS[get("month").lower()]
        return date(year, month, 1), _month_end(year, month)
    if kind in ("quarter", "quarter_range", "quarter_word", "quarter_number"):
        first = int(get("q")) if kind != "quarter_word" else QUARTER_WORDS[get("qw").lower()]
        last = int(get("q2")) if kind == "quarter_range" else first
        first, last = min(first, last), max(first, last)
        return date(year, first * 3 - 2, 1), _month_end(year, last * 3)
    if kind == "half":
        first, last = HALVES[get("half").lower()]
        return date(year, first, 1), _month_end(year, last)
    if kind == "season":
        first, last = SEASONS[get("season").lower()]
        if first > last:  # winter runs into the next year
            return date(year, first, 1), _month_end(year + 1, last)
        return date(year, first, 1), _month_end(year, last)
    if kind == "year_range":
        second = int(get("year2"))
        return date(min(year, second), 1, 1), date(max(year, second), 12, 31)
    return date(year, 1, 1), date(year, 12, 31)


def parse_period(text: str) -> Period | None:
    """The period a timing text names, or None when it names no date."""
    if not text or not text.strip():
        return None
    starts: list[date] = []
    ends: list[date] = []
    only_deadlines = True
    for match in SCANNER.finditer(text):
        kind = match.lastgroup[1:]
        groups = {k: v for k, v in match.groupdict().items() if v is not None}
        try:
            start, end = _span(kind, groups)
        except (ValueError, KeyError):
            continue
        if start is not None:
            starts.append(start)
            only_deadlines = False
        if end is not None:
            ends.append(end)
    if not starts and not ends:
        return None
    start = None if only_deadlines else min(starts)
    end = max(ends) if ends else None
    if OPEN_END.search(text) and start is not None:
        end = None
    return Period(start, end, " ".join(text.split()))
