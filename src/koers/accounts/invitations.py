"""Invitations: a new member gets an e-mail with a link to choose their own password.

The link works once (its token covers the password, which changes when one is chosen) and
for ``KOERS_INVITATION_DAYS`` days. Until then the account has no usable password.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _

from koers.plans.templatetags.koers import person


class InvitationTokens(PasswordResetTokenGenerator):
    """Password reset tokens with their own salt and lifetime (days, not minutes)."""

    key_salt = "koers.accounts.invitations.InvitationTokens"

    def check_token(self, user, token) -> bool:
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        secrets = [self.secret, *self.secret_fallbacks]
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, s), token)
            for s in secrets
        ):
            return False
        age = self._num_seconds(self._now()) - timestamp
        return age <= settings.KOERS_INVITATION_DAYS * 24 * 3600


invitation_tokens = InvitationTokens()


def invitation_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_tokens.make_token(user)
    path = reverse("invitation_confirm", kwargs={"uidb64": uid, "token": token})
    return settings.KOERS_BASE_URL.rstrip("/") + path


def is_waiting(user) -> bool:
    """Has this person not chosen a password yet?"""
    return not user.has_usable_password()


def send_invitation(user, organisation, invited_by=None) -> None:
    """E-mail the invitation (in Dutch, the application's language); a failure to send
    is a ValidationError, so the member is not added without being told."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Invitation to Koers for %(organisation)s") % {
            "organisation": organisation.name
        }
        lines = [
            _("%(person)s has added you to %(organisation)s in Koers.")
            % {
                "person": person(invited_by) if invited_by else _("An administrator"),
                "organisation": organisation.name,
            },
            "",
            _("Choose your password with this link:"),
            invitation_link(user),
            "",
            _("The link works once and for %(days)s days. Your user name is %(email)s.")
            % {"days": settings.KOERS_INVITATION_DAYS, "email": user.email},
        ]
        try:
            send_mail(subject, "\n".join(lines), None, [user.email])
        except OSError as error:
            raise ValidationError(
                _("The invitation could not be sent (%(error)s); the person was not added.")
                % {"error": error}
            ) from error


def invite_again(membership, *, actor) -> None:
    """A new invitation link for a member who has not chosen a password yet (the old
    link may have expired)."""
    from koers.accounts.permissions import MANAGE_ORGANISATION

    actor.require(MANAGE_ORGANISATION, organisation=membership.organisation_id)
    if not is_waiting(membership.user):
        raise ValidationError(_("This person has chosen a password already."))
    send_invitation(membership.user, membership.organisation, invited_by=actor.user)
