from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koers.accounts.actor import Actor
from koers.plans.models import Plan, PlanStatus
from koers.plans.services.items import save_budget_line, save_milestone
from koers.plans.services.tree import plan_rows
from tests.factories import MembershipFactory, make_item, make_plan, make_plan_with_actions


@pytest.fixture
def small_plan(db):
    plan = make_plan()
    statuses = {s.key: s for s in PlanStatus.objects.filter(plan=plan)}
    goal = make_item(plan, title="Doel")
    a = make_item(plan, goal, title="A", status=statuses["gerealiseerd"], weight=Decimal(3))
    b = make_item(plan, goal, title="B", status=statuses["niet-gestart"])
    c = make_item(plan, goal, title="C", status=statuses["geannuleerd"], progress=100)
    system = Actor.system()
    save_milestone(a, {"title": "m1", "done": True}, actor=system)
    save_milestone(b, {"title": "m2"}, actor=system)
    save_milestone(b, {"title": "m3"}, actor=system)
    save_budget_line(
        a,
        {
            "year": 2026,
            "initial": Decimal("100.00"),
            "current": Decimal("150.00"),
            "actual": Decimal("40.50"),
        },
        actor=system,
    )
    save_budget_line(
        b,
        {"year": 2027, "initial": Decimal("10"), "current": Decimal("10"), "actual": Decimal("0")},
        actor=system,
    )
    save_budget_line(
        b,
        {"year": 2027, "direction": "receipt", "initial": Decimal("5"), "current": Decimal("5")},
        actor=system,
    )
    return plan, goal, (a, b, c)


def test_progress_is_a_plain_average_of_counted_children(small_plan):
    plan, _goal, _ = small_plan
    rows = plan_rows(plan)
    assert [row.item.title for row in rows] == ["Doel", "A", "B", "C"]
    assert rows[0].progress == 50  # (100 + 0) / 2; cancelled C does not count
    assert rows[1].progress == 100 and rows[2].progress == 0


def test_progress_can_be_weighted(small_plan):
    plan, _, _ = small_plan
    plan.progress_rollup = Plan.Rollup.WEIGHTED
    plan.save()
    assert plan_rows(plan)[0].progress == 75  # (100*3 + 0*1) / 4


def test_milestones_and_money_roll_up_per_year(small_plan):
    plan, _, _ = small_plan
    top = plan_rows(plan)[0]
    assert (top.milestones_done, top.milestones_total) == (1, 3)
    assert top.money.expense_for(2026).current == Decimal("150.00")
    assert top.money.expense_for(2026).remaining == Decimal("109.50")
    assert top.money.expense_for(2026).difference == Decimal("50.00")
    assert top.money.expense_for(None).current == Decimal("160.00")
    assert top.money.receipt_for(2027).current == Decimal("5.00")


def test_tree_page_shows_rollups(small_plan, client):
    plan, _goal, _ = small_plan
    member = MembershipFactory(organisation=plan.organisation)
    client.force_login(member.user)
    page = client.get(
        reverse("plans:plan_tree", kwargs={"org": plan.organisation.slug, "pk": plan.pk})
    ).content.decode()
    assert "1/3" in page
    assert "50&nbsp;%" in page
    # The goal's row: budget 150 + 10, actual 40.50, remaining 119.50 (all years; rounded
    # half to even).
    assert (
        '<span class="k-num">€\u00a0160</span><span class="k-num">€\u00a040</span>'
        '<span class="k-num">€\u00a0120</span>'
    ) in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("page", ["tree", "item", "api_tree"])
def test_query_count_does_not_grow_with_plan_size(db, client, page):
    counts = []
    for size in (10, 1000):
        plan = make_plan_with_actions(size)
        member = MembershipFactory(organisation=plan.organisation)
        client.force_login(member.user)
        org = plan.organisation.slug
        goal = plan.items.get(code="BD1")
        url = {
            "tree": reverse("plans:plan_tree", kwargs={"org": org, "pk": plan.pk}),
            "item": reverse("plans:item_detail", kwargs={"org": org, "pk": goal.pk}),
            "api_tree": reverse("api-plan-tree", kwargs={"org": org, "pk": plan.pk}),
        }[page]
        counts.append(_queries(client, url))
    assert counts[0] == counts[1]


def test_large_plans_show_two_levels_and_load_branches_on_opening(db, client, settings):
    settings.KOERS_TREE_EAGER_ROWS = 50
    plan = make_plan_with_actions(100)  # 112 rows
    member = MembershipFactory(organisation=plan.organisation)
    client.force_login(member.user)
    org = plan.organisation.slug
    page = client.get(reverse("plans:plan_tree", kwargs={"org": org, "pk": plan.pk}))
    html = page.content.decode()
    action_plan = plan.items.get(code="BD1-01")
    assert "BD1-01" in html and "BD1-01-01" not in html
    branch_url = reverse("plans:item_branch", kwargs={"org": org, "pk": action_plan.pk})
    assert f'hx-get="{branch_url}"' in html
    assert "112 " in html  # the count still covers the whole plan
    branch = client.get(branch_url).content.decode()
    assert "BD1-01-01" in branch and "BD1-01-10" in branch and "BD1-02-01" not in branch
    assert branch.count("<li") == 10


def test_branch_query_count_does_not_grow_with_plan_size(db, client):
    counts = []
    for size in (10, 1000):
        plan = make_plan_with_actions(size)
        member = MembershipFactory(organisation=plan.organisation)
        client.force_login(member.user)
        goal = plan.items.get(code="BD1")
        url = reverse("plans:item_branch", kwargs={"org": plan.organisation.slug, "pk": goal.pk})
        counts.append(_queries(client, url))
    assert counts[0] == counts[1]
