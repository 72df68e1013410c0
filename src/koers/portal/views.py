"""The public portal at /<organisation>/: no login, only what ``publication`` allows."""

from collections import defaultdict

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from koers.accounts.access import actor, member_view
from koers.accounts.conflicts import simple_conflict
from koers.accounts.locking import EditConflict
from koers.accounts.models import Organisation
from koers.accounts.permissions import MANAGE_ORGANISATION
from koers.plans.models import PlanItem, PlanStatus
from koers.portal import publication
from koers.portal.forms import BrandingForm, PortalFilterForm, save_branding

PAGE_SIZE = 50


def _plan_summary(rows) -> dict:
    top = [row for row in rows if row.level == 1]
    measured = [row.progress for row in top if row.progress is not None]
    return {
        "goals": top,
        "items": len(rows),
        "progress": round(sum(measured) / len(measured)) if measured else None,
    }


def home(request, org):
    organisation = publication.organisation_or_404(org)
    plans = []
    for plan in publication.published_plans(organisation):
        published = publication.read_publication(plan)
        summary = _plan_summary(publication.public_rows(plan, published))
        plans.append((plan, summary, published.snapshot))
    return render(request, "portal/home.html", {"portal": organisation, "plans": plans})


def _links(plan, shown: set[int]):
    """Departments and SDGs of the shown items, in two queries."""
    departments, sdgs = defaultdict(list), defaultdict(list)
    for item_id, name in PlanItem.departments.through.objects.filter(
        planitem__plan=plan
    ).values_list("planitem_id", "department__name"):
        if item_id in shown:
            departments[item_id].append(name)
    for item_id, number in PlanItem.sdg_goals.through.objects.filter(
        planitem__plan=plan
    ).values_list("planitem_id", "sdggoal__number"):
        if item_id in shown:
            sdgs[item_id].append(number)
    return departments, sdgs


def plan_page(request, org, pk):
    organisation = publication.organisation_or_404(org)
    plan = publication.published_plan_or_404(organisation, pk)
    published = publication.read_publication(plan)
    rows = publication.public_rows(plan, published)
    departments, sdgs = _links(plan, {row.item.pk for row in rows})
    statuses = PlanStatus.objects.filter(plan=plan)
    form = PortalFilterForm(
        request.GET or None,
        goals=[row for row in rows if row.level == 1],
        departments=sorted({name for names in departments.values() for name in names}),
        statuses=statuses,
        sdgs=sorted({number for numbers in sdgs.values() for number in numbers}),
    )
    chosen = rows
    query = ""
    if form.is_valid():
        data = form.cleaned_data
        if data.get("goal"):
            goal = next((row for row in rows if str(row.item.pk) == data["goal"]), None)
            chosen = [row for row in chosen if goal and row.item.path.startswith(goal.item.path)]
        if data.get("department"):
            chosen = [row for row in chosen if data["department"] in departments[row.item.pk]]
        if data.get("status"):
            chosen = [row for row in chosen if str(row.item.status_id) == data["status"]]
        if data.get("sdg"):
            chosen = [row for row in chosen if int(data["sdg"]) in sdgs[row.item.pk]]
        query = data.get("q", "").strip()
        if query:
            texts = dict(
                PlanItem.objects.filter(pk__in=[row.item.pk for row in chosen]).values_list(
                    "pk", "description"
                )
            )
            for item_id in texts:
                texts[item_id] += " " + published.text(item_id)
            chosen = publication.search(chosen, texts, query)
    filtered = form.is_valid() and any(form.cleaned_data.values())
    page = Paginator(chosen, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "portal": organisation,
        "plan": plan,
        "snapshot": published.snapshot,
        "summary": _plan_summary(rows),
        "form": form,
        "page": page,
        "results": page.object_list,
        "result_count": len(chosen),
        "filtered": filtered,
        "query": query,
        "querystring": request.GET.copy(),
        "goals_label": plan.terminology.level_plural(1),
    }
    return render(request, "portal/plan.html", context)


