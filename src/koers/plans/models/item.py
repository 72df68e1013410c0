from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager

from koers.accounts.locking import version_field
from koers.accounts.models import Department
from koers.accounts.scoping import OrganisationScopedManager
from koers.plans.models.plan import Plan, PlanStatus
from koers.plans.validators import percent_validators, weight_validators, year_validators
from koers.sdgs.models import SDGGoal, SDGTarget


class PlanItem(MP_Node):
    """A node of a plan tree: goal, action plan, action (or programme, doel, activiteit).

    Every plan has one hidden root node (depth 1) so that moving and ordering
    stay inside the plan; the plan's top level (goals) is depth 2.
    """

    class Policy(models.TextChoices):
        PRIORITY = "priority", _("Priority policy")
        REGULAR = "regular", _("Regular policy")

    steplen = 4

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    intended_result = models.TextField(_("intended result"), blank=True)
    progress_note = models.TextField(
        _("progress note"),
        blank=True,
        help_text=_("The state of progress as written in an imported document."),
    )
    cost_note = models.TextField(_("cost note"), blank=True)
    policy = models.CharField(
        _("policy"), max_length=10, choices=Policy.choices, default=Policy.PRIORITY
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_items",
    )
    departments = models.ManyToManyField(
        Department, blank=True, related_name="items", verbose_name=_("departments")
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, validators=year_validators
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"), null=True, blank=True, validators=year_validators
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    timing = models.CharField(
        _("timing"), max_length=200, blank=True, help_text=_("For example 'voorjaar 2026'.")
    )
    status = models.ForeignKey(
        PlanStatus,
        verbose_name=_("status"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, validators=percent_validators
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=8,
        decimal_places=2,
        default=Decimal(1),
        validators=weight_validators,
    )
    sdg_goals = models.ManyToManyField(
        SDGGoal, blank=True, related_name="items", verbose_name=_("SDG goals")
    )
    sdg_targets = models.ManyToManyField(
        SDGTarget, blank=True, related_name="items", verbose_name=_("SDG targets")
    )
    is_public = models.BooleanField(_("public"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()
    objects = OrganisationScopedManager("plan__organisation", MP_NodeManager)

    history = HistoricalRecords(m2m_fields=[departments, sdg_goals, sdg_targets])

    node_order_by = None

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                condition=~models.Q(code=""),
                name="plan_item_unique_code",
            ),
        ]
        indexes = [models.Index(fields=["plan", "path"])]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")

    def __str__(self):
        return f"{self.code} {self.title}".strip()

    @property
    def level(self) -> int:
        """1 for goals / programmes, 2 for the level below, and so on."""
        return self.depth - 1

    @property
    def is_plan_root(self) -> bool:
        return self.depth == 1

    @property
    def level_label(self) -> str:
        return self.plan.terminology.level(self.level)

    @property
    def parent_path(self) -> str:
        return self.path[: -self.steplen]
