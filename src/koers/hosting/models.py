"""The provider's staff (a role above organisations) and each organisation's single
sign-on with OpenID Connect."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from koers.accounts.locking import version_field
from koers.accounts.models import Organisation, Role
from koers.accounts.scoping import OrganisationScopedManager


class ProviderStaff(models.Model):
    """A person of the hosting provider: creates, suspends and deletes organisations and
    sets their sign-in rules. Being a Django superuser does not make one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_staff"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("provider staff member")
        verbose_name_plural = _("provider staff")

    def __str__(self):
        return str(self.user)


def _fernet() -> Fernet:
    """The key that keeps client secrets unreadable in the database (and in backups):
    derived from KOERS_SECRET_KEY, so changing that key means entering the secrets again."""
    digest = hashlib.sha256(("koers-oidc-client-secret:" + settings.SECRET_KEY).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class SingleSignOn(models.Model):
    """An organisation's OpenID Connect provider (Entra ID, ACM/IDM, any OIDC provider)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="single_sign_on"
    )
    enabled = models.BooleanField(
        _("sign-in with the organisation's provider is on"), default=False
    )
    issuer = models.URLField(
        _("issuer"),
        max_length=500,
        help_text=_(
            "The provider's address; its settings are read from "
            "<issuer>/.well-known/openid-configuration."
        ),
    )
    client_id = models.CharField(_("client id"), max_length=300)
    # Encrypted (Fernet); never shown back after saving.
    client_secret_encrypted = models.BinaryField(default=b"", editable=False)
    scopes = models.CharField(_("scopes"), max_length=300, default="openid email profile")
    email_claim = models.CharField(
        _("claim with the e-mail address"), max_length=100, default="email"
    )
    create_members = models.BooleanField(
        _("add unknown people as members with the default role"), default=False
    )
    default_role = models.CharField(
        _("default role"), max_length=20, choices=Role.choices, default=Role.READER
    )
    # Whether a sign-in through this provider counts as the second factor the organisation
    # may require (the provider asks for one itself, e.g. Entra ID with MFA, ACM/IDM with itsme).
    counts_as_second_factor = models.BooleanField(
        _("the provider checks a second factor itself"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Edited by the provider and by the organisation's administrator: a form saved from
    # an older version is refused (koers.accounts.locking).
    version = version_field()

    objects = OrganisationScopedManager("organisation")

    class Meta:
        verbose_name = _("single sign-on")
        verbose_name_plural = _("single sign-on")

    def __str__(self):
        return f"{self.organisation}: {self.issuer}"

    @property
    def has_secret(self) -> bool:
        return bool(self.client_secret_encrypted)

    def set_secret(self, secret: str) -> None:
        self.client_secret_encrypted = _fernet().encrypt(secret.encode()) if secret else b""

    def secret(self) -> str:
        if not self.client_secret_encrypted:
            return ""
        try:
            return _fernet().decrypt(bytes(self.client_secret_encrypted)).decode()
        except InvalidToken:  # the secret key changed: the secret must be entered again
            return ""


class ProviderLogEntry(models.Model):
    """What the provider's staff did to organisations; kept when an organisation is
    deleted (its own audit log goes with it)."""

    action = models.CharField(max_length=100)
    organisation_id = models.BigIntegerField(null=True)
    organisation_label = models.CharField(max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("provider log entry")
        verbose_name_plural = _("provider log")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.organisation_label}"
