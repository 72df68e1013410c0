"""Follow-up pages: rounds of a plan, a round's review, the owner's inbox, writing an update."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from koers.accounts.access import (
    actor,
    get_for_organisation,
    handle_form,
    member_view,
    whole_number,
)
from koers.accounts.conflicts import form_for, save_or_conflict
from koers.accounts.permissions import MANAGE_PLANS, can
from koers.followup import attachments, services
from koers.followup.attachments import allowed_kinds
from koers.followup.difference import text_difference
from koers.followup.forms import (
    AttachmentForm,
    ReasonForm,
    ReturnForm,
    RoundEditForm,
    RoundForm,
    UpdateForm,
)
from koers.followup.models import Attachment, ProgressUpdate, ReportingRound
from koers.followup.round_summary import round_summary
from koers.indicators import rounds as indicator_rounds
from koers.paging import page_in_order
from koers.plans.terminology import use_dutch_of
from koers.plans.views.common import get_plan

ROUND_PAGE_SIZE = 100


def _get_round(request, pk) -> ReportingRound:
    round_ = get_for_organisation(
        request, ReportingRound.objects.select_related("plan"), "plan__organisation", pk=pk
    )
    use_dutch_of(round_.plan.terminology_preset)
    return round_


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
    rounds = list(ReportingRound.objects.filter(plan=plan).select_related("plan"))
    for round_ in rounds:  # how far each got (kept figures, as on the round page)
        round_.figures = round_summary(round_).counts(round_) if can_manage else None
    context = {"plan": plan, "rounds": rounds, "form": form, "can_manage": can_manage}
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
    # counts and chart describe the department's updates (kept until an update changes)
    summary = round_summary(round_, department, approved_only=not can_manage)
    show = request.GET.get("show", "")
    if show == "stale":
        # unchanged since the previous round: compared in the database, by fingerprint
        stale = services.unchanged(round_) if can_manage else None
        updates = updates.filter(stale) if stale is not None else updates.none()
    elif show == "without_owner":
        updates = updates.filter(item__owner__isnull=True)
    elif show == "late":
        updates = updates.filter(pk__in=services.late_updates(round_).values("pk"))
    # in tree order, sorted here: see page_in_order
    page = page_in_order(updates, "item__path", ROUND_PAGE_SIZE, request.GET.get("page"))
    context = {
        "round": round_,
        "plan": round_.plan,
        "updates": page.object_list,
        "page": page,
        "query": request.GET.copy(),
        "show": show,
        "stale_count": summary.stale_count,
        "without_owner": summary.without_owner,
        "statuses": summary.statuses,
        "counts": summary.counts(round_),
        "departments": summary.departments,
        "department": department,
        "can_manage": can_manage,
        "reason_form": reason_form,
        "return_form": return_form,
    }
    return render(request, "followup/round.html", context)


@member_view
def round_edit(request, pk):
    round_ = _get_round(request, pk)
    actor(request).require(MANAGE_PLANS)
    title = _("Round %(name)s") % {"name": round_.name}
    back = reverse("followup:round", kwargs={"org": request.organisation.slug, "pk": round_.pk})
    form = RoundEditForm(request.POST or None, instance=round_)

    def save():
        return services.update_round(
            round_, form.cleaned_data, actor=actor(request), expected_version=form.expected_version
        )

    saved, conflict = save_or_conflict(
        request, form, save, form_for(RoundEditForm), title=title, cancel_url=back
    )
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("Your changes have been saved."))
        return redirect(back)
    context = {"plan": round_.plan, "form": form, "title": title, "cancel_url": back}
    return render(request, "plans/form.html", context, status=400 if form.errors else 200)


def _round_action(request, round_):
    action = request.POST.get("action", "")
    who = actor(request)
    try:
        if action == "close":
            services.close_round(round_, actor=who)
            done = _("The round is closed: owners can no longer change their updates.")
        elif action == "reopen":
            services.reopen_round(round_, request.POST.get("reason", ""), actor=who)
            done = _("The round is open again.")
        elif action == "publish":
            services.publish_round(round_, actor=who)
            done = _("The round is published: the public portal shows its figures.")
        elif action in ("approve", "return"):
            update = round_.updates.select_related("item").get(
                pk=int(request.POST.get("update", "0") or 0)
            )
            if action == "approve":
                services.approve(update, actor=who)
                done = _("The update of %(item)s is approved.") % {"item": update.item}
            else:
                services.return_update(update, request.POST.get("comment", ""), actor=who)
                done = _("The update of %(item)s is returned to its owner.") % {"item": update.item}
        elif action == "bulk_approve":
            ids = [int(n) for n in request.POST.getlist("updates") if n.isascii() and n.isdigit()]
            count = services.bulk_approve(round_, ids, actor=who)
            done = ngettext("%(count)s update approved.", "%(count)s updates approved.", count) % {
                "count": count
            }
        else:
            return None
    except (ProgressUpdate.DoesNotExist, ValueError):
        messages.error(request, _("That update is not part of this round."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("followup:round", org=request.organisation.slug, pk=round_.pk)


@member_view
def inbox(request):
    """Mijn rapportering: the owner's updates in open rounds, grouped by round, due first."""
    round_id = whole_number(request.GET.get("round", ""))
    plan_id = whole_number(request.GET.get("plan", ""))
    state = request.GET.get("state", "")
    state = state if state in services.WORK_STATES else ""
    work = services.owner_work(request.membership, round_id=round_id, plan_id=plan_id, state=state)
    labels = dict(WORK_STATE_LABELS)
    for group in work.groups:
        for update in group.updates:
            update.work_label = labels[update.work_state]
    context = {
        "work": work,
        "done": work.done,
        "total": work.total,
        "chosen_round": round_id,
        "chosen_plan": plan_id,
        "chosen_state": state,
        "filtered": bool(round_id or plan_id or state),
        "state_counts": [(key, labels[key], work.counts[key]) for key in services.WORK_STATES],
        "today": timezone.localdate(),
    }
    return render(request, "followup/inbox.html", context)


