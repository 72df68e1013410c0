"""The public portal at /<organisation>/: no login, only what ``publication`` allows."""

import hashlib
from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from koers.accounts.access import actor, member_view
from koers.accounts.conflicts import form_for, save_or_conflict
from koers.accounts.models import Organisation
from koers.accounts.permissions import MANAGE_ORGANISATION
from koers.accounts.scoping import enter_organisation_slug
from koers.indicators import public as indicator_public
from koers.plans.models import PlanStatus
from koers.portal import accessibility, cache, charts, publication
from koers.portal.forms import BrandingForm, PortalFilterForm, save_branding
from koers.portal.theme import theme_css

PAGE_SIZE = 50
CHANGES_SHOWN = 12


def portal_page(view):
    """The portal's own 404 page (in the portal's layout, linking to the portal's home)
    for whatever the view cannot find: organisation, plan, item."""

    @wraps(view)
    def wrapper(request, org, *args, **kwargs):
        enter_organisation_slug(org)
        try:
            return view(request, org, *args, **kwargs)
        except Http404:
            return not_found_page(request, org)

    return wrapper


def not_found_page(request, org) -> HttpResponse:
    organisation = Organisation.objects.filter(slug=org).first()
    body = render_to_string("portal/404.html", {"portal": organisation}, request)
    return HttpResponseNotFound(body)


def not_found(request, org, rest=""):
    """Any other address under the organisation's portal."""
    return not_found_page(request, org)


@portal_page
def home(request, org):
    """The organisation's published plans with their progress and budget, what changed in
    the latest publication of each, and a search box."""
    organisation = publication.organisation_or_404(org)
    plans = []
    for plan in publication.published_plans(organisation):
        public = cache.public_plan(plan)
        changes = cache.published_changes(plan, public)
        plans.append(
            {
                "plan": plan,
                "summary": public.summary,
                "snapshot": public.publication.snapshot,
                "money": _total_money(public.goals),
                "goals_label": plan.terminology.level_plural(1),
                "changes": [(public.row(change.item_id), change) for change in changes][
                    :CHANGES_SHOWN
                ],
                "more_changes": max(0, len(changes) - CHANGES_SHOWN),
            }
        )
    return render(request, "portal/home.html", {"portal": organisation, "plans": plans})


def _total_money(goals) -> dict:
    budget = sum((row.money.expense_for(None).current for row in goals), start=0)
    spent = sum((row.money.expense_for(None).actual for row in goals), start=0)
    return {
        "budget": budget,
        "spent": spent,
        "share": round(100 * spent / budget) if budget > 0 else None,
    }


@portal_page
def search_page(request, org):
    """The home page's search box: the plan's search when the organisation publishes one
    plan, else the matches in every published plan."""
    organisation = publication.organisation_or_404(org)
    query = request.GET.get("q", "").strip()[:200]
    plans = list(publication.published_plans(organisation))
    if len(plans) == 1:
        url = reverse("portal:plan", kwargs={"org": organisation.slug, "pk": plans[0].pk})
        return redirect(f"{url}?{request.GET.urlencode()}#results" if query else url)
    found = []
    for plan in plans:
        public = cache.public_plan(plan)
        rows = public.search(public.rows, query, plan)
        snippets = _with_snippets(rows[:PAGE_SIZE], query, public)
        found.append((plan, snippets, len(rows), f"results-{plan.pk}"))
    context = {"portal": organisation, "query": query, "found": found}
    return render(request, "portal/search.html", context)


def _with_snippets(rows, query: str, public) -> list[tuple]:
    """Each row with its highlighted title and a snippet of its texts that shows why it
    matched (empty when only the code or title did)."""
    if not query:
        return [(row, None, "") for row in rows]
    texts = cache.plain_texts([row.item.pk for row in rows], public)
    return [
        (
            row,
            publication.highlight(f"{row.item.title}", query),
            publication.snippet(texts.get(row.item.pk, ""), query),
        )
        for row in rows
    ]


def theme(request, org):
    """The organisation's colour as the portal's design tokens (a stylesheet)."""
    colour = Organisation.objects.filter(slug=org).values_list("colour", flat=True).first()
    if colour is None:
        raise Http404
    response = HttpResponse(theme_css(colour), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@portal_page
def accessibility_statement(request, org):
    organisation = publication.organisation_or_404(org)
    context = {"portal": organisation, "statement": accessibility.statement(organisation)}
    return render(request, "portal/accessibility.html", context)


@portal_page
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
    departments, sdgs = public.departments, public.sdgs
    statuses = PlanStatus.objects.filter(plan=plan)
    form = PortalFilterForm(
        request.GET or None,
        goals=public.goals,
        departments=sorted({name for names in departments.values() for name in names}),
        statuses=statuses,
        sdgs=sorted({number for numbers in sdgs.values() for number in numbers}),
    )
    chosen = public.rows  # packed: the page makes only the rows it shows when unfiltered
    query = ""
    if form.is_valid():
        data = form.cleaned_data
        if any(data.get(name) for name in ("goal", "department", "status", "sdg")):
            chosen = list(chosen)
        if data.get("goal"):
            goal = public.row(int(data["goal"]))  # one of the goals: the form checked it
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
            chosen = public.search(chosen, query, plan)
    filtered = form.is_valid() and any(form.cleaned_data.values())
    page = Paginator(chosen, PAGE_SIZE).get_page(request.GET.get("page"))
    goals_label = plan.terminology.level_plural(1)
    context = {
        "portal": organisation,
        "plan": plan,
        "snapshot": public.publication.snapshot,
        "summary": public.summary,
        "form": form,
        "page": page,
        "results": page.object_list,
        "matches": _with_snippets(page.object_list, query, public),
        "result_count": len(chosen),
        "filtered": filtered,
        "query": query,
        "querystring": request.GET.copy(),
        "goals_label": goals_label,
        "chart_label": goals_label.lower(),
        "progress_bars": charts.progress_chart(public.goals),
        "money_bars": charts.money_chart(public.goals),
    }
    return render_to_string("portal/plan.html", context, request)


@portal_page
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
        "progress": published.texts([item.pk]).get(item.pk),
        "money_years": [(year, money.expense_for(year)) for year in years],
        "money_total": money.expense_for(None),
        "departments": item.departments.all(),
        "sdg_goals": item.sdg_goals.all(),
        "indicators": indicator_public.item_indicators(item),
        "terminology": plan.terminology,
        "chart_label": _("underlying items"),
        "progress_bars": charts.progress_chart(children) if len(children) > 1 else [],
        "money_bars": charts.money_chart(children) if len(children) > 1 else [],
    }
    return render_to_string("portal/item.html", context, request)


@portal_page
def logo(request, org):
    organisation = publication.organisation_or_404(org)
    if not organisation.logo:
        raise Http404
    try:
        with organisation.logo.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(data, content_type=organisation.logo_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _public_item(row, entry, progress, money) -> dict:
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
        "progress_text": progress.text if progress else None,
        "progress_round": progress.round_name if progress else None,
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
    texts = published.texts()
    items = []
    for row in public.rows:
        money = {
            str(year): {
                "current": str(row.money.expense_for(year).current),
                "actual": str(row.money.expense_for(year).actual),
            }
            for year in row.money.years
        }
        entry, progress = published.entry(row.item.pk), texts.get(row.item.pk)
        items.append(_public_item(row, entry, progress, money))
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
