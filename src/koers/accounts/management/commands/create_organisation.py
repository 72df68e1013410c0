import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from koers.accounts.models import Membership, Organisation, Role


class Command(BaseCommand):
    help = _("Create an organisation and its first administrator.")

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help=_("e.g. 'Gemeente Voorbeeld'"))
        parser.add_argument(
            "--slug", required=True, help=_("short name in addresses, e.g. 'voorbeeld'")
        )
        parser.add_argument(
            "--kind", default=Organisation.Kind.MUNICIPALITY, choices=Organisation.Kind.values
        )
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--password", help=_("asked for when left out"))

    def handle(self, *args, name, slug, kind, admin_email, password=None, **options):
        if Organisation.objects.filter(slug=slug).exists():
            raise CommandError(_("There is already an organisation '%(slug)s'.") % {"slug": slug})
        User = get_user_model()
        user = User.objects.filter(email__iexact=admin_email).first()
        if user is None and not password:
            password = getpass.getpass(_("Password for %(email)s: ") % {"email": admin_email})
            if not password:
                raise CommandError(_("A new account needs a password."))
        with transaction.atomic():
            organisation = Organisation.objects.create(name=name, slug=slug, kind=kind)
            if user is None:
                user = User.objects.create_user(
                    username=admin_email, email=admin_email, password=password
                )
            Membership.objects.create(user=user, organisation=organisation, role=Role.ADMIN)
        self.stdout.write(
            _("%(name)s created; %(email)s is its administrator: /app/%(slug)s/")
            % {"name": name, "email": admin_email, "slug": slug}
        )
