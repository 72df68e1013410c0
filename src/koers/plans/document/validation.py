"""Checks a PlanDocument: first against the JSON Schema, then the rules a schema cannot say.

Every problem is reported with the JSON path where it sits, e.g.
``$.plan.items[2].children[0].code: 'BD1-01' is used twice``.
"""

import json
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import fastjsonschema
import jsonschema

SCHEMA_DIR = Path(__file__).parent / "schema"
# Tree paths hold 63 levels of 4 characters; plans have 3 to 5.
MAX_DEPTH = 20
FORMAT = "koers.plan-document"
VERSION = 2  # what export writes; version 1 (without indicators) is still read
VERSIONS = (1, 2)

# Bounds checked before anything else reads the document, so that no value can cost
# unbounded memory, time or a database error further on (docs/plan-document.md).
MAX_NESTING = 60  # objects and arrays inside each other (an item 20 levels deep needs 45)
MAX_NODES = 2_000_000  # objects, arrays and values in the whole document
MAX_ITEMS = 200_000  # items, milestones and budget lines, each counted
MAX_TEXT = 200_000  # characters in one text (a rich-text description included)
MAX_NUMBER_DIGITS = 15  # an amount has at most 12 digits before its two decimals
MAX_INDICATOR_ROWS = 1_000_000  # indicators, their targets and values, and item links


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self):
        return f"{self.path}: {self.message}"


