"""Milestones and budget lines of an item: add, edit, tick off, delete."""

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koers.accounts.access import actor, member_view
from koers.accounts.conflicts import save_or_conflict, simple_conflict
from koers.accounts.locking import EditConflict, last_change
from koers.accounts.permissions import CHANGE_ITEM
from koers.plans.forms import BudgetLineForm, DeleteForm, MilestoneDoneForm, MilestoneForm
from koers.plans.services import items as item_services
from koers.plans.services.tree import plan_rows
from koers.plans.views.common import get_budget_line, get_item, get_milestone


def _back(request, item, anchor):
    return redirect(f"{item_url(request, item)}#{anchor}")


def item_url(request, item):
    from django.urls import reverse

    return reverse("plans:item_detail", kwargs={"org": request.organisation.slug, "pk": item.pk})


def _edit(request, item, form, save, title, anchor, build=None):
    """A milestone or budget line form; ``build(record, data=None)`` makes the same kind
    of form for the conflict page when the record was saved since the form was opened."""
    actor(request).require(CHANGE_ITEM, item)
    saved, conflict = save_or_conflict(
        request,
        form,
        lambda: save(form.cleaned_data, form.expected_version),
        build,
        title=title,
        cancel_url=item_url(request, item) + f"#{anchor}",
    )
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("Your changes have been saved."))
        return _back(request, item, anchor)
    return render(
        request,
        "plans/form.html",
        {
            "plan": item.plan,
            "item": item,
            "form": form,
            "title": title,
            "cancel_url": item_url(request, item) + f"#{anchor}",
        },
    )


@member_view
def milestone_create(request, pk):
    item = get_item(request, pk)
    form = MilestoneForm(request.POST or None)
    return _edit(
        request,
        item,
        form,
        lambda data, version: item_services.save_milestone(item, data, actor=actor(request)),
        _("New milestone for %(item)s") % {"item": item},
        "milestones",
    )


@member_view
def milestone_edit(request, pk):
    milestone = get_milestone(request, pk)
    item = milestone.item
    form = MilestoneForm(request.POST or None, instance=milestone)
    return _edit(
        request,
        item,
        form,
        lambda data, version: item_services.save_milestone(
            item, data, actor=actor(request), milestone=milestone, expected_version=version
        ),
        _("Edit milestone"),
        "milestones",
        lambda record, data=None: MilestoneForm(data, instance=record),
    )


@member_view
@require_POST
def milestone_toggle(request, pk):
    """Tick a milestone off (or on again) on the item page, in place with htmx."""
    milestone = get_milestone(request, pk)
    item = milestone.item
    actor(request).require(CHANGE_ITEM, item)
    form = MilestoneDoneForm(request.POST, milestone=milestone)
    if not form.is_valid():
        return HttpResponseBadRequest(_("The form was incomplete; reload the page."))
    try:
        item_services.set_milestone_done(
            milestone,
            form.cleaned_data["done"],
            actor=actor(request),
            expected_version=form.expected_version,
        )
    except EditConflict as conflict:
        return _toggle_conflict(request, conflict, form, item)
    if request.headers.get("HX-Request"):
        return render(
            request,
            "plans/_milestone_toggled.html",
            {
                "milestone": milestone,
                "item": item,
                "can_change": True,
                "row": plan_rows(item.plan, subtree_of=item)[0],
            },
        )
    return _back(request, item, "milestones")


def _toggle_conflict(request, conflict, form, item):
    """In place (htmx): the row as stored, with what the person chose beside it and a
    button to save their choice anyway; otherwise the conflict page."""
    current = conflict.current
    if not request.headers.get("HX-Request"):
        return simple_conflict(
            request,
            conflict,
            form,
            lambda record, data=None: MilestoneDoneForm(data, milestone=record),
            title=_("Milestone %(title)s") % {"title": current.title},
            cancel_url=item_url(request, item) + "#milestones",
        )
    who, when = last_change(current)
    wanted = form.cleaned_data["done"]
    context = {
        "milestone": current,
        "item": item,
        "can_change": True,
        "row": plan_rows(item.plan, subtree_of=item)[0],
        "conflict": {"who": who, "when": when, "wanted": wanted, "same": wanted == current.done},
    }
    return render(request, "plans/_milestone_toggled.html", context, status=409)


@member_view
@require_POST
def milestone_delete(request, pk):
    milestone = get_milestone(request, pk)
    done = _("The milestone has been deleted.")
    return _delete(request, milestone, item_services.delete_milestone, "milestones", done)


@member_view
def budget_create(request, pk):
    item = get_item(request, pk)
    form = BudgetLineForm(request.POST or None, plan=item.plan)
    return _edit(
        request,
        item,
        form,
        lambda data, version: item_services.save_budget_line(item, data, actor=actor(request)),
        _("New budget line for %(item)s") % {"item": item},
        "cost",
    )


@member_view
def budget_edit(request, pk):
    line = get_budget_line(request, pk)
    item = line.item
    form = BudgetLineForm(request.POST or None, instance=line, plan=item.plan)
    return _edit(
        request,
        item,
        form,
        lambda data, version: item_services.save_budget_line(
            item, data, actor=actor(request), line=line, expected_version=version
        ),
        _("Edit budget line"),
        "cost",
        lambda record, data=None: BudgetLineForm(data, instance=record, plan=record.item.plan),
    )


@member_view
@require_POST
def budget_delete(request, pk):
    line = get_budget_line(request, pk)
    done = _("The budget line has been deleted.")
    return _delete(request, line, item_services.delete_budget_line, "cost", done)


def _delete(request, record, delete, anchor, done: str):
    """Delete a milestone or budget line at the version the person saw and go back to the
    item saying ``done``; 400 when the form came without a version; 409 when the record
    changed since, with a button to delete what is stored now."""
    item = record.item
    actor(request).require(CHANGE_ITEM, item)
    form = DeleteForm(request.POST, record=record)
    if not form.is_valid():
        return HttpResponseBadRequest(_("The form was incomplete; reload the page."))
    try:
        delete(record, actor=actor(request), expected_version=form.expected_version)
    except EditConflict as conflict:
        stored = conflict.current
        who, when = last_change(stored)
        context = {
            "plan": item.plan,
            "item": item,
            "record": stored,
            "form": DeleteForm(record=stored),
            "who": who,
            "when": when,
            "action": request.get_full_path(),
            "cancel_url": item_url(request, item) + f"#{anchor}",
        }
        return render(request, "plans/delete_conflict.html", context, status=409)
    messages.success(request, done)
    return _back(request, item, anchor)
