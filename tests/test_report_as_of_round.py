"""A report of a closed round shows the figures as they stood when the round was closed:
milestones ticked, amounts typed and items added for the next round do not change it."""

from decimal import Decimal

import pytest

from koers.accounts.actor import Actor
from koers.accounts.models import Role
from koers.followup import services as followup
from koers.plans.models import BudgetLine, Milestone, PlanItem
from koers.plans.services import items as item_services
from koers.reporting import as_of
from koers.reporting.contents import build_report
from tests.factories import MembershipFactory, make_item, make_plan, open_round

SYSTEM = Actor.system()


@pytest.fixture
def closed_round(db):
    """Goal G1 with action G1-01 (a milestone, a 2026 budget line of 1,000 with 200 spent);
    a round in which the action's update (60 %) was approved, then closed."""
    plan = make_plan(title="Plan")
    coordinator = Actor.member(
        MembershipFactory(organisation=plan.organisation, role=Role.COORDINATOR)
    )
    goal = make_item(plan, code="G1", title="Doel")
    action = make_item(plan, goal, code="G1-01", title="Actie", progress=10)
    item_services.save_milestone(action, {"title": "Aanbesteding"}, actor=SYSTEM)
    item_services.save_budget_line(
        action,
        {
            "year": 2026,
            "initial": Decimal("1000"),
            "current": Decimal("1000"),
            "actual": Decimal("200"),
        },
        actor=SYSTEM,
    )
    round_ = open_round(plan, coordinator)
    update = round_.updates.get(item=action)
    update = followup.save_update(
        update,
        {"narrative": "<p>Loopt.</p>", "status": None, "percent": 60},
        version=update.version,
        submit=True,
        actor=coordinator,
    )
    followup.approve(update, actor=coordinator)
    followup.close_round(round_, actor=coordinator)
    return plan, round_, action, coordinator


def _action(report):
    return next(item for item in report.items if item.code == "G1-01")


def test_a_closed_rounds_report_keeps_the_figures_of_its_closing(closed_round):
    plan, round_, action, _ = closed_round
    before = _action(build_report(plan, round_))
    # the next round's work: the milestone is reached, money spent, the item moves on
    item_services.set_milestone_done(Milestone.objects.get(item=action), True, actor=SYSTEM)
    line = BudgetLine.objects.get(item=action)
    item_services.save_budget_line(action, {"actual": Decimal("900")}, actor=SYSTEM, line=line)
    item_services.update_item(PlanItem.objects.get(pk=action.pk), {"progress": 95}, actor=SYSTEM)
    make_item(plan, PlanItem.objects.get(code="G1"), code="G1-02", title="Nieuwe actie")

    report = build_report(plan, round_)
    after = _action(report)
    assert after.percent == before.percent == 60
    assert [m.done for m in after.milestones] == [m.done for m in before.milestones] == [False]
    assert after.money_total.expense.actual == before.money_total.expense.actual == Decimal("200")
    assert report.summary.milestones_done == 0
    assert [item.code for item in report.items] == ["G1", "G1-01"]

    today = build_report(plan)  # the situation of today shows the new figures
    now = _action(today)
    assert [m.done for m in now.milestones] == [True]
    assert now.money_total.expense.actual == Decimal("900")
    assert [item.code for item in today.items] == ["G1", "G1-01", "G1-02"]


def test_an_open_rounds_report_shows_todays_figures_with_its_approved_percentages(closed_round):
    plan, round_, action, coordinator = closed_round
    followup.reopen_round(round_, "Nog een aanvulling", actor=coordinator)
    item_services.set_milestone_done(Milestone.objects.get(item=action), True, actor=SYSTEM)
    assert as_of.closing_moment(type(round_).objects.get(pk=round_.pk)) is None
    report = build_report(plan, type(round_).objects.get(pk=round_.pk))
    assert _action(report).percent == 60
    assert [m.done for m in _action(report).milestones] == [True]


def test_the_closing_moment_is_the_last_closing(closed_round):
    plan, round_, action, coordinator = closed_round
    first = as_of.closing_moment(round_)
    round_ = followup.reopen_round(round_, "Correctie", actor=coordinator)
    item_services.set_milestone_done(Milestone.objects.get(item=action), True, actor=SYSTEM)
    round_ = followup.close_round(type(round_).objects.get(pk=round_.pk), actor=coordinator)
    second = as_of.closing_moment(round_)
    assert second > first
    item_services.update_item(PlanItem.objects.get(pk=action.pk), {"title": "Nieuw"}, actor=SYSTEM)
    round_ = followup.publish_round(round_, actor=coordinator)  # publishing is no new closing
    assert as_of.closing_moment(type(round_).objects.get(pk=round_.pk)) == second
    assert [m.done for m in _action(build_report(plan, round_)).milestones] == [True]
