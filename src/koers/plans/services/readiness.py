"""What a plan still lacks before owners can report on it and citizens can read it.

After an import (or while a coordinator builds a plan by hand) the plan page lists the next
steps: what no document fills in (owners, departments, statuses) and what only the
coordinator decides (a reporting round, publication). Counted in the database in a fixed
number of queries, and kept per content version of the plan.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from koers.plans.content import cached
from koers.plans.models import Plan, PlanItem


@dataclass(frozen=True)
class Readiness:
    items: int  # items below the plan's root
    lowest: int  # items without items below them (the actions)
    without_owner: int
    without_department: int
    without_status: int  # of the lowest items: a goal's status comes from below
    without_timing: int  # lowest items with neither years nor dates
    has_round: bool
    is_published: bool

    @property
    def complete(self) -> bool:
        return not (
            self.without_owner
            or self.without_department
            or self.without_status
            or self.without_timing
            or not self.has_round
            or not self.is_published
        )


def readiness(plan: Plan) -> Readiness:
    """The plan's gaps, from the cache while the plan is unchanged."""
    return cached(plan, "readiness", lambda: compute_readiness(plan))


def compute_readiness(plan: Plan) -> Readiness:
    items = PlanItem.objects.filter(plan=plan, depth__gt=1)
    linked = PlanItem.departments.through.objects.filter(planitem_id=OuterRef("pk"))
    counts = items.annotate(linked=Exists(linked)).aggregate(
        items=Count("pk"),
        lowest=Count("pk", filter=Q(numchild=0)),
        without_owner=Count("pk", filter=Q(owner__isnull=True)),
        without_department=Count("pk", filter=Q(linked=False)),
        without_status=Count("pk", filter=Q(numchild=0, status__isnull=True)),
        without_timing=Count(
            "pk",
            filter=Q(numchild=0, start_year__isnull=True, end_year__isnull=True)
            & Q(planned_start__isnull=True, planned_end__isnull=True),
        ),
    )
    from koers.followup.models import ReportingRound  # followup builds on plans

    return Readiness(
        **counts,
        has_round=ReportingRound.objects.filter(plan=plan).exists(),
        is_published=plan.is_published,
    )
