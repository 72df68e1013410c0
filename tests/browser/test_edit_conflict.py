import re

import pytest
from playwright.sync_api import expect

from koers.plans.models import PlanItem

pytestmark = pytest.mark.browser


def test_second_of_two_editors_sees_the_conflict_with_their_typing(
    browser, log_in, live_server, screenshot
):
    """Two tabs open the same item's edit form; the first saves, the second is told and
    keeps what they typed, beside the version that was saved."""
    item = PlanItem.objects.get(plan__organisation__slug="voorbeeld", code="BD1-01-01")
    url = f"{live_server.url}/app/voorbeeld/items/{item.pk}/edit/"
    second = log_in("coordinator@voorbeeld.be")  # the page the screenshot is taken of
    first = second.context.new_page()  # the same person's other tab: another form
    first.goto(url)
    second.goto(url)

    first.fill("#id_title", "Buurtwerking in elke wijk")
    first.get_by_role("button", name="Opslaan").click()
    expect(first.locator("h1")).to_contain_text("Buurtwerking in elke wijk")

    second.fill("#id_title", "Buurtwerking met de buurtcomités")
    editor = second.locator("trix-editor#id_description_editor")
    editor.click()
    second.keyboard.press("Control+A")
    second.keyboard.type("Mijn tekst die ik niet kwijt wil")
    second.get_by_role("button", name="Opslaan").click()

    expect(second.locator("h1")).to_have_text("Iemand anders heeft dit intussen gewijzigd")
    expect(second.locator(".k-conflict-note")).to_contain_text("Cor Coördinator")
    changed = second.locator("#comparison tr.k-differs", has_text="Titel")
    expect(changed.locator("td.stored")).to_have_text("Buurtwerking in elke wijk")
    expect(changed.locator("td.yours")).to_have_text("Buurtwerking met de buurtcomités")
    expect(second.locator("#yours #id_title")).to_have_value("Buurtwerking met de buurtcomités")
    expect(second.locator("#yours trix-editor#id_description_editor")).to_contain_text(
        "Mijn tekst die ik niet kwijt wil"
    )
    item.refresh_from_db()
    assert item.title == "Buurtwerking in elke wijk"
    screenshot("edit-conflict")

    second.get_by_role("button", name="Mijn versie toch opslaan").click()
    expect(second.locator("h1")).to_contain_text("Buurtwerking met de buurtcomités")
    item.refresh_from_db()
    assert item.title == "Buurtwerking met de buurtcomités"
    assert "Mijn tekst die ik niet kwijt wil" in item.description


def test_a_stale_tick_in_place_shows_the_stored_state(log_in, live_server):
    """Two tabs show the same open milestone; the first ticks it off in place, then the
    second does: its row says someone else saved first and shows what is stored."""
    item = PlanItem.objects.filter(
        plan__organisation__slug="voorbeeld", milestones__done=False
    ).first()
    milestone = item.milestones.filter(done=False).first()
    url = f"{live_server.url}/app/voorbeeld/items/{item.pk}/"
    second = log_in("coordinator@voorbeeld.be")
    first = second.context.new_page()
    first.goto(url)
    second.goto(url)
    name = re.compile("^Markeren als afgerond")

    first.locator(f"#milestone-{milestone.pk}").get_by_role("button", name=name).click()
    expect(first.locator(f"#milestone-{milestone.pk}")).to_contain_text("☑")

    second.locator(f"#milestone-{milestone.pk}").get_by_role("button", name=name).click()
    row = second.locator(f"#milestone-{milestone.pk}")
    expect(row.locator(".k-conflict-note")).to_contain_text(
        "Iemand anders heeft dit intussen gewijzigd"
    )
    expect(row.locator(".k-conflict-note")).to_contain_text("Cor Coördinator")
    expect(row.locator(".k-conflict-note")).to_contain_text("Dat is wat u wilde")
    expect(row).to_contain_text("☑")
    milestone.refresh_from_db()
    assert milestone.done
    assert milestone.history.filter(done=True).count() == 1  # ticked once, not twice
