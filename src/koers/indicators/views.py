"""The cijferdatabank pages: thin views over :mod:`reading` and :mod:`services`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koers.accounts.access import (
    actor,
    get_for_organisation,
    handle_form,
    member_view,
    whole_number,
)
from koers.accounts.conflicts import form_for, save_or_conflict
from koers.accounts.locking import EditConflict
from koers.importers import draft_pages
from koers.indicators import exports, reading, services
from koers.indicators.connectors import choices as connector_choices
from koers.indicators.feeds import feed_rows
from koers.indicators.forms import IndicatorForm, LinkForm, TargetForm, UploadForm, ValueForm
from koers.indicators.importing import keep_upload, load_values, read_values
from koers.indicators.models import (
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    ItemIndicator,
    ValueImport,
)
from koers.plans.views.common import get_item
from koers.storage import DraftFileMissing


def _indicator(request, pk) -> Indicator:
    queryset = Indicator.objects.select_related("organisation", "department", "owner")
    return get_for_organisation(request, queryset, "organisation", pk=pk)


def _row_of(request, model, indicator: Indicator, pk):
    """A target or value of this indicator (404 for another's), or None for a new one."""
    if pk is None:
        return None
    return get_for_organisation(
        request,
        model.objects.select_related("indicator"),
        "indicator__organisation",
        pk=pk,
        indicator=indicator,
    )


def _require_manage(request) -> None:
    if not services.may_manage(request.membership):
        raise PermissionDenied


def _list_url(request) -> str:
    return reverse("indicators:list", kwargs={"org": request.organisation.slug})


def _detail_url(request, indicator) -> str:
    return reverse(
        "indicators:detail", kwargs={"org": request.organisation.slug, "pk": indicator.pk}
    )


@member_view
def indicator_list(request):
    get = request.GET
    filters = reading.Filters(
        q=get.get("q", "").strip()[:200],
        theme=get.get("theme", "")[:200],
        department=whole_number(get.get("department", "")),
        goal=whole_number(get.get("goal", "")),
        sdg=whole_number(get.get("sdg", "")),
        status=get.get("status", "") if get.get("status") in ("on", "off") else "",
    )
    rows, page = reading.catalogue_page(request.organisation, filters, get.get("page"))
    return render(
        request,
        "indicators/list.html",
        {
            "rows": rows,
            "page": page,
            "query": get,
            "filters": filters,
            "choices": reading.filter_choices(request.organisation),
            "can_manage": services.may_manage(request.membership),
            "filtered": any(vars(filters).values()),
        },
    )


@member_view
def indicator_detail(request, pk):
    indicator = _indicator(request, pk)
    return render(
        request,
        "indicators/detail.html",
        {
            "detail": reading.detail(indicator),
            "indicator": indicator,
            "can_manage": services.may_manage(request.membership),
            "can_enter": services.may_enter_values(request.membership, indicator),
            "feeds": feed_rows(indicator),
            "connector_choices": connector_choices(),
        },
    )


def _form_page(request, form, title, cancel_url, delete_url=""):
    return render(
        request,
        "indicators/form.html",
        {
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "delete_url": delete_url,
            "version": getattr(form.record, "version", None),
        },
        status=400 if request.method == "POST" else 200,
    )


@member_view
def indicator_create(request):
    _require_manage(request)
    form = IndicatorForm(request.POST or None, organisation=request.organisation)
    saved = handle_form(
        request,
        form,
        lambda: services.create_indicator(
            request.organisation, form.cleaned_data, actor=actor(request)
        ),
    )
    if saved:
        messages.success(request, _("The indicator has been added."))
        return redirect(_detail_url(request, saved))
    return _form_page(request, form, _("New indicator"), _list_url(request))


@member_view
def indicator_edit(request, pk):
    _require_manage(request)
    indicator = _indicator(request, pk)
    form = IndicatorForm(
        request.POST or None, instance=indicator, organisation=request.organisation
    )
    saved, conflict = save_or_conflict(
        request,
        form,
        lambda: services.update_indicator(
            indicator,
            form.cleaned_data,
            actor=actor(request),
            expected_version=form.expected_version,
        ),
        form_for(IndicatorForm, organisation=request.organisation),
        title=str(indicator),
        cancel_url=_detail_url(request, indicator),
    )
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("Your changes have been saved."))
        return redirect(_detail_url(request, saved))
    return _form_page(
        request,
        form,
        _("Edit %(indicator)s") % {"indicator": indicator},
        _detail_url(request, indicator),
    )


@member_view
def indicator_delete(request, pk):
    """Ask, then delete an indicator with its targets, values and links."""
    _require_manage(request)
    indicator = _indicator(request, pk)
    if request.method == "POST":
        version = whole_number(request.POST.get("version", ""))
        try:
            services.delete_indicator(indicator, actor=actor(request), expected_version=version)
        except EditConflict:
            messages.error(
                request,
                _("Someone changed the indicator after you opened this page; look again."),
            )
            return redirect(_detail_url(request, indicator))
        messages.success(
            request, _("The indicator %(code)s has been deleted.") % {"code": indicator.code}
        )
        return redirect(_list_url(request))
    counts = {"values": indicator.values.count(), "links": indicator.item_links.count()}
    return render(request, "indicators/delete.html", {"indicator": indicator, **counts})


