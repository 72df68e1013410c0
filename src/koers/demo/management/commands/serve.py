from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _("Bring the database up to date and start Koers on an existing database.")

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, addrport="127.0.0.1:8000", **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            _("Koers runs on http://%(addr)s/ (stop with Ctrl+C)") % {"addr": addrport}
        )
        self.stdout.flush()
        # Static files come from whitenoise, so this works with KOERS_DEBUG off too.
        call_command("runserver", addrport, use_reloader=False, insecure_serving=True)
