from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from koers.accounts.scoping import OrganisationScopedManager
from koers.plans.models.item import PlanItem
from koers.plans.models.plan import Plan


class DeletedSubtree(models.Model):
    """A deleted item with everything below it, kept as a PlanDocument fragment for undo."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="deleted_subtrees")
    parent = models.ForeignKey(
        PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The parent as it was, to find it again when it was itself deleted and restored since.
    parent_code = models.CharField(max_length=40, blank=True)
    parent_was_root = models.BooleanField(default=False)
    title = models.CharField(_("title"), max_length=600)
    item_count = models.PositiveIntegerField(_("number of items"))
    fragment = models.JSONField(_("deleted content"))
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(auto_now_add=True)
    restored_at = models.DateTimeField(null=True, blank=True)
    objects = OrganisationScopedManager("plan__organisation")

    class Meta:
        ordering = ["-deleted_at"]
        verbose_name = _("deleted item")
        verbose_name_plural = _("deleted items")

    def __str__(self):
        return self.title
