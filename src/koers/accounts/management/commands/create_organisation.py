from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from koers.accounts import services
from koers.accounts.actor import Actor
from koers.accounts.invitations import invitation_link, is_waiting
from koers.accounts.models import Organisation
from koers.accounts.scoping import scopes_disabled_for
from koers.plans.terminology import DEFAULT_PRESET, PRESETS


class Command(BaseCommand):
    help = _(
        "Create an organisation and its first administrator. A new administrator gets an "
        "e-mail invitation to choose their own password; the link is also printed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help=_("e.g. 'Gemeente Voorbeeld'"))
        parser.add_argument(
            "--slug", required=True, help=_("short name in addresses, e.g. 'voorbeeld'")
        )
        parser.add_argument(
            "--kind", default=Organisation.Kind.MUNICIPALITY, choices=Organisation.Kind.values
        )
        parser.add_argument(
            "--terminology",
            default=DEFAULT_PRESET,
            choices=list(PRESETS),
            help=_("the words the organisation works with; new plans start from them"),
        )
        parser.add_argument("--admin-email", required=True)

    @scopes_disabled_for("provider-level: creates an organisation and its first administrator")
    def handle(self, *args, name, slug, kind, admin_email, terminology, **options):
        try:
            membership = services.create_organisation(
                {"name": name, "slug": slug, "kind": kind, "terminology_preset": terminology},
                admin_email=admin_email,
                actor=Actor.system(),
            )
        except ValidationError as error:  # a slug taken or refused, or the invitation
            # could not be sent: nothing is kept
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            _("%(name)s created; %(email)s is its administrator: /app/%(slug)s/")
            % {"name": name, "email": membership.user.email, "slug": slug}
        )
        if is_waiting(membership.user):
            self.stdout.write(
                _("An invitation was e-mailed; the link to choose a password: %(link)s")
                % {"link": invitation_link(membership.user)}
            )
