"""CBS StatLine, the open data of Statistics Netherlands, through its OData v4 API.

``https://datasets.cbs.nl/odata/v1/CBS/<table>/Observations`` answers with JSON:
``{"value": [observation, …], "@odata.nextLink": "…"}``, one observation per cell
(``Measure``, one property per dimension such as ``Perioden`` and ``RegioS``, ``Value``
and ``ValueAttribute``); cells without a figure have ``Value`` null and a special value
in ``ValueAttribute`` ("Impossible", "Confidential"…) and are skipped. An answer with more
rows than one page holds ends with ``@odata.nextLink``, the address of the next page,
which is followed (on the same table only) within the limits.

Periods are coded ``2021JJ00`` (a year), ``2021KW03`` (a quarter) and ``2021MM05`` (a
month); they become ``2021``, ``2021-Q3`` and ``2021-05``. Region codes: ``GM0153`` a
municipality, ``WK015301`` a wijk, ``BU01530101`` a buurt, ``NL01`` the Netherlands.
"""

import re
from decimal import Decimal
from urllib.parse import quote, urlencode, urljoin

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koers.indicators.connectors.base import (
    Connector,
    Fetched,
    FetchedRow,
    FetchError,
    Parameter,
    parse_lines,
    read_json,
    register,
)
from koers.indicators.figures import LIMIT
from koers.indicators.periods import make_period

BASE = "https://datasets.cbs.nl/odata/v1/CBS"
PERIOD = re.compile(r"^(\d{4})(JJ|KW|MM)(\d{2})$")
CODE_OF = {"year": "JJ", "quarter": "KW", "month": "MM"}
FREQUENCY_OF = {"JJ": "year", "KW": "quarter", "MM": "month"}
NAME = r"[A-Za-z][A-Za-z0-9_]{0,60}"
CODE = r"[A-Za-z0-9_]{1,40}"
REGION = r"[A-Z]{2}[0-9A-Z]{2,10}"
MICRO = Decimal("0.000001")
BREAKDOWN_LENGTH = 200  # IndicatorValue.breakdown


def _frequency_noun(code: str) -> str:
    return {"JJ": _("year"), "KW": _("quarter"), "MM": _("month")}[code]


