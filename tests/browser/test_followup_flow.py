import re

import pytest
from playwright.sync_api import expect

from koers.followup.models import ProgressUpdate
from koers.plans.models import BudgetLine, Milestone

pytestmark = pytest.mark.browser


def _switch_to(log_in, email):
    page = log_in(email)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def test_owner_reports_milestones_spending_and_a_file_and_a_follower_hears_of_approval(
    log_in, live_server, screenshot, tmp_path
):
    update = (
        ProgressUpdate.objects.filter(
            round__name="Opvolging voorjaar 2026",
            item__owner__email="editor@voorbeeld.be",
            state="draft",
            item__milestones__done=False,
            item__budget_lines__year=2026,
        )
        .distinct()
        .first()
    )
    item = update.item
    milestone = item.milestones.filter(done=False).first()
    line = item.budget_lines.filter(year=2026).first()
    base = live_server.url + "/app/voorbeeld"

    page = _switch_to(log_in, "reader@voorbeeld.be")
    page.goto(f"{base}/items/{item.pk}/")
    page.get_by_role("button", name="Volgen").click()
    expect(page.get_by_role("button", name=re.compile("Gevolgd"))).to_be_visible()

    page.context.clear_cookies()
    page = _switch_to(log_in, "editor@voorbeeld.be")
    page.goto(f"{base}/updates/{update.pk}/")
    page.locator("trix-editor").click()
    page.keyboard.type("De studie is gegund; de werf start in september.")
    expect(page.locator("#autosave-status")).to_contain_text(
        "Concept automatisch bewaard", timeout=10000
    )
    attachment = tmp_path / "Gunningsverslag.pdf"
    attachment.write_bytes(b"%PDF-1.4 gunningsverslag")
    page.get_by_label("Een bestand toevoegen").set_input_files(str(attachment))
    page.get_by_role("button", name="Toevoegen", exact=True).click()
    expect(page.locator("#attachments")).to_contain_text("Gunningsverslag.pdf")
    # the page came back after the upload: the typing was kept by the automatic save
    expect(page.locator("trix-editor")).to_contain_text("de werf start in september")
    page.fill("#id_percent", "35")
    page.get_by_role("checkbox", name=milestone.title).check()
    page.locator(f"#id_spent_{line.pk}").fill("1500,00")
    screenshot("update-form-reporting")
    page.get_by_role("button", name="Indienen").click()
    expect(page.locator("#inbox-count")).to_be_visible()

    page.context.clear_cookies()
    page = _switch_to(log_in, "coordinator@voorbeeld.be")
    page.goto(f"{base}/rounds/{update.round_id}/")
    page.locator(f"#update-{update.pk}").get_by_role("button", name="Goedkeuren").click()
    expect(page.locator(f"#update-{update.pk}")).to_contain_text("goedgekeurd")

    assert Milestone.objects.get(pk=milestone.pk).done
    assert str(BudgetLine.objects.get(pk=line.pk).actual) == "1500.00"

    page.context.clear_cookies()
    page = _switch_to(log_in, "reader@voorbeeld.be")
    expect(page.locator("#notifications-link .k-header__count")).to_be_visible()
    page.locator("#notifications-link").click()
    expect(page.locator("#notifications")).to_contain_text(item.title)
    screenshot("notifications")
    page.goto(f"{base}/items/{item.pk}/")
    expect(page.locator("#timeline")).to_contain_text("de werf start in september")
    expect(page.locator(f"#milestone-{milestone.pk}")).to_contain_text("☑")
    screenshot("item-timeline", full_page=True)


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
