"""Writes a plan (or one subtree) as a PlanDocument, in a fixed number of queries."""

from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from koers.plans.document.validation import FORMAT, VERSION
from koers.plans.models import BudgetLine, Milestone, Plan, PlanItem


def export_plan(plan: Plan) -> dict:
    items = PlanItem.objects.filter(plan=plan, depth__gt=1)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "source": {"generator": "koers", "organisation": plan.organisation.name},
        "plan": {
            "title": plan.title,
            "description": plan.description,
            "first_year": plan.first_year,
            "last_year": plan.last_year,
            "terminology": {
                "preset": plan.terminology_preset,
                "levels": list(plan.level_labels or []),
                "sections": dict(plan.section_labels or {}),
            },
            "progress_rollup": plan.progress_rollup,
            "published": plan.is_published,
            "statuses": [
                {
                    "key": status.key,
                    "name": status.name,
                    "colour": status.colour,
                    "default_percent": status.default_percent,
                    "counts_in_progress": status.counts_in_progress,
                }
                for status in plan.statuses.all()
            ],
            "departments": sorted(
                set(
                    PlanItem.departments.through.objects.filter(planitem__plan=plan).values_list(
                        "department__name", flat=True
                    )
                )
            ),
            "items": _item_tree(items, top_depth=2),
        },
    }


def export_subtree(item: PlanItem) -> dict:
    """One item with everything below it, as a PlanDocument item."""
    items = PlanItem.objects.filter(plan=item.plan, path__startswith=item.path)
    return _item_tree(items, top_depth=item.depth)[0]


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _item_tree(items, top_depth: int) -> list[dict]:
    items = list(items.select_related("owner", "status").order_by("path"))
    ids = [item.id for item in items]
    through = PlanItem.departments.through.objects.filter(planitem_id__in=ids)
    departments = defaultdict(list)
    for item_id, name in through.values_list("planitem_id", "department__name").order_by(
        "department__name"
    ):
        departments[item_id].append(name)
    goals = defaultdict(list)
    goal_links = PlanItem.sdg_goals.through.objects.filter(planitem_id__in=ids)
    for item_id, number in goal_links.values_list("planitem_id", "sdggoal__number").order_by(
        "sdggoal__number"
    ):
        goals[item_id].append(number)
    targets = defaultdict(list)
    target_links = PlanItem.sdg_targets.through.objects.filter(planitem_id__in=ids)
    for item_id, code in target_links.values_list("planitem_id", "sdgtarget__code").order_by(
        "sdgtarget__goal__number", "sdgtarget__position"
    ):
        targets[item_id].append(code)
    milestones = defaultdict(list)
    for milestone in Milestone.objects.filter(item_id__in=ids).order_by("position", "id"):
        milestones[milestone.item_id].append(
            {
                "title": milestone.title,
                "planned_start": _date(milestone.planned_start),
                "planned_end": _date(milestone.planned_end),
                "planned_text": milestone.planned_text,
                "done": milestone.done,
                "done_on": _date(milestone.done_on),
            }
        )
    budget = defaultdict(list)
    for line in BudgetLine.objects.filter(item_id__in=ids).order_by("year", "id"):
        budget[line.item_id].append(
            {
                "year": line.year,
                "direction": line.direction,
                "nature": line.nature,
                "label": line.label,
                "initial": _amount(line.initial),
                "current": _amount(line.current),
                "actual": _amount(line.actual),
            }
        )

    top: list[dict] = []
    by_path: dict[str, dict] = {}
    for item in items:
        data = {
            "code": item.code,
            "title": item.title,
            "description": item.description,
            "intended_result": item.intended_result,
            "policy": item.policy,
            "owner": item.owner.email if item.owner else None,
            "departments": departments[item.id],
            "start_year": item.start_year,
            "end_year": item.end_year,
            "status": item.status.key if item.status else None,
            "progress": item.progress,
            "weight": float(item.weight),
            "public": item.is_public,
            "sdg_goals": goals[item.id],
            "sdg_targets": targets[item.id],
            "milestones": milestones[item.id],
            "budget_lines": budget[item.id],
            "children": [],
        }
        by_path[item.path] = data
        if item.depth == top_depth:
            top.append(data)
        else:
            by_path[item.path[: -PlanItem.steplen]]["children"].append(data)
    return top


def _date(value) -> str | None:
    return value.isoformat() if value else None
