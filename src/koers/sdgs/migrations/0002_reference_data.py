from django.db import migrations

from koers.sdgs.reference import load_reference


def load(apps, schema_editor):
    load_reference(apps.get_model("sdgs", "SDGGoal"), apps.get_model("sdgs", "SDGTarget"))


class Migration(migrations.Migration):
    dependencies = [("sdgs", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
