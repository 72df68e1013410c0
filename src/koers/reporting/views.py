"""Reports on the web: ask for one (made in the background), follow its state, download it;
write the free-text chapters of a round's report."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koers.accounts.access import actor, get_for_organisation, member_view
from koers.accounts.conflicts import form_for, save_or_conflict
from koers.accounts.permissions import EXPORT, MANAGE_PLANS, can
from koers.followup.models import ReportingRound
from koers.jobs.services import worker_running
from koers.plans.views.common import get_plan
from koers.reporting import jobs, services
from koers.reporting.forms import ReportForm, ReportTextForm
from koers.reporting.models import ReportJob, RoundReportText

RECENT = 10


@member_view
def reports(request, pk):
    plan = get_plan(request, pk)
    actor(request).require(EXPORT)
    form = ReportForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        job = jobs.request_report(
            plan,
            {
                "round": form.cleaned_data["round"],
                "format": form.cleaned_data["format"],
                "filters": form.filters(),
            },
            actor=actor(request),
        )
        return redirect("reporting:job", org=request.organisation.slug, pk=job.pk)
    context = {
        "plan": plan,
        "form": form,
        "jobs": ReportJob.objects.filter(plan=plan).select_related("round")[:RECENT],
        "rounds": ReportingRound.objects.filter(plan=plan),
        "can_write": can(request.membership, MANAGE_PLANS),
    }
    return render(request, "reporting/reports.html", context, status=400 if form.errors else 200)


def _get_job(request, pk) -> ReportJob:
    job = get_for_organisation(
        request, ReportJob.objects.select_related("plan", "round"), "plan__organisation", pk=pk
    )
    actor(request).require(EXPORT)
    return job


@member_view
def job_detail(request, pk):
    job = _get_job(request, pk)
    template = "reporting/_job_state.html" if request.headers.get("HX-Request") else None
    context = {
        "job": job,
        "plan": job.plan,
        "ready": jobs.file_of(job) is not None,
        "no_worker": job.state == ReportJob.State.QUEUED and not worker_running(),
    }
    return render(request, template or "reporting/job.html", context)


@member_view
def job_download(request, pk):
    job = _get_job(request, pk)
    stored = jobs.file_of(job)
    if stored is None:
        raise Http404
    name = f"{job.plan.title} - {job.round.name if job.round else _('today')}{stored.suffix}"
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name)


@member_view
def report_text(request, pk):
    round_ = get_for_organisation(
        request, ReportingRound.objects.select_related("plan"), "plan__organisation", pk=pk
    )
    actor(request).require(MANAGE_PLANS)
    text = RoundReportText.objects.filter(round=round_).first() or RoundReportText(round=round_)
    form = ReportTextForm(request.POST or None, instance=text)

    def save():
        return services.save_report_text(
            text, form.cleaned_data, actor(request), expected_version=form.expected_version
        )

    saved, conflict = save_or_conflict(
        request,
        form,
        save,
        form_for(ReportTextForm),
        title=_("Report chapters of %(round)s") % {"round": round_.name},
        cancel_url=reverse(
            "reporting:reports", kwargs={"org": request.organisation.slug, "pk": round_.plan_id}
        ),
        extra={"plan": round_.plan},
    )
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("The chapters have been saved."))
        return redirect("reporting:reports", org=request.organisation.slug, pk=round_.plan_id)
    context = {"round": round_, "plan": round_.plan, "form": form}
    return render(
        request, "reporting/report_text.html", context, status=400 if form.errors else 200
    )


@member_view
@require_POST
def job_retry(request, pk):
    job = _get_job(request, pk)
    jobs.retry_report(job, actor=actor(request))
    return redirect("reporting:job", org=request.organisation.slug, pk=job.pk)
