"""Readable history of an item: its own changes and those of its milestones and budget lines."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koers.accounts.models import Department
from koers.plans.models import BudgetLine, Milestone, PlanItem, PlanStatus
from koers.sdgs.models import SDGGoal, SDGTarget

IGNORED_FIELDS = {"updated_at", "created_at", "numchild", "path", "depth", "position"}
ACTIONS = {"+": gettext_lazy("created"), "~": gettext_lazy("changed"), "-": gettext_lazy("deleted")}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    subject: str  # what was changed: the item, or 'Mijlpaal X'
    action: str
    reason: str = ""
    changes: list[Change] = field(default_factory=list)
    merged: int = 1  # entries of one bulk action folded into this one
    more: int = 0  # of those, how many are counted but not named


def item_history(item: PlanItem, limit: int | None = None) -> list[HistoryEntry]:
    """Newest first. A fixed number of queries, however long the history is."""
    sources = [
        (item.history.all(), lambda record: _("this item")),
        (
            Milestone.history.filter(item_id=item.id),
            lambda record: _("milestone '%(title)s'") % {"title": record.title},
        ),
        (
            BudgetLine.history.filter(item_id=item.id),
            lambda record: (
                _("budget line %(year)s %(label)s") % {"year": record.year, "label": record.label}
            ),
        ),
    ]
    names = _reference_names(item)
    entries: list[HistoryEntry] = []
    for queryset, describe in sources:
        records = list(
            queryset.select_related("history_user").order_by("history_date", "history_id")
        )
        model = queryset.model.instance_type
        previous_by_object: dict[int, object] = {}
        for record in records:
            previous = previous_by_object.get(record.id)
            changes = _changes(model, previous, record, names) if previous is not None else []
            previous_by_object[record.id] = record
            if record.history_type == "~" and not changes and not record.history_change_reason:
                continue
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=_person(record.history_user),
                    subject=describe(record),
                    action=str(ACTIONS.get(record.history_type, record.history_type)),
                    reason=record.history_change_reason or "",
                    changes=changes,
                )
            )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    entries = _merge_bulk(entries)
    return entries[:limit] if limit else entries


def _merge_bulk(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """One line for what one action did at once, e.g. an import creating many milestones."""
    merged: list[HistoryEntry] = []
    for entry in entries:
        last = merged[-1] if merged else None
        if (
            last is not None
            and not entry.changes
            and not last.changes
            and (last.who, last.action, last.reason) == (entry.who, entry.action, entry.reason)
            and abs((last.when - entry.when).total_seconds()) < 1
        ):
            last.merged += 1
            if last.merged <= 3:
                last.subject = f"{last.subject}, {entry.subject}"
            else:
                last.more += 1
            continue
        merged.append(entry)
    return merged


def _person(user) -> str:
    if user is None:
        return _("system")
    return user.get_full_name() or user.email or user.username


def _reference_names(item: PlanItem) -> dict[str, dict[int, str]]:
    """Names for the ids that history rows hold in foreign-key and many-to-many fields."""
    organisation_id = item.plan.organisation_id
    users = get_user_model().objects.filter(memberships__organisation_id=organisation_id)
    return {
        "owner": {user.id: _person(user) for user in users},
        "status": dict(PlanStatus.objects.filter(plan_id=item.plan_id).values_list("id", "name")),
        "department": dict(
            Department.objects.filter(organisation_id=organisation_id).values_list("id", "name")
        ),
        "sdggoal": {goal.id: f"SDG {goal.number}" for goal in SDGGoal.objects.all()},
        "sdgtarget": dict(SDGTarget.objects.values_list("id", "code")),
    }


def _changes(model, old, new, names) -> list[Change]:
    delta = new.diff_against(old, excluded_fields=IGNORED_FIELDS)
    result = []
    for change in delta.changes:
        try:
            label = str(model._meta.get_field(change.field).verbose_name)
        except Exception:
            label = change.field
        lookup = names.get(change.field, {})
        result.append(
            Change(label, _display(change.old, lookup, names), _display(change.new, lookup, names))
        )
    return result


def _display(value, lookup: dict, names: dict) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return date_format(value)
    if isinstance(value, list):  # many-to-many: list of through-row dicts
        parts = [
            names.get(key, {}).get(ref, str(ref))
            for row in value
            for key, ref in row.items()
            if key != "planitem"
        ]
        return ", ".join(sorted(parts)) or "–"
    text = lookup.get(value, str(value)) if lookup else str(value)
    return text if len(text) <= 200 else text[:197] + "…"
