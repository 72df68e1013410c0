"""Reports asked for before the job queue existed were made by a thread of the web
process, which the upgrade stopped: jobs still waiting or being made never finish, so they
are marked failed (they can be asked for again)."""

from django.db import migrations
from django.utils import timezone
from django.utils.translation import gettext


def fail_unfinished(apps, schema_editor):
    ReportJob = apps.get_model("reporting", "ReportJob")
    ReportJob.objects.filter(state__in=["queued", "running"]).update(
        state="failed",
        finished_at=timezone.now(),
        error=gettext("The work was interrupted (the worker stopped)."),
    )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_edit_versions")]

    operations = [migrations.RunPython(fail_unfinished, migrations.RunPython.noop)]
