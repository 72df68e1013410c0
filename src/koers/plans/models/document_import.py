from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from koers.accounts.models import Organisation
from koers.accounts.scoping import OrganisationScopedManager
from koers.storage import DraftName, StoredDraft, imports


class DocumentImport(StoredDraft, models.Model):
    """An uploaded document read into a PlanDocument, waiting for the user to confirm.

    The uploaded file is kept in the ``imports`` storage (:mod:`koers.storage`), not in
    the database, so that the document can be read again as another family. Loading it
    (or discarding it, or abandoning it for a week) deletes the record and its file.

    The document is read by a background task: the record starts ``reading`` and
    becomes ``ready``, or ``refused`` with the reason (``refusal``: the code, English
    message and parameters of the DocumentError), its bytes deleted.
    """

    class State(models.TextChoices):
        READING = "reading", _("being read")
        READY = "ready", _("ready")
        REFUSED = "refused", _("refused")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="document_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=255)
    file = models.FileField(
        _("file"), upload_to=DraftName("plans"), storage=imports, max_length=300, blank=True
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.READY)
    refusal = models.JSONField(_("reason for refusal"), default=dict, blank=True)
    requested_family = models.CharField(
        _("family asked for"), max_length=40, blank=True, help_text=_("Empty: detected.")
    )
    format = models.CharField(_("format"), max_length=20)
    family = models.CharField(_("document family"), max_length=40, blank=True)
    detected_family = models.CharField(_("detected family"), max_length=40, blank=True)
    document = models.JSONField(_("PlanDocument"), default=dict)
    warnings = models.JSONField(_("warnings"), default=list)
    columns = models.JSONField(
        _("spreadsheet columns"),
        default=dict,
        blank=True,
        help_text=_("Field → heading, when the user chose the columns of a spreadsheet."),
    )
    target_plan = models.ForeignKey(
        "plans.Plan", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    fingerprint = models.CharField(
        _("layout fingerprint"),
        max_length=64,
        blank=True,
        help_text=_("Of the document as first read; finds the import profile of its layout."),
    )
    profile = models.ForeignKey(
        "plans.ImportProfile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The import profile applied to this document."),
    )
    profile_skipped = models.BooleanField(
        _("profile not applied"), default=False, help_text=_("The user chose not to apply it.")
    )
    objects = OrganisationScopedManager("organisation")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document import")

    def __str__(self):
        return self.filename

    def get_family_label(self) -> str:
        return family_label(self.family)

    def get_detected_label(self) -> str:
        return family_label(self.detected_family)

    def get_format_label(self) -> str:
        return format_label(self.format)


def format_label(key: str) -> str:
    """The kind of file in words a reader knows ("a Word document"), not the reader's name."""
    labels = {
        "text": _("a text file"),
        "markdown": _("a text file (Markdown)"),
        "html": _("a web page"),
        "docx": _("a Word document"),
        "pdf": _("a PDF document"),
        "xlsx": _("an Excel workbook"),
        "csv": _("a CSV file"),
        "zip": _("a ZIP file of web pages"),
    }
    return labels.get(key, key)


def family_label(key: str) -> str:
    labels = {
        "flemish_report": _("Flemish online plan or progress report"),
        "dutch_programme": _("Dutch programme report (three W-questions)"),
        "policy_note": _("Policy note with goal tables"),
        "outline": _("Other: headings and lists"),
        "table": _("Spreadsheet, one row per item"),
    }
    return labels.get(key, key)
