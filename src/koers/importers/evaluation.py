"""Measure an import against a hand-written expectation: precision and recall per kind.

An expectation file (``koers.import-expectation``, see docs/import-formats.md)
lists the elements a reader finds in a document: their kind, the line they start
on, their parent's line, and what should be extracted (code, period, done,
budget, spent, remaining, timing). An extracted element counts as correct when
an expected element of the same kind starts on the same line (or, without
lines, has the same code or title) and every value the expectation gives is
equal.

Version 2 of the format (written for documents of other governments) scores the
tree without the family's own names: every item is of kind ``item`` (its level
is given by its parent), and it adds the kinds ``field`` (an item's owner,
departments, planned dates, intended result or progress note, matched by item
and field), ``status`` (matched by item), ``amount`` (a budget line: year,
direction, nature, initial, current, actual; matched by line, year, direction
and nature, so that a row with a column per year gives one amount per year) and
``indicator`` (an indicator linked to an item, matched by its item and its order
under it).
``parent_code`` names a parent by its code where a line holds several items.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from koers.importers.vocabulary import normalise

COMPARED = (
    "parent",
    "parent_code",
    "code",
    "title",
    "budget",
    "spent",
    "remaining",
    "timing",
    "period",
    "done",
    "value",
    "status",
    "year",
    "direction",
    "initial",
    "current",
    "actual",
    "nature",
)
MONEY = ("budget", "spent", "remaining", "initial", "current", "actual")
FIELDS = (
    "owner",
    "departments",
    "planned_start",
    "planned_end",
    "intended_result",
    "progress_note",
)
KEYED_BY_PARENT = ("field", "status")


@dataclass
class KindScore:
    expected: int = 0
    extracted: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return (
            self.correct / self.extracted if self.extracted else (1.0 if not self.expected else 0.0)
        )

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


@dataclass
class Evaluation:
    kinds: dict[str, KindScore] = field(default_factory=dict)
    missing: list[dict] = field(default_factory=list)
    unexpected: list[dict] = field(default_factory=list)
    wrong: list[tuple[dict, dict, list[str]]] = field(default_factory=list)

    def table(self) -> str:
        rows = [
            f"{'kind':<20} {'expected':>8} {'found':>8} {'correct':>8} "
            f"{'precision':>9} {'recall':>7}"
        ]
        for kind, score in sorted(self.kinds.items()):
            rows.append(
                f"{kind:<20} {score.expected:>8} {score.extracted:>8} {score.correct:>8} "
                f"{score.precision:>9.3f} {score.recall:>7.3f}"
            )
        return "\n".join(rows)


def elements_of(document: dict, version: int = 1) -> list[dict]:
    """The elements of a PlanDocument in the expectation's terms (see the module)."""
    found: list[dict] = []
    generic = version >= 2

    def visit(item: dict, parent_line: int | None, parent_code: str | None) -> None:
        source = item.get("source") or {}
        line = source.get("line") or source.get("paragraph") or source.get("row")
        lines = item.get("budget_lines") or []
        budget = spent = remaining = None
        if lines:
            budget = sum((Decimal(str(b.get("initial", 0) or 0)) for b in lines), Decimal(0))
            spent = sum((Decimal(str(b.get("actual", 0) or 0)) for b in lines), Decimal(0))
            remaining = budget - spent
        timing = None
        if item.get("planned_start") or item.get("planned_end"):
            timing = {"start": item.get("planned_start"), "end": item.get("planned_end")}
        found.append(
            {
                "kind": "item" if generic else source.get("kind", "item"),
                "line": line,
                "parent": parent_line,
                "parent_code": parent_code,
                "code": item.get("code"),
                "title": item.get("title"),
                "budget": _money(budget),
                "spent": _money(spent),
                "remaining": _money(remaining),
                "timing": timing,
            }
        )
        for milestone in item.get("milestones") or []:
            msource = milestone.get("source") or {}
            period = None
            if milestone.get("planned_start") or milestone.get("planned_end"):
                period = {
                    "start": milestone.get("planned_start"),
                    "end": milestone.get("planned_end"),
                }
            found.append(
                {
                    "kind": "milestone",
                    "line": msource.get("line") or msource.get("paragraph"),
                    "parent": line,
                    "title": milestone.get("title"),
                    "period": period,
                    "done": bool(milestone.get("done", False)),
                }
            )
        if generic:
            found.extend(_details(item, line))
            for number, link in enumerate(item.get("indicators") or []):
                found.append(
                    {"kind": "indicator", "parent": line, "code": link.get("code"), "n": number}
                )
        for child in item.get("children") or []:
            visit(child, line, item.get("code"))

    for item in document["plan"]["items"]:
        visit(item, None, None)
    return found


def _details(item: dict, line: int | None) -> list[dict]:
    """Fields, status and budget lines of one item (format version 2)."""
    found = []
    for name in FIELDS:
        value = item.get(name)
        if value:
            value = value if name in ("planned_start", "planned_end") else None
            found.append({"kind": "field", "parent": line, "field": name, "value": value})
    if item.get("status"):
        found.append({"kind": "status", "parent": line, "status": item["status"]})
    for budget in item.get("budget_lines") or []:
        found.append(
            {
                "kind": "amount",
                "line": (budget.get("source") or {}).get("line"),
                "parent": line,
                "year": budget.get("year"),
                "direction": budget.get("direction"),
                "nature": budget.get("nature", "operating"),
                "initial": budget.get("initial"),
                "current": budget.get("current"),
                "actual": budget.get("actual"),
            }
        )
    return found


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(Decimal('0.01'))}"


