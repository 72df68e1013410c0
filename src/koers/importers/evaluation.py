"""Measure an import against a hand-written expectation: precision and recall per kind.

An expectation file (``koers.import-expectation``, see docs/import-formats.md)
lists the elements a reader finds in a document: their kind, the line they start
on, their parent's line, and what should be extracted (code, period, done,
budget, spent, remaining, timing). An extracted element counts as correct when
an expected element of the same kind starts on the same line (or, without
lines, has the same code or title) and every value the expectation gives is
equal.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from koers.importers.vocabulary import normalise

COMPARED = ("parent", "code", "title", "budget", "spent", "remaining", "timing", "period", "done")


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


def elements_of(document: dict) -> list[dict]:
    """The elements of a PlanDocument in the expectation's terms."""
    found: list[dict] = []

    def visit(item: dict, parent_line: int | None) -> None:
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
                "kind": source.get("kind", "item"),
                "line": line,
                "parent": parent_line,
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
        for child in item.get("children") or []:
            visit(child, line)

    for item in document["plan"]["items"]:
        visit(item, None)
    return found


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(Decimal('0.01'))}"


def _same(key: str, expected, actual) -> bool:
    if key == "title":
        return normalise(expected or "") == normalise(actual or "")
    if key in ("budget", "spent", "remaining") and expected is not None and actual is not None:
        return Decimal(str(expected)) == Decimal(str(actual))
    if key == "code":
        return (expected or None) == (actual or None)
    return expected == actual


def _key(element: dict):
    if element.get("line") is not None:
        return ("line", element["kind"], element["line"])
    if element.get("code"):
        return ("code", element["kind"], element["code"])
    return ("title", element["kind"], normalise(element.get("title") or ""))


def evaluate(expectation: dict, document: dict) -> Evaluation:
    expected = expectation["elements"]
    actual = elements_of(document)
    result = Evaluation()
    expected_counts = Counter(element["kind"] for element in expected)
    actual_counts = Counter(element["kind"] for element in actual)
    for kind in set(expected_counts) | set(actual_counts):
        result.kinds[kind] = KindScore(expected_counts[kind], actual_counts[kind])
    index: dict = {}
    for element in actual:
        for key in {
            _key(element),
            ("code", element["kind"], element.get("code")),
            ("title", element["kind"], normalise(element.get("title") or "")),
        }:
            index.setdefault(key, element)
    matched: set[int] = set()
    for element in expected:
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


def load_expectation(text: str) -> dict:
    data = json.loads(text)
    if data.get("format") != "koers.import-expectation" or not isinstance(
        data.get("elements"), list
    ):
        raise ValueError("not a koers.import-expectation file")
    return data
