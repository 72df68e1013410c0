"""A person whose every organisation is suspended cannot sign in: the password step (and
so the second step behind it) refuses with a neutral message, signs nothing in and
writes the refusal to the organisations' audit logs. One available organisation is
enough to sign in; provider staff always sign in."""

import time

import pytest
from django.urls import reverse
from django.utils import translation

from koers.accounts.actor import Actor
from koers.accounts.security_views import PENDING
from koers.audit.models import AuditEntry
from koers.audit.sentences import sentence
from koers.hosting.models import ProviderStaff
from koers.hosting.services import set_suspended
from tests.factories import MembershipFactory, OrganisationFactory

PASSWORD = "een-sterk-wachtwoord-9"
REFUSAL = "Je organisatie is op dit moment niet beschikbaar. Neem contact op met je beheerder."


def _person(*organisations):
    first = MembershipFactory(organisation=organisations[0])
    for organisation in organisations[1:]:
        MembershipFactory(organisation=organisation, user=first.user)
    first.user.set_password(PASSWORD)
    first.user.save()
    return first.user


def _suspend(organisation):
    set_suspended(organisation, True, actor=Actor.system(), reason="Contract")


def _log_in(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


@pytest.fixture
def suspended(db):
    organisation = OrganisationFactory(name="Gemeente Dicht")
    _suspend(organisation)
    return organisation


def test_a_member_of_suspended_organisations_only_is_refused_at_the_password(client, suspended):
    other = OrganisationFactory()
    _suspend(other)
    user = _person(suspended, other)
    response = _log_in(client, user)
    assert response.status_code == 200
    text = response.content.decode()
    assert REFUSAL in text
    assert "Gemeente Dicht" not in text and "Contract" not in text
    assert "_auth_user_id" not in client.session
    assert PENDING not in client.session
    assert client.get("/app/").status_code == 302  # still to the login page
    entries = AuditEntry.objects.filter(action="accounts.sign_in.refused")
    assert {entry.organisation for entry in entries} == {suspended, other}
    entry = entries.get(organisation=suspended)
    assert entry.object_label == user.email
    assert entry.data == {"cause": "organisation_suspended", "method": "password"}
    with translation.override("nl"):
        assert sentence(entry) == (
            f"Een aanmelding van “{user.email}” werd geweigerd: de organisatie is "
            "opgeschort, net als alle andere organisaties van deze persoon."
        )


def test_a_refusal_is_not_counted_as_a_wrong_password(client, suspended, settings):
    from axes.models import AccessAttempt

    user = _person(suspended)
    for _n in range(settings.KOERS_LOGIN_FAILURE_LIMIT + 1):
        assert REFUSAL in _log_in(client, user).content.decode()
    assert not AccessAttempt.objects.filter(failures_since_start__gt=0).exists()


def test_one_available_organisation_is_enough_to_sign_in(client, suspended):
    available = OrganisationFactory()
    user = _person(suspended, available)
    response = _log_in(client, user)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(f"/app/{available.slug}/plans/").status_code == 200
    assert client.get(f"/app/{suspended.slug}/plans/").status_code == 503
    assert not AuditEntry.objects.filter(action="accounts.sign_in.refused").exists()


def test_provider_staff_sign_in_whatever_is_suspended(client, suspended):
    user = _person(suspended)
    ProviderStaff.objects.create(user=user)
    response = _log_in(client, user)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_person_with_a_second_factor_is_refused_before_the_code_step(client, suspended):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = _person(suspended)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = _log_in(client, user)
    assert REFUSAL in response.content.decode()
    assert PENDING not in client.session
    assert client.get(reverse("two_factor_code")).status_code == 302


def test_a_suspension_between_the_password_and_the_code_ends_the_sign_in(client, db):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    organisation = OrganisationFactory()
    user = _person(organisation)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = _log_in(client, user)
    assert response["Location"] == reverse("two_factor_code")
    assert client.session[PENDING]["user"] == user.pk
    _suspend(organisation)
    response = client.post(reverse("two_factor_code"), {"code": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert PENDING not in client.session
    entry = AuditEntry.objects.get(action="accounts.sign_in.refused")
    assert entry.data["method"] == "second_step"


def test_a_passkey_cannot_finish_the_sign_in_of_a_suspended_member(client, suspended):
    user = _person(suspended)
    session = client.session
    session[PENDING] = {
        "user": user.pk,
        "backend": "django.contrib.auth.backends.ModelBackend",
        "at": time.time(),
        "next": "/app/",
    }
    session.save()
    begun = client.post(
        reverse("otp_webauthn:credential-authentication-begin"),
        "{}",
        content_type="application/json",
    )
    assert begun.status_code == 403
    assert "_auth_user_id" not in client.session
