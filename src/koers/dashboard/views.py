"""The dashboard page: a thin view over :mod:`koers.dashboard.services`."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from koers.accounts.access import actor, member_view, whole_number
from koers.accounts.models import Department
from koers.accounts.permissions import VIEW
from koers.dashboard import services
from koers.plans.models import Plan, PlanItem
from koers.plans.terminology import use_dutch_of


@member_view
@require_safe
def dashboard(request):
    """One plan of the organisation at a glance (``?plan=&policy=&department=&year=``)."""
    actor(request).require(VIEW)
    today = timezone.localdate()
    plans = list(Plan.objects.filter(organisation=request.organisation))
    asked = request.GET.get("plan", "")
    plan = services.choose_plan(plans, whole_number(asked), today)
    if asked and (plan is None or str(plan.pk) != asked):
        raise Http404  # not a plan of this organisation
    departments = list(Department.objects.filter(organisation=request.organisation))
    policy = request.GET.get("policy", "")
    department = whole_number(request.GET.get("department", ""))
    filters = services.Filters(
        policy=policy if policy in PlanItem.Policy.values else "",
        department=department if department in {d.pk for d in departments} else None,
        year=_year(request.GET.get("year", "")),
    )
    shown = {"plan": plan.pk if plan else "", "policy": filters.policy}
    shown["department"] = filters.department or ""
    context = {
        "plans": plans,
        "plan": plan,
        "departments": departments,
        "filters": filters,
        "policies": PlanItem.Policy.choices,
        # the filters as a query string, for the budget chart's year links
        "query": urlencode({key: value for key, value in shown.items() if value}),
    }
    if plan is not None:
        use_dutch_of(plan.terminology_preset)
        context["board"] = services.build(plan, request.membership, filters, today)
        context["terminology"] = plan.terminology
    return render(request, "dashboard/dashboard.html", context)


def _year(text: str) -> int | None:
    """``?year=2026``, ``?year=all`` (0) or nothing (None: this year)."""
    return services.ALL_YEARS if text == "all" else whole_number(text)
