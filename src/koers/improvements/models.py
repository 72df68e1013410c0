"""The register of improvement actions: findings and recommendations from audits,
self-assessments, risk analyses and complaints, followed up in reporting rounds."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koers.accounts.locking import version_field
from koers.accounts.models import Department, Membership, Organisation
from koers.accounts.scoping import OrganisationScopedManager
from koers.followup.models import AttachmentStorage, ProgressUpdate, ReportingRound
from koers.plans.models import PlanItem
from koers.storage import DraftName, StoredDraft, imports


class Source(models.Model):
    """Where improvement actions come from: one audit, one self-assessment, one analysis."""

    class Kind(models.TextChoices):
        AUDIT_VLAANDEREN = "audit_vlaanderen", _("Audit Vlaanderen audit")
        ENSIA = "ensia", _("ENSIA")
        WPG = "wpg", _("Wpg audit")
        ACCOUNTANT = "accountant", _("accountant's audit")
        SELF_ASSESSMENT = "self_assessment", _("self-assessment of internal control")
        RISK_ANALYSIS = "risk_analysis", _("risk analysis")
        COMPLAINT = "complaint", _("complaint")
        OTHER = "other", _("other")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="improvement_sources"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind, default=Kind.OTHER)
    date = models.DateField(_("date"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = version_field()
    objects = OrganisationScopedManager("organisation")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "name", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.name


class ImprovementAction(models.Model):
    """One finding with its recommendation and what the organisation does about it."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    class Priority(models.TextChoices):
        HIGH = "high", _("high")
        MEDIUM = "medium", _("medium")
        LOW = "low", _("low")

    class Response(models.TextChoices):
        PENDING = "pending", _("no response yet")
        ACCEPTED = "accepted", _("accepted")
        NOT_ACCEPTED = "not_accepted", _("not accepted")

    # Still to be carried out: late once their deadline has passed.
    OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="improvement_actions"
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="actions"
    )
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    finding = models.TextField(_("finding"))
    recommendation = models.TextField(_("recommendation"), blank=True)
    priority = models.CharField(
        _("priority or risk level"), max_length=10, choices=Priority, default=Priority.MEDIUM
    )
    owner = models.ForeignKey(
        Membership,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="improvement_actions",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="improvement_actions",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.NOT_STARTED
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    response = models.CharField(
        _("response"), max_length=20, choices=Response, default=Response.PENDING
    )
    response_reason = models.TextField(_("reason for not accepting"), blank=True)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="improvement_actions",
    )
    plan_items = models.ManyToManyField(
        PlanItem, verbose_name=_("linked plan items"), blank=True, related_name="improvements"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()
    objects = OrganisationScopedManager("organisation")
    history = HistoricalRecords()

    class Meta:
        ordering = ["source_id", "reference", "id"]
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        indexes = [
            models.Index(fields=["organisation", "status", "deadline"], name="improvement_late"),
        ]

    def __str__(self):
        label = self.finding if len(self.finding) <= 80 else self.finding[:79] + "…"
        return f"{self.reference} {label}".strip()

    def is_late(self, today) -> bool:
        return self.status in self.OPEN and self.deadline is not None and self.deadline < today


def _evidence_path(evidence, filename: str) -> str:
    return f"improvements/{evidence.action_id}/{filename}"


class Evidence(models.Model):
    """A file that shows what was done (a decision, a procedure, a report)."""

    action = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=_evidence_path, storage=AttachmentStorage(), max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    objects = OrganisationScopedManager("action__organisation")
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.name


class ImprovementUpdate(models.Model):
    """The state of one improvement action in one reporting round, written by its owner and
    reviewed by the coordinator, as a progress update of a plan item."""

    State = ProgressUpdate.State

    round = models.ForeignKey(
        ReportingRound, on_delete=models.CASCADE, related_name="improvement_updates"
    )
    action = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(
        _("status"), max_length=20, choices=ImprovementAction.Status, blank=True
    )
    narrative = models.TextField(_("state of progress"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.DRAFT)
    review_comment = models.TextField(_("comment of the reviewer"), blank=True)
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    objects = OrganisationScopedManager("action__organisation")
    history = HistoricalRecords()

    class Meta:
        ordering = ["action__source_id", "action__reference", "action_id"]
        verbose_name = _("state of an improvement action")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "action"], name="one_improvement_update_per_round"
            )
        ]

    def __str__(self):
        return f"{self.round}: {self.action}"

    @property
    def is_done(self) -> bool:
        return self.state in (self.State.SUBMITTED, self.State.APPROVED)


class ActionImport(StoredDraft, models.Model):
    """An uploaded sheet of an audit's recommendations waiting for its preview to be
    confirmed, its file in the ``imports`` storage; loading or discarding it deletes the
    record and its file."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="improvement_imports"
    )
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=255)
    file = models.FileField(
        _("file"), upload_to=DraftName("improvements"), storage=imports, max_length=300, blank=True
    )
    objects = OrganisationScopedManager("organisation")

    class Meta:
        verbose_name = _("import of improvement actions")

    def __str__(self):
        return self.filename
