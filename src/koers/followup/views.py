"""Follow-up pages: rounds of a plan, a round's review, the owner's inbox, writing an update."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from koers.accounts.access import actor, get_for_organisation, handle_form, member_view
from koers.accounts.permissions import MANAGE_PLANS, can
from koers.followup import services
from koers.followup.difference import text_difference
from koers.followup.forms import ReasonForm, ReturnForm, RoundForm, UpdateForm
from koers.followup.models import ProgressUpdate, ReportingRound
from koers.plans.views.common import get_plan

ROUND_PAGE_SIZE = 100


def _get_round(request, pk) -> ReportingRound:
    return get_for_organisation(
        request, ReportingRound.objects.select_related("plan"), "plan__organisation", pk=pk
    )


@member_view
def rounds(request, pk):
    plan = get_plan(request, pk)
    can_manage = can(request.membership, MANAGE_PLANS)
    form = RoundForm(request.POST or None, plan=plan)
    if request.method == "POST":
        actor(request).require(MANAGE_PLANS)
        round_ = handle_form(
            request,
            form,
            lambda: services.open_round(plan, form.cleaned_data, actor=actor(request)),
        )
        if round_:
            messages.success(
                request,
                _("Round '%(name)s' is open for %(count)s items.")
                % {"name": round_.name, "count": round_.updates.count()},
            )
            return redirect("followup:round", org=request.organisation.slug, pk=round_.pk)
    context = {
        "plan": plan,
        "rounds": ReportingRound.objects.filter(plan=plan),
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "followup/rounds.html", context, status=400 if form.errors else 200)


@member_view
def round_detail(request, pk):
    round_ = _get_round(request, pk)
    can_manage = can(request.membership, MANAGE_PLANS)
    reason_form, return_form = ReasonForm(), ReturnForm()
    if request.method == "POST":
        actor(request).require(MANAGE_PLANS)
        response = _round_action(request, round_)
        if response is not None:
            return response
    updates = round_.updates.select_related("item", "item__owner", "status")
    department = request.GET.get("department", "")
    if department:
        updates = updates.filter(item__departments__name=department)
    if not can_manage:
        updates = updates.filter(state=ProgressUpdate.State.APPROVED)
    stale = services.stale_item_ids(round_) if can_manage else set()
    show = request.GET.get("show", "")
    if show == "stale":
        updates = updates.filter(item_id__in=stale)
    elif show == "without_owner":
        updates = updates.filter(item__owner__isnull=True)
    page = Paginator(updates, ROUND_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "round": round_,
        "plan": round_.plan,
        "updates": page.object_list,
        "page": page,
        "query": request.GET.copy(),
        "show": show,
        "stale_count": len(stale),
        "without_owner": round_.updates.filter(item__owner__isnull=True).count(),
        "statuses": services.status_counts(updates.order_by()),
        "counts": services.round_counts(round_, updates.order_by()),
        "departments": services.department_rows(round_),
        "department": department,
        "can_manage": can_manage,
        "reason_form": reason_form,
        "return_form": return_form,
    }
    return render(request, "followup/round.html", context)


def _round_action(request, round_):
    action = request.POST.get("action", "")
    who = actor(request)
    try:
        if action == "close":
            services.close_round(round_, actor=who)
        elif action == "reopen":
            services.reopen_round(round_, request.POST.get("reason", ""), actor=who)
        elif action == "publish":
            services.publish_round(round_, actor=who)
        elif action in ("approve", "return"):
            update = round_.updates.get(pk=int(request.POST.get("update", "0") or 0))
            if action == "approve":
                services.approve(update, actor=who)
            else:
                services.return_update(update, request.POST.get("comment", ""), actor=who)
        elif action == "bulk_approve":
            ids = [int(n) for n in request.POST.getlist("updates") if n.isascii() and n.isdigit()]
            count = services.bulk_approve(round_, ids, actor=who)
            messages.success(request, _("%(count)s updates approved.") % {"count": count})
        else:
            return None
    except (ProgressUpdate.DoesNotExist, ValueError):
        messages.error(request, _("That update is not part of this round."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if action != "bulk_approve":
            messages.success(request, _("Done."))
    return redirect("followup:round", org=request.organisation.slug, pk=round_.pk)


@member_view
def inbox(request):
    updates = list(services.inbox(request.membership))
    done = sum(1 for update in updates if update.is_done)
    return render(
        request, "followup/inbox.html", {"updates": updates, "done": done, "total": len(updates)}
    )


@member_view
def update_edit(request, pk):
    update = get_for_organisation(
        request,
        ProgressUpdate.objects.select_related("round", "round__plan", "item", "item__plan"),
        "round__plan__organisation",
        pk=pk,
    )
    if not services.may_read(request.membership, update):
        raise Http404
    writable = services.may_write(request.membership, update)
    plan = update.round.plan
    form = UpdateForm(request.POST or None, instance=update, plan=plan)
    if request.method == "POST":
        if not writable:
            actor(request).require(MANAGE_PLANS)  # 403
        if form.is_valid():
            try:
                saved = services.save_update(
                    update,
                    form.cleaned_data,
                    version=form.cleaned_data["version"],
                    submit="submit" in request.POST,
                    actor=actor(request),
                )
            except services.UpdateConflict as conflict:
                return render(
                    request,
                    "followup/conflict.html",
                    {"update": update, "theirs": conflict.current, "form": _retry(form, conflict)},
                    status=409,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Your update has been submitted.")
                    if saved.state == ProgressUpdate.State.SUBMITTED
                    else _("Your draft has been saved."),
                )
                return redirect("followup:inbox", org=request.organisation.slug)
    previous = (
        ProgressUpdate.objects.filter(
            item=update.item, round__created_at__lt=update.round.created_at
        )
        .select_related("round", "status")
        .order_by("-round__created_at")
        .first()
    )
    context = {
        "update": update,
        "form": form,
        "writable": writable,
        "previous": previous,
        "difference": text_difference(previous.narrative, update.narrative) if previous else [],
        "history": update.history.select_related("history_user").order_by("-history_date")[:20],
    }
    return render(request, "followup/update.html", context, status=400 if form.errors else 200)


def _retry(form, conflict):
    """The user's typing, to be saved over the other version after reading it."""
    data = form.data.copy()
    data["version"] = conflict.current.version
    return UpdateForm(data, instance=conflict.current, plan=conflict.current.round.plan)
