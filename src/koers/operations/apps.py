from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "koers.operations"
    verbose_name = _("Operations")

    def ready(self):
        from koers.operations import checks  # noqa: F401  (registers the system checks)
