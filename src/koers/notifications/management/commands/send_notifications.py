from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from koers.accounts.scoping import in_each_organisation
from koers.council.notices import send_mails as send_question_notices
from koers.notifications.services import send_batches


class Command(BaseCommand):
    help = _(
        "E-mail followers, one message per person and organisation, the changes of followed "
        "items since the previous run. Safe to run often and more than once."
    )

    def handle(self, *args, **options):
        # each organisation's notifications in its own scope; a suspended organisation's
        # wait until it is resumed
        count = sum(in_each_organisation(_send_one_organisation, suspended=False))
        self.stdout.write(_("%(count)s messages sent.") % {"count": count})


def _send_one_organisation() -> int:
    return send_batches() + send_question_notices()  # news about council questions too
