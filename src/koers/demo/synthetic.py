"""Synthetic plans of any size, for benchmarks and tests of scale (not demo content)."""

MILESTONES = ({"title": "Start", "done": True, "done_on": "2026-03-01"}, {"title": "Einde"})
BUDGET = (
    {"year": 2026, "initial": "1000.00", "current": "1200.00", "actual": "300.00"},
    {"year": 2027, "initial": "500", "current": "500"},
)


def synthetic_plan_document(actions: int) -> dict:
    """A Flemish plan: goals BD1.. of 5 action plans BD1-01.. of 10 actions, until ``actions``.

    Every action has a status, progress, two milestones and two budget lines.
    """
    goals, made = [], 0
    while made < actions:
        goal = len(goals) + 1
        action_plans = []
        for number in range(1, 6):
            children = []
            for action in range(1, 11):
                if made >= actions:
                    break
                made += 1
                children.append(
                    {
                        "code": f"BD{goal}-{number:02d}-{action:02d}",
                        "title": f"Actie {made}",
                        "status": "lopend",
                        "progress": made % 100,
                        "milestones": [dict(m) for m in MILESTONES],
                        "budget_lines": [dict(b) for b in BUDGET],
                    }
                )
            if children:
                action_plans.append(
                    {
                        "code": f"BD{goal}-{number:02d}",
                        "title": f"Actieplan {goal}.{number}",
                        "children": children,
                    }
                )
        goals.append(
            {"code": f"BD{goal}", "title": f"Doelstelling {goal}", "children": action_plans}
        )
    plan = {"title": f"Plan met {actions} acties", "first_year": 2026, "last_year": 2031}
    return {"format": "koers.plan-document", "version": 1, "plan": {**plan, "items": goals}}
