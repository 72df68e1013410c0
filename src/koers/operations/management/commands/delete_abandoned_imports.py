from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from koers.accounts.scoping import in_each_organisation


def delete_abandoned() -> int:
    """Delete the current organisation's imports left unconfirmed for longer than they are
    kept (a week); their files go with them once committed. The number deleted."""
    from koers.improvements.importing import KEEP_UPLOADS as KEEP_ACTIONS
    from koers.improvements.models import ActionImport
    from koers.indicators.importing import KEEP_UPLOADS as KEEP_VALUES
    from koers.indicators.models import ValueImport
    from koers.plans.models import DocumentImport
    from koers.plans.services.document_import import KEEP_DRAFTS

    now = timezone.now()
    deleted = 0
    kept = ((DocumentImport, KEEP_DRAFTS), (ValueImport, KEEP_VALUES), (ActionImport, KEEP_ACTIONS))
    with transaction.atomic():
        for model, keep in kept:
            _total, per_model = model.objects.filter(created_at__lt=now - keep).delete()
            deleted += per_model.get(model._meta.label, 0)
    return deleted


class Command(BaseCommand):
    help = _(
        "Delete imports left unconfirmed for more than a week (uploaded documents, sheets of "
        "indicator values and of recommendations) with their files, in every organisation. "
        "An organisation's next upload does this too; run it daily for those that do not "
        "upload again."
    )

    def handle(self, *args, **options):
        count = sum(in_each_organisation(delete_abandoned))
        message = ngettext(
            "%(count)s abandoned import deleted.", "%(count)s abandoned imports deleted.", count
        )
        self.stdout.write(message % {"count": count})