WORK_STATE_LABELS = (
    (services.TO_WRITE, gettext_lazy("to write")),
    (ProgressUpdate.State.DRAFT, gettext_lazy("draft")),
    (ProgressUpdate.State.SUBMITTED, gettext_lazy("submitted")),
    (ProgressUpdate.State.RETURNED, gettext_lazy("returned")),
    (ProgressUpdate.State.APPROVED, gettext_lazy("approved")),
)


def _get_update(request, pk) -> ProgressUpdate:
    update = get_for_organisation(
        request,
        ProgressUpdate.objects.select_related(
            "round", "round__plan", "item", "item__plan", "updated_by"
        ),
        "round__plan__organisation",
        pk=pk,
    )
    if not services.may_read(request.membership, update):
        raise Http404
    use_dutch_of(update.round.plan.terminology_preset)
    return update


def _update_form(update, data=None, instance=None) -> UpdateForm:
    return UpdateForm(
        data,
        instance=instance or update,
        plan=update.round.plan,
        milestones=services.reportable_milestones(update),
        budget_lines=services.reportable_budget_lines(update),
        indicators=indicator_rounds.reportable_indicators(update),
    )


def _save(request, update, form, submit: bool, automatic: bool = False):
    return services.save_update(
        update,
        form.report_values(),
        version=form.cleaned_data["version"],
        submit=submit,
        actor=actor(request),
        automatic=automatic,
        form_id=form.cleaned_data.get("form_id") or "",
    )


