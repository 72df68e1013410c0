"""Whether an organisation takes complaints on its portal, and its yearly complaints
reports (the figures frozen when a report is published)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koers.accounts.locking import version_field
from koers.accounts.models import Organisation
from koers.accounts.scoping import OrganisationScopedManager


class PortalComplaintForm(models.Model):
    """The complaint form on the organisation's public portal: off until an
    administrator switches it on."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="portal_complaint_form"
    )
    enabled = models.BooleanField(_("citizens can file a complaint on the portal"), default=False)
    introduction = models.TextField(
        _("text above the form"),
        blank=True,
        max_length=2000,
        help_text=_("For example what counts as a complaint and how long an answer takes."),
    )
    version = version_field()
    objects = OrganisationScopedManager("organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint form on the portal")

    def __str__(self):
        return str(self.organisation)


class YearlyComplaintReport(models.Model):
    """The complaints report of one organisation and year. A draft is computed again each
    time it is read; publishing freezes its figures (``figures``, the JSON of
    ``yearly_report.YearlyReport``): council members read them, the portal shows their
    summary, and they stay as they were when published."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="complaint_reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.DRAFT)
    figures = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = version_field()
    objects = OrganisationScopedManager("organisation")
    history = HistoricalRecords(excluded_fields=["figures"])

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="complaint_report_unique_year"
            )
        ]
        verbose_name = _("yearly complaints report")

    def __str__(self):
        return f"{self.organisation} {self.year}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED
