"""Signing in through an organisation's own OpenID Connect provider, against a real
provider (django-oauth-toolkit, tests/oidc_provider/) running in its own process."""

import html
import re
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from axes.models import AccessAttempt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation

from koers.accounts.actor import Actor
from koers.accounts.models import Membership, Role
from koers.audit.models import AuditEntry
from koers.audit.sentences import sentence
from koers.hosting import oidc
from koers.hosting.models import SingleSignOn
from koers.hosting.services import save_single_sign_on
from tests.factories import MembershipFactory, OrganisationFactory
from tests.oidc_provider.run import oidc_provider

# The provider in its own process keeps the real clock; so must Koers to accept its tokens.
pytestmark = pytest.mark.real_clock

CALLBACK = "http://testserver/accounts/sso/callback/"
SIGNED_OUT = "http://testserver/accounts/sso/signed-out/"
PEOPLE = [
    {"email": "alice@a.be", "first_name": "Alice", "last_name": "Aa"},
    {"email": "CAROL@A.be", "first_name": "Carol", "last_name": "Cc"},
    {"email": "new@a.be", "first_name": "Nieuw", "last_name": "Lid"},
    {"email": "bob@b.be", "first_name": "Bob", "last_name": "Bb"},
    {"email": "twijfel@a.be", "first_name": "Twijfel", "last_name": "unverified"},
]


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    directory = tmp_path_factory.mktemp("oidc")
    with oidc_provider(directory, PEOPLE, [CALLBACK], [SIGNED_OUT]) as running:
        yield running


@pytest.fixture
def world(db, provider):
    a = OrganisationFactory(name="Gemeente A", slug="gemeente-a")
    b = OrganisationFactory(name="Gemeente B", slug="gemeente-b")
    alice = MembershipFactory(
        organisation=a, role=Role.COORDINATOR, user__username="alice", user__email="alice@a.be"
    )
    carol = MembershipFactory(organisation=a, user__username="carol", user__email="carol@a.be")
    bob = MembershipFactory(
        organisation=b, role=Role.ADMIN, user__username="bob", user__email="bob@b.be"
    )
    sso = save_single_sign_on(
        a,
        {
            "enabled": True,
            "issuer": provider.issuer,
            "client_id": provider.client_id,
            "client_secret": provider.client_secret,
            "scopes": "openid email profile",
            "email_claim": "email",
            "create_members": False,
            "default_role": Role.READER,
        },
        actor=Actor.system(),
    )
    return {"a": a, "b": b, "alice": alice, "carol": carol, "bob": bob, "sso": sso}


def at_provider(start: str, email: str, password: str, browser=None) -> str:
    """Sign in at the provider as a person would (in ``browser``, a requests session that
    keeps the provider's cookies); the address it sends back to Koers."""
    browser = browser or requests.Session()
    response = browser.get(start, allow_redirects=False)
    assert response.status_code == 302, response.text[:500]
    login = urlsplit(start)._replace(path="", query="").geturl() + response.headers["Location"]
    page = browser.get(login)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    nxt = parse_qs(urlsplit(login).query)["next"][0]
    response = browser.post(
        login,
        data={"username": email, "password": password, "csrfmiddlewaretoken": token, "next": nxt},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    back = browser.get(
        urlsplit(start)._replace(path="", query="").geturl() + response.headers["Location"],
        allow_redirects=False,
    )
    assert back.status_code == 302, back.text[:500]
    return back.headers["Location"]


def sign_in(
    client, provider, email: str, org: str = "gemeente-a", next_url: str = "", browser=None
):
    start = client.get(reverse("sso:go", kwargs={"org": org}), {"next": next_url})
    assert start.status_code == 302
    back = at_provider(start["Location"], email, provider.password, browser)
    assert back.startswith(CALLBACK)
    return client.get(back.removeprefix("http://testserver"))


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def test_the_way_to_the_provider_carries_state_nonce_and_a_pkce_challenge(client, world):
    response = client.get(reverse("sso:go", kwargs={"org": "gemeente-a"}))
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 40 and len(query["nonce"][0]) >= 40
    assert query["redirect_uri"] == [CALLBACK]
    assert query["client_id"] == [world["sso"].client_id]


def test_a_member_signs_in_and_lands_on_the_organisation(client, world, provider):
    response = sign_in(client, provider, "alice@a.be")
    assert response.status_code == 302, re.findall(
        r'id="sso-refusal">([^<]*)', response.content.decode()
    )
    assert response["Location"] == "/app/gemeente-a/"
    assert signed_in_user(client) == world["alice"].user
    entry = AuditEntry.objects.get(action="hosting.single_sign_on.signed_in")
    assert entry.organisation == world["a"]
    assert entry.data["created"] is False
    with translation.override("nl"):
        assert (
            sentence(entry) == "alice meldde zich aan via de aanmeldingsdienst van de organisatie."
        )
    assert client.get("/app/gemeente-a/plans/").status_code == 200


def test_the_email_address_matches_whatever_its_case(client, world, provider):
    response = sign_in(client, provider, "CAROL@A.be")
    assert response.status_code == 302
    assert signed_in_user(client) == world["carol"].user


def test_an_unknown_person_is_refused_when_the_organisation_does_not_add_people(
    client, world, provider
):
    response = sign_in(client, provider, "new@a.be")
    assert response.status_code == 403
    text = response.content.decode()
    assert "new@a.be is geen lid van Gemeente A in Koers" in text
    assert signed_in_user(client) is None
    assert not get_user_model().objects.filter(email="new@a.be").exists()
    refused = AuditEntry.objects.get(action="hosting.single_sign_on.refused")
    assert refused.organisation == world["a"] and refused.object_label == "new@a.be"
    with translation.override("nl"):
        assert sentence(refused) == (
            "Een aanmelding van “new@a.be” via de aanmeldingsdienst van de organisatie werd "
            "geweigerd. Reden: new@a.be is geen lid van Gemeente A in Koers. Vraag een "
            "beheerder van Gemeente A om je toe te voegen."
        )


def test_an_unknown_person_becomes_a_member_with_the_default_role_when_allowed(
    client, world, provider
):
    values = {"create_members": True, "default_role": Role.EDITOR}
    save_single_sign_on(world["a"], values, actor=Actor.system())
    response = sign_in(client, provider, "new@a.be")
    assert response.status_code == 302
    user = signed_in_user(client)
    assert (user.email, user.first_name, user.last_name) == ("new@a.be", "Nieuw", "Lid")
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role) == (world["a"], Role.EDITOR)
    assert AuditEntry.objects.get(action="hosting.single_sign_on.signed_in").data["created"]


def test_a_member_of_another_organisation_is_not_let_in_through_this_provider(
    client, world, provider
):
    save_single_sign_on(world["a"], {"create_members": True}, actor=Actor.system())
    response = sign_in(client, provider, "bob@b.be")
    assert response.status_code == 403
    assert "Er is al een Koers-account voor bob@b.be" in response.content.decode()
    assert signed_in_user(client) is None
    assert not Membership.objects.filter(user=world["bob"].user, organisation=world["a"]).exists()


def test_a_person_organisation_a_made_a_member_signs_in_to_a_only(client, world, provider):
    MembershipFactory(organisation=world["a"], user=world["bob"].user)
    response = sign_in(client, provider, "bob@b.be")
    assert response.status_code == 302
    assert signed_in_user(client) == world["bob"].user
    assert client.get("/app/gemeente-a/plans/").status_code == 200
    # A's provider vouches for A only: B's pages ask for B's own sign-in.
    response = client.get("/app/gemeente-b/plans/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/app/gemeente-b/plans/")
    assert signed_in_user(client) is None


ACCOUNT_WIDE_PAGES = (
    "/app/account/",
    "/app/api-key/",
    "/app/account/two-factor/",
    "/app/account/recovery-codes/",
    "/accounts/password/change/",
)


def test_a_provider_sign_in_cannot_change_the_account_that_reaches_other_organisations(
    client, world, provider
):
    # Bob is a member of B too: A's provider vouches for him in A only, so neither his
    # password nor an API key (both reach B) can be changed from that sign-in.
    MembershipFactory(organisation=world["a"], user=world["bob"].user)
    assert sign_in(client, provider, "bob@b.be").status_code == 302
    for page in ACCOUNT_WIDE_PAGES:
        refused = client.get(page, HTTP_ACCEPT_LANGUAGE="nl")
        assert refused.status_code == 403, page
        assert "alleen voor die organisatie instaat" in refused.content.decode(), page
    assert client.post("/app/api-key/").status_code == 403
    from rest_framework.authtoken.models import Token

    assert not Token.objects.filter(user=world["bob"].user).exists()
    # Signed in another way in the same browser, the account is his again.
    client.force_login(world["bob"].user)
    assert client.get("/app/account/").status_code == 200
    assert client.get("/app/gemeente-b/plans/").status_code == 200


def test_an_unverified_email_address_is_refused(client, world, provider):
    MembershipFactory(organisation=world["a"], user__email="twijfel@a.be")
    response = sign_in(client, provider, "twijfel@a.be")
    assert response.status_code == 403
    assert signed_in_user(client) is None


def test_a_way_back_is_used_once_and_only_with_its_own_state(client, world, provider):
    start = client.get(reverse("sso:go", kwargs={"org": "gemeente-a"}))
    back = at_provider(start["Location"], "alice@a.be", provider.password)
    forged = back.replace("state=", "state=x")
    assert client.get(forged.removeprefix("http://testserver")).status_code == 403
    first = client.get(back.removeprefix("http://testserver"))
    assert first.status_code == 302
    client.logout()
    again = client.get(back.removeprefix("http://testserver"))
    assert again.status_code == 403
    assert "verlopen" in again.content.decode()
    assert signed_in_user(client) is None


def test_a_locked_name_is_refused_by_the_throttle(client, world, provider, settings):
    AccessAttempt.objects.create(
        username="alice@a.be",
        ip_address="127.0.0.1",
        user_agent="",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        http_accept="",
        failures_since_start=settings.KOERS_LOGIN_FAILURE_LIMIT,
        attempt_time=timezone.now(),
    )
    response = sign_in(client, provider, "alice@a.be")
    assert response.status_code == 429
    assert signed_in_user(client) is None


def test_the_provider_can_count_as_the_second_factor_the_organisation_requires(
    client, world, provider
):
    world["a"].two_factor_required = True
    world["a"].save()
    sign_in(client, provider, "alice@a.be")
    response = client.get("/app/gemeente-a/plans/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    client.logout()
    save_single_sign_on(world["a"], {"counts_as_second_factor": True}, actor=Actor.system())
    sign_in(client, provider, "alice@a.be")
    assert client.get("/app/gemeente-a/plans/").status_code == 200


def test_the_login_page_offers_the_organisation_of_the_asked_page(client, world):
    page = client.get("/accounts/login/?next=/app/gemeente-a/plans/").content.decode()
    assert "Aanmelden met Gemeente A" in page
    page = client.get("/accounts/login/?next=/app/gemeente-b/plans/").content.decode()
    assert "Aanmelden met" not in page


def test_the_client_secret_is_stored_encrypted_and_kept_when_left_empty(world, provider):
    sso = SingleSignOn.objects.get(organisation=world["a"])
    assert provider.client_secret.encode() not in bytes(sso.client_secret_encrypted)
    assert sso.secret() == provider.client_secret
    save_single_sign_on(
        world["a"], {"client_secret": "", "scopes": "openid email"}, actor=Actor.system()
    )
    sso.refresh_from_db()
    assert sso.secret() == provider.client_secret
    assert sso.scopes == "openid email"
    entry = AuditEntry.objects.filter(action="hosting.singlesignon.changed").latest("pk")
    assert entry.data == {"fields": ["scopes"], "secret_changed": False}


# -- the ID token check, with tokens signed here ----------------------------------------

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def keyset(key) -> dict:
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}


