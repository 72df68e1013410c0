"""The page of feed keys in a browser: an administrator makes a key for a reader, sees it
once, a BI client reads the feed with it, and revoking it closes the feed. The page fits
1280 and 390 px without sideways scrolling or serious axe-core violations. Screenshots go
to test-artifacts/screenshots/bi-feed-*.png."""

import csv
import io

import pytest
import requests

from tests.browser.checks import problems as _problems

pytestmark = pytest.mark.browser


def test_an_administrator_makes_a_feed_key_a_client_reads_with_it_and_revokes_it(
    log_in, live_server, screenshot
):
    page = log_in("admin@voorbeeld.be")
    page.goto(f"{live_server.url}/app/voorbeeld/plans/")
    page.get_by_role("link", name="BI-feed").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "BI-feed"
    page.fill("#id_name", "Dashboard gemeenteraad")
    from koers.accounts.models import Membership

    reader = Membership.objects.get(
        user__email="reader@voorbeeld.be", organisation__slug="voorbeeld"
    )
    page.select_option("#id_membership", value=str(reader.pk))
    page.get_by_role("button", name="Maak een sleutel").click()
    page.wait_for_load_state()
    key = page.input_value("#new-key")
    assert key.startswith("kf_")
    problems = []
    for name, width in (("desk", 1280), ("phone", 390)):
        page.set_viewport_size({"width": width, "height": 900})
        problems += _problems(page, f"feed keys {name}")
        screenshot(f"bi-feed-keys-{name}")
    assert problems == []

    answer = requests.get(
        f"{live_server.url}/api/v1/voorbeeld/feed/plans.csv",
        headers={"Authorization": f"Token {key}"},
        timeout=10,
    )
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [row["title"] for row in rows] != [] and "plan_id" in rows[0]

    page.reload()
    assert page.locator("#new-key").count() == 0  # shown once
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Intrekken: Dashboard gemeenteraad").click()
    page.wait_for_load_state()
    assert "werkt niet meer" in page.locator(".k-messages").inner_text()
    refused = requests.get(
        f"{live_server.url}/api/v1/voorbeeld/feed/plans.csv",
        headers={"Authorization": f"Token {key}"},
        timeout=10,
    )
    assert refused.status_code == 401
