"""The complaints register: complaints, the people who filed them (kept apart) and the
organisation's settings for handling them.

The complaint's content and the complainant's personal data live in separate tables.
``Complaint`` keeps a history; ``Complainant`` keeps none, so that erasing personal data
(``erase_complaint_personal_data``) leaves no copy of them behind.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koers.accounts.locking import version_field
from koers.accounts.models import Department, Membership, Organisation
from koers.accounts.scoping import OrganisationScopedManager
from koers.plans.models import PlanItem


class ComplaintSettings(models.Model):
    """How one organisation handles complaints; made with the defaults when first needed."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="complaint_settings"
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("days to answer a complaint"),
        default=45,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Counted from the day the complaint was received."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("days before the deadline to remind the handler"),
        default=7,
        validators=[MinValueValidator(0), MaxValueValidator(365)],
    )
    retention_months = models.PositiveSmallIntegerField(
        _("months to keep personal data after closing"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    version = version_field()
    objects = OrganisationScopedManager("organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint settings")
        verbose_name_plural = _("complaint settings")

    def __str__(self):
        return str(self.organisation)


class ComplaintSequence(models.Model):
    """The last reference number given out per organisation and year (K-2026-0001, ...)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)
    objects = OrganisationScopedManager("organisation")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="complaint_sequence_unique_year"
            )
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.year}: {self.last_number}"


class Complaint(models.Model):
    class Channel(models.TextChoices):
        PHONE = "phone", _("phone")
        EMAIL = "email", _("e-mail")
        LETTER = "letter", _("letter")
        COUNTER = "counter", _("counter")
        PORTAL = "portal", _("website form")
        OTHER = "other", _("other")

    class Outcome(models.TextChoices):
        FOUNDED = "founded", _("founded")
        PARTLY_FOUNDED = "partly_founded", _("partly founded")
        UNFOUNDED = "unfounded", _("unfounded")
        INADMISSIBLE = "inadmissible", _("inadmissible")
        WITHDRAWN = "withdrawn", _("withdrawn")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="complaints"
    )
    reference = models.CharField(_("reference"), max_length=20, editable=False)
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("complaint"))
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    handler = models.ForeignKey(
        Membership,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_complaints",
    )
    # None: not decided yet.
    admissible = models.BooleanField(_("admissible"), null=True, blank=True)
    inadmissible_reason = models.TextField(_("reason it is not admissible"), blank=True)
    deadline = models.DateField(_("deadline"))
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    # The day the complaint got its outcome; open while empty. Retention counts from it.
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    plan_item = models.ForeignKey(
        PlanItem,
        verbose_name=_("plan item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()
    objects = OrganisationScopedManager("organisation")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="complaint_unique_reference"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "-received_on", "-id"], name="complaint_list"),
            models.Index(fields=["organisation", "closed_on", "deadline"], name="complaint_open"),
            # The register of a member who sees only the complaints assigned to them.
            models.Index(
                fields=["handler", "organisation", "-received_on", "-id"],
                name="complaint_handler_list",
            ),
        ]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self):
        return f"{self.reference} {self.subject}"

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def is_late(self, today) -> bool:
        """Open past its deadline, or answered after it."""
        if self.closed_on is not None:
            return self.answered_on is not None and self.answered_on > self.deadline
        return today > self.deadline


class Complainant(models.Model):
    """Who filed a complaint: personal data, kept apart from the complaint and without
    history. Erasing empties the fields and sets ``erased_at``."""

    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="complainant", primary_key=True
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=50, blank=True)
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    objects = OrganisationScopedManager("complaint__organisation")

    class Meta:
        verbose_name = _("complainant")
        verbose_name_plural = _("complainants")

    def __str__(self):
        return self.name or str(self.complaint_id)


class ComplaintReminderSent(models.Model):
    """One reminder or escalation e-mail about a complaint to one person; recorded before
    sending so that a second run of ``send_reminders`` sends nothing again."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    moment = models.CharField(max_length=20)
    sent_at = models.DateTimeField(auto_now_add=True)
    objects = OrganisationScopedManager("complaint__organisation")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "user", "moment"], name="complaint_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.moment} {self.user_id}"
