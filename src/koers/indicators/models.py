"""Indicators: the figures that show whether a plan's goals are reached.

An organisation keeps a catalogue of indicators (its *cijferdatabank*). Each has targets
per year (*streefwaarden*) and values as a time series, per period, per breakdown (a
deelgemeente, a wijk; "" is the total) and per series ("" is the organisation's own
figure; otherwise the name of a benchmark such as "Vlaams Gewest"). Indicators are linked
to plan items: an effect indicator on a goal, an output indicator on an action.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koers.accounts.locking import version_field
from koers.accounts.models import Department, Organisation
from koers.accounts.scoping import OrganisationScopedManager
from koers.plans.models import PlanItem
from koers.storage import DraftName, StoredDraft, imports

AMOUNT = {"max_digits": 20, "decimal_places": 6}


class Indicator(models.Model):
    class Unit(models.TextChoices):
        NUMBER = "number", _("number without unit")
        PERCENT = "percent", _("percentage")
        EURO = "euro", _("euro")
        YES_NO = "yes_no", _("yes/no")
        TEXT = "text", _("text")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")
        BAND = "band", _("within a band")

    class Frequency(models.TextChoices):
        YEAR = "year", _("yearly")
        HALF_YEAR = "half_year", _("half-yearly")
        QUARTER = "quarter", _("quarterly")
        MONTH = "month", _("monthly")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=300)
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit, default=Unit.NUMBER)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=0)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction, default=Direction.HIGHER
    )
    band_low = models.DecimalField(_("band from"), null=True, blank=True, **AMOUNT)
    band_high = models.DecimalField(_("band until"), null=True, blank=True, **AMOUNT)
    source = models.CharField(_("source"), max_length=300, blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency, default=Frequency.YEAR
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    is_public = models.BooleanField(_("public"), default=False)
    tolerance = models.DecimalField(
        _("tolerance"),
        null=True,
        blank=True,
        **AMOUNT,
        help_text=_(
            "How far a value may miss its target and still be orange, in the indicator's "
            "own unit (percentage points for a percentage). Empty: green or red only."
        ),
    )
    baseline_value = models.DecimalField(_("baseline"), null=True, blank=True, **AMOUNT)
    baseline_period = models.CharField(_("baseline period"), max_length=10, blank=True)
    version = version_field()
    objects = OrganisationScopedManager("organisation")

    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="indicator_code_unique_per_organisation"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class IndicatorTarget(models.Model):
    """The target (*streefwaarde*) of one year."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), **AMOUNT)
    version = version_field()
    objects = OrganisationScopedManager("indicator__organisation")

    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicator_target_unique")
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.year}: {self.value}"


class IndicatorValue(models.Model):
    """One figure: an indicator's value in one period, breakdown and series."""

    class SourceKind(models.TextChoices):
        TYPED = "typed", _("typed")
        IMPORTED = "imported", _("imported")
        FETCHED = "fetched", _("fetched")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.CharField(_("period"), max_length=10)  # "2024", "2024-H1", "2024-Q3", "2024-05"
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    breakdown = models.CharField(_("breakdown"), max_length=200, blank=True, default="")
    series = models.CharField(_("series"), max_length=200, blank=True, default="")
    value = models.DecimalField(_("value"), null=True, blank=True, **AMOUNT)
    text = models.TextField(_("text"), blank=True, default="")
    source_kind = models.CharField(
        _("source"), max_length=10, choices=SourceKind, default=SourceKind.TYPED
    )
    source_detail = models.CharField(_("source detail"), max_length=300, blank=True, default="")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"))
    # The reporting round whose approved progress update brought the value (typed values
    # reach the portal only through a published round).
    round = models.ForeignKey(
        "followup.ReportingRound",
        verbose_name=_("reporting round"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = version_field()
    objects = OrganisationScopedManager("indicator__organisation")

    history = HistoricalRecords()

    class Meta:
        ordering = ["period_start", "series", "breakdown"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "breakdown", "series"],
                name="indicator_value_unique",
            )
        ]
        indexes = [models.Index(fields=["indicator", "series", "breakdown", "period_start"])]

    def __str__(self):
        shown = self.value if self.value is not None else self.text
        return f"{self.indicator.code} {self.period}: {shown}"


class ItemIndicator(models.Model):
    """An indicator linked to a plan item: an effect indicator on a goal, an output
    indicator on an action."""

    class Role(models.TextChoices):
        EFFECT = "effect", _("effect indicator")
        OUTPUT = "output", _("output indicator")

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="indicator_links")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="item_links")
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.EFFECT)
    objects = OrganisationScopedManager("indicator__organisation")

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("linked indicator")
        verbose_name_plural = _("linked indicators")
        constraints = [
            models.UniqueConstraint(fields=["item", "indicator"], name="item_indicator_unique")
        ]

    def __str__(self):
        return f"{self.item_id} → {self.indicator_id} ({self.role})"


class ValueImport(StoredDraft, models.Model):
    """An uploaded file of indicator values waiting for its preview to be confirmed.

    The file is kept in the ``imports`` storage so that confirming reads the same file
    again; loading it or discarding it deletes the record and its file."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="indicator_value_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=255)
    file = models.FileField(
        _("file"), upload_to=DraftName("indicators"), storage=imports, max_length=300, blank=True
    )
    objects = OrganisationScopedManager("organisation")

    class Meta:
        verbose_name = _("import of indicator values")
        verbose_name_plural = _("imports of indicator values")

    def __str__(self):
        return self.filename


class IndicatorFeed(models.Model):
    """An indicator's values fetched from a public source by a connector
    (:mod:`koers.indicators.connectors`), with the connector's parameters, when to fetch
    and how the last fetch went. Fetching runs only when a manager asks or on the
    schedule (``koers fetch_indicator_values``), never on a page view."""

    class Schedule(models.TextChoices):
        NEVER = "never", _("only when asked")
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")
        YEARLY = "yearly", _("yearly")

    class State(models.TextChoices):
        IDLE = "idle", _("idle")
        QUEUED = "queued", _("waiting to be fetched")
        RUNNING = "running", _("being fetched")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="feeds")
    connector = models.CharField(_("source"), max_length=50)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    schedule = models.CharField(
        _("schedule"), max_length=10, choices=Schedule, default=Schedule.NEVER
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    # How the fetches go: written by the fetch itself, not by forms (no history).
    state = models.CharField(max_length=10, choices=State, default=State.IDLE)
    state_since = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last fetched successfully"), null=True, blank=True)
    last_ok = models.BooleanField(null=True, blank=True)
    last_outcome = models.TextField(_("last outcome"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = version_field()
    objects = OrganisationScopedManager("indicator__organisation")

    history = HistoricalRecords(
        excluded_fields=[
            "state",
            "state_since",
            "last_fetched_at",
            "last_success_at",
            "last_ok",
            "last_outcome",
        ]
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("source of values")
        verbose_name_plural = _("sources of values")
        indexes = [models.Index(fields=["enabled", "schedule"])]

    def __str__(self):
        return f"{self.indicator.code} ← {self.connector}"
