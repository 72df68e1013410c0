"""What a family parser extracts, before it becomes a PlanDocument.

A :class:`Draft` is a tree of :class:`DraftItem` with milestones and budget
lines; every element keeps its :class:`~koers.importers.lines.Source`. Warnings
say what the parser was unsure of. :meth:`Draft.to_plan_document` gives the
PlanDocument (format ``koers.plan-document`` version 1) that ``koers import``
and the web preview load.
"""

import datetime
import html
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from koers.importers.lines import Line, Source
from koers.importers.periods import Period
from koers.importers.statuses import Status, preset_key

MAX_TITLE = 500
MAX_PLAN_TITLE = 300


@dataclass
class Warning:
    code: str
    message: str  # English, with %(name)s placeholders
    source: Source | None = None
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        text = self.message % self.params if self.params else self.message
        return f"{self.source}: {text}" if self.source else text

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "params": self.params,
            "source": self.source.as_dict() if self.source else None,
        }


@dataclass
class DraftMilestone:
    title: str
    source: Source
    period: Period | None = None
    done: bool = False


@dataclass
class DraftBudget:
    source: Source
    label: str = ""
    year: int | None = None
    initial: Decimal | None = None
    actual: Decimal | None = None
    current: Decimal | None = None  # the budget after changes, where a table gives it
    direction: str = "expense"
    nature: str = "operating"  # or 'investment' (Exploitatie / Investering blocks)


@dataclass
class DraftItem:
    title: str
    kind: str
    source: Source
    code: str = ""
    sections: dict[str, list[Line]] = field(default_factory=dict)
    timing: Period | None = None
    timing_text: str = ""
    status: Status | None = None
    progress: int | None = None
    owner: str | None = None
    departments: list[str] = field(default_factory=list)
    policy: str | None = None
    milestones: list[DraftMilestone] = field(default_factory=list)
    budget: list[DraftBudget] = field(default_factory=list)
    indicators: list = field(default_factory=list)  # see koers.importers.indicator_tables
    children: list["DraftItem"] = field(default_factory=list)

    def add_text(self, section: str, line: Line) -> None:
        self.sections.setdefault(section, []).append(line)

    def walk(self, depth: int = 1) -> Iterator[tuple[int, "DraftItem"]]:
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)


