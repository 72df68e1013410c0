from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsPublicConfig(AppConfig):
    """What complaints show outside the register: the portal's complaint form, the yearly
    report to the council and its public summary on the portal."""

    name = "koers.complaints_public"
    label = "complaints_public"
    verbose_name = _("Complaints on the portal and in the yearly report")
    default_auto_field = "django.db.models.BigAutoField"
