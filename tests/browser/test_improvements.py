"""Improvement actions in a browser: the owner writes the state of their action in a round
and submits it from their inbox; the register, an action page, the report and the state page
fit 1280 and 390 px without sideways scrolling and without serious or critical axe-core
violations. Screenshots go to test-artifacts/improvements/."""

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.checks import problems as _problems

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parents[2] / "test-artifacts" / "improvements"
WIDTHS = {"desk": 1280, "phone": 390}


def test_an_owner_reports_and_the_register_reads_well(log_in, live_server):
    from koers.accounts.actor import Actor
    from koers.followup.services import open_round
    from koers.improvements import services
    from koers.improvements.models import ImprovementAction, ImprovementUpdate
    from koers.plans.models import Plan

    plan = Plan.objects.get(organisation__slug="voorbeeld")
    round_ = open_round(
        plan,
        {"name": "Najaar", "period_start": date(2026, 7, 1), "period_end": date(2026, 12, 31),
         "deadline": date(2027, 1, 15)},
        actor=Actor.system(),
    )  # fmt: skip
    services.add_to_round(round_, actor=Actor.system())
    action = ImprovementAction.objects.get(reference="IV-03")  # Eva Omgeving's action
    update = ImprovementUpdate.objects.get(round=round_, action=action)

    page = log_in("editor@voorbeeld.be")
    page.goto(f"{live_server.url}/app/voorbeeld/my-updates/")
    page.locator(f"#improvement-work-{update.pk} a").click()
    page.select_option("#id_status", "in_progress")
    page.fill("#id_narrative", "De toegangsrechten van drie toepassingen zijn herzien.")
    page.get_by_role("button", name="Indienen").click()
    expect(page.locator(".k-messages")).to_be_visible()
    update.refresh_from_db()
    assert (update.state, update.status) == ("submitted", "in_progress")

    problems = []
    pages = {
        "register": f"{live_server.url}/app/voorbeeld/verbeteracties/",
        "action": f"{live_server.url}/app/voorbeeld/verbeteracties/{action.pk}/",
        "report": f"{live_server.url}/app/voorbeeld/verbeteracties/rapport/",
        "state": f"{live_server.url}/app/voorbeeld/verbeteracties/standen/{update.pk}/",
    }
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width_name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        for name, address in pages.items():
            page.goto(address)
            page.screenshot(path=str(SHOTS / f"{name}-{width_name}.png"), full_page=True)
            problems += _problems(page, f"{name} {width_name}")
    assert not problems, "\n".join(problems)
    page.goto(pages["register"] + "?late=1")
    expect(page.locator("#improvement-table tbody tr")).not_to_have_count(0)
    expect(page.locator(f'tr[data-action="{action.pk}"]')).to_contain_text("te laat")

    # the coordinator approves; the action takes over the status
    page.context.clear_cookies()
    page = log_in("coordinator@voorbeeld.be")
    page.goto(f"{live_server.url}/app/voorbeeld/verbeteracties/rondes/{round_.pk}/")
    problems = _problems(page, "round")
    page.screenshot(path=str(SHOTS / "round-desk.png"), full_page=True)
    assert not problems, "\n".join(problems)
    page.locator(f"#improvement-update-{update.pk}").get_by_role(
        "button", name="Goedkeuren"
    ).click()
    expect(page.locator(".k-messages")).to_contain_text("goedgekeurd")
    action.refresh_from_db()
    assert action.status == "in_progress"