@dataclass
class Draft:
    family: str
    title: str = ""
    preset: str = "flemish_bbc"
    levels: tuple[str, ...] = ()
    items: list[DraftItem] = field(default_factory=list)
    context: list[Line] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    years: Counter = field(default_factory=Counter)  # years mentioned, for defaults

    def warn(self, key: str, message: str, source: Source | None = None, /, **params) -> None:
        self.warnings.append(Warning(key, message, source, params))

    def walk(self) -> Iterator[tuple[int, DraftItem]]:
        for item in self.items:
            yield from item.walk()

    def counts(self) -> dict[str, int]:
        counts: Counter = Counter()
        for _depth, item in self.walk():
            counts[item.kind] += 1
            counts["milestone"] += len(item.milestones)
            counts["budget_line"] += len(item.budget)
        return dict(counts)

    # -- PlanDocument ------------------------------------------------------------

    def reference_year(self) -> int:
        """The year a budget without a year belongs to: the document's most named year."""
        if self.years:
            return self.years.most_common(1)[0][0]
        return datetime.date.today().year

    def plan_years(self) -> tuple[int, int]:
        years = set()
        for _depth, item in self.walk():
            for period in [item.timing] + [m.period for m in item.milestones]:
                if period is not None:
                    years.update(y for y in (period.first_year, period.last_year) if y)
            years.update(line.year or self.reference_year() for line in item.budget)
        if not years:
            first = self.reference_year()
            return first, first + 5
        first, last = min(years), max(years)
        return first, max(last, first)

    def to_plan_document(self) -> dict:
        first_year, last_year = self.plan_years()
        codes: set[str] = set()
        plan = {
            "title": (self.title or "Geïmporteerd plan")[:MAX_PLAN_TITLE],
            "first_year": first_year,
            "last_year": last_year,
            "terminology": {"preset": self.preset},
            "items": [self._item(item, codes) for item in self.items],
        }
        if self.levels:
            plan["terminology"]["levels"] = [level[:60] for level in self.levels][:10]
        if self.context:
            plan["description"] = render_html(self.context)
        departments = sorted({d for _depth, item in self.walk() for d in item.departments})
        if departments:
            plan["departments"] = departments
        indicators = [i.as_dict() for _depth, item in self.walk() for i in item.indicators]
        document = {
            "format": "koers.plan-document",
            "version": 2 if indicators else 1,  # version 2 carries indicators
            "source": {"importer": self.family},
            "plan": plan,
        }
        if indicators:
            document["indicators"] = indicators
        return document

    def _item(self, item: DraftItem, codes: set[str]) -> dict:
        data: dict = {
            "title": item.title[:MAX_TITLE] or "–",
            "source": _source(item.source, item.kind),
        }
        if item.code and len(item.code) <= 40 and item.code not in codes:
            data["code"] = item.code
            codes.add(item.code)
        for section, key in (
            ("description", "description"),
            ("intent", "intended_result"),
            ("progress", "progress_note"),
            ("cost", "cost_note"),
        ):
            if item.sections.get(section):
                data[key] = render_html(item.sections[section])
        if item.timing is not None:
            data["planned_start"] = _iso(item.timing.start)
            data["planned_end"] = _iso(item.timing.end)
            data["start_year"] = item.timing.first_year
            data["end_year"] = item.timing.last_year
        if item.timing_text:
            data["timing"] = item.timing_text[:200]
        if item.status is not None:
            data["status"] = preset_key(item.status.key, self.preset)
        progress = (
            item.progress
            if item.progress is not None
            else (item.status.percent if item.status else None)
        )
        if progress is not None:
            data["progress"] = max(0, min(100, progress))
        if item.owner:
            data["owner"] = item.owner
        if item.departments:
            data["departments"] = list(dict.fromkeys(item.departments))
        if item.policy in ("priority", "regular"):
            data["policy"] = item.policy
        if item.milestones:
            data["milestones"] = [_milestone(m) for m in item.milestones]
        if item.budget:
            data["budget_lines"] = [self._budget(b) for b in item.budget]
        if item.indicators:
            data["indicators"] = [{"code": i.code, "role": "effect"} for i in item.indicators]
        if item.children:
            data["children"] = [self._item(child, codes) for child in item.children]
        return data

    def _budget(self, line: DraftBudget) -> dict:
        data = {
            "year": line.year or self.reference_year(),
            "direction": line.direction,
            "source": line.source.as_dict(),
        }
        if line.nature == "investment":
            data["nature"] = line.nature
        if line.label:
            data["label"] = line.label[:300]
        if line.initial is not None:
            data["initial"] = data["current"] = _money(line.initial)
        if line.current is not None:
            data["current"] = _money(line.current)
        if line.actual is not None:
            data["actual"] = _money(line.actual)
        return data


def _milestone(milestone: DraftMilestone) -> dict:
    data = {"title": milestone.title[:MAX_TITLE] or "–", "source": milestone.source.as_dict()}
    if milestone.period is not None:
        data["planned_start"] = _iso(milestone.period.start)
        data["planned_end"] = _iso(milestone.period.end)
        data["planned_text"] = milestone.period.text[:100]
    if milestone.done:
        data["done"] = True
    return data


def _source(source: Source, kind: str) -> dict:
    return {**source.as_dict(), "kind": kind}


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def render_html(lines: list[Line]) -> str:
    """Paragraphs and (nested) bullet lists as simple HTML; the text is escaped."""
    out: list[str] = []
    depth = 0
    for line in lines:
        target = line.bullet
        while depth < target:
            out.append("<ul>")
            depth += 1
        while depth > target:
            out.append("</ul>")
            depth -= 1
        text = html.escape(line.text)
        out.append(f"<li>{text}</li>" if target else f"<p>{text}</p>")
    out.extend("</ul>" for _ in range(depth))
    return "".join(out)
