"""The uploaded bytes of waiting imports of improvement actions move from the database into the
``imports`` storage: see :mod:`koers.draft_file_migration`."""

from django.db import migrations

from koers.draft_file_migration import content_moves


class Migration(migrations.Migration):
    dependencies = [("improvements", "0002_import_draft_file")]

    operations = [migrations.RunPython(*content_moves("improvements", "ActionImport"))]
