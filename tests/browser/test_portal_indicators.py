"""The public cijferdatabank in a browser: the list and an indicator page fit 1280 and
390 px without sideways scrolling and without serious or critical axe-core violations.
Screenshots go to test-artifacts/indicators/."""

import pytest
from playwright.sync_api import expect

from koers.accounts.actor import Actor
from koers.accounts.models import Membership, Organisation
from koers.indicators import services
from tests.browser.checks import problems as _problems
from tests.browser.test_indicators_pages import SHOTS, WIDTHS

pytestmark = pytest.mark.browser


def test_the_public_cijferdatabank_reads_well_on_desk_and_phone(page, live_server, browser_demo):
    organisation = Organisation.objects.get(slug="voorbeeld")
    coordinator = Actor.member(
        Membership.objects.get(user__email="coordinator@voorbeeld.be", organisation=organisation)
    )
    indicator = services.create_indicator(
        organisation,
        {
            "code": "PB-1",
            "name": "Inwoners die zich veilig voelen in hun buurt",
            "unit": "percent",
            "is_public": True,
            "definition": "Aandeel inwoners dat zich meestal of altijd veilig voelt.",
            "source": "Burgerbevraging",
        },
        actor=coordinator,
    )
    for year, own, region in ((2021, "71", "74"), (2022, "73", "74,5"), (2023, "76", "75")):
        services.save_value(indicator, {"period": str(year), "value": own}, actor=coordinator)
        values = {"period": str(year), "value": region, "series": "Vlaams Gewest"}
        services.save_value(indicator, values, actor=coordinator)
        values = {"period": str(year), "value": own, "breakdown": "Deelgemeente Noord"}
        services.save_value(indicator, values, actor=coordinator)
    pages = {
        "portal-cijfers": f"{live_server.url}/voorbeeld/cijfers/",
        "portal-indicator": f"{live_server.url}/voorbeeld/cijfers/{indicator.pk}/",
    }
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for width_name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        for name, address in pages.items():
            page.goto(address)
            page.screenshot(path=str(SHOTS / f"{name}-{width_name}.png"), full_page=True)
            problems += _problems(page, f"{name} {width_name}")
    assert not problems, "\n".join(problems)
    expect(page.locator("#indicator-chart")).to_be_visible()
    expect(page.locator("#benchmark-table")).to_contain_text("Vlaams Gewest")