def token(key=KEY, algorithm="RS256", **changes) -> str:
    now = int(time.time())
    claims = {
        "iss": "https://login.example",
        "aud": "koers",
        "sub": "123",
        "iat": now,
        "exp": now + 300,
        "nonce": "n-1",
        "email": "alice@a.be",
        **changes,
    }
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": "k1"})


def check(id_token, keys=None):
    return oidc.verify_id_token(
        id_token,
        keys=keys or keyset(KEY),
        issuer="https://login.example",
        client_id="koers",
        nonce="n-1",
    )


def test_a_right_id_token_gives_its_claims():
    assert check(token())["email"] == "alice@a.be"


@pytest.mark.parametrize(
    "bad",
    [
        {"aud": "another-client"},
        {"nonce": "n-2"},
        {"iss": "https://evil.example"},
        {"exp": int(time.time()) - 3600},
        {"aud": ["koers", "another-client"], "azp": "another-client"},
    ],
    ids=["audience", "nonce", "issuer", "expired", "azp"],
)
def test_a_wrong_id_token_is_refused(bad):
    with pytest.raises(oidc.SignInRefused):
        check(token(**bad))


def test_a_token_signed_with_another_key_or_a_shared_secret_is_refused():
    with pytest.raises(oidc.SignInRefused):
        check(token(key=OTHER_KEY))
    with pytest.raises(oidc.SignInRefused):
        check(token(key="a-shared-secret-of-more-than-32-bytes", algorithm="HS256"))
    missing_nonce = token()
    with pytest.raises(oidc.SignInRefused):
        oidc.verify_id_token(
            missing_nonce,
            keys=keyset(KEY),
            issuer="https://login.example",
            client_id="koers",
            nonce="",
        )