@member_view
def target_edit(request, pk, target_pk=None):
    _require_manage(request)
    indicator = _indicator(request, pk)
    target = _row_of(request, IndicatorTarget, indicator, target_pk)
    form = TargetForm(request.POST or None, instance=target)
    saved, conflict = save_or_conflict(
        request,
        form,
        lambda: services.save_target(
            indicator,
            form.cleaned_data["year"],
            form.cleaned_data["value"],
            actor=actor(request),
            target=target,
            expected_version=form.expected_version,
        ),
        form_for(TargetForm),
        title=str(indicator),
        cancel_url=_detail_url(request, indicator),
    )
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("The target has been saved."))
        return redirect(_detail_url(request, indicator))
    title = _("Target of %(indicator)s") % {"indicator": indicator}
    return _form_page(request, form, title, _detail_url(request, indicator))


@member_view
def value_edit(request, pk, value_pk=None):
    indicator = _indicator(request, pk)
    if not services.may_enter_values(request.membership, indicator):
        raise PermissionDenied
    record = _row_of(request, IndicatorValue, indicator, value_pk)
    form = ValueForm(request.POST or None, record=record)
    saved, conflict = save_or_conflict(
        request,
        form,
        lambda: services.save_value(
            indicator,
            form.cleaned_data,
            actor=actor(request),
            record=record,
            expected_version=form.expected_version,
        ),
        lambda current, data=None: ValueForm(data, record=current),
        title=str(indicator),
        cancel_url=_detail_url(request, indicator),
    )
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("The value has been saved."))
        return redirect(_detail_url(request, indicator))
    title = _("Value of %(indicator)s") % {"indicator": indicator}
    delete_url = ""
    if record is not None:
        delete_url = reverse(
            "indicators:value_delete",
            kwargs={"org": request.organisation.slug, "pk": indicator.pk, "value_pk": record.pk},
        )
    return _form_page(request, form, title, _detail_url(request, indicator), delete_url)


@member_view
@require_POST
def value_delete(request, pk, value_pk):
    indicator = _indicator(request, pk)
    if not services.may_enter_values(request.membership, indicator):
        raise PermissionDenied
    record = _row_of(request, IndicatorValue, indicator, value_pk)
    version = whole_number(request.POST.get("version", ""))
    try:
        services.delete_value(record, actor=actor(request), expected_version=version)
    except EditConflict:
        messages.error(
            request, _("Someone changed this value after you opened the form; look again.")
        )
    else:
        messages.success(request, _("The value has been deleted."))
    return redirect(_detail_url(request, indicator))


@member_view
def indicator_export(request, pk, fmt):
    indicator = _indicator(request, pk)
    if fmt == "csv":
        content, kind = exports.values_csv(indicator), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        content = exports.values_xlsx(indicator)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(content, content_type=kind)
    name = exports.file_name(indicator, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Import -----------------------------------------------------------------------------


@member_view
def import_upload(request):
    _require_manage(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        from koers.plans.services.document_import import import_limits

        if upload.size > import_limits().max_bytes:
            form.add_error(
                "file",
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {
                    "size": round(upload.size / 1024 / 1024, 1),
                    "limit": round(import_limits().max_bytes / 1024 / 1024, 1),
                },
            )
        else:
            draft = keep_upload(request.organisation, request.user, upload.name, upload.read())
            return redirect("indicators:import_preview", org=request.organisation.slug, pk=draft.pk)
    return render(
        request,
        "indicators/import_upload.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@member_view
def import_preview(request, pk):
    _require_manage(request)
    draft = get_for_organisation(request, ValueImport.objects.all(), "organisation", pk=pk)
    try:
        sheet = read_values(request.organisation, draft.read_content(), draft.filename)
    except DraftFileMissing:
        return _file_missing(request, draft)
    if request.method == "POST" and not sheet.problems:
        try:
            counts = load_values(
                request.organisation, sheet, actor=actor(request), filename=draft.filename
            )
        except ValidationError as error:
            sheet.problems = error.messages
        else:
            draft.delete()
            messages.success(
                request,
                _(
                    "The values have been loaded: %(new)s new, %(changed)s changed, "
                    "%(unchanged)s unchanged."
                )
                % counts,
            )
            return redirect(_list_url(request))
    return render(
        request,
        "indicators/import_preview.html",
        {"draft": draft, "sheet": sheet},
        status=400 if request.method == "POST" else 200,
    )


def _file_missing(request, draft):
    return draft_pages.file_missing(
        request, draft, upload="indicators:import", discard="indicators:import_discard"
    )


@member_view
@require_POST
def import_discard(request, pk):
    _require_manage(request)
    get_for_organisation(request, ValueImport.objects.all(), "organisation", pk=pk).delete()
    messages.info(request, _("The import has been discarded; nothing was loaded."))
    return redirect(_list_url(request))


# Links to plan items ----------------------------------------------------------------


def _item_url(request, item) -> str:
    return reverse("plans:item_detail", kwargs={"org": request.organisation.slug, "pk": item.pk})


@member_view
@require_POST
def item_link(request, item_pk):
    _require_manage(request)
    item = get_item(request, item_pk)
    form = LinkForm(request.POST, organisation=request.organisation)
    if form.is_valid():
        services.link_indicator(
            item, form.cleaned_data["indicator"], form.cleaned_data["role"], actor=actor(request)
        )
        messages.success(request, _("The indicator has been linked."))
    else:
        messages.error(request, _("Choose an indicator and its role."))
    return redirect(_item_url(request, item))


@member_view
@require_POST
def item_unlink(request, link_pk):
    _require_manage(request)
    link = get_for_organisation(
        request,
        ItemIndicator.objects.select_related("indicator", "item"),
        "indicator__organisation",
        pk=link_pk,
    )
    item = link.item
    services.unlink_indicator(link, actor=actor(request))
    messages.success(request, _("The indicator is no longer linked."))
    return redirect(_item_url(request, item))
