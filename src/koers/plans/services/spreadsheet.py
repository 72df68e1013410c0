"""A plan as a spreadsheet (CSV, Excel) and back.

:func:`plan_sheet` writes one row per item. The same sheet, edited in a
spreadsheet program, comes back through :func:`sheet_changes`: rows are matched
to items by their Koers-ID (when it is one of this plan's items) or else their
code; new rows become new items, changed rows update their item, and items that
are missing from the sheet are deleted only when asked. :func:`apply_changes`
carries everything out in one transaction, or nothing when one change fails.
"""

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor
from koers.accounts.models import Department
from koers.importers import DocumentError, read_document_isolated
from koers.importers.families.table import map_columns
from koers.importers.statuses import parse_status, preset_key
from koers.importers.vocabulary import normalise
from koers.plans.models import Plan, PlanItem
from koers.plans.services.items import (
    create_item,
    delete_item,
    move_item,
    plan_root,
    update_item,
)
from koers.plans.terminology import dutch_of

COLUMNS = (
    ("koers_id", "Koers-ID"),
    ("code", "Code"),
    ("title", "Titel"),
    ("parent_code", "Bovenliggende code"),
    ("level", "Niveau"),
    ("owner", "Eigenaar"),
    ("departments", "Diensten"),
    ("start", "Startjaar"),
    ("end", "Eindjaar"),
    ("timing", "Timing"),
    ("status", "Status"),
    ("progress", "Voortgang"),
    ("policy", "Beleid"),
)
POLICY_WORDS = {"priority": "prioritair", "regular": "regulier"}
# The sheet's Flemish words as a Netherlands plan says them (read back either way).
NETHERLANDS_SHEET_WORDS = {"Diensten": "Afdelingen", "prioritair": "speerpunt"}
# A cell starting with one of these is a formula to a spreadsheet program: written as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FIELD_LABELS = {
    "title": "Titel",
    "parent": "Bovenliggende code",
    "owner": "Eigenaar",
    "departments": "Diensten",
    "start_year": "Startjaar",
    "end_year": "Eindjaar",
    "timing": "Timing",
    "status": "Status",
    "progress": "Voortgang",
    "policy": "Beleid",
}


def plan_rows(plan: Plan) -> list[list]:
    items = (
        PlanItem.objects.filter(plan=plan, depth__gt=1)
        .select_related("owner", "status")
        .prefetch_related("departments")
        .order_by("path")
    )
    code_by_path = {}
    word = _sheet_words(plan)
    rows = [[word(heading) for _key, heading in COLUMNS]]
    for item in items:
        code_by_path[item.path] = item.code
        rows.append(
            [
                item.pk,
                item.code,
                item.title,
                code_by_path.get(item.path[: -PlanItem.steplen], "") if item.depth > 2 else "",
                item.depth - 1,
                item.owner.email if item.owner else "",
                "; ".join(sorted(d.name for d in item.departments.all())),
                item.start_year or "",
                item.end_year or "",
                item.timing,
                item.status.name if item.status else "",
                "" if item.progress is None else item.progress,
                word(POLICY_WORDS.get(item.policy, item.policy)),
            ]
        )
    return rows


def _sheet_words(plan: Plan):
    """The sheet's words in the Dutch of the plan's preset."""
    if dutch_of(plan.terminology_preset) == "nl-nl":
        return lambda word: NETHERLANDS_SHEET_WORDS.get(word, word)
    return lambda word: word


def plan_csv(plan: Plan) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerows(
        [f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_START) else v for v in row]
        for row in plan_rows(plan)
    )
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def plan_xlsx(plan: Plan) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    for row in plan_rows(plan):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.data_type = "s"  # text, never a formula
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column, width in zip(
        "ABCDEFGHIJKLM", (9, 12, 60, 14, 8, 28, 24, 10, 10, 18, 16, 10, 12), strict=True
    ):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# -- reading an edited sheet back -------------------------------------------------------


@dataclass
class RowChange:
    row: int
    item: PlanItem | None  # None for a new item
    values: dict
    differences: list[tuple[str, str, str]] = field(default_factory=list)  # field, old, new
    parent_code: str = ""
    parent_pk: int | None = None  # an existing parent, found when the sheet was read
    title: str = ""


@dataclass
class SheetChanges:
    new: list[RowChange] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    missing: list[PlanItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed or self.missing)


