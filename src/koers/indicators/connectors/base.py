"""What every connector is: declared parameters, their checking, and a fetch that returns
rows for one indicator.

A connector reads a public source (a statistics service's open API) and returns
:class:`FetchedRow` objects: a period in Koers's normal form ("2024", "2024-Q3",
"2024-05"), a value, a breakdown and a series. It never writes: the feed's service
(:mod:`koers.indicators.feeds`) checks the rows and writes them all or none.

Connectors never open a connection themselves: they ask a *getter* (``get(url) ->
bytes``) for each answer, which :mod:`.http` provides for real and tests replace with
recorded answers. :func:`read_json` applies the size limit and reads the JSON safely.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Getter = Callable[[str], bytes]


class FetchError(Exception):
    """A fetch that could not be done or whose answer was refused; the message is Dutch
    (translated where it is raised) and says what to do."""


@dataclass(frozen=True)
class Limits:
    """How much one fetch may take from a source."""

    max_bytes: int  # one answer (page)
    max_pages: int  # answers of one fetch, following the source's next-page links
    max_rows: int  # rows of one fetch, all pages together
    timeout: int  # seconds for one answer


def limits() -> Limits:
    return Limits(
        max_bytes=settings.KOERS_FETCH_MAX_BYTES,
        max_pages=settings.KOERS_FETCH_MAX_PAGES,
        max_rows=settings.KOERS_FETCH_MAX_ROWS,
        timeout=settings.KOERS_FETCH_TIMEOUT_SECONDS,
    )


@dataclass(frozen=True)
class FetchedRow:
    period: str  # Koers's normal form
    value: Decimal | None
    breakdown: str = ""
    series: str = ""
    text: str = ""


@dataclass
class Fetched:
    """What one fetch returned: the rows, and how many figures the source left empty
    (a special value such as 'impossible' or 'confidential'), which are skipped."""

    rows: list[FetchedRow]
    skipped: int = 0
    pages: int = 0


@dataclass(frozen=True)
class Parameter:
    """One setting of a connector, as a form shows it and the service checks it."""

    name: str
    label: object
    help_text: object = ""
    required: bool = True
    pattern: str = ""  # a full match for single-line parameters
    pattern_message: object = ""
    lines: bool = False  # "code = name" lines (a textarea)
    max_length: int = 200
    default: str = ""


def parse_lines(text: str) -> list[tuple[str, str]]:
    """'code = name' lines (empty lines skipped); ValueError with the line number."""
    pairs = []
    for number, line in enumerate(str(text or "").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if "=" not in line:
            raise ValueError(number)
        code, name = (part.strip() for part in line.split("=", 1))
        if not code or not name:
            raise ValueError(number)
        pairs.append((code, name))
    return pairs


class Connector:
    """A kind of public source. Subclasses set ``key``, ``label``, ``parameters`` and
    implement :meth:`fetch`; they may add checks in :meth:`check`."""

    key: str = ""
    label: object = ""
    description: object = ""
    parameters: tuple[Parameter, ...] = ()

    def clean(self, values: dict, indicator) -> dict:
        """The parameters as stored: every declared one, stripped; ValidationError with a
        Dutch message per parameter."""
        cleaned, errors = {}, {}
        for parameter in self.parameters:
            value = str(values.get(parameter.name) or "").strip() or parameter.default
            if len(value) > parameter.max_length:
                errors[parameter.name] = _("At most %(n)s characters.") % {
                    "n": parameter.max_length
                }
            elif not value and parameter.required:
                errors[parameter.name] = _("This parameter is required.")
            elif value and parameter.lines:
                try:
                    pairs = parse_lines(value)
                except ValueError as error:
                    errors[parameter.name] = _(
                        "Line %(line)s: write a code, an equals sign and a name "
                        "(for example WK015301 = Centrum)."
                    ) % {"line": error.args[0]}
                else:
                    bad = [
                        code
                        for code, _name in pairs
                        if parameter.pattern and not re.fullmatch(parameter.pattern, code)
                    ]
                    if bad:
                        errors[parameter.name] = f"{bad[0]}: {parameter.pattern_message}"
                    value = "\n".join(f"{code} = {name}" for code, name in pairs)
            elif value and parameter.pattern and not re.fullmatch(parameter.pattern, value):
                errors[parameter.name] = str(parameter.pattern_message)
            cleaned[parameter.name] = value
        if not errors:
            errors.update(self.check(cleaned, indicator))
        if errors:
            raise ValidationError(errors)
        return cleaned

    def check(self, parameters: dict, indicator) -> dict:
        """Field → message for parameters that do not suit each other or the indicator."""
        return {}

    def describe(self, parameters: dict) -> str:
        """A short name of the source, for the page and the values' provenance."""
        return str(self.label)

    def fetch(self, parameters: dict, indicator, get: Getter, limits: Limits) -> Fetched:
        """Ask the source (through ``get``) and return its rows; FetchError when it
        cannot be asked or its answer is refused."""
        raise NotImplementedError

    def getter(self, limits: Limits) -> Getter:
        """The real getter for this connector's hosts."""
        from koers.indicators.connectors.http import getter

        return getter(limits, self.hosts)

    hosts: tuple[str, ...] = ()


_registry: dict[str, Connector] = {}


def register(cls: type[Connector]) -> type[Connector]:
    """Class decorator: make a connector available to feeds under its ``key``."""
    _registry[cls.key] = cls()
    return cls


def connector(key: str) -> Connector:
    """The connector registered under ``key``; KeyError if there is none."""
    return _registry[key]


def choices() -> list[tuple[str, str]]:
    return [(key, str(c.label)) for key, c in sorted(_registry.items())]


def read_json(content: bytes, limits: Limits):
    """The JSON document of one answer: refused when larger than the limit, not UTF-8,
    not JSON, nested beyond reason, or holding NaN/Infinity. Numbers are read as
    decimals, exactly as written."""
    if len(content) > limits.max_bytes:
        raise FetchError(too_large(limits))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FetchError(_("The source's answer is not readable text (not UTF-8).")) from None

    def refuse_constant(name):
        raise ValueError(name)

    try:
        return json.loads(
            text, parse_float=Decimal, parse_int=Decimal, parse_constant=refuse_constant
        )
    except (ValueError, RecursionError):
        raise FetchError(_("The source's answer is not valid JSON.")) from None


def too_large(limits: Limits) -> str:
    return _(
        "The source's answer is larger than %(mb)s MB (KOERS_FETCH_MAX_BYTES); nothing was stored."
    ) % {"mb": round(limits.max_bytes / 1024 / 1024, 1)}
