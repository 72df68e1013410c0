from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "koers.portal"
    verbose_name = _("Public portal")

    def ready(self):
        from koers.portal import receivers  # noqa: F401  (publishing takes a snapshot)
