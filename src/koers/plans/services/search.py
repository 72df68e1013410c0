"""Search in one plan's tree (the app): items whose code, title or description match the
query in Dutch word forms, through the database's full-text index (``koers.search``)."""

from dataclasses import dataclass

from koers.plans.models import Plan, PlanItem
from koers.search import queries

RESULTS_SHOWN = 50


@dataclass(frozen=True)
class PlanSearch:
    query: str
    items: list[PlanItem]  # at most ``RESULTS_SHOWN``, in the tree's order
    total: int  # every match
    typed: bool  # False: nothing to search for (no word typed)

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def search_plan(plan: Plan, query: str, limit: int = RESULTS_SHOWN) -> PlanSearch:
    """The plan's items that match every word of ``query`` (its Dutch stem, or the start of
    one), in two queries whatever the plan's size; only this plan's items."""
    query = query.strip()[:200]
    search = queries.plan_items(plan.pk, query)
    if search.everything:
        return PlanSearch(query, [], 0, typed=False)
    found = search.within(PlanItem.objects.filter(plan=plan, depth__gt=1))
    total = found.count()
    items = list(found.select_related("status").order_by("path")[:limit]) if total else []
    return PlanSearch(query, items, total, typed=True)
