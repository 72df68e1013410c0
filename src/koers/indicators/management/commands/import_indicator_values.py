from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor
from koers.accounts.models import Organisation
from koers.accounts.scoping import scope_of_slug
from koers.indicators.importing import load_values, read_values


class Command(BaseCommand):
    help = _(
        "Import indicator values from a CSV or Excel file (one value per row, or one "
        "column per period). A file with one wrong row is refused whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("CSV or Excel file"))
        parser.add_argument("--organisation", required=True, help=_("slug of the organisation"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("read and check the file, but write nothing")
        )

    def handle(self, *args, organisation, **options):
        with scope_of_slug(organisation):
            return self._import(organisation=organisation, **options)

    def _import(self, *args, file, organisation, dry_run=False, **options):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(_("There is no organisation '%(slug)s'.") % {"slug": organisation})
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        sheet = read_values(org, content, path.name)
        if sheet.problems:
            lines = [_("The file was refused; nothing was loaded:")]
            lines += [f"  {problem}" for problem in sheet.problems]
            raise CommandError("\n".join(lines))
        if dry_run:
            counts = {"new": sheet.new, "changed": sheet.changed, "unchanged": sheet.unchanged}
            self.stdout.write(
                _("Checked: %(new)s new, %(changed)s changed, %(unchanged)s unchanged values.")
                % counts
            )
            return
        counts = load_values(org, sheet, actor=Actor.system(), filename=path.name)
        self.stdout.write(
            _("Loaded: %(new)s new, %(changed)s changed, %(unchanged)s unchanged values.") % counts
        )
