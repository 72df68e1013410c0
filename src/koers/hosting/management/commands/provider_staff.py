from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor
from koers.hosting import services
from koers.hosting.models import ProviderStaff


class Command(BaseCommand):
    help = _("Give a person the provider console (/provider/), take it away, or list who has it.")

    def add_arguments(self, parser):
        parser.add_argument("--add", metavar="EMAIL")
        parser.add_argument("--remove", metavar="EMAIL")

    def handle(self, *args, add=None, remove=None, **options):
        for email in filter(None, (add, remove)):
            user = services.find_user(email)
            if user is None:
                raise CommandError(_("There is no account for %(email)s.") % {"email": email})
            if email == add:
                services.make_provider_staff(user, actor=Actor.system())
            else:
                ProviderStaff.objects.filter(user=user).delete()
        for staff in ProviderStaff.objects.select_related("user").order_by("user__email"):
            self.stdout.write(staff.user.email)
