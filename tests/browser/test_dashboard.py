"""The dashboard in a browser: the coordinator and a council member land on it after signing
in, and it fits 1280 and 390 px without sideways scrolling and without serious or critical
axe-core violations, with indicator tiles, a delayed item and the budget chart. Screenshots
go to test-artifacts/dashboard/."""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.checks import problems as _problems

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parents[2] / "test-artifacts" / "dashboard"
WIDTHS = {"desk": 1280, "phone": 390}


def _indicators():
    """Three indicators linked to the demo plan: one on target, one off, one without values."""
    from koers.accounts.actor import Actor
    from koers.accounts.models import Organisation
    from koers.indicators import services
    from koers.indicators.models import Indicator
    from koers.plans.models import PlanItem

    organisation = Organisation.objects.get(slug="voorbeeld")
    # Only these three: the demo's own cijferdatabank would fill the tiles off target first.
    Indicator.objects.filter(organisation=organisation).delete()
    actor = Actor.system()
    goals = list(PlanItem.objects.filter(plan__organisation=organisation, depth=2))
    for number, (code, name, values, target) in enumerate(
        (
            ("ZZ-TEV", "Tevreden inwoners over buurt en dienstverlening ZZ", ("40", "44"), 49),
            ("ZZ-BOM", "Bomen geplant ZZ", ("300", "800"), 500),
            ("ZZ-FTS", "Kilometer fietspad ZZ", (), None),
        )
    ):
        indicator = services.create_indicator(
            organisation, {"code": code, "name": name, "tolerance": Decimal(2)}, actor=actor
        )
        for year, value in zip((2024, 2025), values, strict=False):
            services.save_value(indicator, {"period": str(year), "value": value}, actor=actor)
        if target is not None:
            services.save_target(indicator, 2025, Decimal(target), actor=actor)
        services.link_indicator(goals[number], indicator, "effect", actor=actor)


@pytest.mark.parametrize("email", ["coordinator@voorbeeld.be", "reader@voorbeeld.be"])
def test_the_dashboard_is_where_coordinators_and_readers_land_and_it_fits(
    log_in, live_server, email
):
    _indicators()
    page = log_in(email)
    assert page.url == f"{live_server.url}/app/voorbeeld/dashboard/"
    expect(page.locator("h1")).to_contain_text("Dashboard")
    expect(page.locator("#goals")).to_contain_text("BD1")
    expect(page.locator("#delayed")).to_contain_text("sporthal De Bres")
    expect(page.locator("#money-figures")).to_be_attached()
    tiles = page.locator(".k-dashboard__tile")
    expect(tiles.filter(has_text="Kilometer fietspad ZZ")).to_contain_text("geen oordeel")
    expect(tiles.filter(has_text="Bomen geplant ZZ")).to_contain_text("op koers")
    expect(tiles.first).to_contain_text("niet op koers")  # off target first
    role = email.split("@")[0]
    if role == "reader":
        expect(page.locator("#approved-only")).to_be_visible()
    problems = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width_name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/app/voorbeeld/dashboard/")
        page.screenshot(path=str(SHOTS / f"{role}-{width_name}.png"), full_page=True)
        problems += _problems(page, f"{role} {width_name}")
    # the filters: one department, then its figures only
    page.select_option("#filter-department", label="Omgeving")
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_url("**department=*")
    expect(page.locator("#filter-department option:checked")).to_have_text("Omgeving")
    expect(page.locator("#per-department")).to_contain_text("Omgeving")
    problems += _problems(page, f"{role} phone filtered")
    assert not problems, "\n".join(problems)