def sheet_changes(plan: Plan, content: bytes, filename: str) -> SheetChanges:
    """Compare an edited sheet with the plan; nothing is written.

    The sheet is read within the import limits, in a child process, as every upload is.
    """
    from koers.plans.services.document_import import import_limits

    try:
        _fmt, lines = read_document_isolated(content, filename, limits=import_limits())
    except DocumentError as error:
        from koers.plans.import_messages import error_text

        return SheetChanges(problems=[error_text(error)])
    rows = [line for line in lines if line.cells]
    changes = SheetChanges()
    header_at = next(
        (i for i, line in enumerate(rows[:10]) if "title" in map_columns(line.cells)), None
    )
    if header_at is None:
        changes.problems.append(_("The sheet has no header row with a column 'Titel'."))
        return changes
    mapping = map_columns(rows[header_at].cells)
    items = {
        item.pk: item
        for item in PlanItem.objects.filter(plan=plan, depth__gt=1)
        .select_related("owner", "status")
        .prefetch_related("departments")
    }
    by_code = {item.code: item for item in items.values() if item.code}
    parent_codes = _parent_codes(items.values())
    word = _sheet_words(plan)
    lookups = _Lookups(plan)
    seen: set[int] = set()
    new_codes: set[str] = set()
    for line in rows[header_at + 1 :]:
        cell = _reader(line.cells, mapping)
        number = line.source.row or 0
        title = cell("title")
        if not title and not cell("code"):
            continue
        item = None
        koers_id = cell("koers_id")
        if koers_id.isdigit() and int(koers_id) in items:
            item = items[int(koers_id)]
        elif cell("code") in by_code:
            item = by_code[cell("code")]
        if item is not None and item.pk in seen:
            changes.problems.append(
                _("Row %(row)s: this item occurs twice in the sheet.") % {"row": number}
            )
            continue
        values, problems = lookups.values(cell, mapping, number, item)
        changes.problems += problems
        if item is None:
            if not title:
                changes.problems.append(
                    _("Row %(row)s: a new item needs a title.") % {"row": number}
                )
                continue
            code = cell("code")
            parent_code = cell("parent_code") if "parent_code" in mapping else ""
            if parent_code and parent_code not in by_code and parent_code not in new_codes:
                changes.problems.append(
                    _("Row %(row)s: the parent code %(code)s is not in the plan or above this row.")
                    % {"row": number, "code": parent_code}
                )
            if code and (code in new_codes or code in by_code):
                changes.problems.append(
                    _("Row %(row)s: code %(code)s occurs twice.") % {"row": number, "code": code}
                )
            new_codes.add(code)
            parent = by_code.get(parent_code) if parent_code else None
            changes.new.append(
                RowChange(
                    number,
                    None,
                    values,
                    parent_code=parent_code,
                    parent_pk=parent.pk if parent else None,
                    title=title,
                )
            )
            continue
        seen.add(item.pk)
        change = RowChange(number, item, {}, title=item.title)
        for name, value in values.items():
            old = _current(item, name)
            if _shown(name, value) != _shown(name, old):
                change.values[name] = value
                change.differences.append(
                    (word(FIELD_LABELS.get(name, name)), _shown(name, old), _shown(name, value))
                )
        if "parent_code" in mapping and cell("parent_code") != parent_codes.get(item.pk, ""):
            target = cell("parent_code")
            if target and target not in by_code:
                changes.problems.append(
                    _("Row %(row)s: the parent code %(code)s is not in the plan.")
                    % {"row": number, "code": target}
                )
            else:
                change.parent_code = target or "-"
                change.parent_pk = by_code[target].pk if target else None
                change.differences.append(
                    (
                        FIELD_LABELS["parent"],
                        parent_codes.get(item.pk, ""),
                        target or _("(top level)"),
                    )
                )
        if change.differences:
            changes.changed.append(change)
        else:
            changes.unchanged += 1
    changes.missing = _missing(items, seen, changes)
    return changes


def _missing(items: dict[int, PlanItem], seen: set[int], changes: SheetChanges) -> list:
    """Items not in the sheet that can go: none with a row of the sheet below them or a new
    row or moved row under them; of a missing subtree only its top is listed."""
    kept_paths = [items[pk].path for pk in seen]
    needed = {change.parent_pk for change in changes.new + changes.changed}
    missing = [
        item
        for pk, item in items.items()
        if pk not in seen
        and pk not in needed
        and not any(path.startswith(item.path) for path in kept_paths)
    ]
    return [
        item
        for item in missing
        if not any(_is_below(item, other) for other in missing if other is not item)
    ]


def _is_below(item: PlanItem, other: PlanItem) -> bool:
    return item.path.startswith(other.path) and item.path != other.path


def _parent_codes(items) -> dict[int, str]:
    by_path = {item.path: item for item in items}
    return {
        item.pk: (
            by_path[item.path[: -PlanItem.steplen]].code
            if item.path[: -PlanItem.steplen] in by_path
            else ""
        )
        for item in items
    }


def _reader(cells: tuple[str, ...], mapping: dict[str, int]):
    def cell(name: str) -> str:
        index = mapping.get(name)
        value = cells[index].strip() if index is not None and index < len(cells) else ""
        if value[:1] == "'" and value[1:].startswith(FORMULA_START):
            value = value[1:]  # the CSV export's guard against formulas
        return value

    return cell


def _current(item: PlanItem, name: str):
    if name == "departments":
        return sorted(d.name for d in item.departments.all())
    return getattr(item, name)


