"""Every saved or deleted row that a plan's pages show gives the plan a new content version
(``koers.plans.content``), in the same transaction as the write.

Writes that bypass the model signals (bulk inserts of an import, treebeard's moves) call
``plan_changed`` themselves; a move saves the item afterwards, which is enough.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save

from koers.accounts.models import Department, Organisation
from koers.plans.content import plan_changed, plans_changed
from koers.plans.models import BudgetLine, Milestone, Plan, PlanItem, PlanStatus


def _plan_itself(sender, instance, **kwargs):
    plan_changed(instance.pk)


def _plan_of_row(sender, instance, **kwargs):
    plan_changed(instance.plan_id)


def _plan_of_item_row(sender, instance, **kwargs):
    """A milestone or budget line: its item's plan, without loading the item."""
    item = PlanItem.objects.filter(pk=instance.item_id).values_list("plan_id", flat=True)
    plan_changed(item.first())


def _item_links(sender, instance, action, reverse, pk_set, **kwargs):
    """Departments, SDG goals and targets of items (either side of the relation)."""
    if not action.startswith("post_"):
        return
    if not reverse:
        plan_changed(instance.plan_id)
    else:  # e.g. department.items.add(...): the plans of those items
        items = PlanItem.objects.filter(pk__in=pk_set or ())
        plans_changed(items.values_list("plan_id", flat=True).distinct())


def _plans_of_organisation(organisation_id):
    # all_organisations: the organisation is named; it may be changed from the provider console.
    plans = Plan.objects.all_organisations().filter(organisation_id=organisation_id)
    plans_changed(plans.values_list("pk", flat=True))


def _organisation(sender, instance, **kwargs):
    """Name, colour and logo show on every portal page of its plans."""
    _plans_of_organisation(instance.pk)


def _department(sender, instance, **kwargs):
    """Department names show in the portal's filter."""
    _plans_of_organisation(instance.organisation_id)


def _user(sender, instance, created=False, **kwargs):
    """Owners' names show in the (cached) tree."""
    if not created:
        # all_organisations: a person's name shows in the plans of every organisation they own
        # items in; a user belongs to no one organisation.
        owned = PlanItem.objects.all_organisations().filter(owner=instance)
        plans_changed(owned.values_list("plan_id", flat=True).distinct())


def connect() -> None:
    post_save.connect(_plan_itself, sender=Plan, dispatch_uid="koers-content-plan")
    for model in (PlanItem, PlanStatus):
        post_save.connect(_plan_of_row, sender=model, dispatch_uid=f"koers-content-{model}")
        post_delete.connect(_plan_of_row, sender=model, dispatch_uid=f"koers-content-{model}")
    for model in (Milestone, BudgetLine):
        post_save.connect(_plan_of_item_row, sender=model, dispatch_uid=f"koers-content-{model}")
        post_delete.connect(_plan_of_item_row, sender=model, dispatch_uid=f"koers-content-{model}")
    for through in (
        PlanItem.departments.through,
        PlanItem.sdg_goals.through,
        PlanItem.sdg_targets.through,
    ):
        m2m_changed.connect(_item_links, sender=through, dispatch_uid=f"koers-content-{through}")
    post_save.connect(_organisation, sender=Organisation, dispatch_uid="koers-content-org")
    post_save.connect(_department, sender=Department, dispatch_uid="koers-content-department")
    post_delete.connect(_department, sender=Department, dispatch_uid="koers-content-department")
    post_save.connect(_user, sender=get_user_model(), dispatch_uid="koers-content-user")
    from koers.followup.models import ProgressUpdate, ReportingRound

    post_save.connect(_plan_of_row, sender=ReportingRound, dispatch_uid="koers-content-round")
    post_delete.connect(_plan_of_row, sender=ReportingRound, dispatch_uid="koers-content-round")
    post_save.connect(_approved_update, sender=ProgressUpdate, dispatch_uid="koers-content-update")
    try:  # the portal's published snapshots, where the portal has them
        snapshot = apps.get_model("portal", "PublishedSnapshot")
    except LookupError:
        return
    post_save.connect(_plan_of_row, sender=snapshot, dispatch_uid="koers-content-snapshot")
    post_delete.connect(_plan_of_row, sender=snapshot, dispatch_uid="koers-content-snapshot")


def _approved_update(sender, instance, **kwargs):
    """Approved texts are what reports and the portal show; drafts saving themselves while
    their owner types change nothing there."""
    if instance.state == instance.State.APPROVED:
        plans_changed(
            Plan.objects.filter(rounds__id=instance.round_id).values_list("pk", flat=True)
        )
