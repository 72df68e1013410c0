"""Shared pieces of the plan views: scoped lookups and service-error handling."""

from koers.accounts.access import get_for_organisation
from koers.plans.models import BudgetLine, DeletedSubtree, Milestone, Plan, PlanItem


def get_plan(request, pk) -> Plan:
    return get_for_organisation(request, Plan.objects.all(), "organisation", pk=pk)


def get_item(request, pk) -> PlanItem:
    queryset = PlanItem.objects.select_related("plan", "plan__organisation", "owner", "status")
    return get_for_organisation(request, queryset, "plan__organisation", pk=pk, depth__gt=1)


def get_milestone(request, pk) -> Milestone:
    queryset = Milestone.objects.select_related("item", "item__plan")
    return get_for_organisation(request, queryset, "item__plan__organisation", pk=pk)


def get_budget_line(request, pk) -> BudgetLine:
    queryset = BudgetLine.objects.select_related("item", "item__plan")
    return get_for_organisation(request, queryset, "item__plan__organisation", pk=pk)


def get_deleted(request, pk) -> DeletedSubtree:
    queryset = DeletedSubtree.objects.select_related("plan", "parent")
    return get_for_organisation(request, queryset, "plan__organisation", pk=pk)
