"""Item codes: generated from the parent (``BD1-01`` → ``BD1-01-01``) and unique per plan."""

import re

from koers.plans.models import Plan, PlanItem


def code_is_free(plan: Plan, code: str, exclude_id: int | None = None) -> bool:
    if not code:
        return True
    taken = PlanItem.objects.filter(plan=plan, code=code)
    if exclude_id is not None:
        taken = taken.exclude(id=exclude_id)
    return not taken.exists()


def next_child_code(plan: Plan, parent: PlanItem) -> str:
    """The first free code after the highest numbered sibling code under ``parent``."""
    style = plan.terminology.preset.code_style
    if parent.is_plan_root:
        prefix = style.root_prefix
        width = 0
    else:
        if not parent.code:
            return ""
        prefix = parent.code + style.separator
        width = style.width
    pattern = re.compile(re.escape(prefix) + r"(\d+)$")
    siblings = PlanItem.objects.filter(plan=plan, code__startswith=prefix).values_list(
        "code", flat=True
    )
    numbers = [int(match.group(1)) for code in siblings if (match := pattern.match(code))]
    number = max(numbers, default=0) + 1
    while True:
        candidate = f"{prefix}{number:0{width}d}"
        if code_is_free(plan, candidate):
            return candidate
        number += 1
