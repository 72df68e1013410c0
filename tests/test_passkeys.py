"""Passkeys are a second step only: never instead of the password, added only beside the
authenticator app, removed only by their owner. (The ceremonies themselves run in
tests/browser/test_sign_in.py with Chromium's virtual authenticator.)"""

import hashlib
import time

import pytest
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from koers.accounts import passkeys, two_factor
from tests.factories import MembershipFactory


def _passkey(user, key: bytes = b"key-1") -> WebAuthnCredential:
    return WebAuthnCredential.objects.create(
        user=user,
        name="Sleutel",
        credential_id=key,
        credential_id_sha256=hashlib.sha256(key).hexdigest(),
        public_key=b"public",
        sign_count=0,
        confirmed=True,
    )


def _app_on(user) -> None:
    from django_otp.oath import totp

    device = two_factor.pending_app(user)
    two_factor.confirm_app(user, f"{totp(device.bin_key):06d}")


def _json_post(client, name):
    return client.post(reverse(f"otp_webauthn:{name}"), "{}", content_type="application/json")


@pytest.fixture
def member(db):
    return MembershipFactory().user


def test_a_passkey_is_never_used_instead_of_the_password(client, member):
    _passkey(member)
    response = _json_post(client, "credential-authentication-begin")
    assert response.status_code == 403
    assert "challenge" not in response.content.decode()


def test_a_passkey_is_added_only_beside_the_authenticator_app(client, member):
    client.force_login(member)
    refused = _json_post(client, "credential-registration-begin")
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "Stel eerst tweestapsverificatie met een authenticator-app in."
    )
    _app_on(member)
    client.force_login(member)  # a new session: not verified with a code yet
    assert _json_post(client, "credential-registration-begin").status_code == 403
    assert passkeys.may_add_passkey(member)


def test_only_its_owner_removes_a_passkey_and_switching_off_removes_all(client, member):
    other = MembershipFactory().user
    theirs = _passkey(other, b"key-2")
    mine = _passkey(member)
    client.force_login(member)
    client.post(reverse("accounts:passkey_remove", kwargs={"pk": theirs.pk}))
    assert WebAuthnCredential.objects.filter(pk=theirs.pk).exists()
    client.post(reverse("accounts:passkey_remove", kwargs={"pk": mine.pk}))
    assert not WebAuthnCredential.objects.filter(pk=mine.pk).exists()

    _app_on(member)
    _passkey(member, b"key-3")
    assert two_factor.has_second_factor(member)
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=member)
    two_factor.switch_off(member, f"{totp(device.bin_key, drift=1):06d}")
    assert not WebAuthnCredential.objects.filter(user=member).exists()
    assert WebAuthnCredential.objects.filter(user=other).exists()


def test_the_code_page_offers_the_passkey_only_to_who_has_one(client, member):
    from koers.accounts.security_views import PENDING

    member.set_password("een-sterk-wachtwoord-9")
    member.save()
    _app_on(member)
    session = client.session
    session[PENDING] = {
        "user": member.pk,
        "backend": "django.contrib.auth.backends.ModelBackend",
        "at": time.time(),
        "next": "/app/",
    }
    session.save()
    page = client.get(reverse("two_factor_code")).content.decode()
    assert "passkey-verification-placeholder" not in page
    _passkey(member)
    page = client.get(reverse("two_factor_code")).content.decode()
    assert "passkey-verification-placeholder" in page
    # the person whose password was right may start the ceremony; nobody else
    begun = _json_post(client, "credential-authentication-begin")
    assert begun.status_code == 200
    assert begun.json()["allowCredentials"][0]["id"]
