from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from koers.accounts.scoping import scopes_disabled_for
from koers.council.notices import send_mails as send_question_notices
from koers.notifications.services import send_batches


class Command(BaseCommand):
    help = _(
        "E-mail followers, one message per person, the changes of followed items since the "
        "previous run. Safe to run often and more than once."
    )

    @scopes_disabled_for("notifications of every organisation in one batch")
    def handle(self, *args, **options):
        count = send_batches()
        count += send_question_notices()  # news about council questions
        self.stdout.write(_("%(count)s messages sent.") % {"count": count})
