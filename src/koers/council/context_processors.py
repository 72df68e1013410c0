from koers.council.notices import unread_count


def unread_question_notices(request):
    """How many notices about council questions the member has not read, for the header."""
    membership = getattr(request, "membership", None)
    return {"unread_question_notices": unread_count(membership) if membership else 0}
