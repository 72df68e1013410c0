"""The audit log of one organisation, filtered by who, what and when."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from koers.audit.models import AuditEntry

PAGE_SIZE = 50
# Kinds of object logged by their services (log_action) rather than through history.
LOGGED_WITHOUT_HISTORY = {"reporting.reportjob"}


@dataclass(frozen=True)
class Filters:
    actor: int | None = None  # a user id
    system: bool = False  # only what Koers did itself (commands, background jobs)
    kind: str = ""  # "<app>.<model>"
    since: date | None = None
    until: date | None = None


def entries(organisation, filters: Filters):
    """The organisation's entries, newest first."""
    found = AuditEntry.objects.filter(organisation=organisation)
    if filters.system:
        found = found.filter(actor__isnull=True, actor_label="")
    elif filters.actor is not None:
        found = found.filter(actor_id=filters.actor)
    if filters.kind:
        found = found.filter(object_type=filters.kind)
    if filters.since is not None:
        found = found.filter(created_at__gte=_start_of(filters.since))
    if filters.until is not None:
        found = found.filter(created_at__lt=_start_of(filters.until, next_day=True))
    return found.order_by("-created_at", "-id")


def _start_of(day: date, next_day: bool = False) -> datetime:
    moment = datetime.combine(day, time.min)
    if next_day:
        moment = datetime.combine(date.fromordinal(day.toordinal() + 1), time.min)
    return timezone.make_aware(moment)


def kinds() -> list[tuple[str, str]]:
    """Every kind of object whose changes are recorded, as ``(<app>.<model>, name)``: the
    models with history, known at start-up (reading them from the log would scan it)."""
    from simple_history.models import registered_models

    from koers.audit.sentences import kind_label

    found = {
        f"{model._meta.app_label}.{model._meta.model_name}"
        for model in registered_models.values()
        if not model._meta.app_label.startswith(("auth", "otp", "sessions"))
    } | LOGGED_WITHOUT_HISTORY
    return sorted(((key, kind_label(key)) for key in found), key=lambda pair: pair[1].lower())
