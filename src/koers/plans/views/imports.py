"""Import views: upload a file, preview what was read, confirm; spreadsheets out and in."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from koers.accounts.access import actor, get_for_organisation, member_view
from koers.accounts.locking import EditConflict
from koers.accounts.permissions import EXPORT, MANAGE_PLANS
from koers.importers import DocumentError, draft_pages
from koers.importers.limits import limit_error, megabytes
from koers.jobs.services import uses_workers, worker_running
from koers.plans.document.load import load_plan_document
from koers.plans.document.validation import PlanDocumentError, parse
from koers.plans.forms import DocumentUploadForm, ImportFamilyForm
from koers.plans.import_messages import error_text, location_text
from koers.plans.models import DocumentImport, Plan
from koers.plans.services import document_import, import_profiles, spreadsheet
from koers.plans.views.common import get_plan
from koers.storage import DraftFileMissing

SHEET_FORMATS = ("csv", "xlsx")
COLUMN_LABELS = {
    "code": _lazy("Code"),
    "title": _lazy("Title"),
    "parent_code": _lazy("Parent code"),
    "level": _lazy("Level"),
    "description": _lazy("Description"),
    "owner": _lazy("Owner (e-mail address)"),
    "departments": _lazy("Departments"),
    "start": _lazy("Start"),
    "end": _lazy("End"),
    "timing": _lazy("Timing"),
    "budget": _lazy("Budget"),
    "spent": _lazy("Spent"),
    "status": _lazy("Status"),
    "progress": _lazy("Progress"),
    "policy": _lazy("Policy"),
}


def _require(request, capability):
    actor(request).require(capability)


@member_view
def plan_import(request):
    _require(request, MANAGE_PLANS)
    form = DocumentUploadForm(
        request.POST or None, request.FILES or None, organisation=request.organisation
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.KOERS_IMPORT_MAX_BYTES:  # refused before it is read
            limit = settings.KOERS_IMPORT_MAX_BYTES
            too_large = limit_error(
                "too_large", size=megabytes(upload.size), limit=megabytes(limit)
            )
            form.add_error("file", error_text(too_large))
        elif upload.name.lower().endswith(".json"):
            return _import_plan_document(request, upload, form)
        else:
            try:
                draft = document_import.read_upload(
                    request.organisation,
                    request.user,
                    upload.name,
                    upload.read(),
                    family=form.cleaned_data["family"],
                    target_plan=form.cleaned_data["plan"],
                )
            except DocumentError as error:
                form.add_error("file", error_text(error))
            else:
                if draft.state != DocumentImport.State.REFUSED:
                    return redirect(
                        "plans:import_preview", org=request.organisation.slug, pk=draft.pk
                    )
                form.add_error("file", document_import.refusal_text(draft))
                draft.delete()  # read at once and refused: nothing stays
    status = 400 if form.errors else 200
    return render(request, "plans/import_upload.html", {"form": form}, status=status)


def _import_plan_document(request, upload, form):
    if form.cleaned_data["plan"] is not None:
        form.add_error("plan", _("A PlanDocument is always loaded as a new plan."))
        return render(request, "plans/import_upload.html", {"form": form}, status=400)
    try:
        result = load_plan_document(
            parse(upload.read()), request.organisation, actor=actor(request)
        )
    except PlanDocumentError as error:
        return render(
            request,
            "plans/import_errors.html",
            {"problems": error.problems[:100], "total": len(error.problems)},
            status=400,
        )
    for warning in result.warnings:
        messages.warning(request, warning)
    messages.success(
        request,
        _("The plan has been imported with %(count)s items.") % {"count": result.item_count},
    )
    if summary := result.indicator_summary():
        messages.info(request, summary)
    return redirect("plans:plan_tree", org=request.organisation.slug, pk=result.plan.pk)


def _get_draft(request, pk) -> DocumentImport:
    return get_for_organisation(request, DocumentImport.objects, "organisation", pk=pk)


@member_view
def import_preview(request, pk):
    _require(request, MANAGE_PLANS)
    draft = _get_draft(request, pk)
    if draft.state != DocumentImport.State.READY:
        return _not_ready(request, draft)
    if request.GET.get("state"):  # the reading page asks: ready now, go to the preview
        return _htmx_redirect(request.path)
    try:
        return _preview(request, draft)
    except DraftFileMissing:
        return _file_missing(request, draft)


def _preview(request, draft: DocumentImport):
    if draft.target_plan is not None and draft.format in SHEET_FORMATS:
        return _sheet_update(request, draft)
    family_form = ImportFamilyForm(initial={"family": draft.family})
    header, mapping = ((), {})
    if request.method == "POST" and _reads_again(request) and not draft.file_available():
        # what was read stays: the preview can still be loaded, only not read again
        messages.error(
            request,
            _("The uploaded file of this draft is no longer available; upload it again."),
        )
        return redirect("plans:import_preview", org=request.organisation.slug, pk=draft.pk)
    if draft.format in SHEET_FORMATS:
        header, mapping = document_import.sheet_columns(draft)
        if request.method == "POST" and "map_columns" in request.POST:
            columns = {
                field: request.POST.get(f"column_{field}", "")
                for field in COLUMN_LABELS
                if request.POST.get(f"column_{field}", "") in header
            }
            document_import.read_again(draft, columns=columns)
            messages.info(request, _("The sheet has been read again with your columns."))
            return redirect("plans:import_preview", org=request.organisation.slug, pk=draft.pk)
    if request.method == "POST" and "skip_profile" in request.POST:
        import_profiles.skip(draft)
        messages.info(
            request, _("The profile was not applied; the document is read as recognised.")
        )
        return redirect("plans:import_preview", org=request.organisation.slug, pk=draft.pk)
    if request.method == "POST" and "read_again" in request.POST:
        family_form = ImportFamilyForm(request.POST)
        if family_form.is_valid():
            document_import.read_again(draft, family_form.cleaned_data["family"])
            messages.info(request, _("The document has been read again."))
            return redirect("plans:import_preview", org=request.organisation.slug, pk=draft.pk)
    rows = document_import.preview_rows(draft.document)
    profile = import_profiles.applied_profile(draft)
    import_profiles.preset_rows(profile, rows)  # the profile's levels and unticked items
    errors: list[str] = []
    if request.method == "POST" and "confirm" in request.POST:
        keep = {int(n) for n in request.POST.getlist("keep") if _is_number(n)}
        depths = {
            row.number: int(request.POST[f"level_{row.number}"])
            for row in rows
            if _is_number(request.POST.get(f"level_{row.number}", ""))
        }
        into = draft.target_plan
        chosen = import_profiles.choices(draft, rows, keep, depths)
        try:
            result = document_import.load_import(
                draft,
                actor=actor(request),
                keep=keep,
                depths=depths,
                title=request.POST.get("title", ""),
                into=into,
            )
        except PlanDocumentError as error:
            errors = [str(problem) for problem in error.problems[:50]]
        except ValidationError as error:
            errors = error.messages
        else:
            for warning in result.warnings:
                messages.warning(request, warning)
            _remember_profile(request, draft, chosen)
            messages.success(
                request,
                _("%(count)s items have been loaded into '%(plan)s'.")
                % {"count": result.item_count, "plan": result.plan.title},
            )
            return redirect("plans:plan_tree", org=request.organisation.slug, pk=result.plan.pk)
        # keep what the user chose on the page
        for row in rows:
            row.kept = row.number in keep
            row.chosen_depth = depths.get(row.number, row.depth)
    levels = _level_names(draft.document, max((row.depth for row in rows), default=1))
    for row in rows:
        row.kept = getattr(row, "kept", True)
        row.chosen_depth = getattr(row, "chosen_depth", row.depth)
        row.where = location_text(row.source)
    context = {
        "draft": draft,
        "rows": rows,
        "levels": levels,
        "counts": document_import.counts(draft.document),
        "warnings": document_import.warning_messages(draft),
        "family_form": family_form,
        "profile": profile,
        "errors": errors,
        "title": request.POST.get("title", draft.document["plan"]["title"]),
        "sheet_header": header,
        "column_choices": [
            (field, label, _chosen_column(draft, field, mapping))
            for field, label in COLUMN_LABELS.items()
        ],
    }
    return render(request, "plans/import_preview.html", context, status=400 if errors else 200)


def _reads_again(request) -> bool:
    return any(key in request.POST for key in ("map_columns", "skip_profile", "read_again"))


def _file_missing(request, draft):
    return draft_pages.file_missing(
        request, draft, upload="plans:plan_import", discard="plans:import_discard"
    )


def _remember_profile(request, draft: DocumentImport, chosen: dict) -> None:
    """The choices confirmed become the import profile of the document's layout."""
    version = request.POST.get("profile_version", "")
    try:
        profile = import_profiles.remember(
            draft,
            chosen,
            user=request.user,
            expected_version=int(version) if _is_number(version) else None,
        )
    except EditConflict:
        messages.warning(
            request,
            _(
                "The import profile was changed by someone else meanwhile; your choices "
                "were not stored in it."
            ),
        )
        return
    if profile is not None and import_profiles.is_choice(chosen):
        messages.info(
            request,
            _("Your choices were kept as profile '%(name)s' for the next document like this.")
            % {"name": profile.name},
        )


