"""Signing in through the organisation's own OpenID Connect provider in a browser, and the
provider console at a phone's width (axe-core)."""

import pytest

from koers.accounts.actor import Actor
from koers.hosting.services import save_single_sign_on
from tests.browser.checks import problems
from tests.oidc_provider.run import oidc_provider


@pytest.fixture
def provider(tmp_path, live_server):
    callback = f"{live_server.url}/accounts/sso/callback/"
    signed_out = f"{live_server.url}/accounts/sso/signed-out/"
    people = [{"email": "admin@voorbeeld.be", "first_name": "Anna", "last_name": "Admin"}]
    with oidc_provider(tmp_path, people, [callback], [signed_out]) as running:
        yield running


def test_a_member_signs_in_through_the_organisations_provider(
    page, live_server, browser_demo, provider, screenshot
):
    from koers.accounts.models import Organisation

    save_single_sign_on(
        Organisation.objects.get(slug="voorbeeld"),
        {
            "enabled": True,
            "issuer": provider.issuer,
            "client_id": provider.client_id,
            "client_secret": provider.client_secret,
        },
        actor=Actor.system(),
    )
    page.goto(f"{live_server.url}/app/voorbeeld/dashboard/")
    assert "/accounts/login/" in page.url
    button = page.locator("#sso-sign-in")
    assert button.inner_text() == "Aanmelden met Gemeente Voorbeeld"
    screenshot("sso-login-page")
    button.click()
    page.wait_for_url(f"{provider.issuer.rsplit('/o', 1)[0]}/login/**")
    page.fill("#id_username", "admin@voorbeeld.be")
    page.fill("#id_password", provider.password)
    page.click("#provider-sign-in")
    page.wait_for_url(f"{live_server.url}/app/voorbeeld/dashboard/")
    assert page.locator("h1").first.inner_text() != ""
    assert "Anna" in page.locator(".k-header__user").inner_text()
    screenshot("sso-signed-in-dashboard")
    # Signing out goes on to the provider, which ends its session and sends the person back.
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_url(f"{live_server.url}/accounts/sso/signed-out/")
    signed_out = page.inner_text("#signed-out")
    assert "Je bent afgemeld bij Koers en bij de aanmeldingsdienst" in signed_out
    screenshot("sso-signed-out")
    assert problems(page, "signed out") == []
    page.goto(f"{live_server.url}/accounts/sso/org/voorbeeld/go/")
    page.wait_for_url(f"{provider.issuer.rsplit('/o', 1)[0]}/login/**")  # asked again


def signed_in_session(page, live_server, email: str) -> None:
    """The browser gets a signed-in session of ``email`` (the password login has tests of
    its own; these look at the pages behind it)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    user = get_user_model().objects.get(email=email)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session.session_key}
    page.context.add_cookies([{**cookie, "url": live_server.url}])


def test_the_provider_console_passes_axe_at_a_phones_width(
    page, live_server, browser_demo, screenshot
):
    page.set_viewport_size({"width": 390, "height": 844})
    signed_in_session(page, live_server, "provider@voorbeeld.be")
    page.goto(f"{live_server.url}/app/")
    assert page.url == f"{live_server.url}/provider/"
    assert "Gemeente Proefdorp" in page.locator("#organisations").inner_text()
    screenshot("provider-console-phone")
    found = problems(page, "console")
    for address, where in (
        ("/provider/new/", "new organisation"),
        ("/provider/voorbeeld/", "organisation"),
        ("/provider/voorbeeld/settings/", "name, kind and terminology"),
        ("/provider/voorbeeld/delete/", "delete"),
        ("/accounts/sso/org/voorbeeld/", "sign-in page"),
    ):
        response = page.goto(live_server.url + address)
        if where == "sign-in page":  # single sign-on is off in the demo
            assert response.status == 404
            continue
        assert response.status == 200, where
        found += problems(page, where)
    assert found == []
