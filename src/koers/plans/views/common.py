"""Shared pieces of the plan views: scoped lookups and service-error handling."""

from django.urls import reverse

from koers.accounts.access import get_for_organisation
from koers.plans.models import BudgetLine, DeletedSubtree, Milestone, Plan, PlanItem
from koers.plans.terminology import use_dutch_of


def get_plan(request, pk) -> Plan:
    """The organisation's plan; the page speaks the Dutch of the plan's preset."""
    plan = get_for_organisation(request, Plan.objects.all(), "organisation", pk=pk)
    use_dutch_of(plan.terminology_preset)
    return plan


def get_item(request, pk) -> PlanItem:
    queryset = PlanItem.objects.select_related("plan", "plan__organisation", "owner", "status")
    item = get_for_organisation(request, queryset, "plan__organisation", pk=pk, depth__gt=1)
    use_dutch_of(item.plan.terminology_preset)
    return item


def get_milestone(request, pk) -> Milestone:
    queryset = Milestone.objects.select_related("item", "item__plan")
    return get_for_organisation(request, queryset, "item__plan__organisation", pk=pk)


def get_budget_line(request, pk) -> BudgetLine:
    queryset = BudgetLine.objects.select_related("item", "item__plan")
    return get_for_organisation(request, queryset, "item__plan__organisation", pk=pk)


def get_deleted(request, pk) -> DeletedSubtree:
    queryset = DeletedSubtree.objects.select_related("plan", "parent")
    return get_for_organisation(request, queryset, "plan__organisation", pk=pk)


def chosen_year(request, plan: Plan) -> int | None:
    """The budget year asked for with ``?year=``, if it lies in the plan period."""
    year = request.GET.get("year", "")
    return int(year) if year.isascii() and year.isdigit() and int(year) in plan.years else None


def show_expenses(rows, year: int | None) -> None:
    """Give each tree row the expenses of the chosen year (or all years) to show."""
    for row in rows:
        row.expense = row.money.expense_for(year)


def item_link_base(request) -> str:
    """One reverse() for all tree rows: an item's link is this prefix, its id and "/"."""
    url = reverse("plans:item_detail", kwargs={"org": request.organisation.slug, "pk": 0})
    return url.removesuffix("0/")