def item_page(request, org, pk):
    organisation = publication.organisation_or_404(org)
    item, row, rows, published = publication.public_item_or_404(organisation, pk)
    plan = item.plan
    children = [
        other
        for other in rows
        if other.level == row.level + 1 and other.item.path.startswith(item.path)
    ]
    ancestors = [
        other for other in rows if other.level < row.level and item.path.startswith(other.item.path)
    ]
    money = row.money
    years = sorted(set(plan.years) | set(money.years))
    context = {
        "portal": organisation,
        "plan": plan,
        "item": item,
        "row": row,
        "children": children,
        "ancestors": ancestors,
        "snapshot": published.snapshot,
        "published": published.entry(item.pk),
        "money_years": [(year, money.expense_for(year)) for year in years],
        "money_total": money.expense_for(None),
        "departments": item.departments.all(),
        "sdg_goals": item.sdg_goals.all(),
        "terminology": plan.terminology,
    }
    return render(request, "portal/item.html", context)


def logo(request, org):
    organisation = publication.organisation_or_404(org)
    if not organisation.logo:
        raise Http404
    response = HttpResponse(bytes(organisation.logo), content_type=organisation.logo_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _public_item(row, entry, money) -> dict:
    item = row.item
    milestones = [
        {
            "title": milestone.title,
            "planned": milestone.planned,
            "done": milestone.done,
            "done_on": milestone.done_on.isoformat() if milestone.done_on else None,
        }
        for milestone in (entry.milestones if entry else [])
    ]
    return {
        "id": item.pk,
        "code": item.code,
        "title": item.title,
        "level": row.level,
        "status": item.status.name if item.status else None,
        "progress": row.progress_percent,
        "progress_text": entry.text if entry and entry.text else None,
        "progress_round": entry.round_name if entry and entry.text else None,
        "milestones": milestones,
        "budget": money,
    }


def api_plan(request, org, pk):
    """The public content of one published plan as JSON."""
    organisation = publication.organisation_or_404(org)
    plan = publication.published_plan_or_404(organisation, pk)
    published = publication.read_publication(plan)
    rows = publication.public_rows(plan, published)
    items = []
    for row in rows:
        money = {
            str(year): {
                "current": str(row.money.expense_for(year).current),
                "actual": str(row.money.expense_for(year).actual),
            }
            for year in row.money.years
        }
        items.append(_public_item(row, published.entry(row.item.pk), money))
    snapshot = published.snapshot
    data = {
        "organisation": organisation.name,
        "plan": {"id": plan.pk, "title": plan.title, "years": [plan.first_year, plan.last_year]},
        "published": {
            "at": snapshot.taken_at.isoformat() if snapshot else None,
            "round": (snapshot.round_name or None) if snapshot else None,
        },
        "items": items,
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@member_view
def branding(request):
    """Name, colour and logo of the organisation on the public portal (administrators)."""
    actor(request).require(MANAGE_ORGANISATION)
    organisation = request.organisation
    # The form writes what is typed on its own copy; the page around it shows what is stored.
    edited = Organisation.objects.get(pk=organisation.pk)
    form = BrandingForm(request.POST or None, request.FILES or None, instance=edited)
    if request.method == "POST" and form.is_valid():
        try:
            save_branding(edited, form, actor(request), expected_version=form.expected_version)
        except EditConflict as conflict:
            return simple_conflict(
                request,
                conflict,
                form,
                lambda record, data=None: BrandingForm(data, instance=record),
                title=_("Public portal"),
                cancel_url=reverse("accounts:portal_branding", kwargs={"org": organisation.slug}),
            )
        messages.success(request, _("The portal has been updated."))
        return redirect("accounts:portal_branding", org=organisation.slug)
    return render(
        request,
        "portal/branding.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