def _same(key: str, expected, actual) -> bool:
    if key == "title":
        return normalise(expected or "") == normalise(actual or "")
    if key == "value" and expected is None:
        return True  # a text value is not written in the expectation: its presence counts
    if key in MONEY and expected is not None and actual is not None:
        return Decimal(str(expected)) == Decimal(str(actual))
    if key == "code":
        return (expected or None) == (actual or None)
    return expected == actual


def _amount_key(element: dict):
    """An amount by its line and year, direction and nature: a row gives one per year."""
    return (
        "amount",
        element.get("line"),
        element.get("year"),
        element.get("direction") or "expense",
        element.get("nature") or "operating",
    )


def _key(element: dict):
    if element["kind"] == "indicator" and "n" in element:
        return ("indicator", element.get("parent"), element["n"])
    if element["kind"] in KEYED_BY_PARENT:
        return ("parent", element["kind"], element.get("parent"), element.get("field"))
    if element.get("line") is not None:
        return ("line", element["kind"], element["line"])
    if element.get("code"):
        return ("code", element["kind"], element["code"])
    return ("title", element["kind"], normalise(element.get("title") or ""))


def evaluate(expectation: dict, document: dict) -> Evaluation:
    expected = _numbered_indicators(expectation["elements"])
    actual = elements_of(document, expectation.get("version", 1))
    result = Evaluation()
    expected_counts = Counter(element["kind"] for element in expected)
    actual_counts = Counter(element["kind"] for element in actual)
    for kind in set(expected_counts) | set(actual_counts):
        result.kinds[kind] = KindScore(expected_counts[kind], actual_counts[kind])
    index: dict = {}
    for element in actual:
        if element["kind"] in KEYED_BY_PARENT:
            index.setdefault(_key(element), element)
            continue
        if element["kind"] == "amount":
            index.setdefault(_amount_key(element), element)
        for key in {
            _key(element),
            ("code", element["kind"], element.get("code")),
            ("title", element["kind"], normalise(element.get("title") or "")),
        }:
            index.setdefault(key, element)
    matched: set[int] = set()
    for element in expected:
        found = None
        if element["kind"] == "amount" and "year" in element:
            found = index.get(_amount_key(element))
        if found is None or id(found) in matched:
            found = index.get(_key(element))
        if found is None or id(found) in matched:
            result.missing.append(element)
            continue
        matched.add(id(found))
        differences = [
            key
            for key in COMPARED
            if key in element and key != "line" and not _same(key, element[key], found.get(key))
        ]
        if differences:
            result.wrong.append((element, found, differences))
        else:
            result.kinds[element["kind"]].correct += 1
    result.unexpected = [element for element in actual if id(element) not in matched]
    return result


def _numbered_indicators(elements: list[dict]) -> list[dict]:
    """Expected indicators numbered in line order under their item (an indicator has no line
    in a PlanDocument: it is matched by its item and its place among the item's indicators)."""
    lines: dict = {}
    for element in elements:
        if element["kind"] == "indicator" and element.get("line") is not None:
            lines.setdefault(element.get("parent"), []).append(element["line"])
    numbered = []
    for element in elements:
        if element["kind"] == "indicator" and element.get("line") is not None:
            order = sorted(lines[element.get("parent")])
            element = {**element, "n": order.index(element["line"])}
        numbered.append(element)
    return numbered


def load_expectation(text: str) -> dict:
    data = json.loads(text)
    if data.get("format") != "koers.import-expectation" or not isinstance(
        data.get("elements"), list
    ):
        raise ValueError("not a koers.import-expectation file")
    return data


def total(evaluations: dict[str, "Evaluation"]) -> Evaluation:
    """The scores of several documents added up, per kind."""
    summed = Evaluation()
    for evaluation in evaluations.values():
        for kind, score in evaluation.kinds.items():
            into = summed.kinds.setdefault(kind, KindScore())
            into.expected += score.expected
            into.extracted += score.extracted
            into.correct += score.correct
    return summed


def overall(evaluation: Evaluation) -> KindScore:
    """All kinds of one evaluation together."""
    score = KindScore()
    for kind in evaluation.kinds.values():
        score.expected += kind.expected
        score.extracted += kind.extracted
        score.correct += kind.correct
    return score


def document_table(evaluations: dict[str, Evaluation]) -> str:
    """One row per document: its elements expected, found and correct, precision and recall."""
    rows = [
        f"{'document':<40} {'expected':>8} {'found':>8} {'correct':>8} "
        f"{'precision':>9} {'recall':>7}"
    ]
    for name, evaluation in sorted(evaluations.items()):
        score = overall(evaluation)
        rows.append(
            f"{name[:40]:<40} {score.expected:>8} {score.extracted:>8} {score.correct:>8} "
            f"{score.precision:>9.3f} {score.recall:>7.3f}"
        )
    score = overall(total(evaluations))
    rows.append(
        f"{'total':<40} {score.expected:>8} {score.extracted:>8} {score.correct:>8} "
        f"{score.precision:>9.3f} {score.recall:>7.3f}"
    )
    return "\n".join(rows)
