"""Writes a plan (or one subtree) as a PlanDocument, in a fixed number of queries."""

from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from koers.plans.document.indicators import export_indicators, item_links
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
        "indicators": export_indicators(plan),
    }


def export_subtree(item: PlanItem) -> dict:
    """One item with everything below it, as a PlanDocument item."""
    items = PlanItem.objects.filter(plan=item.plan, path__startswith=item.path)
    return _item_tree(items, top_depth=item.depth)[0]


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _item_tree(items, top_depth: int) -> list[dict]:
    """Items with their links, milestones and budget lines: one query each, plain values."""
    subset = items.values("id")
    departments = _grouped(
        PlanItem.departments.through.objects.filter(planitem__in=subset)
        .order_by("department__name")
        .values_list("planitem_id", "department__name")
    )
    goals = _grouped(
        PlanItem.sdg_goals.through.objects.filter(planitem__in=subset)
        .order_by("sdggoal__number")
        .values_list("planitem_id", "sdggoal__number")
    )
    targets = _grouped(
        PlanItem.sdg_targets.through.objects.filter(planitem__in=subset)
        .order_by("sdgtarget__goal__number", "sdgtarget__position")
        .values_list("planitem_id", "sdgtarget__code")
    )
    milestones = _grouped(
        (
            item_id,
            {
                "title": title,
                "planned_start": _date(start),
                "planned_end": _date(end),
                "planned_text": text,
                "done": done,
                "done_on": _date(done_on),
            },
        )
        for item_id, title, start, end, text, done, done_on in Milestone.objects.filter(
            item__in=subset
        )
        .order_by("position", "id")
        .values_list(
            "item_id", "title", "planned_start", "planned_end", "planned_text", "done", "done_on"
        )
    )
    budget = _grouped(
        (
            item_id,
            {
                "year": year,
                "direction": direction,
                "nature": nature,
                "label": label,
                "initial": _amount(initial),
                "current": _amount(current),
                "actual": _amount(actual),
            },
        )
        for item_id, year, direction, nature, label, initial, current, actual in (
            BudgetLine.objects.filter(item__in=subset)
            .order_by("year", "id")
            .values_list(
                "item_id", "year", "direction", "nature", "label", "initial", "current", "actual"
            )
        )
    )
    indicators = item_links(subset)
    rows = items.order_by("path").values_list(
        "id",
        "path",
        "depth",
        "code",
        "title",
        "description",
        "intended_result",
        "progress_note",
        "cost_note",
        "policy",
        "owner__email",
        "start_year",
        "end_year",
        "planned_start",
        "planned_end",
        "timing",
        "status__key",
        "progress",
        "weight",
        "is_public",
    )
    top: list[dict] = []
    by_path: dict[str, dict] = {}
    for (
        item_id,
        path,
        depth,
        code,
        title,
        description,
        intended_result,
        progress_note,
        cost_note,
        policy,
        owner,
        start_year,
        end_year,
        planned_start,
        planned_end,
        timing,
        status,
        progress,
        weight,
        public,
    ) in rows:
        data = {
            "code": code,
            "title": title,
            "description": description,
            "intended_result": intended_result,
            "policy": policy,
            "owner": owner,
            "departments": departments.get(item_id, []),
            "start_year": start_year,
            "end_year": end_year,
            "planned_start": _date(planned_start),
            "planned_end": _date(planned_end),
            "timing": timing,
            "progress_note": progress_note,
            "cost_note": cost_note,
            "status": status,
            "progress": progress,
            "weight": float(weight),
            "public": public,
            "sdg_goals": goals.get(item_id, []),
            "sdg_targets": targets.get(item_id, []),
            "milestones": milestones.get(item_id, []),
            "budget_lines": budget.get(item_id, []),
            "indicators": indicators.get(item_id, []),
            "children": [],
        }
        by_path[path] = data
        if depth == top_depth:
            top.append(data)
        else:
            by_path[path[: -PlanItem.steplen]]["children"].append(data)
    return top


def _grouped(pairs) -> dict[int, list]:
    grouped = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped


def _date(value) -> str | None:
    return value.isoformat() if value else None
