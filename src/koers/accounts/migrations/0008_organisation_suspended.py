from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_membership_handles_complaints"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="suspended",
            field=models.BooleanField(default=False, verbose_name="suspended"),
        ),
    ]
