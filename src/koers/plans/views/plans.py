import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koers.accounts.access import actor, member_view, save_with
from koers.accounts.conflicts import compare, conflict_page, form_for, retry_data, save_or_conflict
from koers.accounts.locking import EditConflict
from koers.accounts.permissions import EXPORT, MANAGE_PLANS, VIEW, can, writes_updates
from koers.plans.content import cached
from koers.plans.document.export import export_plan
from koers.plans.document.validation import PlanDocumentError
from koers.plans.forms import DocumentUploadForm, PlanForm, StatusForm
from koers.plans.models import Plan, PlanStatus
from koers.plans.services import plans as plan_services
from koers.plans.services.readiness import readiness
from koers.plans.services.rollups import plan_rollups, tree_rows
from koers.plans.services.search import search_plan
from koers.plans.templatetags.plan_tree import tree_rows as render_tree_rows
from koers.plans.views.common import (
    chosen_year,
    get_deleted,
    get_plan,
    item_link_base,
    show_expenses,
)


def _require(request, capability, item=None):
    actor(request).require(capability, item)


@member_view
def organisation_home(request):
    """Where the organisation opens: an action owner's own updates, everyone else (the
    management team, the council) the dashboard."""
    if writes_updates(request.membership):
        return redirect("followup:inbox", org=request.organisation.slug)
    return redirect("dashboard:dashboard", org=request.organisation.slug)


@member_view
def plan_list(request):
    plans = Plan.objects.filter(organisation=request.organisation)
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": plans,
            "can_manage": can(request.membership, MANAGE_PLANS),
            "upload_form": DocumentUploadForm(organisation=request.organisation),
        },
    )


@member_view
def plan_create(request):
    _require(request, MANAGE_PLANS)
    # A new plan starts from the organisation's own words (Flemish BBC or Dutch P&C).
    form = PlanForm(
        request.POST or None,
        initial={"terminology_preset": request.organisation.terminology_preset},
    )
    if request.method == "POST" and form.is_valid():
        plan = save_with(
            form,
            lambda: plan_services.create_plan(
                request.organisation, form.service_values(), actor=actor(request)
            ),
        )
        if plan:
            messages.success(request, _("The plan has been created."))
            return redirect("plans:plan_tree", org=request.organisation.slug, pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("New plan")})


@member_view
def plan_edit(request, pk):
    plan = get_plan(request, pk)
    _require(request, MANAGE_PLANS)
    form = PlanForm(request.POST or None, instance=plan)
    saved, conflict = save_or_conflict(
        request,
        form,
        lambda: plan_services.update_plan(
            plan,
            form.service_values(),
            actor=actor(request),
            expected_version=form.expected_version,
        ),
        form_for(PlanForm),
        title=_("Plan settings"),
        cancel_url=reverse(
            "plans:plan_tree", kwargs={"org": request.organisation.slug, "pk": plan.pk}
        ),
        extra={"plan": plan},
    )
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("The plan settings have been saved."))
        return redirect("plans:plan_tree", org=request.organisation.slug, pk=plan.pk)
    return render(
        request, "plans/form.html", {"form": form, "plan": plan, "title": _("Plan settings")}
    )


@member_view
def plan_tree(request, pk):
    plan = get_plan(request, pk)
    _require(request, VIEW)
    year = chosen_year(request, plan)
    count = len(plan_rollups(plan))
    large = count > settings.KOERS_TREE_EAGER_ROWS  # two levels; deeper ones load when opened
    item_base = item_link_base(request)
    branch_query = f"?year={year}" if year else ""

    def rows_html() -> str:
        # Only the rows shown are read; the roll-ups of the whole plan come from the cache.
        rows, _count = tree_rows(plan, max_level=2 if large else None)
        show_expenses(rows, year)
        return str(render_tree_rows(rows, item_base, branch_query)) if rows else ""

    # The rendered rows too, per budget year and language, until the plan changes.
    name = f"tree-html:{year}:{get_language()}:{large}:{item_base}"
    can_manage = can(request.membership, MANAGE_PLANS)
    return render(
        request,
        "plans/plan_tree.html",
        {
            "plan": plan,
            "rows_html": mark_safe(cached(plan, name, rows_html)),  # escaped when rendered
            "count": count,
            "lazy": large,
            "year": year,
            "terminology": plan.terminology,
            "can_manage": can_manage,
            # What the plan still lacks (after an import, say), for who can fill it in.
            "readiness": readiness(plan) if can_manage else None,
        },
    )


