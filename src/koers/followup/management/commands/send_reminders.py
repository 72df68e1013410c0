from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from koers.accounts.scoping import in_each_organisation
from koers.followup.reminders import send_reminders


class Command(BaseCommand):
    help = _(
        "E-mail owners whose updates are missing, on the days before and after a round's "
        "deadline that the settings name, and department heads the missing updates of their "
        "department after it. Safe to run more than once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help=_("act as if today were this date (YYYY-MM-DD)"))

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(_("Write the date as YYYY-MM-DD.")) from None
        # each organisation's reminders in its own scope; none for a suspended organisation
        count = sum(in_each_organisation(lambda: send_reminders(day), suspended=False))
        self.stdout.write(_("%(count)s reminders sent.") % {"count": count})
