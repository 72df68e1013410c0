from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from koers.accounts.scoping import scopes_disabled_for
from koers.operations.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = _(
        "Restore a backup made with koers backup: the database and every stored file. "
        "All or nothing; an installation in use is only replaced with --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help=_("The archive koers backup wrote."))
        parser.add_argument(
            "--yes",
            "--replace",
            action="store_true",
            dest="replace",
            help=_("Replace the data of an installation that is in use."),
        )

    @scopes_disabled_for("a restore writes the whole installation")
    def handle(self, *args, archive, replace=False, **options):
        if not Path(archive).is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": archive})
        # A new installation has no tables yet; an existing one is brought up to date.
        call_command("migrate", interactive=False, verbosity=0)
        try:
            result = restore_backup(Path(archive), replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Restored from %(archive)s (made %(created)s): %(rows)s rows in %(tables)s "
                "tables, %(files)s files (%(bytes)s bytes)."
            )
            % {
                "archive": archive,
                "created": result.manifest["created"],
                "rows": result.rows,
                "tables": result.tables,
                "files": result.files,
                "bytes": result.file_bytes,
            }
        )
