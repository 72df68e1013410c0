from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "koers.followup"
    verbose_name = _("Follow-up")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from koers.followup import receivers  # noqa: F401  (connects the signals)
