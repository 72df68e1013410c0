from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koers.accounts.locking import version_field
from koers.accounts.scoping import OrganisationScopedManager
from koers.plans.models.item import PlanItem


class Milestone(models.Model):
    """A step on an item's timeline ('tijdspad en mijlpalen'), done or not."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=500)
    planned_start = models.DateField(_("planned from"), null=True, blank=True)
    planned_end = models.DateField(_("planned until"), null=True, blank=True)
    planned_text = models.CharField(
        _("planned (as written)"),
        max_length=100,
        blank=True,
        help_text=_("The planning in words, e.g. '2027', 'Q2 2028', 'vanaf 2027'."),
    )
    done = models.BooleanField(_("done"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    version = version_field()
    objects = OrganisationScopedManager("item__plan__organisation")

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title

    @property
    def planned_display(self) -> str:
        if self.planned_text:
            return self.planned_text
        start, end = self.planned_start, self.planned_end
        if start and end:
            if start.year == end.year and (start.month, start.day, end.month, end.day) == (
                1,
                1,
                12,
                31,
            ):
                return str(start.year)
            return f"{date_format(start)} – {date_format(end)}"
        if end:
            return f"≤ {date_format(end)}"
        if start:
            return f"≥ {date_format(start)}"
        return ""
