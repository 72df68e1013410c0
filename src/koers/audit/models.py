"""The audit log: one entry per recorded change, per organisation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from koers.accounts.models import Organisation
from koers.accounts.scoping import OrganisationScopedManager


class AuditEntry(models.Model):
    """What happened (``action``: ``<app>.<model>.<created|changed|deleted>``), to what
    (``object_type``, ``object_id``, ``object_label`` as it was called then), by whom and
    when, with its data (the full reason, the fields named). Written once, never changed;
    read as a sentence in the reader's language (:mod:`koers.audit.sentences`)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="audit_entries"
    )
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("kind of object"), max_length=100)
    object_id = models.BigIntegerField(_("object"), null=True)
    object_label = models.CharField(_("object name"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("by"), max_length=300, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), db_index=False)
    objects = OrganisationScopedManager("organisation")

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["organisation", "-created_at", "-id"], name="audit_org_time"),
            models.Index(fields=["organisation", "actor", "-created_at"], name="audit_org_actor"),
        ]

    def __str__(self):
        return f"{self.action} {self.object_type}:{self.object_id}"

    @property
    def verb(self) -> str:
        return self.action.rsplit(".", 1)[-1]
