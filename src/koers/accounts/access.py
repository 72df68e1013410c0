"""View helpers that bind a request to one organisation and fetch only its objects."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from koers.accounts.actor import Actor
from koers.accounts.permissions import membership_or_404
from koers.plans.terminology import use_dutch_of


def member_view(view):
    """Resolve ``org`` from the URL to the user's membership (404 for non-members)."""

    @login_required
    @wraps(view)
    def wrapper(request, org, *args, **kwargs):
        request.membership = membership_or_404(request.user, org)
        request.organisation = request.membership.organisation
        use_dutch_of(request.organisation.terminology_preset)
        return view(request, *args, **kwargs)

    return wrapper


def actor(request) -> Actor:
    return Actor.member(request.membership)


def get_for_organisation(request, queryset, organisation_field: str, **lookup):
    """Like get_object_or_404, limited to the request's organisation."""
    return get_object_or_404(queryset, **{organisation_field: request.organisation}, **lookup)


def whole_number(text: str) -> int | None:
    """A number from the address or a posted field ("12"), or None for anything else
    (empty, "abc", "-1", "²": digits that int() does not read)."""
    return int(text) if text.isascii() and text.isdigit() else None


def save_with(form, call) -> object | None:
    """Run a service call with a valid form; its ValidationErrors land on the form."""
    try:
        return call()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None


def handle_form(request, form, call) -> object | None:
    """On a POST with a valid form run the service ``call``; None if it did not succeed."""
    if request.method != "POST" or not form.is_valid():
        return None
    return save_with(form, call)