@register
class CbsStatLine(Connector):
    key = "cbs_statline"
    label = gettext_lazy("CBS StatLine (open data of Statistics Netherlands)")
    description = gettext_lazy(
        "Figures per municipality, wijk or buurt from a StatLine table, through the CBS "
        "OData v4 API (datasets.cbs.nl)."
    )
    hosts = ("datasets.cbs.nl",)
    parameters = (
        Parameter(
            "table",
            gettext_lazy("Table"),
            gettext_lazy("The identifier of the StatLine table, for example 85318NED."),
            pattern=r"[0-9]{4,6}[A-Za-z]{0,3}",
            pattern_message=gettext_lazy(
                "A table identifier is digits and letters, e.g. 85318NED."
            ),
            max_length=20,
        ),
        Parameter(
            "measure",
            gettext_lazy("Measure"),
            gettext_lazy("The code of the figure in the table, for example M000352."),
            pattern=CODE,
            pattern_message=gettext_lazy("A code is letters, digits and underscores."),
            max_length=40,
        ),
        Parameter(
            "region",
            gettext_lazy("Region"),
            gettext_lazy(
                "The code of the municipality, for example GM0153; its figures are the total."
            ),
            pattern=REGION,
            pattern_message=gettext_lazy("A region code such as GM0153, WK015301 or NL01."),
            max_length=20,
        ),
        Parameter(
            "breakdowns",
            gettext_lazy("Breakdowns"),
            gettext_lazy(
                "Optional, one per line: a region code and the name of the breakdown, for "
                "example WK015301 = Centrum."
            ),
            required=False,
            lines=True,
            pattern=REGION,
            pattern_message=gettext_lazy("A region code such as GM0153, WK015301 or NL01."),
            max_length=5000,
        ),
        Parameter(
            "filters",
            gettext_lazy("Other dimensions"),
            gettext_lazy(
                "Optional, one per line: a dimension of the table and the code to take, for "
                "example Geslacht = T001038. Needed when the table has more dimensions than "
                "region and period."
            ),
            required=False,
            lines=True,
            pattern=NAME,
            pattern_message=gettext_lazy("A dimension is a name such as Geslacht."),
            max_length=2000,
        ),
        Parameter(
            "series",
            gettext_lazy("Series"),
            gettext_lazy(
                "Empty for the organisation's own figures; otherwise the name of a benchmark, "
                "for example Nederland (with region NL01)."
            ),
            required=False,
        ),
        Parameter(
            "first_year",
            gettext_lazy("From year"),
            gettext_lazy("Optional: periods before this year are left out."),
            required=False,
            pattern=r"(19|20|21)[0-9]{2}",
            pattern_message=gettext_lazy("A year such as 2015."),
            max_length=4,
        ),
        Parameter(
            "region_dimension",
            gettext_lazy("Name of the region dimension"),
            gettext_lazy("RegioS in most tables; WijkenEnBuurten in the wijk and buurt tables."),
            pattern=NAME,
            pattern_message=gettext_lazy("A dimension is a name such as RegioS."),
            default="RegioS",
            max_length=60,
        ),
        Parameter(
            "period_dimension",
            gettext_lazy("Name of the period dimension"),
            gettext_lazy("Perioden in most tables."),
            pattern=NAME,
            pattern_message=gettext_lazy("A dimension is a name such as Perioden."),
            default="Perioden",
            max_length=60,
        ),
    )

    def check(self, parameters: dict, indicator) -> dict:
        errors = {}
        if indicator.unit == "text":
            errors["connector"] = _(
                "CBS publishes figures; a text indicator cannot take its values from CBS."
            )
        elif indicator.frequency not in CODE_OF:
            errors["connector"] = _(
                "CBS publishes years, quarters and months; this indicator is measured half-yearly."
            )
        regions = [code for code, _name in parse_lines(parameters["breakdowns"])]
        names = [name for _code, name in parse_lines(parameters["breakdowns"])]
        if parameters["region"] in regions or len(set(regions)) != len(regions):
            errors["breakdowns"] = _("Each region may occur once (the total's region too).")
        elif len(set(names)) != len(names):
            errors["breakdowns"] = _("Two breakdowns have the same name.")
        elif any(len(name) > BREAKDOWN_LENGTH for name in names):
            errors["breakdowns"] = _("A breakdown's name has at most %(n)s characters.") % {
                "n": BREAKDOWN_LENGTH
            }
        filters = parse_lines(parameters["filters"])
        taken = {"Measure", parameters["region_dimension"], parameters["period_dimension"]}
        for dimension, code in filters:
            if not re.fullmatch(CODE, code):
                errors["filters"] = _("%(code)s: a code is letters, digits and underscores.") % {
                    "code": code
                }
            elif dimension in taken:
                errors["filters"] = _("%(dimension)s is already chosen above or twice.") % {
                    "dimension": dimension
                }
            taken.add(dimension)
        return errors

    def describe(self, parameters: dict) -> str:
        return f"CBS StatLine {parameters.get('table', '')}"

    def address(self, parameters: dict, frequency: str) -> str:
        """The first page's address: the table's observations of the measure, regions,
        other dimensions and kind of period asked for (OData ``$filter``)."""
        region = parameters["region_dimension"]
        period = parameters["period_dimension"]
        codes = [parameters["region"]] + [c for c, _n in parse_lines(parameters["breakdowns"])]
        conditions = [f"Measure eq '{parameters['measure']}'"]
        conditions.append("(" + " or ".join(f"{region} eq '{code}'" for code in codes) + ")")
        conditions += [f"{dim} eq '{code}'" for dim, code in parse_lines(parameters["filters"])]
        conditions.append(f"contains({period},'{CODE_OF[frequency]}')")
        query = urlencode({"$filter": " and ".join(conditions)}, quote_via=quote)
        return f"{BASE}/{parameters['table']}/Observations?{query}"

    def fetch(self, parameters: dict, indicator, get, limits) -> Fetched:
        url = self.address(parameters, indicator.frequency)
        own_pages = f"{BASE}/{parameters['table']}/"
        breakdown_of = {parameters["region"]: ""}
        breakdown_of.update(parse_lines(parameters["breakdowns"]))
        reader = _Reader(self, parameters, indicator, breakdown_of)
        pages = 0
        while url:
            pages += 1
            if pages > limits.max_pages:
                raise FetchError(
                    _(
                        "The source's answer runs over more than %(n)s pages "
                        "(KOERS_FETCH_MAX_PAGES); nothing was stored. Ask for less, e.g. "
                        "with a later 'From year'."
                    )
                    % {"n": limits.max_pages}
                )
            document = read_json(get(url), limits)
            if not isinstance(document, dict) or not isinstance(document.get("value"), list):
                raise FetchError(
                    _("The source's answer is not a list of observations (no 'value').")
                )
            observations = document["value"]
            if reader.count + len(observations) > limits.max_rows:
                raise FetchError(
                    _(
                        "The source's answer holds more than %(n)s observations "
                        "(KOERS_FETCH_MAX_ROWS); nothing was stored."
                    )
                    % {"n": limits.max_rows}
                )
            for observation in observations:
                reader.read(observation)
            following = document.get("@odata.nextLink")
            if following is None:
                break
            if not isinstance(following, str):
                raise FetchError(_("The source's link to its next page is not an address."))
            url = urljoin(url, following)
            if not url.startswith(own_pages):
                raise FetchError(
                    _("The source's next page lies outside the table (%(url)s); refused.")
                    % {"url": url[:200]}
                )
        return Fetched(rows=reader.rows, skipped=reader.skipped, pages=pages)


