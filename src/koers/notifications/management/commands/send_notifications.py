from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from koers.notifications.services import send_batches


class Command(BaseCommand):
    help = _(
        "E-mail followers, one message per person, the changes of followed items since the "
        "previous run. Safe to run often and more than once."
    )

    def handle(self, *args, **options):
        count = send_batches()
        self.stdout.write(_("%(count)s messages sent.") % {"count": count})
