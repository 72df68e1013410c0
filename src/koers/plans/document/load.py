"""Loads a PlanDocument into the database: as a new plan, over an existing one, or as a subtree.

Loading is all-or-nothing: the document is checked completely before the first
write, and the writes run in one transaction. Items are inserted in bulk with
their tree paths computed here, so a plan of 10,000 items loads in seconds.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor
from koers.accounts.models import Department, Organisation
from koers.accounts.permissions import MANAGE_PLANS
from koers.accounts.services import add_named_departments
from koers.audit.services import log_action
from koers.indicators.models import Indicator, ItemIndicator
from koers.plans.content import plan_changed
from koers.plans.document.bulk import (
    adapter,
    copy_m2m_to_history,
    copy_to_history,
    insert_rows,
)
from koers.plans.document.indicators import IndicatorCounts, check_indicators, write_indicators
from koers.plans.document.validation import PlanDocumentError, Problem, validate, walk_items
from koers.plans.models import BudgetLine, Milestone, Plan, PlanItem
from koers.plans.richtext import sanitise
from koers.plans.services.items import ITEM_FIELDS
from koers.plans.services.plans import create_plan, create_statuses, update_plan
from koers.plans.services.structure import lock_plan_tree
from koers.sdgs.models import SDGGoal, SDGTarget


@dataclass
class LoadResult:
    plan: Plan
    item_count: int
    warnings: list[str] = field(default_factory=list)
    indicators: IndicatorCounts = field(default_factory=IndicatorCounts)

    def indicator_summary(self) -> str:
        """What happened to the document's indicators, for the person; "" if it had none."""
        counts = self.indicators
        if not counts.created + counts.updated + counts.unchanged:
            return ""
        return (
            _(
                "Indicators: %(created)s new, %(updated)s updated, %(unchanged)s unchanged; "
                "%(targets)s targets and %(values)s values written."
            )
            % counts.as_dict()
        )


def plan_values(plan_data: dict) -> dict:
    terminology = plan_data.get("terminology", {})
    return {
        "title": plan_data["title"],
        "description": plan_data.get("description", ""),
        "first_year": plan_data["first_year"],
        "last_year": plan_data["last_year"],
        "terminology_preset": terminology.get("preset", "flemish_bbc"),
        "level_labels": terminology.get("levels", []),
        "section_labels": terminology.get("sections", {}),
        "progress_rollup": plan_data.get("progress_rollup", "average"),
    }


def load_plan_document(
    document: dict, organisation: Organisation, *, actor: Actor, replace: Plan | None = None
) -> LoadResult:
    """Create a plan from ``document`` (or replace the content of ``replace``), as ``actor``:
    a member who may manage plans in ``organisation``, or the system (``koers import``,
    the demo) given explicitly by its caller."""
    actor.require(MANAGE_PLANS, organisation=organisation)
    if replace is not None:
        actor.require(MANAGE_PLANS, organisation=replace.organisation_id)
    validate(document)
    plan_data = document["plan"]
    user = actor.user
    warnings: list[str] = []
    with transaction.atomic():
        # The indicators' references are checked against the database before any write.
        prepared = check_indicators(document, organisation, warnings)
        if replace is not None:
            if replace.organisation_id != organisation.id:
                raise PlanDocumentError([Problem("$", "the plan belongs to another organisation")])
            PlanItem.objects.filter(plan=replace, depth=2).delete()
            replace.statuses.all().delete()
            plan = update_plan(replace, plan_values(plan_data), actor=actor)
            create_statuses(plan, _status_values(plan_data.get("statuses")))
        else:
            plan = create_plan(
                organisation,
                plan_values(plan_data),
                actor=actor,
                statuses=_status_values(plan_data.get("statuses")),
            )
        # The departments the plan and its indicators name, through the department service.
        named = plan_data.get("departments", []) + [
            entry["department"] for entry in prepared.entries if entry.get("department")
        ]
        add_named_departments(organisation, named, actor=actor)
        root = PlanItem.objects.get(plan=plan, depth=1)
        reason = _("Imported from a PlanDocument")
        if plan_data.get("published"):
            # Publishing is its own, deliberate act (plan settings), never a side effect.
            warnings.append(
                _(
                    "The document marks the plan as published; an import never publishes. "
                    "Publish the plan in its settings when it is ready."
                )
            )
        # The organisation's indicators first, so that the items can be linked to them.
        indicators = write_indicators(prepared, user=user, reason=reason, now=timezone.now())
        inserted = insert_items(
            plan,
            root,
            plan_data["items"],
            user=user,
            reason=reason,
            warnings=warnings,
            base_path="$.plan.items",
        )
        log_action(
            organisation.pk,
            "plans.plan.loaded",
            user=user,
            obj=plan,
            data={"items": inserted.count, "reason": reason},
        )
    return LoadResult(
        plan=plan, item_count=inserted.count, warnings=warnings, indicators=indicators
    )