def test_a_member_with_an_authenticator_gives_its_code_after_the_provider(client, world, provider):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world["alice"].user, name="app", confirmed=True)
    response = sign_in(client, provider, "alice@a.be")
    assert response["Location"] == reverse("two_factor_code")
    assert signed_in_user(client) is None
    response = client.post(reverse("two_factor_code"), {"code": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert response["Location"] == "/app/gemeente-a/"
    assert signed_in_user(client) == world["alice"].user
    assert client.get("/app/gemeente-a/plans/").status_code == 200
    assert client.get("/app/gemeente-b/plans/").status_code == 302  # still A's only


def test_signing_out_after_the_code_step_reaches_the_provider_too(client, world, provider):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world["alice"].user, name="app", confirmed=True)
    assert sign_in(client, provider, "alice@a.be")["Location"] == reverse("two_factor_code")
    client.post(reverse("two_factor_code"), {"code": f"{totp(device.bin_key):06d}"})
    assert signed_in_user(client) == world["alice"].user
    assert client.post(reverse("logout"))["Location"] == reverse("sso:logout")
    assert signed_in_user(client) is None


# -- a suspended organisation -------------------------------------------------------------


def test_a_suspended_organisation_signs_nobody_in(client, world, provider):
    from koers.hosting.services import set_suspended

    # Suspended while the person was at the provider: the way back is refused.
    start = client.get(reverse("sso:go", kwargs={"org": "gemeente-a"}))
    back = at_provider(start["Location"], "alice@a.be", provider.password)
    set_suspended(world["a"], True, actor=Actor.system())
    response = client.get(back.removeprefix("http://testserver"))
    assert response.status_code == 403
    assert "Aanmelden via deze organisatie is niet beschikbaar." in response.content.decode()
    assert signed_in_user(client) is None
    assert not AuditEntry.objects.filter(action="hosting.single_sign_on.signed_in").exists()
    # And no sign-in starts.
    assert client.get(reverse("sso:go", kwargs={"org": "gemeente-a"})).status_code == 404
    assert client.get(reverse("sso:start", kwargs={"org": "gemeente-a"})).status_code == 404


# -- signing out at the provider too ---------------------------------------------------------


def _signs_in_without_password(browser, client) -> bool:
    """Whether the provider still knows the browser: an authorisation goes straight back."""
    start = client.get(reverse("sso:go", kwargs={"org": "gemeente-a"}))
    response = browser.get(start["Location"], allow_redirects=False)
    return response.headers["Location"].startswith(CALLBACK)


def test_signing_out_ends_the_session_at_the_provider_too(client, world, provider):
    browser = requests.Session()
    assert sign_in(client, provider, "alice@a.be", browser=browser).status_code == 302
    assert _signs_in_without_password(browser, client)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("sso:logout")
    assert signed_in_user(client) is None  # Koers's own session ended first
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    text = page.content.decode()
    url = html.unescape(re.search(r'id="provider-logout" href="([^"]+)"', text).group(1))
    assert f'<meta http-equiv="refresh" content="0;url={html.escape(url)}">' in text
    assert url.startswith(provider.issuer + "/logout/?")
    query = parse_qs(urlsplit(url).query)
    assert query["client_id"] == [provider.client_id]
    assert query["post_logout_redirect_uri"] == [SIGNED_OUT]
    hint = jwt.decode(query["id_token_hint"][0], options={"verify_signature": False})
    assert hint["email"] == "alice@a.be" and hint["aud"] == provider.client_id
    # The provider ends its session and sends the person back to Koers.
    back = browser.get(url, allow_redirects=False)
    assert back.status_code == 302, back.text[:500]
    assert back.headers["Location"] == SIGNED_OUT
    page = client.get(back.headers["Location"].removeprefix("http://testserver"))
    assert page.status_code == 200
    assert "Je bent afgemeld bij Koers en bij de aanmeldingsdienst" in page.content.decode()
    assert not _signs_in_without_password(browser, client)
    # The way to the provider is shown once.
    assert client.get(reverse("sso:logout"))["Location"] == reverse("login")


def test_without_an_end_session_endpoint_signing_out_ends_the_koers_session_only(
    client, world, provider, monkeypatch
):
    published = oidc.discovery

    def without_logout(sso):
        return {k: v for k, v in published(sso).items() if k != "end_session_endpoint"}

    monkeypatch.setattr(oidc, "discovery", without_logout)
    browser = requests.Session()
    assert sign_in(client, provider, "alice@a.be", browser=browser).status_code == 302
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert signed_in_user(client) is None
    assert _signs_in_without_password(browser, client)


def test_a_password_session_signs_out_of_koers_only(client, world, provider):
    user = world["alice"].user
    user.set_password("een-sterk-wachtwoord-9")
    user.save()
    assert sign_in(client, provider, "alice@a.be").status_code == 302
    # A password sign-in in the same browser ends the binding to the provider.
    response = client.post(
        reverse("login"), {"username": user.username, "password": "een-sterk-wachtwoord-9"}
    )
    assert response.status_code == 302
    assert client.get(reverse("logout")).status_code == 405  # a POST only
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in_user(client) is None


def test_the_settings_page_gives_both_addresses_to_register(client, world):
    client.force_login(MembershipFactory(organisation=world["a"], role=Role.ADMIN).user)
    page = client.get(reverse("hosting:single_sign_on", kwargs={"org": "gemeente-a"}))
    text = page.content.decode()
    assert f'<code id="callback-url">{CALLBACK}</code>' in text
    assert f'<code id="signed-out-url">{SIGNED_OUT}</code>' in text
    assert "post-logout redirect URI" in text
