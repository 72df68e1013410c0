import pytest
from playwright.sync_api import expect

from koers.plans.models import Plan, PlanItem
from tests import import_samples as samples

pytestmark = pytest.mark.browser


def test_coordinator_imports_a_word_report(log_in, live_server, screenshot, tmp_path):
    report = tmp_path / "voortgangsrapport.docx"
    report.write_bytes(samples.report_docx())
    page = log_in("coordinator@voorbeeld.be")
    page.get_by_role("link", name="Plannen", exact=True).click()  # from the dashboard
    page.get_by_role("link", name="Een document importeren").click()
    page.set_input_files("#id_file", str(report))
    screenshot("import-upload")
    page.get_by_role("button", name="Bestand lezen").click()

    expect(page.locator("h1")).to_contain_text("voortgangsrapport.docx")
    expect(page.locator("#import-counts")).to_contain_text("6 onderdelen")
    expect(page.locator("table.k-import-preview")).to_contain_text("VB1-01")
    expect(page.locator("table.k-import-preview")).to_contain_text("alinea")
    page.locator("details.k-found").first.locator("summary").click()
    expect(page.locator("details.k-found").first).to_contain_text("2024")
    screenshot("import-preview")

    page.get_by_label("Laden: Samen beslissen").uncheck()
    page.get_by_label("Niveau: Meer bomen in elke wijk").select_option(label="Beleidsdoelstelling")
    page.fill("#id_title", "Voortgang uit Word")
    page.get_by_role("button", name="Laden als nieuw plan").click()

    expect(page.locator(".k-tree")).to_contain_text("Meer bomen in elke wijk")
    expect(page.locator(".k-tree")).not_to_contain_text("Samen beslissen")
    screenshot("import-loaded")
    plan = Plan.objects.get(title="Voortgang uit Word")
    assert PlanItem.objects.get(plan=plan, code="VB2-01").depth == 2
