"""The public portal at /<organisation>/: no login, only what ``publication`` allows."""

import hashlib

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from koers.accounts.access import actor, member_view
from koers.accounts.conflicts import form_for, save_or_conflict
from koers.accounts.models import Organisation
from koers.accounts.permissions import MANAGE_ORGANISATION
from koers.plans.models import PlanStatus
from koers.portal import cache, publication
from koers.portal.forms import BrandingForm, PortalFilterForm, save_branding

PAGE_SIZE = 50


def home(request, org):
    organisation = publication.organisation_or_404(org)
    plans = []
    for plan in publication.published_plans(organisation):
        public = cache.public_plan(plan)
        plans.append((plan, public.summary, public.publication.snapshot))
    return render(request, "portal/home.html", {"portal": organisation, "plans": plans})


def plan_page(request, org, pk):
    """Kept whole per query (filters, search words, page) and language until the plan
    changes: it shows nothing of the visitor."""
    version = cache.published_plan_version_or_404(org, pk)  # one small query when cached
    asked = hashlib.sha256(request.META.get("QUERY_STRING", "").encode()).hexdigest()[:24]
    name = f"portal-plan:{get_language()}:{asked}"
    body = cache.cached_page(version, name, lambda: _plan_html(request, org, pk))
    return HttpResponse(body)


def _plan_html(request, org, pk) -> str:
    organisation = publication.organisation_or_404(org)
    plan = publication.published_plan_or_404(organisation, pk)
    public = cache.public_plan(plan)  # computed once per content version of the plan
    rows, departments, sdgs = public.rows, public.departments, public.sdgs
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
            chosen = [
                row for row in chosen if data["department"] in departments.get(row.item.pk, ())
            ]
        if data.get("status"):
            chosen = [row for row in chosen if str(row.item.status_id) == data["status"]]
        if data.get("sdg"):
            chosen = [row for row in chosen if int(data["sdg"]) in sdgs.get(row.item.pk, ())]
        query = data.get("q", "").strip()
        if query:
            chosen = public.search(chosen, query, cache.search_index(plan, public))
    filtered = form.is_valid() and any(form.cleaned_data.values())
    page = Paginator(chosen, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "portal": organisation,
        "plan": plan,
        "snapshot": public.publication.snapshot,
        "summary": public.summary,
        "form": form,
        "page": page,
        "results": page.object_list,
        "result_count": len(chosen),
        "filtered": filtered,
        "query": query,
        "querystring": request.GET.copy(),
        "goals_label": plan.terminology.level_plural(1),
    }
    return render_to_string("portal/plan.html", context, request)


def item_page(request, org, pk):
    """The page is kept whole per item and language until the plan changes (it shows
    nothing of the visitor)."""
    version = cache.published_item_version_or_404(org, pk)  # one small query when cached
    name = f"portal-item:{pk}:{get_language()}"
    body = cache.cached_page(version, name, lambda: _item_html(request, org, pk))
    return HttpResponse(body)


def _item_html(request, org, pk) -> str:
    organisation = publication.organisation_or_404(org)
    item = cache.published_item_or_404(organisation, pk)
    row, public = cache.public_row_or_404(item)
    plan = item.plan
    published = public.publication
    children = public.children_of(item.pk)
    ancestors = public.ancestors_of(row)
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
    return render_to_string("portal/item.html", context, request)


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
    """The public content of one published plan as JSON (encoded once per content version)."""
    organisation = publication.organisation_or_404(org)
    plan = publication.published_plan_or_404(organisation, pk)
    body = cache.public_json(
        plan, organisation, lambda public: _public_data(organisation, plan, public)
    )
    return HttpResponse(body, content_type="application/json")


def _public_data(organisation, plan, public) -> dict:
    published = public.publication
    items = []
    for row in public.rows:
        money = {
            str(year): {
                "current": str(row.money.expense_for(year).current),
                "actual": str(row.money.expense_for(year).actual),
            }
            for year in row.money.years
        }
        items.append(_public_item(row, published.entry(row.item.pk), money))
    snapshot = published.snapshot
    return {
        "organisation": organisation.name,
        "plan": {"id": plan.pk, "title": plan.title, "years": [plan.first_year, plan.last_year]},
        "published": {
            "at": snapshot.taken_at.isoformat() if snapshot else None,
            "round": (snapshot.round_name or None) if snapshot else None,
        },
        "items": items,
    }


@member_view
def branding(request):
    """Name, colour and logo of the organisation on the public portal (administrators)."""
    actor(request).require(MANAGE_ORGANISATION)
    organisation = request.organisation
    # The form writes what is typed on its own copy; the page around it shows what is stored.
    edited = Organisation.objects.get(pk=organisation.pk)
    form = BrandingForm(request.POST or None, request.FILES or None, instance=edited)
    saved, conflict = save_or_conflict(
        request,
        form,
        lambda: save_branding(edited, form, actor(request), expected_version=form.expected_version),
        form_for(BrandingForm),
        title=_("Public portal"),
        cancel_url=reverse("accounts:portal_branding", kwargs={"org": organisation.slug}),
    )
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("The portal has been updated."))
        return redirect("accounts:portal_branding", org=organisation.slug)
    return render(
        request,
        "portal/branding.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
