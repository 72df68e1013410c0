"""The cijferdatabank in a browser: the coordinator imports values through the preview,
then the catalogue, an indicator page and an item page with its indicators fit 1280 and
390 px without sideways scrolling and without serious or critical axe-core violations.
Screenshots go to test-artifacts/indicators/."""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.checks import problems as _problems

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parents[2] / "test-artifacts" / "indicators"
WIDTHS = {"desk": 1280, "phone": 390}


def test_import_then_read_the_cijferdatabank(log_in, live_server, tmp_path):
    from koers.accounts.actor import Actor
    from koers.accounts.models import Organisation
    from koers.indicators import services
    from koers.indicators.models import IndicatorValue
    from koers.plans.models import PlanItem

    organisation = Organisation.objects.get(slug="voorbeeld")
    actor = Actor.system()
    indicator = services.create_indicator(
        organisation,
        {"code": "TEV", "name": "Tevreden inwoners", "unit": "percent", "decimals": 1,
         "theme": "Samenleven", "tolerance": Decimal(2)},
        actor=actor,
    )  # fmt: skip
    services.create_indicator(
        organisation,
        {"code": "AFV", "name": "Restafval per inwoner (kg)", "direction": "lower"},
        actor=actor,
    )
    for year in (2024, 2025, 2026):
        services.save_target(indicator, year, Decimal(45 + year - 2024), actor=actor)
    goal = PlanItem.objects.filter(plan__organisation=organisation, depth=2).first()
    services.link_indicator(goal, indicator, "effect", actor=actor)

    page = log_in("coordinator@voorbeeld.be")
    page.goto(f"{live_server.url}/app/voorbeeld/indicators/import/")
    sheet = tmp_path / "cijfers.csv"
    sheet.write_text(
        "Indicator;Wijk;Reeks;2021;2022;2023;2024;2025\n"
        "TEV;;;40;41,5;43;44,2;46,5\n"
        "TEV;Noord;;38;39;41;42;44\n"
        "TEV;;Vlaams Gewest;42;42,5;43;43,5;44\n"
        "AFV;;;160;155;151;149;140\n",
        encoding="utf-8",
    )
    page.set_input_files("#id_file", str(sheet))
    page.get_by_role("button", name="Bestand lezen").click()
    expect(page.locator("#import-summary")).to_contain_text("20 nieuwe waarden")
    page.get_by_role("button", name="Deze waarden laden").click()
    expect(page.locator(".k-messages")).to_contain_text("De waarden zijn geladen: 20 nieuw")
    imported = IndicatorValue.objects.filter(
        indicator__organisation=organisation, indicator__code__in=["TEV", "AFV"]
    )
    assert imported.count() == 20
    row = page.locator('tr[data-indicator="TEV"]')
    expect(row).to_contain_text("46,5 %")
    expect(row).to_contain_text("op koers")

    problems = []
    pages = {
        "catalogue": f"{live_server.url}/app/voorbeeld/indicators/",
        "indicator": f"{live_server.url}/app/voorbeeld/indicators/{indicator.pk}/",
        "item": f"{live_server.url}/app/voorbeeld/items/{goal.pk}/#item-indicators",
    }
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width_name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        for name, address in pages.items():
            page.goto(address)
            page.screenshot(path=str(SHOTS / f"{name}-{width_name}.png"), full_page=True)
            problems += _problems(page, f"{name} {width_name}")
    assert not problems, "\n".join(problems)
    page.goto(pages["indicator"])
    expect(page.locator("#indicator-chart")).to_be_visible()
    expect(page.locator("#benchmark-table")).to_contain_text("Vlaams Gewest")
