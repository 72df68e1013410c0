"""Field labels of project sheets and progress pages: 'Label: value' or the value on the next line.

``Portefeuillehouder: A. Voorbeeld``, ``Afdeling`` with ``Ruimte`` on the next
line, ``Startdatum project 18-5-2015`` in a two-column table: the labels are data
in ``vocabulary.toml`` (``[fields]``, label → field). :func:`find_fields` says,
for each line, whether it is a label (and of which field, with the value and the
lines it took) or the value of a label above it; :func:`apply` stores a field in
the item where the PlanDocument has a place for it (owner, departments, status,
planned dates, intended result, progress note, timing, budget and spent) and
keeps the others (phase, reporting date, result, description) as the item's text,
with a warning where Koers has no field for them.
"""

import datetime
import re
from dataclasses import dataclass, field
from functools import cache

from koers.importers.amounts import bare_amount
from koers.importers.draft import Draft, DraftBudget, DraftItem
from koers.importers.lines import Line
from koers.importers.periods import Period
from koers.importers.statuses import parse_phase, parse_status, preset_key
from koers.importers.vocabulary import normalise, vocabulary

DATE = re.compile(r"^(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>(?:19|20)\d\d)$")
INLINE = re.compile(r"^(?P<label>[^:]{2,40}?)\s*:\s+(?P<value>\S.*)$")
MAX_VALUE = 2000
TEXT_ONLY = ("phase", "reporting_date", "result")


@dataclass
class Field:
    key: str
    label: str
    value: str
    line: Line  # the label's line
    value_line: Line
    taken: list[int] = field(default_factory=list)  # indexes of the lines it used


@cache
def labels() -> dict[str, str]:
    return {
        normalise(label): key for key, names in vocabulary()["fields"].items() for label in names
    }


@cache
def list_labels() -> frozenset:
    return frozenset(normalise(label) for label in vocabulary()["list_labels"]["labels"])


def is_list_label(text: str) -> bool:
    """'Subdoelen', 'Acties:': a line that only introduces the list below it."""
    return len(text) <= 40 and normalise(text) in list_labels()


def label_of(text: str) -> str | None:
    """The field a line names when it is a label on its own ('Afdeling', 'Status:')."""
    if len(text) > 60:
        return None
    return labels().get(normalise(text))


def find_fields(lines: list[Line]) -> dict[int, Field]:
    """Labelled fields by the index of their label line; value lines are listed in ``taken``."""
    found: dict[int, Field] = {}
    used: set[int] = set()
    for index, line in enumerate(lines):
        if index in used or line.bullet or line.cells:
            continue
        text = line.text.strip()
        if (match := INLINE.match(text)) and (key := label_of(match["label"])):
            found[index] = Field(key, match["label"], match["value"].strip(), line, line, [index])
            used.add(index)
            continue
        key = label_of(text)
        label = text
        if key is None and text.endswith(":") and len(text) <= 80:
            label, key = _label_at_end(text)  # 'Doel / Realisatie Doel van het programma:'
        if key is None or index + 1 >= len(lines):
            continue
        if index and label_of(lines[index - 1].text) and index - 1 not in used:
            continue  # the second label of a table's header row: its rows follow
        following = lines[index + 1]
        if label_of(following.text) or following.bullet or len(following.text) > MAX_VALUE:
            continue  # a header row of a table, or a list: no value
        found[index] = Field(
            key, label, following.text.strip(), line, following, [index, index + 1]
        )
        used.update((index, index + 1))
    return found


def _label_at_end(text: str) -> tuple[str, str | None]:
    """The label that ends a line ending in a colon: the right cell of a flattened table row."""
    words = text.rstrip(": ").split()
    for size in range(min(5, len(words) - 1), 0, -1):
        label = " ".join(words[-size:])
        if key := label_of(label):
            return label, key
    return text, None


def parse_date(text: str) -> datetime.date | None:
    match = DATE.match(text.strip())
    if match is None:
        return None
    try:
        return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None


def apply(draft: Draft, item: DraftItem, found: Field) -> None:
    """Store one field in the item, or keep it as the item's text with a warning."""
    key, value, line = found.key, found.value, found.value_line
    if key == "owner":
        item.owner = item.owner or value[:200]
        return
    if key == "department":
        item.departments.append(value[:100])
        return
    if key == "status":
        status = parse_status(value)
        if status is not None:
            item.status = status
            return
    if key == "phase" and item.status is None and (status := parse_phase(value)) is not None:
        item.status = status
        item.add_text("description", Line(f"{found.label}: {value}", line.source))
        draft.warn(
            "phase_as_status",
            "The phase '%(value)s' was read as the status '%(status)s'; check it.",
            line.source,
            value=value[:60],
            status=preset_key(status.key, draft.preset),
        )
        return
    if key in ("start", "end"):
        date = parse_date(value)
        if date is not None:
            timing = item.timing
            start = date if key == "start" else (timing.start if timing else None)
            end = date if key == "end" else (timing.end if timing else None)
            item.timing = Period(start, end, f"{start or ''} – {end or ''}".strip(" –"))
            return
    if key in ("budget", "spent"):
        amount = bare_amount(value)
        if amount is not None:
            if not item.budget:
                item.budget.append(DraftBudget(line.source, label=found.label))
            budget = item.budget[0]
            if key == "budget" and budget.initial is None:
                budget.initial = amount
                return
            if key == "spent" and budget.actual is None:
                budget.actual = amount
                return
    if key in ("intent", "progress", "description"):
        item.add_text(key, line)
        return
    if key == "timing":
        item.timing_text = item.timing_text or value[:200]
        item.add_text("description", Line(f"{found.label}: {value}", line.source))
        return
    item.add_text("description", Line(f"{found.label}: {value}", line.source))
    draft.warn(
        "field_as_text",
        "'%(label)s' has no field in Koers (or its value '%(value)s' was not understood); it "
        "was kept in the description.",
        line.source,
        label=found.label[:60],
        value=value[:60],
    )
