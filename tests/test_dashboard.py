"""The dashboard of the management team and the council: its figures (status counts per
goal and department, delayed items and their reasons, money, the current round, trends,
milestones, indicator tiles), the filters, what readers may see, where people land,
tenancy, Dutch words and a query count that does not grow with the plan."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koers.accounts.actor import Actor
from koers.dashboard import services as dashboard
from koers.followup import services as followup
from koers.followup.models import ReportingRound
from koers.indicators import services as indicators
from koers.plans.models import BudgetLine, Milestone, PlanItem, PlanStatus
from koers.plans.services.items import update_item
from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    make_item,
    make_plan,
    make_plan_with_actions,
    open_round,
)
from tests.test_vocabulary import FLEMISH

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 10, 15)  # the frozen clock of tests/conftest.py


def url(organisation, **query):
    address = reverse("dashboard:dashboard", kwargs={"org": organisation.slug})
    if query:
        address += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return address


@pytest.fixture
def world():
    """Two goals; five actions over two departments, one regular; two rounds."""
    coordinator = MembershipFactory(coordinator=True)
    organisation = coordinator.organisation
    reader = MembershipFactory(organisation=organisation)
    owner = MembershipFactory(editor=True, organisation=organisation)
    owner.user.first_name, owner.user.last_name = "Olga", "Eigenaar"
    owner.user.save()
    system = Actor.system()
    boss = Actor.member(coordinator)
    writer = Actor.member(owner)
    omgeving = DepartmentFactory(organisation=organisation, name="Omgeving")
    welzijn = DepartmentFactory(organisation=organisation, name="Welzijn")
    plan = make_plan(organisation)
    status = {s.key: s for s in PlanStatus.objects.filter(plan=plan)}
    g1 = make_item(plan, code="BD1", title="Een groene gemeente")
    g2 = make_item(plan, code="BD2", title="Een warme gemeente")

    def action(parent, code, key, departments=(), **values):
        return make_item(
            plan,
            parent,
            code=code,
            title=f"Actie {code}",
            status=status[key],
            departments=list(departments),
            owner=owner.user,
            **values,
        )

    a1 = action(g1, "BD1-1", "lopend", [omgeving])
    a2 = action(g1, "BD1-2", "vertraagd", [omgeving, welzijn])
    a3 = action(
        g1,
        "BD1-3",
        "gerealiseerd",
        [welzijn],
        policy=PlanItem.Policy.REGULAR,
        planned_end=datetime.date(2026, 1, 1),  # passed, but finished: not delayed
    )
    a4 = action(g1, "BD1-4", "niet-gestart", planned_end=datetime.date(2026, 9, 30))
    b1 = action(g2, "BD2-1", "lopend", [welzijn])

    def write(update, key, text, submit=True):
        values = {"status": status[key], "percent": 50, "narrative": text}
        return followup.save_update(
            update, values, version=update.version, submit=submit, actor=writer
        )

    spring = open_round(plan, system, "Voorjaar")  # January–June 2026, approved below
    followup.approve(write(spring.updates.get(item=a1), "lopend", "<p>Op schema.</p>"), actor=boss)
    followup.approve(
        write(spring.updates.get(item=a2), "vertraagd", "<p>Personeelstekort.</p>"), actor=boss
    )
    followup.close_round(spring, actor=boss)
    autumn = followup.open_round(
        plan,
        {
            "name": "Najaar",
            "period_start": datetime.date(2026, 7, 1),
            "period_end": datetime.date(2026, 12, 31),
            "deadline": datetime.date(2027, 1, 15),
        },
        actor=boss,
    )
    write(autumn.updates.get(item=a2), "vertraagd", "<p>De aannemer is <b>failliet</b>.</p>")
    followup.approve(write(autumn.updates.get(item=b1), "lopend", "<p>Goed bezig.</p>"), actor=boss)
    return {
        "organisation": organisation,
        "plan": plan,
        "coordinator": coordinator,
        "reader": reader,
        "owner": owner,
        "status": status,
        "departments": {"Omgeving": omgeving, "Welzijn": welzijn},
        "items": {"g1": g1, "g2": g2, "a1": a1, "a2": a2, "a3": a3, "a4": a4, "b1": b1},
        "rounds": (spring, autumn),
    }


def board(world, role="coordinator", **filters):
    world["plan"].refresh_from_db()  # as a request reads it: with its current content version
    return dashboard.build(
        world["plan"], world[role], dashboard.Filters(**filters), timezone.localdate()
    )


def counts(row, columns):
    return {column.name: n for column, n in zip(columns, row.counts, strict=True) if n}


def test_the_clock_is_the_frozen_one():
    assert timezone.localdate() == TODAY


# -- status counts ---------------------------------------------------------------------------


def test_status_counts_per_goal_and_department_are_of_the_leaves(world):
    seen = board(world)
    assert seen.leaves == 5
    goals = {row.code: counts(row, seen.columns) for row in seen.goals}
    assert goals == {
        "BD1": {"lopend": 1, "vertraagd": 1, "gerealiseerd": 1, "niet gestart": 1},
        "BD2": {"lopend": 1},
    }
    departments = {row.label: counts(row, seen.columns) for row in seen.departments}
    assert departments == {
        "Omgeving": {"lopend": 1, "vertraagd": 1},
        "Welzijn": {"vertraagd": 1, "gerealiseerd": 1, "lopend": 1},  # BD1-2 counts twice
        "": {"niet gestart": 1},
    }
    bd1 = seen.goals[0]
    assert [(part["name"], part["share"]) for part in bd1.parts] == [
        ("niet gestart", 25),
        ("lopend", 25),
        ("vertraagd", 25),
        ("gerealiseerd", 25),
    ]


def test_filters_keep_priority_policy_and_one_department(world):
    priority = board(world, policy="priority")
    assert priority.leaves == 4  # BD1-3 is regular policy
    assert {row.code: row.total for row in priority.goals} == {"BD1": 3, "BD2": 1}
    regular = board(world, policy="regular")
    assert [(row.code, row.total) for row in regular.goals] == [("BD1", 1)]
    omgeving = board(world, department=world["departments"]["Omgeving"].pk)
    assert omgeving.leaves == 2
    assert [row.label for row in omgeving.departments] == ["Omgeving", "Welzijn"]
    assert [d.code for d in omgeving.delayed] == ["BD1-2"]
    assert [(row.label, row.total) for row in omgeving.completion] == [("Omgeving", 2)]


# -- delayed items and their reasons ----------------------------------------------------------


def test_delayed_items_with_owner_why_and_the_latest_reason_the_member_may_read(world):
    seen = board(world)
    assert [(d.code, d.why, d.owner) for d in seen.delayed] == [
        ("BD1-2", "status", "Olga Eigenaar"),
        ("BD1-4", "date", "Olga Eigenaar"),  # planned end 30 September, not started
    ]
    bd12 = seen.delayed[0]
    # the coordinator reads the submitted update of the open round, without its mark-up
    assert (bd12.reason, bd12.reason_round, bd12.reason_state) == (
        "De aannemer is failliet.",
        "Najaar",
        "submitted",
    )
    assert seen.delayed[1].reason == ""  # an untouched draft says nothing
    council = board(world, "reader")
    assert (council.delayed[0].reason, council.delayed[0].reason_state) == (
        "Personeelstekort.",
        "approved",
    )


def test_readers_see_the_status_of_the_latest_approved_update(world):
    a1 = world["items"]["a1"]
    a1.refresh_from_db()
    update_item(a1, {"status": world["status"]["vertraagd"]}, actor=Actor.system())
    assert [d.code for d in board(world).delayed] == ["BD1-1", "BD1-2", "BD1-4"]
    council = board(world, "reader")
    assert [d.code for d in council.delayed] == ["BD1-2", "BD1-4"]
    assert counts(council.goals[0], council.columns)["lopend"] == 1


def test_kept_figures_follow_every_change_they_count(world):
    a1 = world["items"]["a1"]
    autumn = world["rounds"][1]
    coordinator = Actor.member(world["coordinator"])
    board(world), board(world, "reader")  # both kept now

    def delayed(role="coordinator"):
        return [d.code for d in board(world, role).delayed]

    assert delayed() == ["BD1-2", "BD1-4"]
    a1.refresh_from_db()
    update_item(a1, {"status": world["status"]["vertraagd"]}, actor=Actor.system())
    assert delayed() == ["BD1-1", "BD1-2", "BD1-4"]  # the plan's content version
    # an update approved: the reader's status of BD1-1 follows it
    before = counts(board(world, "reader").goals[0], board(world, "reader").columns)
    reported = board(world).trends[-1].reported
    update = autumn.updates.get(item=a1)
    saved = followup.save_update(
        update,
        {"status": world["status"]["gerealiseerd"], "percent": 100, "narrative": "<p>Klaar.</p>"},
        version=update.version,
        submit=True,
        actor=coordinator,
    )
    assert counts(board(world, "reader").goals[0], board(world, "reader").columns) == before
    assert board(world).trends[-1].reported == reported + 1  # submitted: the plan unchanged
    followup.approve(saved, actor=coordinator)
    council = board(world, "reader")
    after = counts(council.goals[0], council.columns)
    assert after["gerealiseerd"] == before["gerealiseerd"] + 1
    # the round closed: no open round is left, the latest is the current one
    assert board(world).current_round == autumn and board(world).completion
    followup.close_round(autumn, actor=coordinator)
    assert board(world).trends[-1].round.state == ReportingRound.State.CLOSED
    # a department renamed
    welzijn = world["departments"]["Welzijn"]
    welzijn.name = "Zorg"
    welzijn.save()
    assert "Zorg" in [row.label for row in board(world).departments]
    # another day: planned ends passed since
    with time_machine.travel(datetime.datetime(2027, 3, 1, 12), tick=False):
        late = dashboard.build(
            world["plan"], world["coordinator"], dashboard.Filters(), timezone.localdate()
        )
    assert "BD2-1" not in delayed() and any(d.code == "BD1-4" for d in late.delayed)


# -- money ---------------------------------------------------------------------------------------


def test_budget_and_actual_per_goal_of_this_year_another_year_and_all_years(world):
    items = world["items"]
    for item, year, current, actual in (
        (items["a1"], 2026, 1000, 400),
        (items["a2"], 2026, 500, 100),
        (items["a2"], 2027, 300, 0),
        (items["b1"], 2026, 200, 250),
    ):
        BudgetLine.objects.create(item=item, year=year, current=current, actual=actual)
    BudgetLine.objects.create(
        item=items["b1"], year=2026, direction=BudgetLine.Direction.RECEIPT, current=999
    )

    def money(**filters):
        found = board(world, **filters).money
        return found.year, [(r.code, r.current, r.actual, r.used) for r in found.rows]

    assert money() == (2026, [("BD1", 1500, 500, 33), ("BD2", 200, 250, 125)])
    assert money(year=2027) == (2027, [("BD1", 300, 0, 0)])
    assert money(year=dashboard.ALL_YEARS) == (
        None,
        [("BD1", 1800, 500, 28), ("BD2", 200, 250, 125)],
    )
    assert money(year=2035) == money()  # outside the plan: this year
    assert money(department=world["departments"]["Welzijn"].pk) == (
        2026,
        [("BD1", 500, 100, 20), ("BD2", 200, 250, 125)],
    )
    rows = board(world).money.rows
    assert [(r.current_share, r.actual_share) for r in rows] == [(100, 33), (13, 17)]


def test_beyond_the_goal_limit_the_other_goals_are_counted_together(world, client, monkeypatch):
    items = world["items"]
    BudgetLine.objects.create(item=items["a1"], year=2026, current=1000, actual=400)
    BudgetLine.objects.create(item=items["b1"], year=2026, current=200, actual=250)
    monkeypatch.setattr(dashboard, "GOAL_LIMIT", 1)
    seen = board(world)
    assert [(row.code, row.pk is None, counts(row, seen.columns)) for row in seen.goals] == [
        ("BD1", False, {"lopend": 1, "vertraagd": 1, "gerealiseerd": 1, "niet gestart": 1}),
        ("", True, {"lopend": 1}),
    ]
    assert seen.goals[1].label == "1 overige" and seen.goals_total == 2
    money = [(r.pk is None, r.title, r.current, r.actual) for r in seen.money.rows]
    assert money == [(False, "Een groene gemeente", 1000, 400), (True, "1 overige", 200, 250)]
    client.force_login(world["coordinator"].user)
    html = client.get(url(world["organisation"])).content.decode()
    assert "De eerste 1 van 2 staan er; de laatste rij telt de andere samen" in html
    tree = reverse(
        "plans:plan_tree", kwargs={"org": world["organisation"].slug, "pk": world["plan"].pk}
    )
    assert f'href="{tree}"' in html
    assert html.count('<th scope="row">1 overige</th>') == 2  # counts and money, no link


# -- rounds --------------------------------------------------------------------------------------


def test_the_current_rounds_completion_per_department(world):
    seen = board(world)
    assert seen.current_round.name == "Najaar"
    # Omgeving: BD1-1, BD1-2; Welzijn: BD1-2, BD1-3, BD2-1; none: the goals and BD1-4
    assert [(r.label, r.total, r.done, r.approved) for r in seen.completion] == [
        ("Omgeving", 2, 1, 0),
        ("Welzijn", 3, 2, 1),
        ("", 3, 0, 0),
    ]
    council = board(world, "reader")
    assert [(r.label, r.done) for r in council.completion] == [
        ("Omgeving", 0),
        ("Welzijn", 1),
        ("", 0),
    ]
    followup.close_round(world["rounds"][1], actor=Actor.system())
    assert board(world).current_round.name == "Najaar"  # no open round: the latest


def test_trends_count_reported_updates_per_status_and_round(world):
    def trend(role):
        seen = board(world, role)
        return [
            (row.round.name, counts(row, seen.columns), row.not_reported) for row in seen.trends
        ]

    assert trend("coordinator") == [
        ("Voorjaar", {"lopend": 1, "vertraagd": 1}, 5),
        ("Najaar", {"vertraagd": 1, "lopend": 1}, 5),
    ]
    # the bar of a round: each status's share of its updates; the rest is not reported
    spring = board(world).trends[0]
    assert [(part["name"], part["share"]) for part in spring.parts] == [
        ("lopend", 14),
        ("vertraagd", 14),
    ]
    assert trend("reader") == [
        ("Voorjaar", {"lopend": 1, "vertraagd": 1}, 5),
        ("Najaar", {"lopend": 1}, 6),
    ]


# -- milestones ----------------------------------------------------------------------------------


def test_milestones_overdue_and_due_in_the_next_ninety_days(world):
    items = world["items"]
    for item, title, end, done in (
        (items["a1"], "Vergunning", datetime.date(2026, 10, 1), False),
        (items["b1"], "Oplevering", datetime.date(2027, 1, 13), False),  # in 90 days
        (items["a1"], "Later", datetime.date(2027, 1, 14), False),  # in 91 days
        (items["a1"], "Al gedaan", datetime.date(2026, 9, 1), True),
        (items["a3"], "Vandaag", TODAY, False),
        (items["a4"], "Lang geleden", datetime.date(2025, 3, 1), False),
    ):
        Milestone.objects.create(item=item, title=title, planned_end=end, done=done)
    Milestone.objects.create(item=items["a1"], title="Zonder datum")
    seen = board(world)
    assert [(m.title, m.item_code, m.days) for m in seen.overdue] == [
        ("Vergunning", "BD1-1", -14),
        ("Lang geleden", "BD1-4", -593),
    ]
    assert [(m.title, m.days, m.owner) for m in seen.due] == [
        ("Vandaag", 0, "Olga Eigenaar"),
        ("Oplevering", 90, "Olga Eigenaar"),
    ]
    assert (seen.overdue_total, seen.due_total) == (2, 2)
    regular = board(world, policy="regular")
    assert ([m.title for m in regular.overdue], [m.title for m in regular.due]) == ([], ["Vandaag"])


# -- indicators ----------------------------------------------------------------------------------


def test_indicator_tiles_of_the_linked_indicators_off_target_first(world, client, monkeypatch):
    organisation, items, system = world["organisation"], world["items"], Actor.system()

    def indicator(code, value=None, target=None, linked_to=None):
        found = indicators.create_indicator(
            organisation, {"code": code, "name": f"Indicator {code}"}, actor=system
        )
        if value is not None:
            indicators.save_value(found, {"period": "2025", "value": value}, actor=system)
        if target is not None:
            indicators.save_target(found, 2025, Decimal(target), actor=system)
        if linked_to is not None:
            indicators.link_indicator(linked_to, found, "effect", actor=system)
        return found

    indicator("ZZ-GROEN", "60", 50, items["b1"])
    red = indicator("ZZ-ROOD", "40", 50, items["g1"])
    indicators.save_value(red, {"period": "2024", "value": "70"}, actor=system)  # earlier
    indicator("ZZ-LOS", "10", 50)  # not linked to the plan
    indicator("ZZ-LEEG", linked_to=items["a3"])
    seen = board(world)
    assert [(row.indicator.code, row.status) for row in seen.indicators] == [
        ("ZZ-ROOD", "red"),
        ("ZZ-GROEN", "green"),
        ("ZZ-LEEG", "unknown"),
    ]
    assert (seen.indicators_on, seen.indicators_off) == (1, 1)
    # a tile's sparkline has the whole series; its light is of the latest value
    assert [(p.period, p.value) for p in seen.indicators[0].points] == [
        ("2024", Decimal(70)),
        ("2025", Decimal(40)),
    ]
    welzijn = board(world, department=world["departments"]["Welzijn"].pk)
    assert [row.indicator.code for row in welzijn.indicators] == ["ZZ-GROEN", "ZZ-LEEG"]
    client.force_login(world["reader"].user)
    html = client.get(url(organisation)).content.decode()
    assert "Indicator ZZ-ROOD" in html and "Indicator ZZ-LOS" not in html
    assert "1 op koers, 1 niet op koers" in html
    # a large cijferdatabank: the first tiles, and a link to the rest
    monkeypatch.setattr(dashboard, "TILE_LIMIT", 2)
    html = client.get(url(organisation)).content.decode()
    assert [row.indicator.code for row in board(world).tiles] == ["ZZ-ROOD", "ZZ-GROEN"]
    assert html.count('class="k-dashboard__tile ') == 2 and "Indicator ZZ-LEEG" not in html
    assert "De eerste 2 van 3; wie niet op koers is, staat vooraan." in html
    assert "/indicators/?status=off" in html


# -- choosing the plan ---------------------------------------------------------------------------


def test_the_plan_holding_today_is_chosen_unless_another_is_asked_for(world):
    old = make_plan(world["organisation"], title="Vorig plan", first_year=2020, last_year=2025)
    plans = [old, world["plan"]]
    assert dashboard.choose_plan(plans, None, TODAY) == world["plan"]
    assert dashboard.choose_plan(plans, old.pk, TODAY) == old
    assert dashboard.choose_plan([old], None, TODAY) == old
    assert dashboard.choose_plan([], None, TODAY) is None


# -- the page --------------------------------------------------------------------------------------


def test_the_page_shows_the_coordinator_everything_and_the_reader_approved_texts(world, client):
    client.force_login(world["coordinator"].user)
    page = client.get(url(world["organisation"])).content.decode()
    assert "<h1>Dashboard" in page
    assert "De aannemer is failliet." in page and "Personeelstekort." not in page
    assert "Ingediende of goedgekeurde rapporteringen per dienst" in page
    client.force_login(world["reader"].user)
    page = client.get(url(world["organisation"])).content.decode()
    assert 'id="approved-only"' in page
    assert "Personeelstekort." in page and "failliet" not in page
    assert "Goedgekeurde rapporteringen per dienst" in page
    # every chart names the table of its figures, which is on the page
    charts = re.findall(r'role="img" aria-labelledby="[\w-]+ ([\w-]+)"', page)
    assert charts == ["trends-caption"]  # no amounts yet: no budget chart
    assert all(f'<caption id="{caption}">' in page for caption in charts)


def test_the_filters_and_year_reach_the_page(world, client):
    client.force_login(world["coordinator"].user)
    everything = client.get(url(world["organisation"])).content.decode()
    assert "Actie BD1-2" in everything and "Actie BD1-4" in everything  # delayed
    regular = client.get(url(world["organisation"], policy="regular")).content.decode()
    assert '<option value="regular" selected>' in regular
    assert "Actie BD1-2" not in regular and "Actie BD1-4" not in regular
    omgeving = world["departments"]["Omgeving"].pk
    one = client.get(url(world["organisation"], department=omgeving)).content.decode()
    assert f'<option value="{omgeving}" selected>' in one
    assert "Actie BD1-2" in one and "Actie BD1-4" not in one  # BD1-4 has no department
    BudgetLine.objects.create(item=world["items"]["a1"], year=2027, current=10, actual=5)
    later = client.get(url(world["organisation"], year=2027)).content.decode()
    assert "Budget en gerealiseerd in 2027" in later and 'href="?plan=' in later
    assert re.findall(r'role="img" aria-labelledby="[\w-]+ ([\w-]+)"', later) == [
        "money-figures",
        "trends-caption",
    ]
    unknown = client.get(url(world["organisation"], policy="x", department="abc", year="²"))
    assert unknown.status_code == 200  # unknown values are ignored


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("coordinator", "dashboard:dashboard"),
        ("reader", "dashboard:dashboard"),
        ("owner", "followup:inbox"),
    ],
)
def test_coordinators_and_readers_land_on_the_dashboard_owners_on_their_updates(
    world, client, role, landing
):
    client.force_login(world[role].user)
    slug = world["organisation"].slug
    response = client.get(reverse("plans:organisation_home", kwargs={"org": slug}))
    assert response["Location"] == reverse(landing, kwargs={"org": slug})


def test_another_organisations_plan_and_dashboard_are_404(world, client):
    stranger = MembershipFactory(admin=True)
    foreign = make_plan(stranger.organisation, title="Hun plan")
    client.force_login(world["coordinator"].user)
    assert client.get(url(world["organisation"], plan=foreign.pk)).status_code == 404
    assert client.get(url(world["organisation"], plan="999999")).status_code == 404
    assert client.get(url(stranger.organisation)).status_code == 404
    client.force_login(stranger.user)
    assert client.get(url(world["organisation"])).status_code == 404
    page = client.get(url(stranger.organisation)).content.decode()
    assert "Hun plan" in page and "Een groene gemeente" not in page


def test_an_organisation_without_plans_is_told_so(client):
    member = MembershipFactory()
    client.force_login(member.user)
    page = client.get(url(member.organisation)).content.decode()
    assert "Er is nog geen plan." in page


def test_a_netherlands_plan_speaks_netherlands_dutch(demo, login):
    page = login("admin@proefdorp.nl").get(url(demo.proefdorp)).content.decode()
    assert "Status per afdeling" in page and "Begroting en realisatie" in page
    assert sorted({m.group(0).lower() for m in FLEMISH.finditer(page)}) == []


# -- queries -------------------------------------------------------------------------------------


def _scaled(size: int):
    """A plan of ``size`` actions, some delayed, in departments, with dated milestones,
    budget lines, ``size // 10`` rounds with approved updates and ``size // 5`` linked
    indicators with values and targets."""
    coordinator = MembershipFactory(coordinator=True)
    organisation = coordinator.organisation
    reader = MembershipFactory(organisation=organisation)
    plan = make_plan_with_actions(size, organisation)
    department = DepartmentFactory(organisation=organisation)
    actions = list(PlanItem.objects.filter(plan=plan, depth=4).order_by("path"))
    delayed = PlanStatus.objects.get(plan=plan, key="vertraagd")
    PlanItem.objects.filter(pk__in=[a.pk for a in actions[::3]]).update(status=delayed)
    department.items.set(actions[::2])
    Milestone.objects.filter(item__plan=plan, done=False).update(
        planned_end=datetime.date(2026, 11, 1)
    )
    system, boss = Actor.system(), Actor.member(coordinator)
    for number in range(size // 10):
        round_ = open_round(plan, system, f"Ronde {number}", year=2020 + number)
        for update in round_.updates.filter(item__in=actions[::4]):
            saved = followup.save_update(
                update,
                {"status": delayed, "narrative": "<p>Later.</p>"},
                version=update.version,
                submit=True,
                actor=boss,
            )
            followup.approve(saved, actor=system)
        followup.close_round(round_, actor=system)
    for number in range(size // 5):
        indicator = indicators.create_indicator(
            organisation, {"code": f"I{number}", "name": f"I {number}"}, actor=system
        )
        for year in (2023, 2024, 2025):
            indicators.save_value(indicator, {"period": str(year), "value": "5"}, actor=system)
        indicators.save_target(indicator, 2025, Decimal(4), actor=system)
        indicators.link_indicator(actions[number], indicator, "output", actor=system)
    return organisation, coordinator, reader, department


@pytest.mark.parametrize("role", ["coordinator", "reader"])
def test_the_query_count_does_not_grow_with_items_rounds_or_indicators(
    client, django_assert_num_queries, role
):
    small = _scaled(20)
    large = _scaled(60)
    counted = []
    for organisation, coordinator, reader, department in (small, large):
        client.force_login((coordinator if role == "coordinator" else reader).user)
        for query in ({}, {"department": department.pk, "policy": "priority"}):
            for _warm in range(2):  # computed, then kept
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url(organisation, **query))
                assert response.status_code == 200
                counted.append(len(queries))
    assert counted[:4] == counted[4:], counted
    assert counted[1] < counted[0] and counted[3] < counted[2], counted
    organisation = large[0]
    with django_assert_num_queries(counted[1]) as kept:
        page = client.get(url(organisation)).content.decode()
    read = [q["sql"] for q in kept.captured_queries]
    assert not [sql for sql in read if 'FROM "plans_planitem"' in sql], read
    assert page.count('class="k-dashboard__tile ') == 12  # every linked indicator
    assert ReportingRound.objects.filter(plan__organisation=organisation).count() == 6
