from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HostingConfig(AppConfig):
    """What a hosting provider needs: its console above the organisations, and each
    organisation's sign-in through its own OpenID Connect provider."""

    name = "koers.hosting"
    verbose_name = _("Hosting")
