"""What the coordinator writes for a report, and the reports generated in the background."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koers.accounts.locking import version_field
from koers.accounts.scoping import OrganisationScopedManager
from koers.followup.models import ReportingRound
from koers.plans.models import Plan


class RoundReportText(models.Model):
    """The free-text chapters of a round's follow-up report (Flemish BBC: changed
    assumptions and changed financial risks)."""

    round = models.OneToOneField(
        ReportingRound, on_delete=models.CASCADE, related_name="report_text"
    )
    changed_assumptions = models.TextField(_("changed assumptions"), blank=True)
    changed_risks = models.TextField(_("changed financial risks"), blank=True)
    version = version_field()
    objects = OrganisationScopedManager("round__plan__organisation")
    history = HistoricalRecords()

    def __str__(self):
        return str(self.round)


class ReportJob(models.Model):
    """One report asked for on the web, as its asker sees it (waiting, being made, ready,
    failed); a background task makes it (see ``reporting/jobs.py``)."""

    class Format(models.TextChoices):
        HTML = "html", _("website (HTML, zipped)")
        PDF_UA = "pdfua", _("PDF, accessible (tagged, PDF/UA)")
        PDF = "pdf", _("PDF, fast (not tagged)")
        DOCX = "docx", _("Word (DOCX)")
        XLSX = "xlsx", _("Excel (XLSX)")

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("being made")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="report_jobs")
    round = models.ForeignKey(
        ReportingRound, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    format = models.CharField(_("format"), max_length=10, choices=Format)
    filters = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    file_name = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    objects = OrganisationScopedManager("plan__organisation")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self):
        return f"{self.plan} · {self.format} · {self.state}"