class _Reader:
    """Checks observations one by one and keeps the rows; the first wrong one stops the
    whole fetch (FetchError)."""

    def __init__(self, connector, parameters, indicator, breakdown_of):
        self.parameters = parameters
        self.indicator = indicator
        self.breakdown_of = breakdown_of
        self.filters = dict(parse_lines(parameters["filters"]))
        first = parameters["first_year"]
        self.first_year = int(first) if first else None
        self.series = parameters["series"]
        self.rows: list[FetchedRow] = []
        self.skipped = 0
        self.count = 0
        self.seen: set[tuple[str, str]] = set()

    def read(self, observation) -> None:
        self.count += 1
        if not isinstance(observation, dict):
            raise FetchError(_("Observation %(n)s is not a record.") % {"n": self.count})
        measure = observation.get("Measure")
        if measure != self.parameters["measure"]:
            raise FetchError(
                _("The answer holds a figure of another measure (%(measure)s); refused.")
                % {"measure": str(measure)[:60]}
            )
        region = observation.get(self.parameters["region_dimension"])
        region = region.strip() if isinstance(region, str) else str(region)
        if region not in self.breakdown_of:
            raise FetchError(
                _("The answer holds a region that was not asked for (%(region)s); refused.")
                % {"region": str(region)[:60]}
            )
        for dimension, code in self.filters.items():
            given = observation.get(dimension)
            if given is not None and str(given).strip() != code:
                raise FetchError(
                    _("The answer holds %(dimension)s %(code)s, which was not asked for.")
                    % {"dimension": dimension, "code": str(given)[:60]}
                )
        period = self._period(observation.get(self.parameters["period_dimension"]))
        if period is None:
            return
        value = observation.get("Value")
        if value is None:  # an empty cell or a special value ("Impossible", "Confidential")
            self.skipped += 1
            return
        value = self._value(value, period)
        key = (period, self.breakdown_of[region])
        if key in self.seen:
            raise FetchError(
                _(
                    "The answer holds two figures for %(period)s in %(region)s: the table has "
                    "another dimension. Choose its code under 'Other dimensions'."
                )
                % {"period": period, "region": region}
            )
        self.seen.add(key)
        self.rows.append(
            FetchedRow(period=period, value=value, breakdown=key[1], series=self.series)
        )

    def _period(self, code) -> str | None:
        """Koers's period of a CBS period code; None for one before 'From year'."""
        match = PERIOD.match(code) if isinstance(code, str) else None
        if match is None:
            raise FetchError(
                _(
                    "'%(code)s' is not a period Koers can read (CBS writes 2021JJ00 for a year, "
                    "2021KW03 for a quarter, 2021MM05 for a month)."
                )
                % {"code": str(code)[:40]}
            )
        year, kind, number = int(match[1]), match[2], int(match[3])
        frequency = FREQUENCY_OF[kind]
        valid = {"year": number == 0, "quarter": 1 <= number <= 4, "month": 1 <= number <= 12}
        if not valid[frequency] or not 1900 <= year <= 2200:
            raise FetchError(_("'%(code)s' is not a period Koers can read.") % {"code": code})
        if frequency != self.indicator.frequency:
            raise FetchError(
                _("'%(code)s' is a %(kind)s, but %(indicator)s is measured %(frequency)s.")
                % {
                    "code": code,
                    "kind": _frequency_noun(kind),
                    "indicator": self.indicator.code,
                    "frequency": self.indicator.get_frequency_display(),
                }
            )
        if self.first_year is not None and year < self.first_year:
            return None
        return make_period(frequency, year, max(number, 1)).key

    def _value(self, value, period: str) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, Decimal) or not value.is_finite():
            raise FetchError(
                _("The figure for %(period)s is not a number (%(value)s); refused.")
                % {"period": period, "value": str(value)[:60]}
            )
        if abs(value) >= LIMIT:
            raise FetchError(
                _("The figure for %(period)s is too large for Koers (%(value)s).")
                % {"period": period, "value": str(value)[:60]}
            )
        if self.indicator.unit == "yes_no" and value not in (0, 1):
            raise FetchError(
                _(
                    "The figure for %(period)s is %(value)s, but this indicator takes yes (1) or "
                    "no (0)."
                )
                % {"period": period, "value": value}
            )
        return value.quantize(MICRO) if value.as_tuple().exponent < -6 else value