def _not_ready(request, draft: DocumentImport):
    """While the document is read: a page that follows it (htmx) and moves on to the
    preview when it is ready. A refused document: its reason on the upload page, and the
    draft deleted."""
    htmx = request.GET.get("state")  # asked by the reading page (htmx), not a page load
    if draft.state == DocumentImport.State.REFUSED:
        messages.error(
            request,
            _("%(file)s cannot be imported: %(reason)s Nothing was stored.")
            % {"file": draft.filename, "reason": document_import.refusal_text(draft)},
        )
        draft.delete()
        upload = reverse("plans:plan_import", kwargs={"org": request.organisation.slug})
        return _htmx_redirect(upload) if htmx else redirect(upload)
    context = {
        "draft": draft,
        "poll_url": f"{request.path}?state=1",
        "no_worker": uses_workers() and not worker_running(),
    }
    template = "plans/_import_reading.html" if htmx else "plans/import_reading.html"
    return render(request, template, context)


def _htmx_redirect(url: str) -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) < 7


def _chosen_column(draft: DocumentImport, field: str, automatic: dict[str, str]) -> str:
    if draft.columns:
        return draft.columns.get(field, "")
    return automatic.get(field, "")


def _level_names(document: dict, depth: int) -> list[tuple[int, str]]:
    names = list((document["plan"].get("terminology") or {}).get("levels") or [])
    return [
        (n, names[n - 1] if n <= len(names) else _("Level %(n)s") % {"n": n})
        for n in range(1, depth + 1)
    ]


