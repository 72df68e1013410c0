from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from koers.accounts.scoping import in_each_organisation
from koers.complaints.services import erase_personal_data


class Command(BaseCommand):
    help = _(
        "Erase the name, address, e-mail address and phone number of complainants whose "
        "complaint was closed longer ago than their organisation's retention period. The "
        "complaints and their history stay. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help=_("only list what would be erased")
        )
        parser.add_argument("--today", help=_("act as if today were this date (YYYY-MM-DD)"))

    def handle(self, *args, dry_run=False, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(_("Write the date as YYYY-MM-DD.")) from None
        # each organisation's retention period applied in its own scope
        references = [
            reference
            for erased in in_each_organisation(lambda: erase_personal_data(day, dry_run=dry_run))
            for reference in erased
        ]
        for reference in references:
            self.stdout.write(reference)
        count = len(references)
        if dry_run:
            message = ngettext(
                "%(count)s complainant would be erased (dry run: nothing erased).",
                "%(count)s complainants would be erased (dry run: nothing erased).",
                count,
            )
        else:
            message = ngettext(
                "%(count)s complainant erased.", "%(count)s complainants erased.", count
            )
        self.stdout.write(message % {"count": count})
