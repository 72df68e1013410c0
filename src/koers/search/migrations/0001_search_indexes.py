"""PostgreSQL: the function koers_search_vector and a GIN index per searched table.
SQLite: an FTS5 table per searched table with its triggers. Other databases: nothing."""

from django.db import migrations


def forwards(apps, schema_editor):
    from koers.search.database import install

    install(schema_editor.connection)


def backwards(apps, schema_editor):
    from koers.search.database import uninstall

    uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    atomic = True

    dependencies = [
        ("plans", "0006_document_import_state"),
        ("portal", "0002_snapshot_published_plans"),
        ("indicators", "0003_feeds"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
