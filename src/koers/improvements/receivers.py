from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from koers.improvements.models import ActionImport, Evidence
from koers.storage import remove_draft_file

# However an upload of recommendations goes (loaded, discarded, abandoned), its file goes too.
post_delete.connect(remove_draft_file, sender=ActionImport, dispatch_uid="koers-draft")


@receiver(post_delete, sender=Evidence)
def remove_stored_file(sender, instance, **kwargs):
    """However a piece of evidence goes (removed, its action or organisation deleted), its
    file goes too, once the deletion is committed."""
    storage, name = instance.file.storage, instance.file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))
