"""Field validators shared by models and forms; the limits match the PlanDocument schema."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

FIRST_YEAR, LAST_YEAR = 1900, 2200

year_validators = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
percent_validators = [MinValueValidator(0), MaxValueValidator(100)]
weight_validators = [MinValueValidator(Decimal("0.01"))]
colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Give a colour as #rrggbb, e.g. #1d4f91.")
)
