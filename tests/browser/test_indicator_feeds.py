"""Values fetched from CBS StatLine in a browser: the coordinator adds a CBS source to an
indicator, a typing mistake keeps the form filled, "Nu ophalen" fetches (from a recorded
answer, no network) and the indicator page shows the values and the outcome; the page
and the form fit 1280 and 390 px without sideways scrolling or serious or critical
axe-core violations. Screenshots go to test-artifacts/indicators/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.checks import problems as _problems
from tests.browser.test_indicators_pages import SHOTS, WIDTHS

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).parents[1] / "fixtures" / "cbs"


def test_add_a_cbs_source_and_fetch_now(log_in, live_server, monkeypatch):
    from koers.accounts.actor import Actor
    from koers.accounts.models import Organisation
    from koers.indicators import feeds, services
    from koers.indicators.models import IndicatorValue

    answers = [
        (FIXTURES / "70072NED-page-1.json").read_bytes(),
        (FIXTURES / "70072NED-page-2.json").read_bytes(),
    ]
    monkeypatch.setattr(feeds, "GETTER", lambda connector, limits: lambda url: answers.pop(0))
    organisation = Organisation.objects.get(slug="voorbeeld")
    indicator = services.create_indicator(
        organisation, {"code": "CBS-INW", "name": "Inwoners volgens het CBS"}, actor=Actor.system()
    )
    address = f"{live_server.url}/app/voorbeeld/indicators/{indicator.pk}/"
    page = log_in("coordinator@voorbeeld.be")
    page.goto(address)
    page.get_by_role("link", name="Een bron toevoegen: CBS StatLine").click()
    page.get_by_label("Tabel").fill("70072NED")
    page.get_by_label("Maatstaf").fill("M001607")
    page.locator("#id_region").fill("Enschede")
    page.get_by_label("Opsplitsingen").fill("WK015301 = Centrum\nWK015302 = Noord")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#id_region_error, .errorlist").first).to_contain_text(
        "Een regiocode zoals GM0153"
    )
    expect(page.get_by_label("Tabel")).to_have_value("70072NED")
    expect(page.get_by_label("Opsplitsingen")).to_have_value("WK015301 = Centrum\nWK015302 = Noord")
    problems = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "feed-form-error-desk.png"), full_page=True)
    problems += _problems(page, "feed form with an error")
    page.locator("#id_region").fill("GM0153")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".k-messages")).to_contain_text("De bron is toegevoegd")
    card = page.locator("#feeds")
    expect(card).to_contain_text("CBS StatLine 70072NED")
    expect(card).to_contain_text("nooit")
    card.get_by_role("button", name="Nu ophalen").click()
    expect(page.locator(".k-messages")).to_contain_text("op de achtergrond opgehaald")
    expect(page.locator("#feeds")).to_contain_text("9 nieuwe, 0 gewijzigde, 0 ongewijzigde waarden")
    assert IndicatorValue.objects.filter(indicator=indicator, source_kind="fetched").count() == 9
    expect(page.locator("body")).to_contain_text("CBS StatLine 70072NED, ")
    for width_name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(address)
        page.screenshot(path=str(SHOTS / f"indicator-feed-{width_name}.png"), full_page=True)
        problems += _problems(page, f"indicator page {width_name}")
        page.goto(f"{address}feeds/{indicator.feeds.get().pk}/")
        page.screenshot(path=str(SHOTS / f"feed-form-{width_name}.png"), full_page=True)
        problems += _problems(page, f"feed form {width_name}")
    assert not problems, "\n".join(problems)