def _shown(name: str, value) -> str:
    if value is None:
        return ""
    if name == "departments":
        return "; ".join(sorted(d if isinstance(d, str) else d.name for d in value))
    if name == "owner":
        return value.email
    if name == "status":
        return value.name
    if name == "policy":
        return POLICY_WORDS.get(value, value)
    return str(value)


class _Lookups:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.statuses = list(plan.statuses.all())
        self.people = {
            user.email.lower(): user
            for user in get_user_model().objects.filter(memberships__organisation=plan.organisation)
        }
        self.departments = {
            d.name: d for d in Department.objects.filter(organisation=plan.organisation)
        }

    def status(self, text: str):
        words = normalise(text)
        for status in self.statuses:
            if words in (normalise(status.name), status.key):
                return status
        found = parse_status(text)
        if found is not None:
            key = preset_key(found.key, self.plan.terminology_preset)
            return next((s for s in self.statuses if s.key == key), None)
        return None

    def values(self, cell, mapping, row: int, item: PlanItem | None) -> tuple[dict, list[str]]:
        """The values a row gives; an unchanged owner or department list is not checked
        again (the person may have left, the department be renamed since)."""
        values: dict = {}
        problems: list[str] = []

        def problem(message: str, **params):
            problems.append(_("Row %(row)s: ") % {"row": row} + message % params)

        if "title" in mapping and cell("title"):
            values["title"] = cell("title")[:500]
        if "code" in mapping:
            values["code"] = cell("code")[:40]
        if "owner" in mapping:
            email = cell("owner").lower()
            current = item.owner.email.lower() if item is not None and item.owner else ""
            if email and email == current:
                values["owner"] = item.owner
            else:
                if email and email not in self.people:
                    problem(_("%(email)s is not a member of the organisation."), email=email)
                values["owner"] = self.people.get(email)
        if "departments" in mapping:
            names = sorted(
                {name.strip() for name in cell("departments").split(";") if name.strip()}
            )
            current = _current(item, "departments") if item is not None else None
            if names == current:
                values["departments"] = list(item.departments.all())
            else:
                unknown = [name for name in names if name not in self.departments]
                if unknown:
                    problem(_("unknown department(s): %(names)s."), names=", ".join(unknown))
                values["departments"] = [
                    self.departments[n] for n in names if n in self.departments
                ]
        for name, key in (("start", "start_year"), ("end", "end_year")):
            if name in mapping:
                text = cell(name)
                if text and not (text.isdigit() and 1900 <= int(text) <= 2200):
                    problem(_("'%(value)s' is not a year."), value=text)
                    continue
                values[key] = int(text) if text else None
        if "timing" in mapping:
            values["timing"] = cell("timing")[:200]
        if "status" in mapping:
            text = cell("status")
            status = self.status(text) if text else None
            if text and status is None:
                problem(_("the plan has no status '%(status)s'."), status=text)
            values["status"] = status
        if "progress" in mapping:
            text = cell("progress").rstrip("% ")
            if text and not (text.isdigit() and 0 <= int(text) <= 100):
                problem(_("progress '%(value)s' is not a number from 0 to 100."), value=text)
            else:
                values["progress"] = int(text) if text else None
        if "policy" in mapping and cell("policy"):
            words = normalise(cell("policy"))
            values["policy"] = "regular" if words.startswith(("regul", "gelijk")) else "priority"
        return values, problems


@transaction.atomic
def apply_changes(plan: Plan, changes: SheetChanges, *, delete_missing: bool, actor: Actor) -> dict:
    """Carry out the changes; a ValidationError undoes all of them."""
    if changes.problems:
        raise ValidationError(changes.problems)
    try:
        return _apply(plan, changes, delete_missing, actor)
    except PlanItem.DoesNotExist:  # changed by someone else since the sheet was read
        raise ValidationError(
            _("The plan changed while you were checking the sheet; upload it again.")
        ) from None


def _apply(plan: Plan, changes: SheetChanges, delete_missing: bool, actor: Actor) -> dict:
    for change in changes.changed:
        item = PlanItem.objects.get(pk=change.item.pk, plan=plan)
        update_item(item, change.values, actor=actor)
        if change.parent_code:
            target = (
                plan_root(plan)
                if change.parent_pk is None
                else PlanItem.objects.get(pk=change.parent_pk, plan=plan)
            )
            move_item(PlanItem.objects.get(pk=item.pk), target, "last-child", actor=actor)
    created: dict[str, PlanItem] = {}
    for change in changes.new:
        parent = None
        if change.parent_pk is not None:
            parent = PlanItem.objects.get(pk=change.parent_pk, plan=plan)
        elif change.parent_code:
            parent = created[change.parent_code]
        item = create_item(plan, parent, change.values, actor=actor)
        if item.code:
            created[item.code] = item
    deleted = 0
    if delete_missing:
        for item in changes.missing:
            delete_item(PlanItem.objects.get(pk=item.pk, plan=plan), actor=actor)
            deleted += 1
    return {"new": len(changes.new), "changed": len(changes.changed), "deleted": deleted}
