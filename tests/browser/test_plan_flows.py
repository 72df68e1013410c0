import re

import pytest
from playwright.sync_api import expect

from koers.plans.models import PlanItem

pytestmark = pytest.mark.browser


def item_by_code(code):
    return PlanItem.objects.get(plan__organisation__slug="voorbeeld", code=code)


def test_coordinator_browses_folds_and_edits(log_in, live_server, screenshot):
    page = log_in("coordinator@voorbeeld.be")
    expect(page.locator("h1")).to_contain_text("Dashboard")  # where a coordinator lands
    page.get_by_role("link", name="Plannen", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Plannen van Gemeente Voorbeeld")
    page.get_by_role("link", name=re.compile("Meerjarenplan")).first.click()
    expect(page.locator(".k-tree")).to_contain_text("BD1-01-01")
    screenshot("plan-tree")

    action = page.locator(f"#item-{item_by_code('BD1-01-01').pk}")
    expect(action).to_be_visible()
    page.locator(f"#item-{item_by_code('BD1').pk} > .k-tree-row .k-tree-toggle").click()
    expect(action).to_be_hidden()
    page.locator(f"#item-{item_by_code('BD1').pk} > .k-tree-row .k-tree-toggle").click()
    expect(action).to_be_visible()

    action.get_by_role("link").first.click()
    expect(page.locator("h1")).to_contain_text("BD1-01-01")
    expect(page.get_by_role("heading", name="Tijdspad en mijlpalen")).to_be_visible()
    screenshot("item-page")

    page.get_by_role("link", name="Bewerken", exact=True).click()
    page.fill("#id_title", "Buurtwerking in alle wijken")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("h1")).to_contain_text("Buurtwerking in alle wijken")
    expect(page.locator("#history")).to_contain_text("Buurtwerking in alle wijken")
    expect(page.locator("#history")).to_contain_text("Cor Coördinator")


def test_milestone_is_ticked_off_in_place(log_in, live_server):
    item = PlanItem.objects.filter(
        plan__organisation__slug="voorbeeld", milestones__done=False
    ).first()
    milestone = item.milestones.filter(done=False).first()
    page = log_in("coordinator@voorbeeld.be")
    page.goto(f"{live_server.url}/app/voorbeeld/items/{item.pk}/")
    done_before = item.milestones.filter(done=True).count()
    row = page.locator(f"#milestone-{milestone.pk}")
    row.get_by_role("button", name=re.compile("^Markeren als afgerond")).click()
    expect(page.locator(f"#milestone-{milestone.pk}")).to_contain_text("☑")
    milestone.refresh_from_db()
    assert milestone.done
    total = item.milestones.count()
    expect(page.locator("#milestone-count")).to_contain_text(f"{done_before + 1}/{total}")


def test_form_error_keeps_typing_and_scripts_never_run(log_in, live_server, screenshot):
    item = item_by_code("BD1-01-01")
    page = log_in("coordinator@voorbeeld.be")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server.url}/app/voorbeeld/items/{item.pk}/edit/")
    page.fill("#id_code", "BD1-01-02")
    page.fill("#id_title", "Een titel die blijft staan")
    editor = page.locator("trix-editor#id_description_editor")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Een tekst die ik niet kwijt wil")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".errorlist")).to_contain_text("al gebruikt")
    expect(page.locator("#id_title")).to_have_value("Een titel die blijft staan")
    expect(editor).to_contain_text("Een tekst die ik niet kwijt wil")
    screenshot("form-error")

    # What reaches the server is checked there, whatever the editor lets through.
    page.evaluate(
        """document.getElementById("id_description").value =
        '<p>Tekst</p><script>alert("script")</script><img src="x" onerror="alert(1)">'"""
    )
    page.fill("#id_code", "BD1-01-01")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".k-richtext").first).to_contain_text("Tekst")
    page.reload(wait_until="load")
    expect(page.locator(".k-richtext").first).to_contain_text("Tekst")
    # The page has loaded with the text: a script or an image's onerror would have run.
    assert dialogs == []
    assert page.locator(".k-richtext script, .k-richtext img").count() == 0


def test_delete_with_confirmation_and_undo(log_in, live_server):
    goal = item_by_code("BD3")
    before = PlanItem.objects.filter(plan=goal.plan).count()
    page = log_in("coordinator@voorbeeld.be")
    page.goto(f"{live_server.url}/app/voorbeeld/items/{goal.pk}/")
    page.get_by_role("link", name="Verwijderen").click()
    expect(page.locator("main")).to_contain_text("onderliggende")
    page.get_by_role("button", name="Ja, verwijderen").click()
    expect(page.locator(".k-messages")).to_contain_text("verwijderd")
    assert PlanItem.objects.filter(plan=goal.plan).count() < before
    page.get_by_role("button", name="Ongedaan maken").click()
    expect(page.locator("h1")).to_contain_text("BD3")
    assert PlanItem.objects.filter(plan=goal.plan).count() == before


def test_large_plan_loads_a_branch_when_it_is_opened(log_in, live_server, settings):
    settings.KOERS_TREE_EAGER_ROWS = 30  # the demo plan has 64 rows
    plan = item_by_code("BD1").plan
    page = log_in("reader@voorbeeld.be")
    page.goto(f"{live_server.url}/app/voorbeeld/plans/{plan.pk}/")
    expect(page.locator("main")).to_contain_text("lagere niveaus")
    action = page.locator(f"#item-{item_by_code('BD1-01-01').pk}")
    expect(action).to_have_count(0)
    page.locator(f"#item-{item_by_code('BD1-01').pk} > .k-tree-row .k-tree-toggle").click()
    expect(action).to_be_visible()
