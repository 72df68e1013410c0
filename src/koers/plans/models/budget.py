from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koers.accounts.locking import version_field
from koers.accounts.scoping import OrganisationScopedManager
from koers.plans.models.item import PlanItem

ZERO = Decimal("0.00")


class BudgetLine(models.Model):
    """Money of one item in one year ('wat kost het'): initial, current and actual amounts."""

    class Direction(models.TextChoices):
        EXPENSE = "expense", _("Expense")
        RECEIPT = "receipt", _("Receipt")

    class Nature(models.TextChoices):
        OPERATING = "operating", _("Operating")
        INVESTMENT = "investment", _("Investment")

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("year"))
    direction = models.CharField(
        _("expense or receipt"), max_length=10, choices=Direction.choices, default=Direction.EXPENSE
    )
    nature = models.CharField(
        _("operating or investment"),
        max_length=10,
        choices=Nature.choices,
        default=Nature.OPERATING,
    )
    label = models.CharField(_("label"), max_length=300, blank=True)
    initial = models.DecimalField(
        _("initial budget"), max_digits=14, decimal_places=2, default=ZERO
    )
    current = models.DecimalField(
        _("current budget"),
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        help_text=_("The budget after plan adjustments."),
    )
    actual = models.DecimalField(_("actual"), max_digits=14, decimal_places=2, default=ZERO)
    version = version_field()
    objects = OrganisationScopedManager("item__plan__organisation")

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "direction", "nature", "id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self):
        return f"{self.year} {self.get_direction_display()} {self.label}".strip()

    @property
    def difference(self) -> Decimal:
        """Change of the budget by plan adjustments (current - initial)."""
        return self.current - self.initial

    @property
    def remaining(self) -> Decimal:
        """Budget not yet used (current - actual)."""
        return self.current - self.actual
