import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koers.accounts.locking import version_field
from koers.accounts.models import Organisation
from koers.accounts.scoping import OrganisationScopedManager
from koers.plans.terminology import DEFAULT_PRESET, preset_choices, terminology_for
from koers.plans.validators import colour_validator, percent_validators, year_validators


def new_content_version() -> str:
    return secrets.token_hex(8)


class Plan(models.Model):
    class Rollup(models.TextChoices):
        AVERAGE = "average", _("Plain average of the children")
        WEIGHTED = "weighted", _("Weighted average (by item weight)")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    first_year = models.PositiveSmallIntegerField(_("first year"), validators=year_validators)
    last_year = models.PositiveSmallIntegerField(_("last year"), validators=year_validators)
    terminology_preset = models.CharField(
        _("terminology"), max_length=30, choices=preset_choices(), default=DEFAULT_PRESET
    )
    level_labels = models.JSONField(_("own level labels"), default=list, blank=True)
    section_labels = models.JSONField(_("own section labels"), default=dict, blank=True)
    progress_rollup = models.CharField(
        _("progress roll-up"), max_length=10, choices=Rollup.choices, default=Rollup.AVERAGE
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()
    # A new random value in the same transaction as every write that changes what the
    # plan's pages show (``koers.plans.content.plan_changed``); cache keys include it.
    # Never written by ``save()``, so that a stale instance cannot bring an old one back.
    content_version = models.CharField(max_length=16, default=new_content_version, editable=False)
    objects = OrganisationScopedManager("organisation")

    history = HistoricalRecords(excluded_fields=["content_version"])

    class Meta:
        ordering = ["-first_year", "title"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self):
        return f"{self.title} {self.first_year}–{self.last_year}"

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "content_version"
            ]
        super().save(*args, **kwargs)

    @property
    def terminology(self):
        cached = getattr(self, "_terminology", None)
        if cached is None:
            cached = terminology_for(
                self.terminology_preset, self.level_labels, self.section_labels
            )
            self._terminology = cached
        return cached

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


class PlanStatus(models.Model):
    """One word of a plan's status vocabulary, e.g. 'gerealiseerd' (100 %, green)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="statuses")
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    colour = models.CharField(
        _("colour"), max_length=7, default="#8a8f98", validators=[colour_validator]
    )
    default_percent = models.PositiveSmallIntegerField(
        _("default percent"), null=True, blank=True, validators=percent_validators
    )
    counts_in_progress = models.BooleanField(_("counts in progress"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    version = version_field()
    objects = OrganisationScopedManager("plan__organisation")

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="plan_status_unique_key"),
        ]
        verbose_name = _("status")
        verbose_name_plural = _("statuses")

    def __str__(self):
        return self.name
