from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "koers.accounts"
    verbose_name = _("Organisations and users")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from koers.accounts.scoping import scope_history_models
        from koers.accounts.signin import mark_active_at_login

        scope_history_models()

        user_logged_in.connect(mark_active_at_login, dispatch_uid="koers-idle-sessions")
