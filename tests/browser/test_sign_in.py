import re
from base64 import b32decode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def assert_accessible(page, what: str) -> None:
    results = Axe().run(page, options={**WCAG_AA, "resultTypes": ["violations"]})
    serious = [
        (violation["id"], [node["target"] for node in violation["nodes"]][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{what}: {serious}"


def app_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for this secret (``steps_ahead`` 30-second steps on:
    Koers accepts one step of clock difference, and never the same step twice)."""
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, drift=steps_ahead):06d}"


def test_coordinator_sets_up_two_step_verification_and_logs_in_with_a_code(
    log_in, live_server, screenshot
):
    page = log_in("coordinator@voorbeeld.be")
    page.get_by_role("link", name="Cor Coördinator").click()
    expect(page.locator("h1")).to_have_text("Uw account")
    page.get_by_role("link", name="Tweestapsverificatie instellen").click()
    expect(page.locator(".qr svg title")).to_have_text(
        "QR-code om te scannen met uw authenticator-app"
    )
    secret = page.get_by_label("Sleutel").input_value()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", secret)
    screenshot("two-factor-setup")
    assert_accessible(page, "set-up page")
    page.get_by_label("Code uit de app").fill(app_code(secret))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.locator("h1")).to_have_text("Uw herstelcodes")
    expect(page.locator(".recovery-codes li")).to_have_count(10)

    page.get_by_role("button", name="Afmelden").click()
    page.fill("#id_username", "coordinator@voorbeeld.be")
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Tweestapsverificatie")
    code = page.get_by_label("Code")
    expect(code).to_have_attribute("autocomplete", "one-time-code")
    expect(code).to_be_focused()
    code.fill("000000")
    page.get_by_role("button", name="Controleren").click()
    expect(page.get_by_role("alert")).to_contain_text("Deze code klopt niet.")
    screenshot("two-factor-login")
    assert_accessible(page, "code step with an error")
    page.wait_for_timeout(1100)  # a wrong code makes the next try wait one second
    page.get_by_label("Code").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Controleren").click()
    expect(page.locator("h1")).to_contain_text("Dashboard")  # signed in: where a coordinator lands


def test_the_lockout_page_says_when_to_try_again(page, live_server, browser_demo, screenshot):
    page.goto(f"{live_server.url}/accounts/login/")
    for _n in range(5):
        page.fill("#id_username", "reader@voorbeeld.be")
        page.fill("#id_password", "fout")
        page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Te veel aanmeldpogingen")
    expect(page.get_by_role("alert")).to_contain_text("Probeer opnieuw over 15 minuten.")
    screenshot("login-locked")
    assert_accessible(page, "lockout page")


def _app_on(email: str) -> str:
    """Two-step verification switched on with an authenticator app; its secret."""
    from django.contrib.auth import get_user_model

    from koers.accounts import two_factor

    user = get_user_model().objects.get(email=email)
    device = two_factor.pending_app(user)
    secret = two_factor.secret_text(device)
    two_factor.confirm_app(user, app_code(secret))
    return secret


def test_a_passkey_added_on_the_account_page_confirms_the_next_login(
    log_in, live_server, screenshot
):
    page = log_in("editor@voorbeeld.be")
    secret = _app_on("editor@voorbeeld.be")
    # Chromium's virtual authenticator stands in for a security key or fingerprint reader.
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    page.get_by_role("button", name="Afmelden").click()  # log in again, with the app's code
    page.fill("#id_username", "editor@voorbeeld.be")
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    page.get_by_label("Code").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Controleren").click()
    page.goto(f"{live_server.url}/app/account/")
    page.get_by_role("button", name="Passkey toevoegen").click()
    expect(page.locator("#passkey-register-status-message")).to_have_text("Registratie voltooid!")
    page.reload()
    expect(page.locator("#passkeys li")).to_have_count(1)
    screenshot("passkey-added")
    assert_accessible(page, "account page with a passkey")

    page.get_by_role("button", name="Afmelden").click()
    page.fill("#id_username", "editor@voorbeeld.be")
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Tweestapsverificatie")
    button = page.get_by_role("button", name="Mijn passkey gebruiken")
    expect(button).to_be_visible()
    screenshot("passkey-login")
    assert_accessible(page, "code step with a passkey")
    button.click()  # an action owner lands on their own updates
    expect(page.locator("h1")).to_have_text(
        "Mijn rapportering"
    )  # an action owner lands on their updates
