import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koers.accounts.access import actor, member_view, save_with
from koers.accounts.permissions import EXPORT, MANAGE_PLANS, VIEW, can
from koers.plans.document.export import export_plan
from koers.plans.document.validation import PlanDocumentError
from koers.plans.forms import DocumentUploadForm, PlanForm, StatusForm
from koers.plans.models import Plan, PlanStatus
from koers.plans.services import plans as plan_services
from koers.plans.services.tree import plan_rows, top_rows
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
    form = PlanForm(request.POST or None)
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
    if (
        request.method == "POST"
        and form.is_valid()
        and save_with(
            form,
            lambda: plan_services.update_plan(plan, form.service_values(), actor=actor(request)),
        )
    ):
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
    rows = plan_rows(plan)
    count = len(rows)
    if count > settings.KOERS_TREE_EAGER_ROWS:  # large plan: deeper levels load when opened
        rows = top_rows(rows, max_level=2)
    show_expenses(rows, year)
    return render(
        request,
        "plans/plan_tree.html",
        {
            "plan": plan,
            "rows": rows,
            "count": count,
            "lazy": len(rows) < count,
            "branch_query": f"?year={year}" if year else "",
            "year": year,
            "terminology": plan.terminology,
            "can_manage": can(request.membership, MANAGE_PLANS),
            "item_base": item_link_base(request),
        },
    )


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
        saved = valid and save_with(
            new_form,
            lambda: plan_services.save_statuses(
                plan,
                [f.instance for f in forms],
                new_form.instance if new_form.has_changed() else None,
                actor=actor(request),
            ),
        )
        if saved:
            messages.success(request, _("The status vocabulary has been saved."))
            return redirect("plans:plan_statuses", org=request.organisation.slug, pk=plan.pk)
    return render(
        request, "plans/statuses.html", {"plan": plan, "forms": forms, "new_form": new_form}
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
