from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementsConfig(AppConfig):
    name = "koers.improvements"
    label = "improvements"
    verbose_name = _("Improvement actions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from koers.improvements import receivers  # noqa: F401 (connects the signals)
