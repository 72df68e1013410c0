"""Passkeys (WebAuthn: a security key, or a phone's or computer's fingerprint or face
sign-in) as the second step of signing in, beside the authenticator app.

django-otp-webauthn does the WebAuthn ceremonies and keeps each passkey as a django-otp
device. Koers adapts three things:

- a passkey is the **second** step only: the password comes first (passwordless login is
  off), and the ceremony verifies the person whose password was right, who is not logged
  in yet (``security_views.PENDING``), exactly as the code page does;
- a passkey can be added only by someone who has two-step verification on with the app, so
  that recovery codes exist when a key is lost;
- the relying party is the host the page was served from (``ALLOWED_HOSTS`` decides which),
  and the only origin accepted is that page's own.
"""

from django.http import HttpRequest
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)


def relying_party_id(request: HttpRequest) -> str:
    """The host name of the request, without port (a WebAuthn RP ID)."""
    return request.get_host().rsplit(":", 1)[0] if "]" not in request.get_host() else ""


class PasskeyHelper(WebAuthnHelper):
    def get_allowed_origins(self) -> list[str]:
        scheme = "https" if self.request.is_secure() else "http"
        return [f"{scheme}://{self.request.get_host()}"]

    def get_credential_display_name(self, user) -> str:
        return user.get_full_name() or user.email


def passkeys(user) -> list[WebAuthnCredential]:
    return list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at"))


def has_passkey(user) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def may_add_passkey(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def remove_passkey(user, pk: int) -> bool:
    deleted, _rows = WebAuthnCredential.objects.filter(user=user, pk=pk).delete()
    return bool(deleted)


class AppFirst(exceptions.OTPWebAuthnApiError):
    status_code = 403
    code = "app_first"
    default_detail = _("Set up two-step verification with an authenticator app first.")


class BeginRegistration(BeginCredentialRegistrationView):
    def check_can_register(self):
        if not may_add_passkey(self.request.user):
            raise AppFirst()


class CompleteRegistration(CompleteCredentialRegistrationView):
    def check_can_register(self):
        if not may_add_passkey(self.request.user):
            raise AppFirst()


class PendingSignIn:
    """The person to verify: the one logged in (a session that must still pass the second
    step), or the one whose password was right a moment ago."""

    def get_user(self):
        from koers.accounts.security_views import pending_user

        if self.request.user.is_authenticated:
            return self.request.user
        user, _pending = pending_user(self.request)
        return user

    def check_can_authenticate(self):
        if self.get_user() is None:
            raise exceptions.PasswordlessLoginDisabled()


class BeginVerification(PendingSignIn, BeginCredentialAuthenticationView):
    pass


class CompleteVerification(PendingSignIn, CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        from koers.accounts.security_views import finish_sign_in

        self.next_url = finish_sign_in(self.request, device.user, device)

    def get_success_url(self):
        return self.next_url


# Addresses of the ceremonies, under the names django-otp-webauthn's template tags expect.
urlpatterns = [
    path("registration/begin/", BeginRegistration.as_view(), name="credential-registration-begin"),
    path(
        "registration/complete/",
        CompleteRegistration.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        BeginVerification.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        CompleteVerification.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
