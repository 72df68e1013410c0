import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from koers.reporting.jobs import run_pending


class Command(BaseCommand):
    help = _("Make the reports asked for on the web (with KOERS_REPORT_WORKER=command).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help=_("keep running, checking every few seconds")
        )

    def handle(self, *args, loop=False, **options):
        while True:
            made = run_pending()
            if made:
                self.stdout.write(_("%(count)s reports made.") % {"count": made})
            if not loop:
                return
            time.sleep(3)
