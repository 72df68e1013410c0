"""Writing an audit entry for what no history record reports one by one: a PlanDocument
loaded and a file of indicator values imported write their rows in plain SQL (with their
history), so they log the load as one entry. Call inside the load's transaction."""

from django.utils import timezone

from koers.audit.models import AuditEntry


def log_action(
    organisation_id: int, action: str, *, user=None, obj=None, label: str = "", data=None
) -> AuditEntry:
    """One entry of ``action`` (``<app>.<model>.<verb>``) on ``obj`` (or on nothing)."""
    meta = obj._meta if obj is not None else None
    return AuditEntry.objects.create(
        organisation_id=organisation_id,
        action=action,
        object_type=f"{meta.app_label}.{meta.model_name}" if meta else action.rsplit(".", 1)[0],
        object_id=obj.pk if obj is not None else None,
        object_label=(label or (str(obj) if obj is not None else ""))[:300],
        actor=user,
        actor_label=(user.get_username() if user is not None else "")[:300],
        data=data or {},
        created_at=timezone.now(),
    )
