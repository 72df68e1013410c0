"""Signing in safely: login throttle, API rates, password change and reset, invitations,
two-step verification, an organisation's requirement of it, idle sessions."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from koers.accounts import services, two_factor
from koers.accounts.actor import Actor
from koers.accounts.signin import client_address

LOGIN = "/accounts/login/"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
READER = "reader@voorbeeld.be"
ADMIN = "admin@voorbeeld.be"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def counted_hashing(monkeypatch):
    """How often the password backend ran (it hashes, even for unknown names)."""
    calls = []
    original = ModelBackend.authenticate

    def authenticate(self, request, username=None, password=None, **kwargs):
        calls.append(username)
        return original(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", authenticate)
    return calls


def attempt(client, username, password="fout-wachtwoord", address="203.0.113.7", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def main_text(response) -> str:
    page = response.content.decode()
    return page[page.index('<main id="content">') : page.index("</main>")]


def set_password(email, password="een-sterk-wachtwoord-9"):
    user = get_user_model().objects.get(email=email)
    user.set_password(password)
    user.save()
    return user


# -- login throttle ----------------------------------------------------------------------


def test_thirty_wrong_passwords_are_throttled_after_the_limit(
    demo, client, clock, counted_hashing, settings
):
    assert settings.KOERS_LOGIN_FAILURE_LIMIT == 5
    statuses = [attempt(client, READER).status_code for _n in range(30)]
    assert statuses == [200] * 4 + [429] * 26
    # Attempts 6 to 30 were refused before the password backend: no hashing.
    assert len(counted_hashing) == 5
    page = attempt(client, READER)
    assert page.status_code == 429
    assert page["Retry-After"] == str(15 * 60)
    text = page.content.decode()
    assert "Te veel aanmeldpogingen" in text
    assert "Probeer opnieuw over 15 minuten." in text
    assert "U kunt opnieuw proberen vanaf 10:15." in text  # 09:00 UTC is 10:00 in Brussels


def test_the_right_password_is_refused_while_locked_and_works_after_the_cool_off(
    demo, client, clock, counted_hashing
):
    set_password(READER)
    for _n in range(5):
        attempt(client, READER)
    locked = attempt(client, READER, "een-sterk-wachtwoord-9")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    clock.shift(timedelta(minutes=14))
    assert attempt(client, READER, "een-sterk-wachtwoord-9").status_code == 429
    clock.shift(timedelta(minutes=2))
    response = attempt(client, READER, "een-sterk-wachtwoord-9")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get(email=READER).pk)


def test_an_unknown_name_is_throttled_exactly_like_an_existing_one(demo, client, clock):
    known = [attempt(client, READER).status_code for _n in range(7)]
    unknown = [attempt(client, "niemand@voorbeeld.be").status_code for _n in range(7)]
    assert known == unknown == [200] * 4 + [429] * 3
    a, b = attempt(client, READER), attempt(client, "niemand@voorbeeld.be")
    assert main_text(a) == main_text(b)  # the lock tells nothing about which accounts exist
    assert a["Retry-After"] == b["Retry-After"]


def test_the_lock_is_per_name_and_address(demo, client, clock):
    set_password(READER)
    for _n in range(5):
        attempt(client, READER, address="198.51.100.1")
    assert attempt(client, READER, address="198.51.100.1").status_code == 429
    # The same person from another address, and another name from the locked address, pass.
    assert attempt(client, READER, "een-sterk-wachtwoord-9", "198.51.100.2").status_code == 302
    client.logout()
    assert attempt(client, ADMIN, address="198.51.100.1").status_code == 200


def test_an_address_is_locked_across_user_names(demo, client, clock, settings):
    settings.KOERS_LOGIN_ADDRESS_FAILURE_LIMIT = 12
    set_password(ADMIN)
    names = [f"gok{n}@voorbeeld.be" for n in range(4)]
    statuses = [attempt(client, name).status_code for name in names for _n in range(3)]
    assert statuses == [200] * 11 + [429]
    # Now even the right password of a real account from that address is refused ...
    assert attempt(client, ADMIN, "een-sterk-wachtwoord-9").status_code == 429
    # ... but not from another address.
    assert attempt(client, ADMIN, "een-sterk-wachtwoord-9", "192.0.2.50").status_code == 302


def test_a_forwarded_for_header_counts_only_when_configured(demo, client, clock, settings):
    for n in range(6):
        response = attempt(client, READER, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert response.status_code == 429  # a header the client sends itself changes nothing

    settings.KOERS_CLIENT_IP_HEADER = "X-Forwarded-For"
    request = HttpRequest()
    request.META = {"REMOTE_ADDR": "10.1.1.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 192.0.2.9"}
    assert client_address(request) == "192.0.2.9"  # the entry the own proxy added
    assert attempt(client, READER, HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.9").status_code == 200


def test_a_successful_login_forgets_the_failures_of_that_name(demo, client, clock):
    set_password(READER)
    for _n in range(4):
        attempt(client, READER)
    assert attempt(client, READER, "een-sterk-wachtwoord-9").status_code == 302
    client.logout()
    statuses = [attempt(client, READER).status_code for _n in range(5)]
    assert statuses == [200] * 4 + [429]


# -- API rates ---------------------------------------------------------------------------


@pytest.fixture
def fresh_rates():
    cache.clear()
    yield
    cache.clear()


def test_the_api_answers_429_with_retry_after_per_user(demo, client, settings, fresh_rates):
    from rest_framework.authtoken.models import Token

    settings.KOERS_API_USER_RATE = "5/minute"
    token = Token.objects.create(user=get_user_model().objects.get(email=READER))
    url = reverse("api-plans", kwargs={"org": "voorbeeld"})
    header = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    statuses = [client.get(url, **header).status_code for _n in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    refused = client.get(url, **header)
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_anonymous_api_callers_are_counted_per_address(demo, client, settings, fresh_rates):
    settings.KOERS_API_ANON_RATE = "3/minute"
    url = reverse("api-plans", kwargs={"org": "voorbeeld"})
    statuses = [client.get(url, REMOTE_ADDR="203.0.113.9").status_code for _n in range(5)]
    assert statuses == [403] * 3 + [429] * 2
    assert client.get(url, REMOTE_ADDR="203.0.113.10").status_code == 403


# -- password change, reset, invitations -------------------------------------------------


def test_a_user_changes_their_password(demo, client, login):
    set_password(READER, "het-oude-wachtwoord-1")
    login(READER)
    assert "Wachtwoord wijzigen" in client.get(reverse("accounts:account")).content.decode()
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "het-oude-wachtwoord-1",
            "new_password1": "het-nieuwe-wachtwoord-2",
            "new_password2": "het-nieuwe-wachtwoord-2",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    client.logout()
    request = HttpRequest()
    assert not client.login(request=request, username=READER, password="het-oude-wachtwoord-1")
    assert client.login(request=HttpRequest(), username=READER, password="het-nieuwe-wachtwoord-2")


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0).split("://", 1)[1].split("/", 1)[1]


def test_password_reset_by_email_works_once(demo, client, mailoutbox):
    set_password(READER, "vergeten-wachtwoord-1")
    known = client.post(reverse("password_reset"), {"email": READER})
    unknown = client.post(reverse("password_reset"), {"email": "niemand@voorbeeld.be"})
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [READER]
    assert mailoutbox[0].subject == "Koers: kies een nieuw wachtwoord"
    done = client.get(reverse("password_reset_done")).content.decode()
    assert "Kijk in uw mailbox" in done

    link = "/" + _link(mailoutbox[0])
    form_page = client.get(link, follow=True)
    assert "Kies een nieuw wachtwoord" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_url,
        {"new_password1": "nieuw-wachtwoord-22", "new_password2": "nieuw-wachtwoord-22"},
    )
    assert response["Location"] == reverse("password_reset_complete")
    assert client.login(request=HttpRequest(), username=READER, password="nieuw-wachtwoord-22")
    client.logout()
    again = client.get(link, follow=True).content.decode()
    assert "Deze link werkt niet meer" in again


def test_an_invited_member_chooses_a_password_and_logs_in(demo, client, mailoutbox, clock):
    admin = Actor.member(demo.membership(ADMIN))
    services.add_member(
        demo.voorbeeld, {"email": "Nieuw@Voorbeeld.be", "role": "editor"}, actor=admin
    )
    user = get_user_model().objects.get(email="nieuw@voorbeeld.be")
    assert not user.has_usable_password()
    (message,) = mailoutbox
    assert message.to == ["nieuw@voorbeeld.be"]
    assert message.subject == "Uitnodiging voor Koers van Gemeente Voorbeeld"
    assert "De link werkt één keer en 7 dagen lang." in message.body
    link = "/" + _link(message)

    page = client.get(link, follow=True)
    assert "Welkom bij Koers" in page.content.decode()
    response = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "mijn-eigen-wachtwoord", "new_password2": "mijn-eigen-wachtwoord"},
    )
    assert response["Location"] == reverse("invitation_complete")
    logged_in = attempt(client, "nieuw@voorbeeld.be", "mijn-eigen-wachtwoord")
    assert logged_in.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    assert "Deze link werkt niet meer" in client.get(link, follow=True).content.decode()


def test_an_invitation_expires(demo, client, mailoutbox, clock, settings):
    settings.KOERS_INVITATION_DAYS = 3
    admin = Actor.member(demo.membership(ADMIN))
    services.add_member(
        demo.voorbeeld, {"email": "laat@voorbeeld.be", "role": "reader"}, actor=admin
    )
    link = "/" + _link(mailoutbox[0])
    clock.shift(timedelta(days=2, hours=23))
    assert "Welkom bij Koers" in client.get(link, follow=True).content.decode()
    clock.shift(timedelta(hours=2))
    assert "Deze link werkt niet meer" in client.get(link, follow=True).content.decode()


def test_an_admin_sends_an_expired_invitation_again(demo, client, login, mailoutbox, clock):
    admin = Actor.member(demo.membership(ADMIN))
    membership = services.add_member(
        demo.voorbeeld, {"email": "traag@voorbeeld.be", "role": "reader"}, actor=admin
    )
    old_link = "/" + _link(mailoutbox[0])
    clock.shift(timedelta(days=8))
    members = reverse("accounts:members", kwargs={"org": "voorbeeld"})
    page = login(ADMIN).get(members).content.decode()
    assert "uitgenodigd" in page and "Uitnodiging opnieuw sturen" in page
    url = reverse("accounts:member_invite", kwargs={"org": "voorbeeld", "pk": membership.pk})
    assert client.post(url)["Location"] == members
    assert [message.to for message in mailoutbox] == [["traag@voorbeeld.be"]] * 2
    client.logout()
    assert "Deze link werkt niet meer" in client.get(old_link, follow=True).content.decode()
    assert (
        "Welkom bij Koers" in client.get("/" + _link(mailoutbox[1]), follow=True).content.decode()
    )
    # Someone who has chosen a password gets no new link.
    reader = demo.membership(READER)
    login(ADMIN).post(
        reverse("accounts:member_invite", kwargs={"org": "voorbeeld", "pk": reader.pk})
    )
    assert len(mailoutbox) == 2


def test_the_members_page_no_longer_asks_for_a_password(demo, login):
    page = login(ADMIN).get(reverse("accounts:members", kwargs={"org": "voorbeeld"}))
    text = page.content.decode()
    assert 'type="password"' not in text
    assert "krijgt een e-mail met een link om een wachtwoord te kiezen" in text


# -- two-step verification ---------------------------------------------------------------


def code_for(device: TOTPDevice, ahead: int = 0) -> str:
    """The code an authenticator app shows now (or ``ahead`` steps of 30 seconds later)."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=ahead)
    return f"{code:06d}"


