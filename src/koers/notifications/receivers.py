from django.dispatch import receiver

from koers.notifications.services import notify_followers
from koers.plans.signals import item_progress_changed


@receiver(item_progress_changed)
def tell_followers(sender, item, actor, changes, **kwargs):
    notify_followers(item, changes, actor)