@member_view
def plan_search(request, pk):
    """Items of the plan that match the words typed: a page of its own, or only the results
    when htmx asks from the search field on the plan tree."""
    plan = get_plan(request, pk)
    _require(request, VIEW)
    found = search_plan(plan, request.GET.get("q", ""))
    context = {"plan": plan, "found": found, "terminology": plan.terminology}
    if request.headers.get("HX-Request"):
        return render(request, "plans/_plan_search_results.html", context)
    return render(request, "plans/plan_search.html", context)


@member_view
def plan_export(request, pk):
    plan = get_plan(request, pk)
    _require(request, EXPORT)
    text = json.dumps(export_plan(plan), ensure_ascii=False, indent=2)
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    filename = f"{slugify(plan.title) or 'plan'}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@member_view
def plan_statuses(request, pk):
    plan = get_plan(request, pk)
    _require(request, MANAGE_PLANS)
    statuses = list(PlanStatus.objects.filter(plan=plan))
    forms = [StatusForm(request.POST or None, instance=s, prefix=f"s{s.pk}") for s in statuses]
    new_form = StatusForm(
        request.POST or None, prefix="new", empty_permitted=True, use_required_attribute=False
    )
    if request.method == "POST":
        valid = all(f.is_valid() for f in forms) and new_form.is_valid()
        try:
            saved = valid and save_with(
                new_form,
                lambda: plan_services.save_statuses(
                    plan,
                    [f.instance for f in forms],
                    new_form.instance if new_form.has_changed() else None,
                    actor=actor(request),
                    expected_versions={f.instance.pk: f.expected_version for f in forms},
                ),
            )
        except EditConflict as conflict:
            return _statuses_conflict(request, plan, conflict, forms, new_form)
        if saved:
            messages.success(request, _("The status vocabulary has been saved."))
            return redirect("plans:plan_statuses", org=request.organisation.slug, pk=plan.pk)
    return render(
        request, "plans/statuses.html", {"plan": plan, "forms": forms, "new_form": new_form}
    )


def _statuses_conflict(request, plan, conflict, forms, new_form):
    """Every status saved since the form was opened, as stored and as typed; the whole
    vocabulary again with the typing and the new versions."""
    stored = {status.pk: status for status in PlanStatus.objects.filter(plan=plan)}
    comparisons, retry = [], []
    for form in forms:
        status = stored.get(form.instance.pk)
        if status is None:  # removed meanwhile: nothing to save it over
            continue
        if status.version != form.expected_version:
            comparisons.append(
                compare(form, StatusForm(instance=status, prefix=form.prefix), status.name)
            )
        fresh = PlanStatus.objects.get(pk=status.pk)
        retry.append(
            StatusForm(retry_data(form, status.version), instance=fresh, prefix=form.prefix)
        )
    again = StatusForm(
        new_form.data, prefix="new", empty_permitted=True, use_required_attribute=False
    )
    return conflict_page(
        request,
        conflict,
        title=_("Status vocabulary"),
        comparisons=comparisons,
        form=None,
        form_template="plans/_status_table.html",
        cancel_url=reverse(
            "plans:plan_statuses", kwargs={"org": request.organisation.slug, "pk": plan.pk}
        ),
        extra={"plan": plan, "forms": retry, "new_form": again},
    )


@member_view
def plan_trash(request, pk):
    plan = get_plan(request, pk)
    _require(request, MANAGE_PLANS)
    return render(
        request,
        "plans/trash.html",
        {
            "plan": plan,
            "deleted": plan.deleted_subtrees.filter(restored_at__isnull=True).select_related(
                "deleted_by", "parent"
            ),
        },
    )


@member_view
@require_POST
def restore_deleted(request, pk):
    from koers.plans.services.items import restore_deleted as restore

    trash = get_deleted(request, pk)
    try:
        item = restore(trash, actor=actor(request))
    except (PlanDocumentError, ValidationError) as error:
        reason = "; ".join(getattr(error, "messages", None) or [str(error)])
        messages.error(request, _("The item could not be restored: %(error)s") % {"error": reason})
        return redirect("plans:plan_trash", org=request.organisation.slug, pk=trash.plan_id)
    messages.success(request, _("'%(title)s' has been restored.") % {"title": trash.title})
    return redirect("plans:item_detail", org=request.organisation.slug, pk=item.pk)
