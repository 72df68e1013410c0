"""Every history record django-simple-history writes for an object of an organisation
becomes an audit entry of that organisation, in the same transaction. The reason is kept
whole: :func:`koers.accounts.actor.attribute` leaves the full text on the instance, where
history keeps at most 100 characters of it."""

import threading

from django.db import transaction
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from koers.accounts.models import Organisation
from koers.audit.models import AuditEntry
from koers.audit.organisation import organisation_id_of

VERBS = {"+": "created", "~": "changed", "-": "deleted"}


_local = threading.local()


def _deleting() -> set[int]:
    if not hasattr(_local, "organisations"):
        _local.organisations = set()
    return _local.organisations


@receiver(pre_delete, sender=Organisation)
def organisation_deleting(sender, instance, **kwargs):
    """An organisation being deleted takes its log with it: the deletions of its plans,
    members … that cascade from it (signalled before its own row goes) are not logged."""
    _deleting().add(instance.pk)


@receiver(post_delete, sender=Organisation)
def organisation_deleted(sender, instance, **kwargs):
    transaction.on_commit(lambda: _deleting().discard(instance.pk))


@receiver(post_create_historical_record)
def history_recorded(sender, instance, history_instance, **kwargs):
    organisation_id = organisation_id_of(instance)
    if organisation_id is None:
        return
    verb = VERBS.get(history_instance.history_type, "changed")
    if verb == "deleted" and (
        organisation_id in _deleting()
        or not Organisation._base_manager.filter(pk=organisation_id).exists()
    ):
        return  # the organisation itself is being deleted, and its log with it
    meta = instance._meta
    user = history_instance.history_user
    reason = getattr(instance, "_koers_full_reason", "") or (
        history_instance.history_change_reason or ""
    )
    data = {"reason": reason} if reason else {}
    AuditEntry.objects.create(
        organisation_id=organisation_id,
        action=f"{meta.app_label}.{meta.model_name}.{verb}",
        object_type=f"{meta.app_label}.{meta.model_name}",
        object_id=instance.pk,
        object_label=str(instance)[:300],
        actor=user,
        actor_label=(user.get_username() if user is not None else "")[:300],
        data=data,
        created_at=history_instance.history_date,
    )