def _status_values(statuses: list[dict] | None) -> list[dict] | None:
    if statuses is None:
        return None
    return [
        {
            "key": status["key"],
            "name": status["name"],
            "colour": status.get("colour", "#8a8f98"),
            "default_percent": status.get("default_percent"),
            "counts_in_progress": status.get("counts_in_progress", True),
        }
        for status in statuses
    ]


class _Lookups:
    """Everything the items refer to by name, fetched once."""

    def __init__(self, plan: Plan):
        organisation = plan.organisation
        self.statuses = {status.key: status for status in plan.statuses.all()}
        self.departments = {d.name: d for d in Department.objects.filter(organisation=organisation)}
        members = get_user_model().objects.filter(memberships__organisation=organisation)
        self.owners = {user.email.lower(): user for user in members if user.email}
        self.goals = {goal.number: goal for goal in SDGGoal.objects.all()}
        self.targets = {target.code: target for target in SDGTarget.objects.all()}
        self.codes = set(
            PlanItem.objects.filter(plan=plan).exclude(code="").values_list("code", flat=True)
        )
        self.indicators = {
            code.strip().casefold(): pk
            for code, pk in Indicator.objects.filter(organisation=organisation).values_list(
                "code", "id"
            )
        }


def _check_references(
    items: list[dict], lookups: _Lookups, warnings: list[str], base_path: str
) -> None:
    problems = []
    for path, item in walk_items(items, base_path):
        if item.get("code") and item["code"] in lookups.codes:
            problems.append(
                Problem(f"{path}.code", f"{item['code']!r} is already used in the plan")
            )
        for index, code in enumerate(item.get("sdg_targets", [])):
            if code not in lookups.targets:
                problems.append(
                    Problem(f"{path}.sdg_targets[{index}]", f"{code!r} is no SDG target")
                )
        for name in item.get("departments", []):
            if name not in lookups.departments:  # renamed or removed since an item was deleted
                warnings.append(
                    _("%(path)s: department %(name)s does not exist (any more); left out.")
                    % {"path": path, "name": name}
                )
        owner = item.get("owner")
        if owner and owner.lower() not in lookups.owners:
            warnings.append(
                _("%(path)s: owner %(owner)s is no member of the organisation; left empty.")
                % {"path": path, "owner": owner}
            )
        for link in item.get("indicators", []):
            if link["code"].strip().casefold() not in lookups.indicators:  # deleted since
                warnings.append(
                    _("%(path)s: indicator %(code)s does not exist (any more); not linked.")
                    % {"path": path, "code": link["code"]}
                )
        status = item.get("status")
        if status and status not in lookups.statuses:
            warnings.append(
                _("%(path)s: status %(status)s does not exist (any more); left empty.")
                % {"path": path, "status": status}
            )
    if problems:
        raise PlanDocumentError(problems)


@dataclass
class Inserted:
    top: list[PlanItem]  # the given items, now children of the parent
    count: int  # all items created, subtrees included


