"""Reporting rounds and the progress updates owners write in them."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koers.accounts.locking import version_field
from koers.accounts.scoping import OrganisationScopedManager
from koers.followup.difference import words
from koers.plans.models import Plan, PlanItem, PlanStatus
from koers.storage import AreaStorage


class ReportingRound(models.Model):
    """A period the coordinator opens for owners to report on their items."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")
        PUBLISHED = "published", _("published")

    class Scope(models.TextChoices):
        PLAN = "plan", _("the whole plan")
        SUBTREE = "subtree", _("one part of the plan")
        PRIORITY = "priority", _("priority policy only")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("name"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    deadline = models.DateField(_("deadline"))
    scope = models.CharField(_("scope"), max_length=20, choices=Scope, default=Scope.PLAN)
    scope_item = models.ForeignKey(
        PlanItem,
        verbose_name=_("part of the plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    version = version_field()
    objects = OrganisationScopedManager("plan__organisation")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_end", "-id"]
        verbose_name = _("reporting round")

    def __str__(self):
        return self.name


def narrative_fingerprint(html: str) -> str:
    """The same for two texts with the same words, whatever their mark-up; empty for a text
    without words."""
    found = words(html)
    return hashlib.sha256(" ".join(found).encode()).hexdigest() if found else ""


class ProgressUpdate(models.Model):
    """The 'stand van zaken' of one item in one round."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        APPROVED = "approved", _("approved")

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="updates")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="progress_updates")
    status = models.ForeignKey(
        PlanStatus, verbose_name=_("status"), null=True, blank=True, on_delete=models.SET_NULL
    )
    percent = models.PositiveSmallIntegerField(_("percent complete"), null=True, blank=True)
    narrative = models.TextField(_("state of progress"), blank=True)
    # A hash of the narrative's words (mark-up and spacing left out; empty when it has
    # none), set on every save: the round page compares it with the previous round's.
    narrative_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # Reported in this round, applied to the item when the update is approved:
    # {milestone id: "YYYY-MM-DD" it was reached} and {budget line id: "actual to date"}.
    milestones_reached = models.JSONField(_("milestones reached"), default=dict, blank=True)
    spending = models.JSONField(_("spent to date"), default=dict, blank=True)
    # {indicator id: {"period": "2026", "value": "12.5" or "text": "…"}}: values of the
    # item's indicators, written to the cijferdatabank when the update is approved.
    indicator_values = models.JSONField(_("indicator values"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.DRAFT)
    review_comment = models.TextField(_("comment of the reviewer"), blank=True)
    version = models.PositiveIntegerField(default=1)
    # The id of the open form that saved this version by itself while its owner typed;
    # empty for a save someone asked for.
    saved_by_form = models.CharField(max_length=40, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    objects = OrganisationScopedManager("round__plan__organisation")
    history = HistoricalRecords()

    class Meta:
        ordering = ["item__path"]
        verbose_name = _("progress update")
        constraints = [
            models.UniqueConstraint(fields=["round", "item"], name="one_update_per_item_and_round")
        ]
        # the stamp of a round's updates (koers.followup.round_summary), read from the index
        indexes = [
            models.Index(fields=["round", "updated_at", "version"], name="update_round_stamp")
        ]

    def __str__(self):
        return f"{self.round}: {self.item}"

    def save(self, *args, **kwargs):
        self.narrative_fingerprint = narrative_fingerprint(self.narrative)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "narrative" in update_fields:
            kwargs["update_fields"] = {*update_fields, "narrative_fingerprint"}
        super().save(*args, **kwargs)

    @property
    def is_done(self) -> bool:
        return self.state in (self.State.SUBMITTED, self.State.APPROVED)


@deconstructible(path="koers.followup.models.AttachmentStorage")
class AttachmentStorage(AreaStorage):
    """Attachments and evidence files: in ``KOERS_ATTACHMENT_DIR`` or the object storage's
    ``attachments/`` (:mod:`koers.storage`), chosen at every use so that tests and
    deployments can move it; never served directly, only through a permission check."""

    def __init__(self):
        super().__init__("attachments")


def _attachment_path(attachment, filename: str) -> str:
    return f"{attachment.update.round_id}/{attachment.update_id}/{filename}"


class Attachment(models.Model):
    """A file an owner adds to an update (a photo, a report, a decision)."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, storage=AttachmentStorage(), max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    objects = OrganisationScopedManager("update__round__plan__organisation")
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")

    def __str__(self):
        return self.name


class ReminderSent(models.Model):
    """One reminder to one person for one round and moment: sending twice is impossible."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    moment = models.CharField(max_length=20)  # 'before-7', 'after-1' …
    sent_at = models.DateTimeField(auto_now_add=True)
    objects = OrganisationScopedManager("round__plan__organisation")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "user", "moment"], name="one_reminder_each")
        ]

    def __str__(self):
        return f"{self.round} · {self.user} · {self.moment}"
