"""Pages of the register of improvement actions: thin views over ``services``,
``reading``, ``importing`` and ``report``."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from koers.accounts.access import actor, get_for_organisation, handle_form, member_view
from koers.accounts.conflicts import form_for, save_or_conflict
from koers.accounts.permissions import MANAGE_IMPROVEMENTS, can, covers_action
from koers.followup.attachments import allowed_kinds, content_type
from koers.followup.models import ReportingRound
from koers.importers import draft_pages
from koers.improvements import importing, reading, report, services
from koers.improvements.forms import (
    ActionForm,
    EvidenceForm,
    ReturnForm,
    SourceForm,
    UpdateForm,
    UploadForm,
)
from koers.improvements.models import (
    ActionImport,
    Evidence,
    ImprovementAction,
    ImprovementUpdate,
    Source,
)
from koers.paging import CountedPaginator
from koers.storage import DraftFileMissing

PAGE_SIZE = 50


def _manages(request) -> bool:
    return can(request.membership, MANAGE_IMPROVEMENTS)


def _require_manage(request) -> None:
    actor(request).require(MANAGE_IMPROVEMENTS)


def _get_action(request, pk) -> ImprovementAction:
    return get_for_organisation(
        request,
        ImprovementAction.objects.select_related("source", "owner__user", "department"),
        "organisation",
        pk=pk,
    )


def _list_url(request) -> str:
    return reverse("improvements:list", kwargs={"org": request.organisation.slug})


def _action_url(request, action) -> str:
    return reverse(
        "improvements:detail", kwargs={"org": request.organisation.slug, "pk": action.pk}
    )


@member_view
def register_list(request):
    filters = reading.Filters.from_query(request.GET)
    today = timezone.localdate()
    actions = reading.register(request.organisation, filters, today)
    page = CountedPaginator(actions, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for action in rows:
        action.late = action.is_late(today)
    organisation = request.organisation
    context = {
        "rows": rows,
        "page": page,
        "query": request.GET.copy(),
        "filters": filters,
        "sources": list(Source.objects.filter(organisation=organisation)),
        "departments": list(services.department_choices(organisation)),
        "owners": list(services.owner_choices(organisation)),
        "statuses": ImprovementAction.Status.choices,
        "can_manage": _manages(request),
        "open_rounds": list(
            ReportingRound.objects.filter(
                plan__organisation=organisation, state=ReportingRound.State.OPEN
            ).select_related("plan")
        ),
    }
    return render(request, "improvements/list.html", context)


def _action_form(request, action=None, data=None):
    return ActionForm(data, instance=action, organisation=request.organisation)


@member_view
def action_create(request):
    _require_manage(request)
    initial_source = request.GET.get("source", "")
    form = ActionForm(
        request.POST or None,
        organisation=request.organisation,
        initial={"source": initial_source} if initial_source.isdigit() else None,
    )
    action = handle_form(
        request,
        form,
        lambda: services.save_action(
            request.organisation, form.action_values(), actor=actor(request)
        ),
    )
    if action:
        messages.success(request, _("The improvement action has been added."))
        return redirect(_action_url(request, action))
    context = {"form": form, "title": _("New improvement action"), "cancel_url": _list_url(request)}
    return render(request, "improvements/form.html", context, status=400 if form.errors else 200)


@member_view
def action_edit(request, pk):
    _require_manage(request)
    action = _get_action(request, pk)
    form = _action_form(request, action, request.POST or None)
    back = _action_url(request, action)
    title = _("Improvement action %(ref)s") % {"ref": action.reference or action.pk}

    def save():
        return services.save_action(
            request.organisation,
            form.action_values(),
            actor=actor(request),
            action=action,
            expected_version=form.expected_version,
        )

    build = form_for(ActionForm, organisation=request.organisation)
    saved, conflict = save_or_conflict(request, form, save, build, title=title, cancel_url=back)
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("Your changes have been saved."))
        return redirect(back)
    context = {
        "form": form,
        "title": title,
        "cancel_url": back,
        "delete_url": reverse(
            "improvements:delete", kwargs={"org": request.organisation.slug, "pk": action.pk}
        ),
    }
    return render(request, "improvements/form.html", context, status=400 if form.errors else 200)


@member_view
@require_POST
def action_delete(request, pk):
    _require_manage(request)
    action = _get_action(request, pk)
    services.delete_action(action, actor=actor(request))
    messages.success(request, _("The improvement action has been deleted."))
    return redirect(_list_url(request))


@member_view
def action_detail(request, pk):
    action = _get_action(request, pk)
    updates = [
        update
        for update in action.updates.select_related("round", "updated_by").order_by(
            "round__period_end", "round_id"
        )
        if update.state == ImprovementUpdate.State.APPROVED
        or covers_action(request.membership, action)
    ]
    context = {
        "action": action,
        "today": timezone.localdate(),
        "late": action.is_late(timezone.localdate()),
        "plan_items": action.plan_items.select_related("plan").order_by("plan_id", "path"),
        "evidence": action.evidence.all(),
        "updates": updates,
        "can_manage": _manages(request),
        "owns": covers_action(request.membership, action),
        "evidence_form": EvidenceForm(),
        "evidence_kinds": ", ".join(allowed_kinds()),
        "evidence_limit": filesizeformat(settings.KOERS_ATTACHMENT_MAX_BYTES),
        "history": action.history.select_related("history_user").order_by("-history_date")[:20],
    }
    return render(request, "improvements/detail.html", context)


@member_view
@require_POST
def evidence_add(request, pk):
    action = _get_action(request, pk)
    if not covers_action(request.membership, action):
        _require_manage(request)  # 403
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_evidence(action, form.cleaned_data["file"], actor=actor(request))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The file has been attached."))
    else:
        for message in form.errors.get("file", [_("Choose a file to attach.")]):
            messages.error(request, message)
    return redirect(_action_url(request, action) + "#evidence")


def _get_evidence(request, pk) -> Evidence:
    return get_for_organisation(
        request, Evidence.objects.select_related("action"), "action__organisation", pk=pk
    )


@member_view
def evidence_download(request, pk):
    evidence = _get_evidence(request, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=evidence.name, content_type=content_type(evidence)
    )


@member_view
@require_POST
def evidence_remove(request, pk):
    evidence = _get_evidence(request, pk)
    if not covers_action(request.membership, evidence.action):
        _require_manage(request)  # 403
    services.remove_evidence(evidence, actor=actor(request))
    messages.success(request, _("The file has been removed."))
    return redirect(_action_url(request, evidence.action) + "#evidence")


# -- sources -----------------------------------------------------------------------------


@member_view
def sources(request):
    form = SourceForm(request.POST or None)
    if request.method == "POST":
        _require_manage(request)
        source = handle_form(
            request,
            form,
            lambda: services.save_source(
                request.organisation, form.cleaned_data, actor=actor(request)
            ),
        )
        if source:
            messages.success(request, _("The source '%(name)s' has been added.") % {"name": source})
            return redirect("improvements:sources", org=request.organisation.slug)
    report_ = reading.source_report(request.organisation, timezone.localdate())
    context = {"report": report_, "form": form, "can_manage": _manages(request)}
    return render(request, "improvements/sources.html", context, status=400 if form.errors else 200)


@member_view
def source_edit(request, pk):
    _require_manage(request)
    source = get_for_organisation(request, Source.objects.all(), "organisation", pk=pk)
    form = SourceForm(request.POST or None, instance=source)
    back = reverse("improvements:sources", kwargs={"org": request.organisation.slug})
    title = _("Source %(name)s") % {"name": source.name}

    def save():
        return services.save_source(
            request.organisation,
            form.cleaned_data,
            actor=actor(request),
            source=source,
            expected_version=form.expected_version,
        )

    saved, conflict = save_or_conflict(
        request, form, save, form_for(SourceForm), title=title, cancel_url=back
    )
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("Your changes have been saved."))
        return redirect(back)
    context = {"form": form, "title": title, "cancel_url": back}
    return render(request, "improvements/form.html", context, status=400 if form.errors else 200)


# -- import ------------------------------------------------------------------------------


@member_view
def import_upload(request):
    _require_manage(request)
    form = UploadForm(
        request.POST or None, request.FILES or None, organisation=request.organisation
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.KOERS_IMPORT_MAX_BYTES:
            form.add_error(
                "file",
                _("The file is larger than %(limit)s.")
                % {"limit": filesizeformat(settings.KOERS_IMPORT_MAX_BYTES)},
            )
        else:
            draft = importing.keep_upload(
                form.cleaned_data["source"], request.user, upload.name, upload.read()
            )
            return redirect(
                "improvements:import_preview", org=request.organisation.slug, pk=draft.pk
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "improvements/import_upload.html", {"form": form}, status=status)


@member_view
def import_preview(request, pk):
    _require_manage(request)
    draft = get_for_organisation(
        request, ActionImport.objects.select_related("source"), "organisation", pk=pk
    )
    try:
        sheet = importing.read_actions(draft.source, draft.read_content(), draft.filename)
    except DraftFileMissing:
        return _file_missing(request, draft)
    if request.method == "POST" and not sheet.problems:
        try:
            count = importing.load_actions(draft, actor=actor(request))
        except ValidationError as error:
            sheet.problems = error.messages
        except DraftFileMissing:  # gone since it was read above
            return _file_missing(request, draft)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s improvement action has been imported.",
                    "%(count)s improvement actions have been imported.",
                    count,
                )
                % {"count": count},
            )
            return redirect(_list_url(request) + f"?source={draft.source_id}")
    status = 400 if request.method == "POST" else 200
    context = {"draft": draft, "sheet": sheet}
    return render(request, "improvements/import_preview.html", context, status=status)


def _file_missing(request, draft):
    return draft_pages.file_missing(
        request, draft, upload="improvements:import", discard="improvements:import_discard"
    )


@member_view
@require_POST
def import_discard(request, pk):
    _require_manage(request)
    get_for_organisation(request, ActionImport.objects.all(), "organisation", pk=pk).delete()
    messages.info(request, _("The import has been discarded; nothing was loaded."))
    return redirect("improvements:import", org=request.organisation.slug)


# -- report ------------------------------------------------------------------------------


def _report(request):
    source = reading.Filters.from_query(request.GET).source
    return reading.source_report(request.organisation, timezone.localdate(), source)


@member_view
def report_page(request):
    report_ = _report(request)
    context = {
        "report": report_,
        "sources": Source.objects.filter(organisation=request.organisation),
        "chosen": reading.Filters.from_query(request.GET).source,
        "query": request.GET.urlencode(),
    }
    return render(request, "improvements/report.html", context)


@member_view
def report_file(request, fmt):
    if fmt not in report.FORMATS:
        raise Http404
    content = report.render(_report(request), fmt)
    extension, mime = report.FORMATS[fmt]
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="verbeteracties.{extension}"'
    return response


# -- follow-up in reporting rounds -------------------------------------------------------


def _get_round(request, pk) -> ReportingRound:
    return get_for_organisation(
        request, ReportingRound.objects.select_related("plan"), "plan__organisation", pk=pk
    )


@member_view
def round_page(request, pk):
    round_ = _get_round(request, pk)
    can_manage = _manages(request)
    if request.method == "POST":
        _require_manage(request)
        _round_action(request, round_)
        return redirect("improvements:round", org=request.organisation.slug, pk=round_.pk)
    updates = round_.improvement_updates.select_related(
        "action", "action__source", "action__owner__user"
    )
    if not can_manage:
        updates = updates.filter(state=ImprovementUpdate.State.APPROVED)
    page = CountedPaginator(updates, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "round": round_,
        "page": page,
        "updates": page.object_list,
        "query": request.GET.copy(),
        "can_manage": can_manage,
        "sources": Source.objects.filter(organisation=request.organisation),
        "return_form": ReturnForm(),
    }
    return render(request, "improvements/round.html", context)


def _round_action(request, round_) -> None:
    action = request.POST.get("action", "")
    who = actor(request)
    try:
        if action == "add":
            source_id = request.POST.get("source", "")
            source = None
            if source_id:
                source = get_for_organisation(
                    request, Source.objects.all(), "organisation", pk=int(source_id)
                )
            count = services.add_to_round(round_, actor=who, source=source)
            done = ngettext(
                "%(count)s improvement action added to the round.",
                "%(count)s improvement actions added to the round.",
                count,
            ) % {"count": count}
        elif action in ("approve", "return"):
            update = round_.improvement_updates.select_related("action").get(
                pk=int(request.POST.get("update", "0") or 0)
            )
            if action == "approve":
                services.approve(update, actor=who)
                done = _("The state of %(action)s is approved.") % {"action": update.action}
            else:
                services.return_update(update, request.POST.get("comment", ""), actor=who)
                done = _("The state of %(action)s is returned to its owner.") % {
                    "action": update.action
                }
        else:
            return
    except (ImprovementUpdate.DoesNotExist, ValueError):
        messages.error(request, _("That improvement action is not part of this round."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)


def _get_update(request, pk) -> ImprovementUpdate:
    update = get_for_organisation(
        request,
        ImprovementUpdate.objects.select_related(
            "round", "round__plan", "action", "action__source", "updated_by"
        ),
        "action__organisation",
        pk=pk,
    )
    if not services.may_read(request.membership, update):
        raise Http404
    return update


@member_view
def update_edit(request, pk):
    update = _get_update(request, pk)
    writable = services.may_write(request.membership, update)
    form = UpdateForm(request.POST or None, instance=update)
    if request.method == "POST":
        if not (writable or covers_action(request.membership, update.action)):
            _require_manage(request)  # 403
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
                messages.error(
                    request,
                    _("Someone else saved this state meanwhile: this is how it is now. "
                      "Your text is below; save it again to keep it."),
                )  # fmt: skip
                data = request.POST.copy()
                data["version"] = conflict.current.version
                # the retry form binds a copy: validating it writes the typing on its instance
                retry = ImprovementUpdate.objects.select_related("round").get(pk=update.pk)
                form = UpdateForm(data, instance=retry)
                form.is_valid()
                context = _update_context(request, conflict.current, form, writable)
                context["theirs"] = conflict.current
                return render(request, "improvements/update.html", context, status=409)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Your update has been submitted.")
                    if saved.state == ImprovementUpdate.State.SUBMITTED
                    else _("Your draft has been saved."),
                )
                return redirect("followup:inbox", org=request.organisation.slug)
    context = _update_context(request, update, form, writable)
    return render(request, "improvements/update.html", context, status=400 if form.errors else 200)


def _update_context(request, update, form, writable) -> dict:
    return {
        "update": update,
        "action": update.action,
        "form": form,
        "writable": writable,
        "withdrawable": update.state == ImprovementUpdate.State.SUBMITTED
        and update.round.state == ReportingRound.State.OPEN
        and covers_action(request.membership, update.action),
        "history": update.history.select_related("history_user").order_by("-history_date")[:20],
    }


@member_view
@require_POST
def update_withdraw(request, pk):
    update = _get_update(request, pk)
    if not covers_action(request.membership, update.action):
        _require_manage(request)
    version = request.POST.get("version", "")
    try:
        services.withdraw(
            update, version=int(version) if version.isdigit() else 0, actor=actor(request)
        )
    except services.UpdateConflict:
        messages.error(request, _("The state changed meanwhile (reviewed or withdrawn)."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Your update is a draft again: change it and submit it once more.")
        )
    return redirect("improvements:update", org=request.organisation.slug, pk=update.pk)
