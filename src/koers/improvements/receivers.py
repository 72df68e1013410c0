from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from koers.improvements.models import Evidence


@receiver(post_delete, sender=Evidence)
def remove_stored_file(sender, instance, **kwargs):
    """However a piece of evidence goes (removed, its action or organisation deleted), its
    file goes too, once the deletion is committed."""
    storage, name = instance.file.storage, instance.file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))
