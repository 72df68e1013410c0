"""The pages of the complaints register: thin views over :mod:`reading`, :mod:`services`
and :mod:`access`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from koers.accounts.access import (
    actor,
    get_for_organisation,
    handle_form,
    member_view,
    whole_number,
)
from koers.accounts.conflicts import save_or_conflict
from koers.accounts.permissions import MANAGE_ORGANISATION, can
from koers.complaints import access, reading, services
from koers.complaints.forms import ComplainantForm, HandlingForm, RegisterForm, SettingsForm
from koers.complaints.models import Complainant, Complaint


def _require_register(request) -> None:
    if not access.may_open_register(request.membership):
        raise PermissionDenied


def _complaint(request, pk) -> Complaint:
    """A complaint this member may see; 404 for another organisation's, 403 for one of
    their own they may not see."""
    queryset = Complaint.objects.select_related(
        "organisation", "department", "handler__user", "plan_item__plan"
    )
    complaint = get_for_organisation(request, queryset, "organisation", pk=pk)
    if not access.may_see_complaint(request.membership, complaint):
        raise PermissionDenied
    return complaint


def _complainant(request, complaint) -> Complainant | None:
    """The complainant, read only for a member who may see personal data."""
    if not access.may_see_personal_data(request.membership, complaint):
        return None
    return Complainant.objects.filter(complaint=complaint).first()


def _list_url(request) -> str:
    return reverse("complaints:list", kwargs={"org": request.organisation.slug})


def _detail_url(request, complaint) -> str:
    return reverse(
        "complaints:detail", kwargs={"org": request.organisation.slug, "pk": complaint.pk}
    )


def _filters(request) -> reading.Filters:
    get = request.GET
    channel = get.get("channel", "")
    status = get.get("status", "")
    return reading.Filters(
        q=get.get("q", "").strip()[:200],
        status=status if status in reading.STATUSES else "",
        department=whole_number(get.get("department", "")),
        channel=channel if channel in Complaint.Channel.values else "",
        year=whole_number(get.get("year", "")),
    )


@member_view
def complaint_list(request):
    _require_register(request)
    filters = _filters(request)
    rows, page = reading.register_page(request.membership, filters, request.GET.get("page"))
    return render(
        request,
        "complaints/list.html",
        {
            "rows": rows,
            "page": page,
            "query": request.GET,
            "filters": filters,
            "choices": reading.filter_choices(request.membership),
            "can_register": access.may_register(request.membership),
            "can_configure": can(request.membership, MANAGE_ORGANISATION),
            "sees_all": access.sees_all_complaints(request.membership),
        },
    )


@member_view
def complaint_export(request):
    _require_register(request)
    text = reading.export_csv(request.membership, _filters(request))
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="klachten.csv"'
    return response


@member_view
def complaint_create(request):
    if not access.may_register(request.membership):
        raise PermissionDenied
    form = RegisterForm(request.POST or None, organisation=request.organisation)

    def register():
        return services.register_complaint(
            request.organisation,
            form.complaint_values(),
            actor=actor(request),
            complainant=form.complainant_values(),
        )

    complaint = handle_form(request, form, register)
    if complaint:
        messages.success(
            request,
            _("Complaint %(reference)s registered; answer it by %(date)s.")
            % {"reference": complaint.reference, "date": complaint.deadline.strftime("%d-%m-%Y")},
        )
        return redirect(_detail_url(request, complaint))
    return render(
        request,
        "complaints/register.html",
        {"form": form, "cancel_url": _list_url(request)},
    )


@member_view
def complaint_detail(request, pk):
    complaint = _complaint(request, pk)
    may_handle = access.may_handle(request.membership, complaint)
    may_assign = access.may_assign(request.membership, complaint)
    form = None
    if may_handle:
        form = HandlingForm(request.POST or None, instance=complaint, may_assign=may_assign)
    elif request.method == "POST":
        raise PermissionDenied
    title = _("Complaint %(reference)s") % {"reference": complaint.reference}

    def save():
        return services.handle_complaint(
            complaint,
            form.handling_values(),
            actor=actor(request),
            expected_version=form.expected_version,
        )

    if form is not None:
        saved, conflict = save_or_conflict(
            request,
            form,
            save,
            lambda record, data=None: HandlingForm(data, instance=record, may_assign=may_assign),
            title=title,
            cancel_url=_detail_url(request, complaint),
        )
        if conflict:
            return conflict
        if saved:
            messages.success(request, _("Your changes have been saved."))
            return redirect(_detail_url(request, complaint))
    return render(
        request,
        "complaints/detail.html",
        {
            "complaint": complaint,
            "title": title,
            "form": form,
            "complainant": _complainant(request, complaint),
            "may_see_personal_data": access.may_see_personal_data(request.membership, complaint),
            "may_handle": may_handle,
            "status": reading.status_of(complaint, services.timezone.localdate()),
            "improvements": _improvement_actions(complaint),
        },
    )


def _improvement_actions(complaint) -> list:
    """The improvement actions that name this complaint (koers.improvements), if any."""
    related = getattr(complaint, "improvement_actions", None)
    return list(related.order_by("reference", "pk")) if related is not None else []


@member_view
def complainant_edit(request, pk):
    complaint = _complaint(request, pk)
    if not (
        access.may_handle(request.membership, complaint)
        and access.may_see_personal_data(request.membership, complaint)
    ):
        raise PermissionDenied
    complainant = Complainant.objects.filter(complaint=complaint).first() or Complainant(
        complaint=complaint
    )
    if complainant.erased_at is not None:
        raise Http404
    form = ComplainantForm(request.POST or None, instance=complainant)

    def save():
        return services.update_complainant(complaint, form.cleaned_data, actor=actor(request))

    if handle_form(request, form, save):
        messages.success(request, _("Your changes have been saved."))
        return redirect(_detail_url(request, complaint))
    return render(
        request,
        "complaints/form.html",
        {
            "form": form,
            "title": _("Complainant of %(reference)s") % {"reference": complaint.reference},
            "cancel_url": _detail_url(request, complaint),
        },
    )


@member_view
def complaint_history(request, pk):
    complaint = _complaint(request, pk)
    records = list(
        complaint.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    changes = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        fields = []
        if older is not None:
            changed = set(newer.diff_against(older).changed_fields)
            fields = [
                str(field.verbose_name)
                for field in Complaint._meta.fields
                if field.name in changed and field.name not in ("version", "updated_at")
            ]
        changes.append({"record": newer, "fields": fields})
    return render(
        request,
        "complaints/history.html",
        {"complaint": complaint, "changes": changes},
    )


@member_view
def complaint_settings(request):
    actor(request).require(MANAGE_ORGANISATION)
    found = services.settings_of(request.organisation)
    form = SettingsForm(request.POST or None, instance=found)

    def save():
        return services.save_settings(
            request.organisation,
            form.cleaned_data,
            actor=actor(request),
            expected_version=form.expected_version,
        )

    title = _("Complaint settings")
    saved, conflict = save_or_conflict(
        request,
        form,
        save,
        lambda record, data=None: SettingsForm(data, instance=record),
        title=title,
        cancel_url=_list_url(request),
    )
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("Your changes have been saved."))
        return redirect(_list_url(request))
    return render(
        request,
        "complaints/form.html",
        {"form": form, "title": title, "cancel_url": _list_url(request)},
    )
