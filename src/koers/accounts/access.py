"""View helpers that bind a request to one organisation and fetch only its objects."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404

from koers.accounts.permissions import membership_or_404
from koers.plans.services.actor import Actor


def member_view(view):
    """Resolve ``org`` from the URL to the user's membership (404 for non-members)."""

    @login_required
    @wraps(view)
    def wrapper(request, org, *args, **kwargs):
        request.membership = membership_or_404(request.user, org)
        request.organisation = request.membership.organisation
        return view(request, *args, **kwargs)

    return wrapper


def actor(request) -> Actor:
    return Actor.member(request.membership)


def get_for_organisation(request, queryset, organisation_field: str, **lookup):
    """Like get_object_or_404, limited to the request's organisation."""
    return get_object_or_404(queryset, **{organisation_field: request.organisation}, **lookup)
