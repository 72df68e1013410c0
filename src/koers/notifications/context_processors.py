from koers.notifications.services import unread_count


def unread_notifications(request):
    """How many notifications the member has not read, for the header."""
    membership = getattr(request, "membership", None)
    return {"unread_notifications": unread_count(membership) if membership else 0}
