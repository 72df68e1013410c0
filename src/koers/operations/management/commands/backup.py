from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from koers.accounts.scoping import scopes_disabled_for
from koers.operations.backup import BackupError, make_backup


class Command(BaseCommand):
    help = _("Write the database and every stored file (attachments, reports …) to one archive.")

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help=_("The archive to write (.tar.gz)."))

    @scopes_disabled_for("a backup holds the whole installation")
    def handle(self, *args, out, **options):
        try:
            manifest = make_backup(Path(out))
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        counts = manifest["counts"]
        self.stdout.write(
            _(
                "Backup written to %(out)s: %(rows)s rows in %(tables)s tables, "
                "%(files)s files (%(bytes)s bytes)."
            )
            % {
                "out": out,
                "rows": counts["rows"],
                "tables": counts["tables"],
                "files": counts["files"],
                "bytes": counts["file_bytes"],
            }
        )
