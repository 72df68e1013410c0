from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HostingConfig(AppConfig):
    """What a hosting provider needs: its console above the organisations, and each
    organisation's sign-in through its own OpenID Connect provider."""

    name = "koers.hosting"
    verbose_name = _("Hosting")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from koers.hosting.middleware import forget_provider_after_other_sign_in

        user_logged_in.connect(forget_provider_after_other_sign_in, dispatch_uid="koers-sso-forget")
