from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "koers.plans"
    verbose_name = _("Plans")

    def ready(self):
        from django.db.models.signals import post_delete

        from koers.plans import receivers
        from koers.plans.models import DocumentImport
        from koers.storage import remove_draft_file

        receivers.connect()
        post_delete.connect(remove_draft_file, sender=DocumentImport, dispatch_uid="koers-draft")
