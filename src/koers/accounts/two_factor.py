"""Two-step verification: an authenticator app (TOTP) with recovery codes, both django-otp
devices, and the organisation's rule that administrators and coordinators must use it."""

import math

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from koers.accounts.actor import Actor, attribute
from koers.accounts.models import Membership, Organisation, Role
from koers.accounts.permissions import MANAGE_ORGANISATION

APP_DEVICE = "authenticator"
RECOVERY_DEVICE = "recovery codes"
RECOVERY_CODE_COUNT = 10
# Roles an organisation's rule applies to.
ROLES_THAT_NEED_IT = (Role.ADMIN, Role.COORDINATOR)


def has_second_factor(user) -> bool:
    return user_has_device(user, confirmed=True)


def pending_app(user) -> TOTPDevice:
    """The authenticator being set up (made now if there is none): not yet confirmed."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Two-step verification is already on."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as a QR code, an inline SVG drawn here (no outside service)."""
    title = _("QR code to scan with your authenticator app")
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, title=title, dark="#000", light="#fff"
    )


@transaction.atomic
def confirm_app(user, code: str) -> list[str]:
    """Switch the pending authenticator on when ``code`` is right; returns new recovery codes."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationError(_("Start the set-up again: there is no authenticator waiting."))
    if not device.verify_token(_digits(code)):
        raise ValidationError({"code": _("This code is not right. Try the code shown now.")})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes by ten new ones; each works once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=True)
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _digits(code: str) -> str:
    return "".join((code or "").split())


@transaction.atomic
def verify(user, code: str):
    """The device that accepts ``code`` (an app code or an unused recovery code), or None.

    django-otp throttles each device: after a wrong code the next try must wait, twice as
    long after every further wrong code, up to ``KOERS_TWO_FACTOR_MAX_WAIT_SECONDS`` (so
    that someone who knows the password cannot lock the owner out for days). A recovery
    code is used up when it is accepted.
    """
    code = _digits(code).lower()
    if not code:
        return None
    kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        cap_wait(device)
        if isinstance(device, kind) and device.verify_token(code):
            return device
    return None


def cap_wait(device) -> None:
    """Count no more wrong codes than make the wait ``KOERS_TWO_FACTOR_MAX_WAIT_SECONDS``:
    the wait doubles per wrong code (factor * 2^(n-1) seconds) up to that, then stays."""
    factor = device.get_throttle_factor()
    longest = settings.KOERS_TWO_FACTOR_MAX_WAIT_SECONDS
    if not factor or not longest or device.throttling_failure_count <= 1:
        return
    most = max(1, int(math.log2(max(longest / factor, 1))) + 1)
    if device.throttling_failure_count > most:
        device.throttling_failure_count = most
        device.save(update_fields=["throttling_failure_count"])


def wait_seconds(user) -> int:
    """How long the user must wait before a code is checked again (0: no wait)."""
    longest = 0
    for device in devices_for_user(user, confirmed=True):
        cap_wait(device)
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            from django.utils import timezone

            left = (data["locked_until"] - timezone.now()).total_seconds()
            longest = max(longest, math.ceil(left))
    return longest


@transaction.atomic
def switch_off(user, code: str) -> None:
    """Remove the authenticator, recovery codes and passkeys; needs a valid code."""
    from django_otp_webauthn.models import WebAuthnCredential

    if verify(user, code) is None:
        raise ValidationError({"code": _("This code is not right.")})
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        model.objects.filter(user=user).delete()


def required_step(user, organisation_slug: str) -> str | None:
    """Where an administrator or coordinator of an organisation that requires two-step
    verification must go first (URL name), or None when nothing is needed."""
    # all_organisations: runs before the membership check, on the user's own memberships.
    required = (
        Membership.objects.all_organisations()
        .filter(
            user=user,
            organisation__slug=organisation_slug,
            organisation__two_factor_required=True,
            role__in=ROLES_THAT_NEED_IT,
        )
        .exists()
    )
    if not required:
        return None
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return None
    return "two_factor_code" if has_second_factor(user) else "accounts:two_factor_setup"


def set_required(organisation: Organisation, required: bool, *, actor: Actor) -> Organisation:
    """The organisation's rule: two-step verification for administrators and coordinators."""
    actor.require(MANAGE_ORGANISATION, organisation=organisation)
    organisation.two_factor_required = required
    attribute(organisation, actor)  # in its history and the audit log
    organisation.save(update_fields=["two_factor_required"])
    return organisation
