from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koers.accounts.locking import version_field
from koers.accounts.models import Organisation
from koers.accounts.scoping import OrganisationScopedManager


class ImportProfile(models.Model):
    """What a coordinator chose in the import preview, for the next document of the
    same layout (``koers.plans.services.import_profiles``).

    A profile belongs to one organisation and is found by the layout fingerprint of
    a document: its format, the family it was recognised as and the shapes of its
    items (depth, kind, code pattern) or a sheet's headings, never its words. It
    holds the family to read such documents as, a sheet's column mapping, and the
    levels and unticked items, by item (code or title) and by shape.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="import_profiles"
    )
    fingerprint = models.CharField(_("layout fingerprint"), max_length=64)
    name = models.CharField(_("name"), max_length=255)
    format = models.CharField(_("format"), max_length=20)
    family = models.CharField(_("document family"), max_length=40, blank=True)
    columns = models.JSONField(_("spreadsheet columns"), default=dict, blank=True)
    depths = models.JSONField(
        _("levels per item"), default=dict, blank=True, help_text=_("Item key → level.")
    )
    shape_depths = models.JSONField(
        _("levels per kind of item"),
        default=dict,
        blank=True,
        help_text=_("'kind@level read' → level chosen."),
    )
    unticked = models.JSONField(_("items left out"), default=list, blank=True)
    unticked_kinds = models.JSONField(_("kinds of item left out"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    times_applied = models.PositiveIntegerField(_("times applied"), default=0)
    version = version_field()

    objects = OrganisationScopedManager("organisation")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("import profile")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fingerprint"], name="import_profile_per_layout"
            )
        ]

    def __str__(self):
        return self.name
