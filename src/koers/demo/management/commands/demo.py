import os

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from koers.accounts.models import Role
from koers.accounts.scoping import scopes_disabled_for
from koers.demo.services import PASSWORD, USERS, load_demo
from koers.operations.checks import DEMO_SERVER


class Command(BaseCommand):
    help = _("Load the demo organisations and plans, then start the web server.")
    # The demo may run with the public demo secret key (the check koers.E001 refuses it
    # for every other command when debug is off).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help=_("Only load the demo data; do not start the server."),
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help=_("Remove the demo organisations first and load them anew."),
        )
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    @scopes_disabled_for("loads (or resets) the demo organisations")
    def handle(self, *args, no_serve=False, reset=False, addrport="127.0.0.1:8000", **options):
        call_command("migrate", interactive=False, verbosity=0)
        if load_demo(reset=reset):
            self.stdout.write(_("Demo data loaded."))
        else:
            self.stdout.write(_("Demo data was already there (use --reset to load it anew)."))
        self.stdout.write(_("Demo logins (password: %(password)s):") % {"password": PASSWORD})
        for user in USERS:
            roles = ", ".join(
                f"{Role(role).label} ({slug})" for slug, role, _deps in user.memberships
            )
            self.stdout.write(f"  {user.email:28} {roles}")
        self.stdout.write(
            _("Public portal, no login: http://%(addrport)s/voorbeeld/") % {"addrport": addrport}
        )
        if not no_serve:
            # The demo may serve with the public demo key (a laptop, not a server).
            os.environ[DEMO_SERVER] = "1"
            call_command("serve", addrport=addrport)
