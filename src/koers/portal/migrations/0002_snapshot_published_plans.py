"""Plans published before snapshots existed get one now, so that the portal keeps showing
their figures (as they are at the upgrade) until their next publication."""

from django.db import migrations
from django.utils import timezone


def snapshot_published_plans(apps, schema_editor):
    # The figures are read with queries that name their columns (publication.snapshot_figures),
    # so later columns of these tables do not matter; the snapshot rows use this
    # migration's models.
    from koers.portal.publication import snapshot_figures

    Plan = apps.get_model("plans", "Plan")
    Snapshot = apps.get_model("portal", "PublishedSnapshot")
    Item = apps.get_model("portal", "PublishedItem")
    for plan in Plan.objects.filter(is_published=True).only("pk"):
        snapshot = Snapshot.objects.create(plan_id=plan.pk, taken_at=timezone.now())
        Item.objects.bulk_create(
            Item(
                snapshot=snapshot,
                item_id=item_id,
                figures=figures,
                progress_text=text,
                progress_round=round_name,
            )
            for item_id, (figures, text, round_name) in snapshot_figures(plan).items()
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_published_snapshots")]

    operations = [migrations.RunPython(snapshot_published_plans, migrations.RunPython.noop)]