def enrol(client, clock) -> tuple[TOTPDevice, list[str]]:
    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert "<svg" in page and 'autocomplete="one-time-code"' in page
    device = TOTPDevice.objects.get(confirmed=False)
    assert two_factor.secret_text(device) in page
    wrong = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert "Deze code klopt niet" in wrong.content.decode()
    clock.shift(timedelta(seconds=31))  # a wrong code makes the next one wait a second
    response = client.post(reverse("accounts:two_factor_setup"), {"code": code_for(device)})
    assert response["Location"] == reverse("accounts:recovery_codes")
    codes_page = client.get(reverse("accounts:recovery_codes")).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


def log_in_with_password(client, email, password="een-sterk-wachtwoord-9"):
    response = attempt(client, email, password)
    assert response["Location"] == reverse("two_factor_code")
    assert "_auth_user_id" not in client.session  # not logged in before the code
    return response


def test_enrol_then_log_in_with_a_code(demo, client, login, clock):
    set_password(READER)
    login(READER)
    device, _codes = enrol(client, clock)
    client.logout()

    log_in_with_password(client, READER)
    page = client.get(reverse("two_factor_code")).content.decode()
    assert 'autocomplete="one-time-code"' in page and 'for="id_code"' in page
    wrong = client.post(reverse("two_factor_code"), {"code": "123456"})
    assert "Deze code klopt niet" in wrong.content.decode()
    assert 'role="alert"' in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    clock.shift(timedelta(seconds=40))
    response = client.post(reverse("two_factor_code"), {"code": code_for(device)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(device.user_id)
    assert client.session["otp_device_id"] == device.persistent_id


def test_wrong_codes_make_the_next_try_wait_and_the_password_step_expires(
    demo, client, login, clock
):
    set_password(READER)
    login(READER)
    device, _codes = enrol(client, clock)
    client.logout()

    log_in_with_password(client, READER)
    for wait in (1, 2, 4):  # each wrong code doubles the wait before the next is checked
        client.post(reverse("two_factor_code"), {"code": "000000"})
        if wait < 4:
            clock.shift(timedelta(seconds=wait + 0.5))
    next_code = code_for(device, ahead=1)  # the app's next code: not the one used to enrol
    refused = client.post(reverse("two_factor_code"), {"code": next_code})
    assert "Te veel verkeerde codes. Wacht 4 seconden en probeer opnieuw." in (
        refused.content.decode()
    )
    assert "_auth_user_id" not in client.session
    clock.shift(timedelta(seconds=4.5))
    assert client.post(reverse("two_factor_code"), {"code": next_code}).status_code == 302
    client.logout()

    log_in_with_password(client, READER)
    clock.shift(timedelta(minutes=6))
    late = client.post(reverse("two_factor_code"), {"code": code_for(device)})
    assert late["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_works_once(demo, client, login, clock):
    set_password(READER)
    login(READER)
    _device, codes = enrol(client, clock)
    client.logout()

    log_in_with_password(client, READER)
    response = client.post(reverse("two_factor_code"), {"code": codes[0].upper()})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert two_factor.recovery_codes_left(get_user_model().objects.get(email=READER)) == 9
    client.logout()

    clock.shift(timedelta(minutes=1))
    log_in_with_password(client, READER)
    again = client.post(reverse("two_factor_code"), {"code": codes[0]})
    assert again.status_code == 200 and "_auth_user_id" not in client.session
    clock.shift(timedelta(minutes=1))
    assert client.post(reverse("two_factor_code"), {"code": codes[1]}).status_code == 302


def test_switching_off_needs_a_code(demo, client, login, clock):
    set_password(READER)
    login(READER)
    device, _codes = enrol(client, clock)
    refused = client.post(reverse("accounts:two_factor_off"), {"off-code": "111111"})
    assert refused.status_code == 400
    assert two_factor.has_second_factor(device.user)
    clock.shift(timedelta(seconds=60))
    response = client.post(reverse("accounts:two_factor_off"), {"off-code": code_for(device)})
    assert response["Location"] == reverse("accounts:account")
    assert not two_factor.has_second_factor(device.user)
    client.logout()
    assert attempt(client, READER, "een-sterk-wachtwoord-9")["Location"] == reverse("accounts:home")


def test_an_organisation_requiring_two_factor_sends_its_admin_to_enrolment(
    demo, client, login, clock
):
    plans = reverse("plans:plan_list", kwargs={"org": "voorbeeld"})
    login(ADMIN)
    assert client.get(plans).status_code == 200
    response = client.post(
        reverse("accounts:two_factor_policy", kwargs={"org": "voorbeeld"}),
        {"two_factor_required": "on"},
    )
    assert response.status_code == 302
    demo.voorbeeld.refresh_from_db()
    assert demo.voorbeeld.two_factor_required

    refused = client.get(plans)
    assert refused["Location"] == reverse("accounts:two_factor_setup") + "?next=" + plans
    api = client.get(reverse("api-plans", kwargs={"org": "voorbeeld"}))
    assert api.status_code == 200  # the API is read-only and has its own keys
    # Readers and editors are not concerned by the rule.
    login(READER)
    assert client.get(plans).status_code == 200

    # After enrolment the admin gets in; a new session of an admin with a device must
    # give the code first.
    login(ADMIN)
    device, _codes = enrol(client, clock)
    assert client.get(plans).status_code == 200
    client.logout()
    login(ADMIN)
    assert client.get(plans)["Location"] == reverse("two_factor_code") + "?next=" + plans
    clock.shift(timedelta(seconds=60))
    response = client.post(
        reverse("two_factor_code") + "?next=" + plans, {"code": code_for(device), "next": plans}
    )
    assert response["Location"] == plans
    assert client.get(plans).status_code == 200


def test_only_admins_set_the_rule(demo, login):
    url = reverse("accounts:two_factor_policy", kwargs={"org": "voorbeeld"})
    response = login("coordinator@voorbeeld.be").post(url, {"two_factor_required": "on"})
    assert response.status_code == 403
    demo.voorbeeld.refresh_from_db()
    assert not demo.voorbeeld.two_factor_required


# -- idle sessions -----------------------------------------------------------------------


def test_a_session_ends_after_the_idle_time(demo, client, clock, settings):
    assert settings.KOERS_SESSION_IDLE_MINUTES == 60
    set_password(READER)
    attempt(client, READER, "een-sterk-wachtwoord-9")
    plans = reverse("plans:plan_list", kwargs={"org": "voorbeeld"})
    assert client.get(plans).status_code == 200
    clock.shift(timedelta(minutes=59))
    assert client.get(plans).status_code == 200  # activity moves the idle time on
    clock.shift(timedelta(minutes=59))
    assert client.get(plans).status_code == 200
    clock.shift(timedelta(minutes=61))
    response = client.get(plans)
    assert response["Location"] == reverse("login") + "?next=" + plans
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "U bent afgemeld na 60 minuten zonder activiteit." in page


def test_the_wait_after_many_wrong_codes_stops_growing(demo, client, login, clock):
    set_password(READER)
    login(READER)
    device, _codes = enrol(client, clock)
    client.logout()
    device.refresh_from_db()
    device.throttling_failure_count = 40  # without a limit: 2^39 seconds, 17,000 years
    device.throttling_failure_timestamp = timezone.now()
    device.save()
    user = device.user
    assert two_factor.wait_seconds(user) == 512  # 1, 2, 4 … 512: the last step below 900 s
    clock.shift(timedelta(seconds=513))
    log_in_with_password(client, READER)
    response = client.post(reverse("two_factor_code"), {"code": code_for(device)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