def insert_items(
    plan: Plan,
    parent: PlanItem,
    items: list[dict],
    *,
    user=None,
    reason="",
    warnings: list[str] | None = None,
    base_path: str = "$.items",
) -> Inserted:
    """Insert PlanDocument items (with their subtrees) as the last children of ``parent``.

    ``base_path`` is the JSON path of ``items`` in the document, for error messages.
    """
    warnings = [] if warnings is None else warnings
    lock_plan_tree(plan.pk)
    parent.refresh_from_db()
    lookups = _Lookups(plan)
    _check_references(items, lookups, warnings, base_path)

    last_child = (
        PlanItem.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    first_step = PlanItem._str2int(last_child[-PlanItem.steplen :]) + 1 if last_child else 1
    now = timezone.now()
    # The row tuples below follow this order: tree columns, the editable fields, timestamps.
    item_fields = ("plan", "path", "depth", "numchild", *ITEM_FIELDS, "created_at", "updated_at")
    weight = adapter(PlanItem, "weight")
    item_day = adapter(PlanItem, "planned_start")
    stamp = adapter(PlanItem, "created_at")(now)
    item_rows: list[tuple] = []
    placed: list[tuple[str, dict]] = []  # (path, item data) in document order

    def add(data: dict, parent_path: str, depth: int, step: int) -> None:
        path = PlanItem._get_path(parent_path, depth, step)
        owner = lookups.owners.get((data.get("owner") or "").lower())
        status = lookups.statuses.get(data.get("status") or "")
        item_rows.append(
            (
                plan.id,
                path,
                depth,
                len(data.get("children", [])),
                data.get("code", ""),
                data["title"],
                sanitise(data.get("description", "")),
                sanitise(data.get("intended_result", "")),
                sanitise(data.get("progress_note", "")),
                sanitise(data.get("cost_note", "")),
                data.get("policy", PlanItem.Policy.PRIORITY),
                owner.id if owner else None,
                data.get("start_year"),
                data.get("end_year"),
                item_day(_date(data.get("planned_start"))),
                item_day(_date(data.get("planned_end"))),
                data.get("timing", ""),
                status.id if status else None,
                data.get("progress"),
                weight(Decimal(str(data.get("weight", 1)))),
                data.get("public", True),
                stamp,
                stamp,
            )
        )
        placed.append((path, data))
        for child_step, child in enumerate(data.get("children", []), start=1):
            add(child, path, depth + 1, child_step)

    for offset, data in enumerate(items):
        add(data, parent.path, parent.depth + 1, first_step + offset)
    if not placed:
        return Inserted(top=[], count=0)

    insert_rows(PlanItem, item_fields, item_rows)
    first_path = placed[0][0]
    new_items = PlanItem.objects.filter(
        plan=plan, path__startswith=parent.path, path__gte=first_path
    )
    ids = dict(new_items.values_list("path", "id"))
    PlanItem.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(items))
    parent.refresh_from_db(fields=["numchild"])

    departments, goals, targets, milestones, budget_lines, links = [], [], [], [], [], []
    day = adapter(Milestone, "planned_start")
    money = adapter(BudgetLine, "initial")
    for path, data in placed:
        item_id = ids[path]
        departments += [
            (item_id, lookups.departments[name].id)
            for name in dict.fromkeys(data.get("departments", []))
            if name in lookups.departments
        ]
        goals += [(item_id, lookups.goals[n].id) for n in data.get("sdg_goals", [])]
        linked = {}
        for link in data.get("indicators", []):
            indicator_id = lookups.indicators.get(link["code"].strip().casefold())
            if indicator_id is not None:
                linked.setdefault(indicator_id, link.get("role", ItemIndicator.Role.EFFECT))
        links += [(item_id, indicator_id, role) for indicator_id, role in linked.items()]
        targets += [(item_id, lookups.targets[c].id) for c in data.get("sdg_targets", [])]
        milestones += [
            (
                item_id,
                position,
                milestone["title"],
                day(_date(milestone.get("planned_start"))),
                day(_date(milestone.get("planned_end"))),
                milestone.get("planned_text", ""),
                milestone.get("done", False),
                day(_date(milestone.get("done_on"))),
            )
            for position, milestone in enumerate(data.get("milestones", []), start=1)
        ]
        budget_lines += [
            (
                item_id,
                line["year"],
                line.get("direction", BudgetLine.Direction.EXPENSE),
                line.get("nature", BudgetLine.Nature.OPERATING),
                line.get("label", ""),
                money(_amount(line.get("initial", 0))),
                money(_amount(line.get("current", line.get("initial", 0)))),
                money(_amount(line.get("actual", 0))),
            )
            for line in data.get("budget_lines", [])
        ]
    insert_rows(PlanItem.departments.through, ("planitem", "department"), departments)
    insert_rows(PlanItem.sdg_goals.through, ("planitem", "sdggoal"), goals)
    insert_rows(PlanItem.sdg_targets.through, ("planitem", "sdgtarget"), targets)
    insert_rows(
        Milestone,
        (
            "item",
            "position",
            "title",
            "planned_start",
            "planned_end",
            "planned_text",
            "done",
            "done_on",
        ),
        milestones,
    )
    insert_rows(
        BudgetLine,
        ("item", "year", "direction", "nature", "label", "initial", "current", "actual"),
        budget_lines,
    )
    insert_rows(ItemIndicator, ("item", "indicator", "role"), links)

    quote = connection.ops.quote_name
    item_table = quote(PlanItem._meta.db_table)
    new_where = f"{quote('plan_id')} = %s AND {quote('path')} LIKE %s AND {quote('path')} >= %s"
    new_params = [plan.id, parent.path + "%", first_path]
    history = {"user": user, "reason": reason, "when": now}
    copy_to_history(PlanItem, new_where, new_params, **history)
    copy_m2m_to_history(PlanItem, new_where, new_params, when=now)
    in_new_items = (
        f"{quote('item_id')} IN (SELECT {quote('id')} FROM {item_table} WHERE {new_where})"
    )
    copy_to_history(Milestone, in_new_items, new_params, **history)
    copy_to_history(BudgetLine, in_new_items, new_params, **history)
    copy_to_history(ItemIndicator, in_new_items, new_params, **history)
    top = list(new_items.filter(depth=parent.depth + 1).order_by("path"))
    plan_changed(plan.pk)  # rows inserted in bulk send no signals
    return Inserted(top=top, count=len(placed))


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _amount(value) -> Decimal:
    return Decimal(str(value))
