from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "koers.plans"
    verbose_name = _("Plans")

    def ready(self):
        from koers.plans import receivers

        receivers.connect()
