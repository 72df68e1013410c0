"""Two rules on every page of an organisation, without a query of their own:

- a suspended organisation (``OrganisationUnavailable``, raised where the page loads the
  organisation: the member check of the app, the portal) answers a neutral page;
- a session signed in through one organisation's own provider sees that organisation's
  pages only: on another's, the person is logged out and asked to sign in again. The
  person's own account (password, two-step verification, passkeys, API key) is refused
  to it too: those reach every organisation of the person, and that organisation's
  provider vouches for that organisation alone.
"""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from koers.accounts.models import OrganisationUnavailable

# Set at a sign-in through an organisation's provider (see oidc.py and views.py).
THROUGH_SLUG = "koers_sso_organisation_slug"
SECOND_FACTOR = "koers_sso_second_factor"
# What signing out at that provider needs (oidc.logout_at_provider), when it offers it.
PROVIDER_LOGOUT = "koers_sso_logout"
SINGLE_SIGN_ON_BACKEND = "koers.hosting.oidc.SingleSignOnBackend"
# Pages of the person's own account, which reach all of their organisations.
ACCOUNT_WIDE = frozenset(
    {
        "accounts:account",
        "accounts:api_token",
        "accounts:two_factor_setup",
        "accounts:two_factor_off",
        "accounts:recovery_codes",
        "accounts:passkey_remove",
        "password_change",
        "password_change_done",
        "otp_webauthn:credential-registration-begin",
        "otp_webauthn:credential-registration-complete",
    }
)


class OrganisationAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("org")
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(THROUGH_SLUG) is not None
            and request.resolver_match is not None
            and request.resolver_match.view_name in ACCOUNT_WIDE
        ):
            reason = _(
                "You signed in through your organisation's sign-in service, which vouches "
                "for that organisation only. Sign in with your password to change your "
                "own account."
            )
            return render(request, "403.html", {"reason": reason}, status=403)
        if not slug or session is None or not request.path_info.startswith("/app/"):
            return None
        through = session.get(THROUGH_SLUG)
        if through is None or not request.user.is_authenticated:
            return None
        if through != slug:
            logout(request)
            messages.info(
                request,
                _(
                    "You signed in through another organisation's sign-in service. "
                    "Sign in again for this organisation."
                ),
            )
            return redirect(reverse("login") + "?next=" + quote(request.get_full_path(), safe="/"))
        if session.get(SECOND_FACTOR):
            # The organisation's provider checked a second factor (its setting at sign-in).
            request.user.is_verified = lambda: True
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, OrganisationUnavailable):
            return unavailable(request)
        return None


def forget_provider_after_other_sign_in(sender, request, user, **kwargs) -> None:
    """A sign-in another way (a password) in the same browser ends the binding to the
    organisation whose provider signed the person in before."""
    session = getattr(request, "session", None)
    if session is None or session.get(BACKEND_SESSION_KEY) == SINGLE_SIGN_ON_BACKEND:
        return
    session.pop(THROUGH_SLUG, None)
    session.pop(SECOND_FACTOR, None)
    session.pop(PROVIDER_LOGOUT, None)


def unavailable(request):
    response = render(request, "hosting/unavailable.html", status=503)
    response["Cache-Control"] = "no-store"
    return response
