"""The portal's complaint form and complaints summary (no login), and the staff pages of
the yearly complaints report and of the form's switch."""

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from koers.accounts.access import actor, member_view
from koers.accounts.actor import Actor
from koers.accounts.permissions import MANAGE_ORGANISATION
from koers.complaints.models import Complaint
from koers.complaints.services import register_complaint, settings_of
from koers.complaints_public import intake_guard, report_files, reports, services
from koers.complaints_public.forms import ComplaintPortalForm, PortalFormSettingsForm
from koers.complaints_public.models import PortalComplaintForm
from koers.complaints_public.report_files import FORMATS, format_labels
from koers.complaints_public.report_files import render as render_file
from koers.portal import publication
from koers.portal.views import portal_page

logger = logging.getLogger(__name__)
RECEIPT_SALT = "koers.complaints.portal-receipt"
RECEIPT_HOURS = 24


# -- the portal --------------------------------------------------------------------------------


def _form_or_404(organisation) -> PortalComplaintForm:
    switch = PortalComplaintForm.objects.filter(organisation=organisation, enabled=True).first()
    if switch is None:
        raise Http404
    return switch


def _form_page(request, organisation, switch, form, problems=(), status=200) -> HttpResponse:
    # A new token each time the form is shown: after "too fast" a second try passes.
    if form.is_bound:
        form.data = form.data.copy()
        form.data["token"] = intake_guard.issue_token(organisation.slug)
    else:
        form.initial["token"] = intake_guard.issue_token(organisation.slug)
    form.describe_fields()
    context = {
        "portal": organisation,
        "form": form,
        "problems": list(problems),
        "introduction": switch.introduction,
        "deadline_days": settings_of(organisation).deadline_days,
    }
    return render(request, "complaints_public/portal_form.html", context, status=status)


@never_cache
@portal_page
def complaint_form(request, org):
    """The public complaint form: no account; spam protection and throttling in
    ``intake_guard``; what was typed stays in the form on every refusal."""
    organisation = publication.organisation_or_404(org)
    switch = _form_or_404(organisation)
    if request.method != "POST":
        return _form_page(request, organisation, switch, ComplaintPortalForm())
    form = ComplaintPortalForm(request.POST)
    throttled = intake_guard.Throttle.for_request(request, organisation.pk).problem()
    if throttled:
        form.is_valid()  # show the typed text with any other problem
        response = _form_page(request, organisation, switch, form, [throttled], status=429)
        response["Retry-After"] = str(settings.KOERS_COMPLAINT_FORM_WINDOW_MINUTES * 60)
        return response
    problems = [
        problem
        for problem in (
            intake_guard.honeypot_problem(request.POST.get(intake_guard.HONEYPOT, "")),
            intake_guard.token_problem(request.POST.get("token", ""), organisation.slug),
        )
        if problem
    ]
    if not form.is_valid() or problems:
        return _form_page(request, organisation, switch, form, problems, status=400)
    complaint = file_complaint(organisation, form.cleaned_data)
    receipt = signing.dumps({"o": organisation.slug, "r": complaint.reference}, salt=RECEIPT_SALT)
    url = reverse("portal:complaint_received", kwargs={"org": organisation.slug})
    return redirect(f"{url}?ontvangst={receipt}")


def file_complaint(organisation, data: dict) -> Complaint:
    """Register the complaint through the register's own service (channel: the portal) and
    send the confirmation to the e-mail address, when one was given."""
    with transaction.atomic():
        complaint = register_complaint(
            organisation,
            {
                "received_on": timezone.localdate(),
                "channel": Complaint.Channel.PORTAL,
                "subject": data["subject"],
                "description": data["description"],
            },
            actor=Actor.system(),
            complainant={
                name: data.get(name, "") for name in ("name", "address", "email", "phone")
            },
        )
    if data.get("email"):
        send_confirmation(organisation, complaint, data["email"])
    return complaint


def send_confirmation(organisation, complaint: Complaint, address: str) -> None:
    subject = _("Your complaint has been received (%(reference)s)") % {
        "reference": complaint.reference
    }
    body = render_to_string(
        "complaints_public/confirmation_email.txt",
        {"organisation": organisation, "complaint": complaint},
    )
    try:
        send_mail(subject, body, None, [address])
    except Exception:  # the complaint is registered; the page shows its reference
        logger.exception("The confirmation of complaint %s could not be sent", complaint.pk)


