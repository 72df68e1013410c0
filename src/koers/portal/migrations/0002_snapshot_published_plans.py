"""Plans published before snapshots existed get one now, so that the portal keeps showing
their figures (as they are at the upgrade) until their next publication."""

from django.db import migrations
from django.utils import timezone


def snapshot_published_plans(apps, schema_editor):
    # The figures are read with queries that name their columns (publication.snapshot_figures),
    # so later columns of these tables do not matter; the snapshot rows use this
    # migration's models.
    from koers.portal.publication import snapshot_figures, store_items

    Plan = apps.get_model("plans", "Plan")
    Snapshot = apps.get_model("portal", "PublishedSnapshot")
    Item = apps.get_model("portal", "PublishedItem")
    for plan in Plan.objects.filter(is_published=True).only("pk"):
        snapshot = Snapshot.objects.create(plan_id=plan.pk, taken_at=timezone.now())
        store_items(Item, snapshot.pk, snapshot_figures(plan))


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_published_snapshots")]

    operations = [migrations.RunPython(snapshot_published_plans, migrations.RunPython.noop)]