def _sheet_update(request, draft: DocumentImport):
    plan = draft.target_plan
    changes = spreadsheet.sheet_changes(plan, draft.read_content(), draft.filename)
    if request.method == "POST" and "confirm" in request.POST:
        delete_missing = request.POST.get("delete_missing") == "on"
        try:
            done = spreadsheet.apply_changes(
                plan, changes, delete_missing=delete_missing, actor=actor(request)
            )
        except ValidationError as error:
            changes.problems = error.messages
        else:
            DocumentImport.objects.filter(pk=draft.pk).delete()
            messages.success(
                request,
                _(
                    "The plan has been updated: %(new)s new, %(changed)s changed, "
                    "%(deleted)s deleted."
                )
                % done,
            )
            return redirect("plans:plan_tree", org=request.organisation.slug, pk=plan.pk)
    return render(
        request,
        "plans/import_sheet_update.html",
        {"draft": draft, "plan": plan, "changes": changes},
        status=400 if changes.problems and request.method == "POST" else 200,
    )


@member_view
@require_POST
def import_discard(request, pk):
    _require(request, MANAGE_PLANS)
    _get_draft(request, pk).delete()
    messages.info(request, _("The import has been discarded; nothing was loaded."))
    return redirect("plans:plan_list", org=request.organisation.slug)


@member_view
def plan_sheet(request, pk, fmt):
    plan: Plan = get_plan(request, pk)
    _require(request, EXPORT)
    if fmt == "csv":
        content, kind = spreadsheet.plan_csv(plan), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        content = spreadsheet.plan_xlsx(plan)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = (
        f'attachment; filename="{slugify(plan.title) or "plan"}.{fmt}"'
    )
    return response
