"""The data migration that moved import drafts' uploaded bytes from the database into the
``imports`` storage (:mod:`koers.storage`), shared by the three apps with drafts (plans,
indicators, improvements).

Each draft with bytes gets a file; a draft without (refused) gets none. The files are
written outside the database's transaction: when the migration fails and is rolled back,
files already written stay behind, unreferenced, and running it again writes new ones.
Backwards, the bytes go back into the row and the file is deleted once the transaction
commits. Only the historical model of the migration is used (``apps.get_model``), so later
changes of the models do not change what the migration does.
"""

from django.core.files.base import ContentFile


def content_moves(app_label: str, model_name: str):
    """The forward and backward functions of ``RunPython`` for one draft model."""

    def content_to_files(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        rows = model._base_manager.only("pk", "organisation_id", "filename", "content")
        for pk in list(model._base_manager.order_by("pk").values_list("pk", flat=True)):
            row = rows.get(pk=pk)
            content = bytes(row.content or b"")
            if not content:
                continue
            row.file.save(row.filename or "upload", ContentFile(content), save=False)
            model._base_manager.filter(pk=pk).update(file=row.file.name, content=b"")

    def files_to_content(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        rows = model._base_manager.only("pk", "file")
        for pk in list(model._base_manager.exclude(file="").values_list("pk", flat=True)):
            row = rows.get(pk=pk)
            storage, name = row.file.storage, row.file.name
            with storage.open(name, "rb") as handle:
                content = handle.read()
            model._base_manager.filter(pk=pk).update(content=content, file="")
            schema_editor.connection.on_commit(
                lambda storage=storage, name=name: storage.delete(name)
            )

    return content_to_files, files_to_content
