"""Which organisation a changed object belongs to: its own ``organisation_id``, or that of
what it hangs under (a plan, an item, a round, an update, an indicator, a complaint…),
followed through foreign keys by id, one small query per step at most."""

from django.db import models

# Foreign keys followed, in this order, to reach an object's organisation.
PARENTS = (
    "plan",
    "item",
    "round",
    "update",
    "indicator",
    "complaint",
    "source",
    "action",
    "question",
    "membership",
    "report",
)
MAX_STEPS = 4


def organisation_id_of(instance, steps: int = 0) -> int | None:
    from koers.accounts.models import Organisation

    if isinstance(instance, Organisation):  # its own settings and branding
        return instance.pk
    found = getattr(instance, "organisation_id", None)
    if found is not None or steps >= MAX_STEPS:
        return found
    for name in PARENTS:
        try:
            field = instance._meta.get_field(name)
        except Exception:
            continue
        if not isinstance(field, models.ForeignKey):
            continue
        parent_id = getattr(instance, field.attname, None)
        if parent_id is None:
            continue
        parent = field.related_model._base_manager.filter(pk=parent_id).first()
        if parent is not None:
            return organisation_id_of(parent, steps + 1)
    return None