@member_view
def update_edit(request, pk):
    update = _get_update(request, pk)
    writable = services.may_write(request.membership, update)
    form = _update_form(update, request.POST or None)
    if request.method == "POST":
        submitted = services.is_submitted(update)  # the service refuses, with a message
        if not (writable or submitted):
            actor(request).require(MANAGE_PLANS)  # 403
        if form.is_valid():
            try:
                saved = _save(request, update, form, submit="submit" in request.POST)
            except services.UpdateSubmitted as refused:
                messages.error(request, refused.messages[0])
                return redirect(_update_url(request, update))
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
    previous = services.previous_update(update, request.membership)
    context = {
        "update": update,
        "form": form,
        "writable": writable,
        "withdrawable": services.may_withdraw(request.membership, update),
        "can_review": can(request.membership, MANAGE_PLANS),
        "autosave": writable and services.autosaves(update),
        "previous": previous,
        "difference": text_difference(previous.narrative, update.narrative) if previous else [],
        "history": update.history.select_related("history_user").order_by("-history_date")[:20],
        "attachments": update.attachments.all(),
        "attachment_form": AttachmentForm(),
        "attachment_kinds": ", ".join(allowed_kinds()),
        "attachment_limit": filesizeformat(settings.KOERS_ATTACHMENT_MAX_BYTES),
        "reported_milestones": services.reported_milestones(update),
        "reported_spending": services.reported_spending(update),
        "reported_indicator_values": indicator_rounds.reported_values(update),
    }
    return render(request, "followup/update.html", context, status=400 if form.errors else 200)


def _update_url(request, update) -> str:
    return reverse("followup:update", kwargs={"org": request.organisation.slug, "pk": update.pk})


@member_view
@require_POST
def update_withdraw(request, pk):
    """The owner takes their submitted update back to draft, to change it."""
    update = _get_update(request, pk)
    try:
        services.withdraw(
            update, version=whole_number(request.POST.get("version", "")) or 0, actor=actor(request)
        )
    except services.UpdateConflict:
        messages.error(
            request,
            _("The update changed meanwhile (reviewed or withdrawn): this is how it is now."),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Your update is a draft again: change it and submit it once more.")
        )
    return redirect(_update_url(request, update))


@member_view
@require_POST
def update_autosave(request, pk):
    """Save a draft while the owner types (htmx); answers with a line saying how it went."""
    update = _get_update(request, pk)
    if not (services.may_write(request.membership, update) and services.autosaves(update)):
        return render(request, "followup/_autosave.html", {"outcome": "refused"})
    form = _update_form(update, request.POST)
    if not form.is_valid():
        return render(request, "followup/_autosave.html", {"outcome": "invalid"})
    try:
        saved = _save(request, update, form, submit=False, automatic=True)
    except services.UpdateConflict:
        return render(request, "followup/_autosave.html", {"outcome": "conflict"})
    except ValidationError:
        return render(request, "followup/_autosave.html", {"outcome": "invalid"})
    return render(request, "followup/_autosave.html", {"outcome": "saved", "update": saved})


@member_view
@require_POST
def attachment_add(request, pk):
    update = _get_update(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachments.add_attachment(update, form.cleaned_data["file"], actor=actor(request))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The file has been attached."))
    else:
        for message in form.errors.get("file", [_("Choose a file to attach.")]):
            messages.error(request, message)
    return redirect(
        reverse("followup:update", kwargs={"org": request.organisation.slug, "pk": update.pk})
        + "#attachments"
    )


def _get_attachment(request, pk) -> Attachment:
    attachment = get_for_organisation(
        request,
        Attachment.objects.select_related("update", "update__round", "update__item"),
        "update__round__plan__organisation",
        pk=pk,
    )
    if not services.may_read(request.membership, attachment.update):
        raise Http404
    return attachment


@member_view
def attachment_download(request, pk):
    attachment = _get_attachment(request, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachments.content_type(attachment),
    )


@member_view
@require_POST
def attachment_remove(request, pk):
    attachment = _get_attachment(request, pk)
    attachments.remove_attachment(attachment, actor=actor(request))
    messages.success(request, _("The file has been removed."))
    return redirect(
        reverse(
            "followup:update",
            kwargs={"org": request.organisation.slug, "pk": attachment.update_id},
        )
        + "#attachments"
    )


def _retry(form, conflict):
    """The user's typing, to be saved over the other version after reading it."""
    data = form.data.copy()
    data["version"] = conflict.current.version
    return _update_form(conflict.current, data)
