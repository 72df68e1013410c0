from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from koers.followup.models import Attachment


@receiver(post_delete, sender=Attachment)
def remove_stored_file(sender, instance, **kwargs):
    """However an attachment goes (removed, or its update, round, item or plan deleted),
    its file goes too, once the deletion is committed."""
    storage, name = instance.file.storage, instance.file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))
