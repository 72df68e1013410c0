"""Signals other apps listen to, so that plans need not know them."""

from django.dispatch import Signal

# Sent by ``update_item`` when an item's status or progress changed, inside the same
# transaction. Arguments: item, actor, changes (list of (field, before, after) texts).
item_progress_changed = Signal()
