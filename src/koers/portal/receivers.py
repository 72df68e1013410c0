"""Publishing takes a snapshot: whatever path publishes a round or a plan (the round page,
the plan's settings, the command line, a test), the portal's figures change only then."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from koers.followup.models import ReportingRound
from koers.plans.models import Plan
from koers.portal import publication


def _was(instance, field: str):
    """The field's value in the database before this save (None for a new row)."""
    if instance.pk is None:
        return None
    return type(instance).objects.filter(pk=instance.pk).values_list(field, flat=True).first()


@receiver(pre_save, sender=ReportingRound)
def remember_round_state(sender, instance, raw=False, **kwargs):
    if not raw:
        instance._published_before = _was(instance, "state") == ReportingRound.State.PUBLISHED


@receiver(post_save, sender=ReportingRound)
def snapshot_published_round(sender, instance, raw=False, **kwargs):
    published = instance.state == ReportingRound.State.PUBLISHED
    if not raw and published and not getattr(instance, "_published_before", True):
        user = getattr(instance, "_history_user", None)
        publication.take_snapshot(instance.plan, instance, user)
        instance._published_before = True


@receiver(pre_save, sender=Plan)
def remember_plan_published(sender, instance, raw=False, **kwargs):
    if not raw:
        instance._published_before = bool(_was(instance, "is_published"))


@receiver(post_save, sender=Plan)
def snapshot_published_plan(sender, instance, raw=False, **kwargs):
    if not raw and instance.is_published and not getattr(instance, "_published_before", True):
        publication.take_snapshot(instance, None, getattr(instance, "_history_user", None))
        instance._published_before = True
