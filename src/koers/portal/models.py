"""What the public portal shows: a snapshot of a plan's figures, taken at each publication.

Publishing a round (``followup.services.publish_round``) or publishing the plan itself
(``Plan.is_published`` becoming true) stores one ``PublishedSnapshot`` with a
``PublishedItem`` per item of the plan. The portal reads the plan's latest snapshot for
every figure it shows, so that approvals, ticked milestones and typed amounts wait for the
next publication. ``portal/publication.py`` writes and reads them; nothing else does.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from koers.accounts.scoping import OrganisationScopedManager
from koers.followup.models import ReportingRound
from koers.plans.models import Plan, PlanItem


class PublishedSnapshot(models.Model):
    """One publication of a plan: when, by whom, and which round (none: the plan itself)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="snapshots")
    round = models.ForeignKey(
        ReportingRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    round_name = models.CharField(_("round"), max_length=200, blank=True)
    taken_at = models.DateTimeField(_("published at"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    objects = OrganisationScopedManager("plan__organisation")

    class Meta:
        ordering = ["-taken_at", "-id"]
        verbose_name = _("published snapshot")

    def __str__(self):
        return f"{self.plan} · {self.taken_at:%Y-%m-%d %H:%M}"


class PublishedItem(models.Model):
    """What the portal shows of one item, as it was when the snapshot was taken.

    ``figures`` is a JSON document (checked by ``publication.check_figures``)::

        {"status": {"id": 3, "name": "lopend", "colour": "#1e6fd9",
                    "default_percent": 50, "counts_in_progress": true} | null,
         "percent": 60 | null,
         "milestones": [{"title": "…", "planned": "Q2 2027", "done": true,
                         "done_on": "2026-05-01" | null}],
         "money": {"expense": {"2026": ["initial", "current", "actual"]},
                   "receipt": {…}}}
    """

    snapshot = models.ForeignKey(PublishedSnapshot, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="+")
    figures = models.JSONField(_("figures"))
    progress_text = models.TextField(_("published progress"), blank=True)
    progress_round = models.CharField(_("round of the progress text"), max_length=200, blank=True)
    objects = OrganisationScopedManager("snapshot__plan__organisation")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "item"], name="one_published_item_each")
        ]

    def __str__(self):
        return f"{self.snapshot}: {self.item_id}"