@never_cache
@portal_page
def complaint_received(request, org):
    """The confirmation page with the reference number (from a signed receipt in the
    address: nothing of the complainant is in it)."""
    organisation = publication.organisation_or_404(org)
    try:
        receipt = signing.loads(
            request.GET.get("ontvangst", ""), salt=RECEIPT_SALT, max_age=RECEIPT_HOURS * 3600
        )
    except signing.BadSignature:
        raise Http404 from None
    if receipt.get("o") != organisation.slug:
        raise Http404
    complaint = Complaint.objects.filter(
        organisation=organisation, reference=receipt.get("r")
    ).first()
    if complaint is None:
        raise Http404
    context = {"portal": organisation, "complaint": complaint}
    return render(request, "complaints_public/portal_received.html", context)


@portal_page
def complaints_summary(request, org, year=None):
    """The figures of the organisation's published complaints reports."""
    organisation = publication.organisation_or_404(org)
    published = reports.published_years(organisation)
    chosen = year if year is not None else (published[0] if published else None)
    if year is not None and year not in published:
        raise Http404
    report = reports.published_report(organisation, chosen) if chosen else None
    form_enabled = PortalComplaintForm.objects.filter(
        organisation=organisation, enabled=True
    ).exists()
    context = {
        "portal": organisation,
        "report": report,
        "summary": reports.public_summary(report) if report else None,
        "years": published,
        "form_enabled": form_enabled,
    }
    return render(request, "complaints_public/portal_summary.html", context)


# -- staff pages ---------------------------------------------------------------------------------


@member_view
def report_list(request):
    """The years with complaints or reports: drafts for those who make reports, the
    published ones for every member."""
    membership = request.membership
    context = {
        "organisation": request.organisation,
        "years": reports.years_for(membership),
        "may_make": reports.may_make(membership),
    }
    return render(request, "complaints_public/report_list.html", context)


@member_view
def report_page(request, year):
    membership = request.membership
    if request.method == "POST":
        action = request.POST.get("action")
        if not reports.may_publish(membership):
            raise PermissionDenied
        if action == "publish":
            reports.publish(request.organisation, year, actor(request))
            messages.success(request, _("The report has been published."))
        elif action == "withdraw":
            reports.withdraw(request.organisation, year, actor(request))
            messages.success(request, _("The report is a draft again."))
        return redirect("complaints_public:report", org=request.organisation.slug, year=year)
    report, stored = reports.report_for(membership, year)
    context = {
        "organisation": request.organisation,
        "year": year,
        "report": report,
        "stored": stored,
        "tables": reports.tables(report),
        "key_figures": reports.key_figures(report),
        "trend_headers": report_files.trend_headers(),
        "trend_rows": report_files.trend_rows(report),
        "formats": format_labels(),
        "may_publish": reports.may_publish(membership),
    }
    return render(request, "complaints_public/report_page.html", context)


@member_view
def report_download(request, year, fmt):
    """The report as a file: a draft is made now; a published report's file is made once
    per publication and kept (``reports.published_file``)."""
    if fmt not in FORMATS:
        raise Http404
    report, stored = reports.report_for(request.membership, year)
    suffix, content_type = FORMATS[fmt]
    if stored is not None and stored.is_published:
        data = reports.published_file(stored, fmt).read_bytes()
    else:
        with tempfile.TemporaryDirectory(prefix="koers-complaints-") as folder:
            data = render_file(report, fmt, Path(folder) / f"report.{suffix}").read_bytes()
    response = HttpResponse(data, content_type=content_type)
    name = f"klachtenverslag-{year}{'-toegankelijk' if fmt == 'pdfua' else ''}.{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@member_view
def portal_form_settings(request):
    """Administrators switch the portal's complaint form on or off."""
    actor(request).require(MANAGE_ORGANISATION)
    form = PortalFormSettingsForm(
        request.POST or None, instance=services.portal_form_of(request.organisation)
    )
    if request.method == "POST" and form.is_valid():
        services.save_portal_form(request.organisation, form.cleaned_data, actor=actor(request))
        messages.success(request, _("The complaint form on the portal has been saved."))
        return redirect("complaints_public:portal_form", org=request.organisation.slug)
    context = {
        "organisation": request.organisation,
        "form": form,
        "portal_url": reverse("portal:complaint_form", kwargs={"org": request.organisation.slug}),
    }
    return render(
        request,
        "complaints_public/portal_form_settings.html",
        context,
        status=400 if form.errors else 200,
    )
