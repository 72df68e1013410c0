"""The uploaded bytes of waiting imports of improvement actions move from the database into the
``imports`` storage (:mod:`koers.storage`): each draft with bytes gets a file; a draft
without (refused) gets none. The files are written outside the database's transaction: when
this migration fails and is rolled back, files already written stay behind, unreferenced,
and running it again writes new ones."""

from django.core.files.base import ContentFile
from django.db import migrations


def content_to_files(apps, schema_editor):
    model = apps.get_model("improvements", "ActionImport")
    rows = model._base_manager.only("pk", "organisation_id", "filename", "content")
    for pk in list(model._base_manager.order_by("pk").values_list("pk", flat=True)):
        row = rows.get(pk=pk)
        content = bytes(row.content or b"")
        if not content:
            continue
        row.file.save(row.filename or "upload", ContentFile(content), save=False)
        model._base_manager.filter(pk=pk).update(file=row.file.name, content=b"")


def files_to_content(apps, schema_editor):
    model = apps.get_model("improvements", "ActionImport")
    rows = model._base_manager.only("pk", "file")
    for pk in list(model._base_manager.exclude(file="").values_list("pk", flat=True)):
        row = rows.get(pk=pk)
        storage, name = row.file.storage, row.file.name
        with storage.open(name, "rb") as handle:
            content = handle.read()
        model._base_manager.filter(pk=pk).update(content=content, file="")
        schema_editor.connection.on_commit(lambda storage=storage, name=name: storage.delete(name))


class Migration(migrations.Migration):
    dependencies = [("improvements", "0002_import_draft_file")]

    operations = [migrations.RunPython(content_to_files, files_to_content)]
