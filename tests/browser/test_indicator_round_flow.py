"""An indicator value through the reporting round, in a browser: the owner types it in the
progress update on a phone, the coordinator approves the update, and the value is in the
cijferdatabank and on the dashboard (counted off target, its tile first), and on the portal
once the round is published. The update form fits 390 px without sideways scrolling and
without serious or critical axe-core violations. Screenshots go to test-artifacts/indicators/."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from koers.accounts.actor import Actor
from koers.accounts.models import Membership
from koers.followup import services as followup
from koers.followup.models import ProgressUpdate
from koers.indicators import services as indicator_services
from koers.indicators.models import IndicatorValue
from tests.browser.checks import problems as _problems
from tests.browser.test_indicators_pages import SHOTS

pytestmark = pytest.mark.browser


def test_owner_reports_an_indicator_value_that_reaches_the_cijferdatabank_on_approval(
    log_in, live_server
):
    update = ProgressUpdate.objects.filter(
        round__name="Opvolging voorjaar 2026",
        item__owner__email="editor@voorbeeld.be",
        state="draft",
    ).first()
    coordinator = Actor.member(
        Membership.objects.get(
            user__email="coordinator@voorbeeld.be", organisation__slug="voorbeeld"
        )
    )
    indicator = indicator_services.create_indicator(
        update.item.plan.organisation,
        {
            "code": "00-RT",  # first of the tiles off target, by code
            "name": "Deelnemers aan de buurtactiviteiten",
            "unit": "number",
            "is_public": True,
        },
        actor=coordinator,
    )
    indicator_services.link_indicator(update.item, indicator, "output", actor=coordinator)
    indicator_services.save_target(indicator, 2026, Decimal(2000), actor=coordinator)
    base = live_server.url + "/app/voorbeeld"
    SHOTS.mkdir(parents=True, exist_ok=True)

    page = log_in("editor@voorbeeld.be")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{base}/updates/{update.pk}/")
    value = page.get_by_label("Deelnemers aan de buurtactiviteiten (getal)")
    value.fill("veel")
    page.get_by_role("button", name="Concept opslaan").click()
    # The mistake is named at the top and at the field; what was typed stays.
    expect(page.locator(".k-form-summary")).to_contain_text("geen getal")
    expect(value).to_have_value("veel")
    value.fill("1.240")
    page.screenshot(path=str(SHOTS / "round-value-phone.png"), full_page=True)
    problems = _problems(page, "update form phone")
    assert not problems, "\n".join(problems)
    page.get_by_role("button", name="Indienen").click()
    page.wait_for_url(lambda url: "/updates/" not in url)
    assert not IndicatorValue.objects.filter(indicator=indicator).exists()

    page.context.clear_cookies()
    page = log_in("coordinator@voorbeeld.be")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    dashboard = f"{base}/dashboard/?plan={update.item.plan_id}"
    page.goto(dashboard)
    off_before = _count(page, "niet op koers")
    page.goto(f"{base}/updates/{update.pk}/")
    expect(page.locator("#update-read-only")).to_contain_text(
        "Deelnemers aan de buurtactiviteiten (2026): 1.240"
    )
    page.goto(f"{base}/rounds/{update.round_id}/")
    page.locator(f"#update-{update.pk}").get_by_role("button", name="Goedkeuren").click()
    expect(page.locator(f"#update-{update.pk}")).to_contain_text("goedgekeurd")

    page.goto(f"{base}/indicators/{indicator.pk}/")
    expect(page.locator("main")).to_contain_text("1.240")
    page.screenshot(path=str(SHOTS / "round-value-approved.png"), full_page=True)
    # The dashboard counts it off target (1.240 against 2.000) and shows its tile first.
    page.goto(dashboard)
    assert _count(page, "niet op koers") == off_before + 1
    tile = page.locator(".k-dashboard__tile").first
    expect(tile).to_contain_text("Deelnemers aan de buurtactiviteiten")
    expect(tile).to_contain_text("1.240")
    expect(tile).to_contain_text("niet op koers")
    page.screenshot(path=str(SHOTS / "round-value-dashboard.png"), full_page=True)
    stored = IndicatorValue.objects.get(indicator=indicator)
    assert (stored.period, stored.round_id) == ("2026", update.round_id)

    # On the portal only once the round is published.
    portal = f"{live_server.url}/voorbeeld/cijfers/{indicator.pk}/"
    page.goto(portal)
    expect(page.locator("main")).to_contain_text("Nog geen openbare cijfers")
    round_ = update.round
    followup.close_round(round_, actor=coordinator)
    followup.publish_round(round_, actor=coordinator)
    page.goto(portal)
    expect(page.locator("main")).to_contain_text("1.240")
    page.screenshot(path=str(SHOTS / "round-value-portal.png"), full_page=True)


def _count(page, words: str) -> int:
    """A count in the dashboard's indicator heading ("(N op koers, M niet op koers)")."""
    heading = page.locator("#indicators-heading").inner_text()
    return int(re.search(rf"(\d+) {words}", heading).group(1))
