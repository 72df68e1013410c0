"""People following plan items, and what they are told when those items change."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from koers.accounts.scoping import OrganisationScopedManager
from koers.plans.models import PlanItem


class Follow(models.Model):
    """Someone wants to hear when this item's status or progress changes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)
    objects = OrganisationScopedManager("item__plan__organisation")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "item"], name="follow_once")]

    def __str__(self):
        return f"{self.user} → {self.item}"


class Notification(models.Model):
    """One change of one followed item, shown in the app and e-mailed in a batch."""

    class Field(models.TextChoices):
        STATUS = "status", _("status")
        PROGRESS = "progress", _("progress")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=20, choices=Field)
    before = models.CharField(max_length=200, blank=True)
    after = models.CharField(max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    batch = models.CharField(max_length=32, blank=True)  # the e-mail run that claimed it
    objects = OrganisationScopedManager("item__plan__organisation")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"]), models.Index(fields=["emailed_at"])]

    def __str__(self):
        return f"{self.item}: {self.field} {self.before} → {self.after}"
