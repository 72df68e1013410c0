from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koers.accounts.access import actor, member_view, save_with
from koers.accounts.conflicts import form_for, save_or_conflict
from koers.accounts.locking import EditConflict, last_change
from koers.accounts.permissions import CHANGE_ITEM, MANAGE_STRUCTURE, VIEW, can
from koers.plans.forms import DeleteForm, ItemForm, MoveForm
from koers.plans.models import PlanItem
from koers.plans.services import items as item_services
from koers.plans.services.history import item_history
from koers.plans.services.tree import mark_closings, plan_rows
from koers.plans.views.common import (
    chosen_year,
    get_item,
    get_plan,
    item_link_base,
    show_expenses,
)


def _item_url(request, item):
    return redirect("plans:item_detail", org=request.organisation.slug, pk=item.pk)


@member_view
def item_detail(request, pk):
    item = get_item(request, pk)
    actor(request).require(VIEW)
    plan = item.plan
    rows = plan_rows(plan, subtree_of=item)
    this_row = rows[0]
    children = [row for row in rows if row.level == this_row.level + 1]
    ancestors = PlanItem.objects.filter(
        plan=plan,
        depth__gt=1,
        path__in=[item.path[:n] for n in range(PlanItem.steplen, len(item.path), PlanItem.steplen)],
    ).order_by("depth")
    money = this_row.money
    # Follow-up and notifications build on plans; plans only shows what they add.
    from koers.followup.services import latest_approved, timeline
    from koers.notifications.services import is_following

    return render(
        request,
        "plans/item_detail.html",
        {
            "plan": plan,
            "item": item,
            "row": this_row,
            "children": children,
            "ancestors": ancestors,
            "terminology": plan.terminology,
            "child_level_label": plan.terminology.level(item.level + 1),
            "departments": item.departments.all(),
            "sdg_goals": item.sdg_goals.all(),
            "sdg_targets": item.sdg_targets.select_related("goal"),
            "milestones": item.milestones.all(),
            "budget_lines": item.budget_lines.all(),
            # only the years with an amount; none at all: the page says so
            "money_years": money.rows(),
            "money_total": (money.expense_for(None), money.receipt_for(None)),
            "has_receipts": money.has_receipts,
            "can_add_below": item.level < len(plan.terminology.levels),
            "history": item_history(item, limit=15),
            "can_change": can(request.membership, CHANGE_ITEM, item),
            "can_structure": can(request.membership, MANAGE_STRUCTURE),
            "approved_update": latest_approved(item),
            "timeline": timeline(item, request.membership),
            "following": is_following(request.user, item),
        },
    )


@member_view
def item_branch(request, pk):
    """The rows below an item of a large plan tree, loaded when the item is opened."""
    item = get_item(request, pk)
    actor(request).require(VIEW)
    rows = plan_rows(item.plan, subtree_of=item)[1:]
    mark_closings(rows)
    show_expenses(rows, chosen_year(request, item.plan))
    return render(
        request, "plans/_tree_branch.html", {"rows": rows, "item_base": item_link_base(request)}
    )


@member_view
def item_history_page(request, pk):
    item = get_item(request, pk)
    actor(request).require(VIEW)
    return render(
        request,
        "plans/item_history.html",
        {"plan": item.plan, "item": item, "history": item_history(item)},
    )


@member_view
def item_create(request, pk):
    """Create an item in plan ``pk``; ``?parent=ID`` puts it below that item."""
    plan = get_plan(request, pk)
    actor(request).require(MANAGE_STRUCTURE)
    parent_id = request.GET.get("parent") or request.POST.get("parent") or ""
    parent = None
    if parent_id:
        if not (parent_id.isascii() and parent_id.isdigit()):
            raise Http404
        parent = get_object_or_404(PlanItem, plan=plan, pk=int(parent_id))
    form = ItemForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        item = save_with(
            form,
            lambda: item_services.create_item(
                plan, parent, form.service_values(), actor=actor(request)
            ),
        )
        if item:
            messages.success(request, _("'%(item)s' has been created.") % {"item": item})
            return _item_url(request, item)
    level = parent.level + 1 if parent else 1
    return render(
        request,
        "plans/item_form.html",
        {
            "plan": plan,
            "form": form,
            "parent": parent,
            "title": _("Add %(level)s") % {"level": plan.terminology.level(level)},
        },
    )


