"""A portal goal page lists its public indicators and is kept until its plan changes: an
indicator's name, code or publicity, and a link, change the linked plans' content version.
(Values are not on the kept pages: they do not.)"""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from koers.indicators.models import Indicator, ItemIndicator, ValueImport
from koers.indicators.public import linked_plans_changed
from koers.plans.content import plan_changed
from koers.storage import remove_draft_file

# However an upload of values goes (loaded, discarded, abandoned), its file goes too.
post_delete.connect(remove_draft_file, sender=ValueImport, dispatch_uid="koers-draft")


@receiver(post_save, sender=Indicator)
def indicator_saved(sender, instance, **kwargs):
    linked_plans_changed([instance.pk])


@receiver(pre_delete, sender=Indicator)
def indicator_deleted(sender, instance, **kwargs):
    linked_plans_changed([instance.pk])  # before its links go with it


@receiver([post_save, post_delete], sender=ItemIndicator)
def link_changed(sender, instance, **kwargs):
    from koers.plans.models import PlanItem

    plan_id = PlanItem.objects.filter(pk=instance.item_id).values_list("plan_id", flat=True)
    plan_changed(plan_id.first())