class PlanDocumentError(ValueError):
    """The document is not a valid PlanDocument; nothing was changed."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def schema_path(version: int = VERSION) -> Path:
    return SCHEMA_DIR / f"plan-document-{version}.schema.json"


@cache
def schema(version: int = VERSION) -> dict:
    return json.loads(schema_path(version).read_text(encoding="utf-8"))


def document_version(document) -> int:
    """The schema a document is checked against: the one of its own version, or the
    newest (which then reports the unknown version)."""
    version = document.get("version") if isinstance(document, dict) else None
    return version if version in VERSIONS and not isinstance(version, bool) else VERSION


@cache
def _validator(version: int = VERSION) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schema(version), format_checker=jsonschema.FormatChecker()
    )


class _Unreadable:
    """A number JSON may hold but a plan may not: kept as a marker so that the bounds
    check can name its JSON path."""

    def __init__(self, reason: str):
        self.reason = reason


def _int(text: str):
    digits = len(text.lstrip("-"))
    if digits > MAX_NUMBER_DIGITS:
        return _Unreadable(f"a number of {digits} digits; at most {MAX_NUMBER_DIGITS} are allowed")
    return int(text)


def _float(text: str):
    if len(text) > MAX_NUMBER_DIGITS + 10:
        return _Unreadable(f"a number of {len(text)} characters is too long")
    return float(text)


def _constant(text: str):
    return _Unreadable(f"{text} is not a number a plan can hold")


def parse(text: str | bytes) -> dict:
    """Read JSON text; a syntax error becomes a :class:`PlanDocumentError`.

    Numbers with more digits than a plan can hold, NaN and Infinity are kept as markers
    that :func:`validate` reports with their JSON path."""
    try:
        return json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except UnicodeDecodeError as error:
        raise PlanDocumentError(
            [Problem("$", f"the file is not UTF-8 text ({error.reason})")]
        ) from None
    except RecursionError:
        raise PlanDocumentError([Problem("$", "the document is nested too deeply")]) from None
    except json.JSONDecodeError as error:
        raise PlanDocumentError(
            [
                Problem(
                    "$", f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
                )
            ]
        ) from None


@cache
def _fast_check(version: int = VERSION):
    """A compiled validator: tells quickly whether a document is valid, not what is wrong.

    fastjsonschema knows draft 7; the schema uses nothing that differs from 2020-12.
    """
    draft7 = {**schema(version), "$schema": "http://json-schema.org/draft-07/schema#"}
    return fastjsonschema.compile(draft7)


def problems(document) -> list[Problem]:
    found = bounds_problems(document)
    if found:
        return found
    found = list(_unstorable_text(document, "$"))
    if found:
        return found
    version = document_version(document)
    try:
        _fast_check(version)(document)
    except fastjsonschema.JsonSchemaException:
        pass  # fall through to the thorough validator for complete, precise messages
    else:
        return _rule_problems(document["plan"]) + indicator_problems(document)
    found = [
        Problem(error.json_path, _schema_message(error))
        for error in sorted(_validator(version).iter_errors(document), key=lambda e: list(e.path))
    ]
    if found:
        return found
    return _rule_problems(document["plan"]) + indicator_problems(document)


def validate(document) -> None:
    try:
        found = problems(document)
    except RecursionError:
        found = [Problem("$", "the document is nested too deeply")]
    if found:
        raise PlanDocumentError(found)


ITEM_LISTS = frozenset({"items", "children", "milestones", "budget_lines"})
INDICATOR_LISTS = frozenset({"indicators", "targets", "values"})


def _path(entry) -> str:
    """The JSON path of a node of :func:`bounds_problems`, built only when it is named."""
    parts = []
    while entry[1] is not None:
        _value, parent, key, _nesting = entry
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
        entry = parent
    return "$" + "".join(reversed(parts))


def bounds_problems(document) -> list[Problem]:
    """Nesting, size, text length and numbers, checked without recursion: the first
    problem of each kind, with its JSON path. A node keeps its parent and key, so that a
    path is written out only for a problem (a document may hold millions of nodes)."""
    found: dict[str, Problem] = {}
    nodes = items = indicator_rows = 0
    stack = [(document, None, None, 1)]
    while stack:
        entry = stack.pop()
        value, _parent, key, nesting = entry
        nodes += 1
        if nodes > MAX_NODES:
            found.setdefault(
                "nodes", Problem("$", f"the document holds more than {MAX_NODES:,} values")
            )
            break
        if isinstance(value, str):
            if len(value) > MAX_TEXT:
                found.setdefault(
                    "text",
                    Problem(
                        _path(entry), f"a text of {len(value):,} characters; at most {MAX_TEXT:,}"
                    ),
                )
        elif isinstance(value, dict | list):
            if nesting > MAX_NESTING:
                found.setdefault(
                    "nesting",
                    Problem(_path(entry), f"nested more than {MAX_NESTING} levels deep"),
                )
                continue
            if isinstance(value, dict):
                stack.extend((child, entry, name, nesting + 1) for name, child in value.items())
            else:
                if key in ITEM_LISTS:
                    items += len(value)
                elif key in INDICATOR_LISTS:
                    indicator_rows += len(value)
                stack.extend(
                    (child, entry, index, nesting + 1) for index, child in enumerate(value)
                )
        elif isinstance(value, _Unreadable):
            found.setdefault("number", Problem(_path(entry), value.reason))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int) and abs(value) >= 10**MAX_NUMBER_DIGITS:
            found.setdefault(
                "number", Problem(_path(entry), f"at most {MAX_NUMBER_DIGITS} digits are allowed")
            )
        elif isinstance(value, float) and not math.isfinite(value):
            found.setdefault(
                "number", Problem(_path(entry), f"{value} is not a number a plan can hold")
            )
    if items > MAX_ITEMS:
        found.setdefault(
            "items",
            Problem(
                "$.plan.items",
                f"{items:,} items, milestones and budget lines; at most {MAX_ITEMS:,}",
            ),
        )
    if indicator_rows > MAX_INDICATOR_ROWS:
        found.setdefault(
            "indicator_rows",
            Problem(
                "$.indicators",
                f"{indicator_rows:,} indicators, targets, values and links; "
                f"at most {MAX_INDICATOR_ROWS:,}",
            ),
        )
    return list(found.values())


def _unstorable_text(value, path: str):
    """Text no database stores (NUL characters, lone UTF-16 surrogates), refused up front."""
    if isinstance(value, str):
        if "\x00" in value:
            yield Problem(path, "the text contains a NUL character")
        elif not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                yield Problem(path, "the text contains an invalid character (a lone surrogate)")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _unstorable_text(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unstorable_text(item, f"{path}[{index}]")


def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        return f"unknown field ({error.message})"
    if (
        error.validator == "oneOf"
        and error.path
        and error.path[-1] in {"initial", "current", "actual"}
    ):
        return f'{error.instance!r} is not an amount such as "1250.50"'
    indicator_part = error.path and error.path[0] == "indicators"
    if indicator_part and error.validator in ("pattern", "type", "minimum", "maximum"):
        if error.path[-1] in FIGURE_FIELDS:
            return (
                f'{error.instance!r} is not a figure such as "12.5" (a dot, at most six '
                "decimals, at most 13 digits before it)"
            )
        if error.path[-1] in ("period", "baseline_period"):
            return f"{error.instance!r} is not a period such as 2024, 2024-H1, 2024-Q3 or 2024-05"
    return error.message


FIGURE_FIELDS = {"value", "band_low", "band_high", "tolerance", "baseline_value"}


def _period_frequency(period: str) -> str:
    if len(period) == 4:
        return "year"
    return {"H": "half_year", "Q": "quarter"}.get(period[5], "month")


def _figure(value):
    return None if value is None else Decimal(str(value))


def indicator_problems(document: dict) -> list[Problem]:
    """The rules of version 2 that the schema cannot say: codes unique, a band that holds
    together, targets and values unique, periods of the indicator's frequency, a value
    that fits the unit, and item links that name an indicator once."""
    found: list[Problem] = []
    codes: dict[str, str] = {}
    for index, indicator in enumerate(document.get("indicators", [])):
        path = f"$.indicators[{index}]"
        code = indicator["code"].strip().casefold()
        if code in codes:
            found.append(
                Problem(
                    f"{path}.code", f"{indicator['code']!r} is used twice (also at {codes[code]})"
                )
            )
        else:
            codes[code] = path
        low, high = _figure(indicator.get("band_low")), _figure(indicator.get("band_high"))
        if indicator.get("direction") == "band":
            if low is None and high is None:
                found.append(Problem(f"{path}.band_low", "a band needs band_low or band_high"))
            elif low is not None and high is not None and low > high:
                found.append(Problem(f"{path}.band_high", "band_high lies below band_low"))
        tolerance = _figure(indicator.get("tolerance"))
        if tolerance is not None and tolerance < 0:
            found.append(Problem(f"{path}.tolerance", "the tolerance cannot be negative"))
        years: dict[int, int] = {}
        for position, target in enumerate(indicator.get("targets", [])):
            if target["year"] in years:
                found.append(
                    Problem(
                        f"{path}.targets[{position}].year",
                        f"{target['year']} has a target twice "
                        f"(also at targets[{years[target['year']]}])",
                    )
                )
            years.setdefault(target["year"], position)
        found += _duplicate_values(indicator, path)
        # Without a unit or frequency, a new indicator takes the default and a known one
        # keeps its own: checked against the database (document/indicators.py).
        found += value_problems(indicator, path, indicator.get("unit"), indicator.get("frequency"))
    for path, item in walk_items(document["plan"]["items"], "$.plan.items"):
        linked: set[str] = set()
        for position, link in enumerate(item.get("indicators", [])):
            code = link["code"].strip().casefold()
            if code in linked:
                found.append(
                    Problem(
                        f"{path}.indicators[{position}].code", f"{link['code']!r} is linked twice"
                    )
                )
            linked.add(code)
    return found


def _duplicate_values(indicator: dict, path: str) -> list[Problem]:
    found: list[Problem] = []
    seen: dict[tuple, int] = {}
    for position, value in enumerate(indicator.get("values", [])):
        period = value["period"]
        key = (period, value.get("breakdown", "").strip(), value.get("series", "").strip())
        if key in seen:
            found.append(
                Problem(
                    f"{path}.values[{position}]",
                    f"{period} occurs twice for this breakdown and series "
                    f"(also at values[{seen[key]}])",
                )
            )
        seen.setdefault(key, position)
    return found


def value_problems(
    indicator: dict, path: str, unit: str | None, frequency: str | None
) -> list[Problem]:
    """Values of another frequency, or that do not fit the unit; a check is skipped when
    its ``unit`` or ``frequency`` is None."""
    found: list[Problem] = []
    for position, value in enumerate(indicator.get("values", [])):
        here = f"{path}.values[{position}]"
        period = value["period"]
        if frequency is not None and _period_frequency(period) != frequency:
            found.append(
                Problem(f"{here}.period", f"{period!r} is no period of a {frequency} indicator")
            )
        number = value.get("value")
        if unit is None:
            continue
        if unit == "text":
            if number is not None:
                found.append(Problem(f"{here}.value", "a text indicator has a text, no value"))
        elif number is None:
            found.append(Problem(f"{here}.value", f"a value is needed for unit {unit}"))
        elif unit == "yes_no" and _figure(number) not in (0, 1):
            found.append(Problem(f"{here}.value", "a yes/no value is 1 (yes) or 0 (no)"))
        elif value.get("text"):
            found.append(Problem(f"{here}.text", f"an indicator of unit {unit} has no text"))
    return found


def _rule_problems(plan: dict) -> list[Problem]:
    found: list[Problem] = []
    if plan["first_year"] > plan["last_year"]:
        found.append(Problem("$.plan.last_year", "the last year lies before the first year"))
    status_keys = [status["key"] for status in plan.get("statuses", [])]
    for index, key in enumerate(status_keys):
        if key in status_keys[:index]:
            found.append(Problem(f"$.plan.statuses[{index}].key", f"{key!r} is used twice"))
    known_statuses = set(status_keys)
    departments = set(plan.get("departments", []))
    codes: dict[str, str] = {}
    for path, item in walk_items(plan["items"], "$.plan.items"):
        if path.count(".children[") >= MAX_DEPTH:
            found.append(Problem(path, f"the tree is deeper than {MAX_DEPTH} levels"))
            break
        code = item.get("code", "")
        if code:
            if code in codes:
                found.append(
                    Problem(f"{path}.code", f"{code!r} is used twice (also at {codes[code]})")
                )
            else:
                codes[code] = path
        status = item.get("status")
        if status and known_statuses and status not in known_statuses:
            found.append(Problem(f"{path}.status", f"{status!r} is not one of the plan's statuses"))
        start, end = item.get("start_year"), item.get("end_year")
        if start and end and start > end:
            found.append(Problem(f"{path}.end_year", "the end year lies before the start year"))
        for name in item.get("departments", []):
            if departments and name not in departments:
                found.append(
                    Problem(f"{path}.departments", f"{name!r} is not in $.plan.departments")
                )
        for index, milestone in enumerate(item.get("milestones", [])):
            start, end = milestone.get("planned_start"), milestone.get("planned_end")
            if start and end and start > end:
                found.append(
                    Problem(
                        f"{path}.milestones[{index}].planned_end", "the end lies before the start"
                    )
                )
        for index, line in enumerate(item.get("budget_lines", [])):
            if not plan["first_year"] <= line["year"] <= plan["last_year"]:
                found.append(
                    Problem(
                        f"{path}.budget_lines[{index}].year",
                        f"{line['year']} lies outside the plan period",
                    )
                )
    return found


def walk_items(items: list[dict], path: str):
    """Yield (json_path, item) for every item, depth first in document order."""
    for index, item in enumerate(items):
        item_path = f"{path}[{index}]"
        yield item_path, item
        yield from walk_items(item.get("children", []), f"{item_path}.children")
