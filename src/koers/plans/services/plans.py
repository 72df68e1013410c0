"""Creating and configuring plans and their status vocabulary."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor, attribute
from koers.accounts.locking import claim_version
from koers.accounts.models import Organisation
from koers.accounts.permissions import MANAGE_PLANS
from koers.plans.models import Plan, PlanItem, PlanStatus
from koers.plans.services.structure import add_plan_root
from koers.plans.terminology import PRESETS

PLAN_FIELDS = (
    "title",
    "description",
    "first_year",
    "last_year",
    "terminology_preset",
    "level_labels",
    "section_labels",
    "progress_rollup",
    "is_published",
)


def _check_plan_values(values: dict) -> None:
    first, last = values.get("first_year"), values.get("last_year")
    if first and last and first > last:
        raise ValidationError({"last_year": _("The last year lies before the first year.")})
    preset = values.get("terminology_preset")
    if preset is not None and preset not in PRESETS:
        raise ValidationError({"terminology_preset": _("Unknown terminology preset.")})


@transaction.atomic
def create_plan(
    organisation: Organisation, values: dict, *, actor: Actor, statuses: list[dict] | None = None
) -> Plan:
    """A new, empty plan with the status vocabulary of its preset (or the given one)."""
    actor.require(MANAGE_PLANS, organisation=organisation)
    _check_plan_values(values)
    plan = Plan(organisation=organisation)
    for name in PLAN_FIELDS:
        if name in values:
            setattr(plan, name, values[name])
    attribute(plan, actor)
    plan.save()
    add_plan_root(plan)
    create_statuses(plan, statuses)
    return plan


def create_statuses(plan: Plan, statuses: list[dict] | None = None) -> None:
    """Give the plan its status vocabulary: the given words, or those of its preset."""
    if statuses is None:
        statuses = [
            {
                "key": status.key,
                "name": status.name,
                "colour": status.colour,
                "default_percent": status.default_percent,
                "counts_in_progress": status.counts_in_progress,
            }
            for status in plan.terminology.preset.statuses
        ]
    for position, status in enumerate(statuses, start=1):
        PlanStatus.objects.create(plan=plan, position=position, **status)


@transaction.atomic
def update_plan(
    plan: Plan, values: dict, *, actor: Actor, expected_version: int | None = None
) -> Plan:
    """Change the plan's settings; EditConflict when they were saved since
    ``expected_version``."""
    actor.require(MANAGE_PLANS, organisation=plan.organisation_id)
    claim_version(plan, expected_version)
    _check_plan_values(values)
    for name in PLAN_FIELDS:
        if name in values:
            setattr(plan, name, values[name])
    plan._terminology = None
    attribute(plan, actor)
    plan.save()
    PlanItem.objects.filter(plan=plan, depth=1).update(title=plan.title)
    return plan


@transaction.atomic
def delete_plan(plan: Plan, *, actor: Actor) -> None:
    actor.require(MANAGE_PLANS, organisation=plan.organisation_id)
    attribute(plan, actor)
    plan.delete()


@transaction.atomic
def save_statuses(
    plan: Plan,
    statuses: list[PlanStatus],
    new: PlanStatus | None,
    *,
    actor: Actor,
    expected_versions: dict[int, int] | None = None,
) -> Plan:
    """Save edits to the plan's status vocabulary and optionally add one word.

    ``expected_versions`` ({status id: version the form showed}): EditConflict, and
    nothing saved, when any of these statuses was saved since."""
    actor.require(MANAGE_PLANS, organisation=plan.organisation_id)
    if any(status.plan_id != plan.id for status in statuses):
        raise ValidationError(_("This status belongs to another plan."))
    expected_versions = expected_versions or {}
    for status in statuses:
        claim_version(status, expected_versions.get(status.pk))
    keys = [status.key for status in statuses] + ([new.key] if new is not None else [])
    doubles = sorted({key for key in keys if keys.count(key) > 1})
    if doubles:
        raise ValidationError(
            _("Each status needs its own key; used more than once: %(keys)s")
            % {"keys": ", ".join(doubles)}
        )
    # Give edited keys a temporary value first, so that two statuses can swap keys.
    for status in statuses:
        PlanStatus.objects.filter(pk=status.pk).update(key=f"~{status.pk}")
    for status in statuses:
        attribute(status, actor)
        status.save()
    if new is not None:
        new.plan = plan
        attribute(new, actor)
        new.save()
    return plan
