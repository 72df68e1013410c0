"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium), headless.

Screenshots go to test-artifacts/screenshots/ for people to look at.
"""

import shutil
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("Debian's chromium package is not installed (scripts/install-debian-packages).")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_chromium(), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page; the test fails when the page reports a Content-Security-Policy violation."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-BE")
    page = context.new_page()
    page.set_default_timeout(15000)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def browser_demo(transactional_db):
    from koers.demo.services import load_demo
    from koers.sdgs.models import SDGGoal, SDGTarget
    from koers.sdgs.reference import load_reference

    # Transactional tests empty every table afterwards, the migrated SDG data included.
    load_reference(SDGGoal, SDGTarget)
    load_demo()


@pytest.fixture
def log_in(page, live_server, browser_demo):
    def as_user(email: str):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", email)
        page.fill("#id_password", "demo")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    return as_user
