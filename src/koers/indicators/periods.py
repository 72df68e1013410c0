"""Periods of indicator values, written the way people write them, to one normal form.

``"2024"`` (a year), ``"2024-H1"`` (a half year), ``"2024-Q3"`` (a quarter),
``"2024-05"`` (a month). Read from Dutch and English forms: ``2024-S1``, ``2024 H1``,
``1e halfjaar 2024``, ``Q3 2024``, ``2024 K3``, ``kwartaal 3 2024``, ``3e kwartaal 2024``,
``mei 2024``, ``May 2024``, ``2024-05``, ``05/2024``. Pure Python, no Django models.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

YEAR, HALF_YEAR, QUARTER, MONTH = "year", "half_year", "quarter", "month"
FIRST_YEAR, LAST_YEAR = 1900, 2200

MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "february": 2,
    "maart": 3, "mrt": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "augustus": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "october": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

_Y = r"(?P<year>\d{4})"
_ORD = r"(?P<n>\d)\s*(?:e|de|ste|st|nd|rd|th)?"
_HALF_WORD = r"(?:halfjaar|half\s*jaar|semester|half(?:\s*year)?)"
_QUARTER_WORD = r"(?:kwartaal|quarter|trimester)"
PATTERNS = [
    (YEAR, re.compile(rf"^{_Y}$")),
    (HALF_YEAR, re.compile(rf"^{_Y}\s*[-/ ]?\s*[hs](?P<n>\d)$")),
    (HALF_YEAR, re.compile(rf"^[hs](?P<n>\d)\s*[-/ ]?\s*{_Y}$")),
    (HALF_YEAR, re.compile(rf"^{_ORD}\s+{_HALF_WORD}\s+{_Y}$")),
    (HALF_YEAR, re.compile(rf"^(?P<word>eerste|tweede|first|second)\s+{_HALF_WORD}\s+{_Y}$")),
    (HALF_YEAR, re.compile(rf"^{_HALF_WORD}\s+(?P<n>\d)\s+{_Y}$")),
    (QUARTER, re.compile(rf"^{_Y}\s*[-/ ]?\s*[qk](?P<n>\d)$")),
    (QUARTER, re.compile(rf"^[qk](?P<n>\d)\s*[-/ ]?\s*{_Y}$")),
    (QUARTER, re.compile(rf"^{_QUARTER_WORD}\s+(?P<n>\d)\s+{_Y}$")),
    (QUARTER, re.compile(rf"^{_ORD}\s+{_QUARTER_WORD}\s+{_Y}$")),
    (MONTH, re.compile(rf"^{_Y}\s*[-/.]\s*(?P<n>\d{{1,2}})$")),
    (MONTH, re.compile(rf"^(?P<n>\d{{1,2}})\s*[-/.]\s*{_Y}$")),
    (MONTH, re.compile(rf"^(?P<month>[a-z]+)\.?\s+{_Y}$")),
    (MONTH, re.compile(rf"^{_Y}\s+(?P<month>[a-z]+)$")),
]
ORDINAL_WORDS = {"eerste": 1, "first": 1, "tweede": 2, "second": 2}
COUNT = {HALF_YEAR: 2, QUARTER: 4, MONTH: 12}


class PeriodError(ValueError):
    """A period that cannot be read; the message is for the person who wrote it."""


@dataclass(frozen=True)
class Period:
    key: str  # the normal form: "2024", "2024-H1", "2024-Q3", "2024-05"
    frequency: str
    start: date
    end: date

    @property
    def year(self) -> int:
        return self.start.year


def make_period(frequency: str, year: int, n: int = 1) -> Period:
    if frequency == YEAR:
        return Period(str(year), YEAR, date(year, 1, 1), date(year, 12, 31))
    if frequency == HALF_YEAR:
        first = 1 + 6 * (n - 1)
        key = f"{year}-H{n}"
        return Period(key, frequency, date(year, first, 1), _month_end(year, first + 5))
    if frequency == QUARTER:
        first = 1 + 3 * (n - 1)
        key = f"{year}-Q{n}"
        return Period(key, frequency, date(year, first, 1), _month_end(year, first + 2))
    return Period(f"{year}-{n:02d}", MONTH, date(year, n, 1), _month_end(year, n))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text) -> Period:
    """The period written in ``text``; PeriodError with a Dutch message if it is none."""
    written = " ".join(str(text or "").split())
    simple = written.lower().replace("–", "-")
    if not simple:
        raise PeriodError(_("The period is empty."))
    if re.fullmatch(r"\d{4}\.0+", simple):  # a year from a spreadsheet number cell
        simple = simple.split(".")[0]
    for frequency, pattern in PATTERNS:
        match = pattern.match(simple)
        if match is None:
            continue
        groups = match.groupdict()
        year = int(groups["year"])
        if frequency == YEAR:
            n = 1
        elif groups.get("word"):
            n = ORDINAL_WORDS[groups["word"]]
        elif groups.get("month"):
            n = MONTHS.get(groups["month"])
            if n is None:
                raise PeriodError(
                    _("'%(period)s' is not a period: '%(word)s' is not a month.")
                    % {"period": written, "word": groups["month"]}
                )
        else:
            n = int(groups["n"])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise PeriodError(
                _("'%(period)s': the year %(year)s lies outside %(first)s–%(last)s.")
                % {"period": written, "year": year, "first": FIRST_YEAR, "last": LAST_YEAR}
            )
        if frequency != YEAR and not 1 <= n <= COUNT[frequency]:
            raise PeriodError(_OUT_OF_RANGE[frequency]() % {"period": written, "n": n})
        return make_period(frequency, year, n)
    raise PeriodError(
        _(
            "'%(period)s' is not a period. Write a year (2024), a half year (2024-H1), "
            "a quarter (2024-Q3) or a month (2024-05)."
        )
        % {"period": written}
    )


_OUT_OF_RANGE = {
    HALF_YEAR: lambda: _("'%(period)s': a year has two halves, not %(n)s."),
    QUARTER: lambda: _("'%(period)s': a year has four quarters, not %(n)s."),
    MONTH: lambda: _("'%(period)s': a year has twelve months, not %(n)s."),
}


def frequency_of(key: str) -> str:
    """The frequency of a normalised period key."""
    if len(key) == 4:
        return YEAR
    return {"H": HALF_YEAR, "Q": QUARTER}.get(key[5], MONTH)
