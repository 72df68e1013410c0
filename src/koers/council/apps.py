from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "koers.council"
    label = "council"
    verbose_name = _("Council questions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from koers.council import receivers  # noqa: F401  (connects the signals)
