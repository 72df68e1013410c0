import pytest
from playwright.sync_api import expect

from koers.followup.models import ProgressUpdate

pytestmark = pytest.mark.browser


def test_owner_writes_coordinator_returns_owner_fixes_and_reader_sees_it(
    log_in, live_server, screenshot
):
    update = ProgressUpdate.objects.filter(
        round__name="Opvolging voorjaar 2026",
        item__owner__email="editor@voorbeeld.be",
        state="draft",
    ).first()
    title = update.item.title

    def switch_to(email):
        page = log_in(email)
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    page = switch_to("editor@voorbeeld.be")
    page.get_by_role("link", name="Mijn rapportering").click()
    page.get_by_role("link", name=title).first.click()
    page.locator("trix-editor").click()
    page.keyboard.type("We hebben de eerste werkgroep samengeroepen.")
    page.fill("#id_percent", "25")
    screenshot("update-form")
    page.get_by_role("button", name="Indienen").click()
    expect(page.locator("#inbox-count")).to_be_visible()

    page.context.clear_cookies()
    page = switch_to("coordinator@voorbeeld.be")
    page.goto(f"{live_server.url}/app/voorbeeld/rounds/{update.round_id}/")
    row = page.locator(f"#update-{update.pk}")
    expect(row).to_contain_text("ingediend")
    row.get_by_placeholder("Opmerking voor de eigenaar").fill("Voeg de volgende stap toe.")
    row.get_by_role("button", name="Terugsturen").click()
    expect(page.locator(f"#update-{update.pk}")).to_contain_text("teruggestuurd")
    screenshot("round-review")

    page.context.clear_cookies()
    page = switch_to("editor@voorbeeld.be")
    page.goto(f"{live_server.url}/app/voorbeeld/updates/{update.pk}/")
    expect(page.get_by_role("alert")).to_contain_text("Voeg de volgende stap toe.")
    page.locator("trix-editor").click()
    page.keyboard.press("End")
    page.keyboard.type(" Volgende stap: een bewonersavond in juni.")
    page.get_by_role("button", name="Indienen").click()

    page.context.clear_cookies()
    page = switch_to("coordinator@voorbeeld.be")
    page.goto(f"{live_server.url}/app/voorbeeld/rounds/{update.round_id}/")
    page.get_by_label(f"Selecteren: {title}").check()
    page.get_by_role("button", name="De geselecteerde voortgangsrapporteringen goedkeuren").click()
    expect(page.locator(f"#update-{update.pk}")).to_contain_text("goedgekeurd")

    page.context.clear_cookies()
    page = switch_to("reader@voorbeeld.be")
    page.goto(f"{live_server.url}/app/voorbeeld/items/{update.item_id}/")
    screenshot("item-approved-update")
    expect(page.locator("main")).to_contain_text("een bewonersavond in juni")