@member_view
def item_edit(request, pk):
    item = get_item(request, pk)
    actor(request).require(CHANGE_ITEM, item)
    title = _("Edit %(item)s") % {"item": item}
    form = ItemForm(request.POST or None, instance=item, plan=item.plan)

    def update():
        return item_services.update_item(
            item,
            form.service_values(),
            actor=actor(request),
            expected_version=form.expected_version,
        )

    saved, conflict = save_or_conflict(
        request,
        form,
        update,
        form_for(ItemForm, plan=item.plan),
        title=title,
        cancel_url=reverse(
            "plans:item_detail", kwargs={"org": request.organisation.slug, "pk": item.pk}
        ),
    )
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("Your changes have been saved."))
        return _item_url(request, item)
    # Validation wrote the typed values onto ``item``; headings show the saved ones.
    shown = get_item(request, pk) if form.is_bound else item
    return render(
        request,
        "plans/item_form.html",
        {"plan": item.plan, "form": form, "item": shown, "title": title},
    )


@member_view
def item_move(request, pk):
    item = get_item(request, pk)
    actor(request).require(MANAGE_STRUCTURE, item)
    form = MoveForm(request.POST or None, item=item)
    title = _("Move %(item)s") % {"item": item}

    def move():
        return item_services.move_item(
            item,
            form.cleaned_data["target"],
            form.cleaned_data["position"],
            actor=actor(request),
            expected_version=form.expected_version,
        )

    moved, conflict = save_or_conflict(
        request,
        form,
        move,
        _move_form,
        title=title,
        cancel_url=reverse(
            "plans:item_detail", kwargs={"org": request.organisation.slug, "pk": item.pk}
        ),
    )
    if conflict:
        return conflict
    if moved:
        messages.success(request, _("'%(item)s' has been moved.") % {"item": item})
        return _item_url(request, item)
    return render(
        request,
        "plans/form.html",
        {"plan": item.plan, "form": form, "item": item, "title": title},
    )


def _move_form(item: PlanItem, data=None) -> MoveForm:
    """The move form; unbound, it says where the item is now (before its next sibling,
    or last below its parent)."""
    if data is not None:
        return MoveForm(data, item=item)
    following = PlanItem.objects.get_next_sibling(item)
    if following is not None:
        place = {"position": "left", "target": following.pk}
    else:
        place = {"position": "last-child", "target": PlanItem.objects.get_parent(item).pk}
    return MoveForm(item=item, initial=place)


@member_view
@require_POST
def item_reorder(request, pk):
    item = get_item(request, pk)
    direction = request.POST.get("direction")
    if direction not in {"up", "down"}:
        return HttpResponseBadRequest(_("Unknown direction."))
    item_services.reorder_item(item, direction, actor=actor(request))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = f"{_tree_url(request, item)}#item-{item.pk}"
    return redirect(back)


def _tree_url(request, item):
    return reverse("plans:plan_tree", kwargs={"org": request.organisation.slug, "pk": item.plan_id})


@member_view
def item_delete(request, pk):
    item = get_item(request, pk)
    actor(request).require(MANAGE_STRUCTURE, item)
    form = DeleteForm(request.POST or None, record=item)
    context = {"plan": item.plan, "item": item, "form": form, "changed": False}
    if form.is_valid():
        try:
            trash = item_services.delete_item(
                item, actor=actor(request), expected_version=form.expected_version
            )
        except EditConflict as conflict:
            stored = conflict.current
            who, when = last_change(stored)
            context.update(item=stored, form=DeleteForm(record=stored), changed=True)
            context.update(who=who, when=when, counts=item_services.subtree_counts(stored))
            return render(request, "plans/item_delete.html", context, status=409)
        messages.success(
            request,
            _("'%(item)s' has been deleted.") % {"item": trash.title},
            extra_tags=f"undo:{trash.pk}",
        )
        return redirect("plans:plan_tree", org=request.organisation.slug, pk=trash.plan_id)
    context["counts"] = item_services.subtree_counts(item)
    return render(request, "plans/item_delete.html", context, status=400 if form.errors else 200)
