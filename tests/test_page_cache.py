"""Cached roll-ups and public tree: every kind of write changes what the cached pages show,
and a page's work does not grow with the plan."""

import html
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koers.accounts.actor import Actor
from koers.accounts.models import Role
from koers.followup import services as followup
from koers.followup.models import ProgressUpdate, narrative_fingerprint
from koers.plans.content import plan_changed
from koers.plans.document.export import export_plan
from koers.plans.document.load import load_plan_document
from koers.plans.models import Plan, PlanItem, PlanStatus
from koers.plans.services import items as item_services
from koers.plans.services import plans as plan_services
from koers.portal import cache as portal_cache
from koers.portal import publication
from koers.sdgs.models import SDGGoal
from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    make_item,
    make_plan,
    make_plan_with_actions,
    open_round,
)

SYSTEM = Actor.system()


@pytest.fixture
def world(db, client):
    """A published plan: goal G1 with actions G1-01 (owner, 'lopend' 40 %, a milestone and a
    budget line) and G1-02 (10 %); goal G2 without children. A coordinator is logged in."""
    plan = make_plan(title="Plan")
    statuses = {status.key: status for status in PlanStatus.objects.filter(plan=plan)}
    coordinator = MembershipFactory(organisation=plan.organisation, role=Role.COORDINATOR)
    goal = make_item(plan, code="G1", title="Doel een")
    a = make_item(
        plan,
        goal,
        code="G1-01",
        title="Actie a",
        status=statuses["lopend"],
        progress=40,
        owner=coordinator.user,
    )
    b = make_item(plan, goal, code="G1-02", title="Actie b", progress=10)
    other = make_item(plan, code="G2", title="Doel twee")
    item_services.save_milestone(a, {"title": "Start"}, actor=SYSTEM)
    item_services.save_budget_line(
        a, {"year": 2026, "initial": Decimal("100"), "current": Decimal("100")}, actor=SYSTEM
    )
    plan.is_published = True
    plan.save()  # publishing takes the portal's snapshot
    client.force_login(coordinator.user)
    return {
        "plan": plan,
        "goal": goal,
        "a": a,
        "b": b,
        "other": other,
        "statuses": statuses,
        "coordinator": coordinator,
        "client": client,
    }


TREE_ROW = re.compile(
    r'<span class="k-code">(?P<code>[^<]*)</span> <a href="[^"]*">(?P<title>[^<]*)</a>'
    r"(?:<span[^>]*>[^<]*</span>| )*</span><span>(?P<owner>[^<]*)</span><span>"
    r'(?:<span class="k-badge"[^>]*>(?P<status>[^<]*)</span>)?</span><span>'
    r"(?:<span[^>]*><span[^>]*></span></span> (?P<progress>\d+)&nbsp;%)?</span>"
    r"<span>(?:(?P<done>\d+)/(?P<total>\d+))?</span>"
    r'<span class="k-num">(?P<current>[^<]*)</span><span class="k-num">(?P<actual>[^<]*)</span>'
)


@dataclass
class Row:
    code: str
    title: str
    owner: str
    status: str | None
    progress: int | None
    milestones: tuple[int, int]
    current: str
    actual: str


def tree(world) -> dict[str, Row]:
    """The tree page's rows by code, as shown (served from the cache after the first call)."""
    plan = world["plan"]
    url = reverse("plans:plan_tree", kwargs={"org": plan.organisation.slug, "pk": plan.pk})
    response = world["client"].get(url)
    assert response.status_code == 200
    rows = {}
    for found in TREE_ROW.finditer(response.content.decode()):
        rows[found["code"]] = Row(
            found["code"],
            html.unescape(found["title"]),
            html.unescape(found["owner"]),
            found["status"],
            int(found["progress"]) if found["progress"] else None,
            (int(found["done"] or 0), int(found["total"] or 0)),
            found["current"].replace("\xa0", " "),
            found["actual"].replace("\xa0", " "),
        )
    return rows


def portal_json(world) -> dict:
    plan = world["plan"]
    url = reverse("portal:api_plan", kwargs={"org": plan.organisation.slug, "pk": plan.pk})
    return json.loads(world["client"].get(url).content)


def portal_items(world) -> dict:
    return {item["code"]: item for item in portal_json(world)["items"]}


def portal_plan(world, **query) -> list[str]:
    """Codes of the rows the portal's plan page finds for the query."""
    plan = world["plan"]
    url = reverse("portal:plan", kwargs={"org": plan.organisation.slug, "pk": plan.pk})
    response = world["client"].get(url, query)
    assert response.status_code == 200
    return [row.item.code for row in response.context["page"].paginator.object_list]


def republish(world) -> None:
    plan = Plan.objects.get(pk=world["plan"].pk)
    plan.is_published = False
    plan.save()
    plan.is_published = True
    plan.save()


# -- the member tree: one test per kind of write ------------------------------------------


def test_editing_an_item_changes_the_cached_tree(world):
    assert tree(world)["G1-01"].title == "Actie a"
    item_services.update_item(world["a"], {"title": "Actie nieuw", "progress": 80}, actor=SYSTEM)
    rows = tree(world)
    assert rows["G1-01"].title == "Actie nieuw"
    assert rows["G1"].progress == 45  # (80 + 10) / 2


def test_adding_an_item_changes_the_cached_tree(world):
    assert tree(world)["G1"].progress == 25
    make_item(world["plan"], world["goal"], code="G1-03", title="Actie c", progress=100)
    rows = tree(world)
    assert rows["G1-03"].title == "Actie c"
    assert rows["G1"].progress == 50  # (40 + 10 + 100) / 3


def test_milestones_change_the_cached_tree(world):
    assert tree(world)["G1"].milestones == (0, 1)
    milestone = world["a"].milestones.get()
    item_services.set_milestone_done(milestone, True, actor=SYSTEM)
    assert tree(world)["G1"].milestones == (1, 1)
    item_services.save_milestone(world["b"], {"title": "Einde"}, actor=SYSTEM)
    assert tree(world)["G1"].milestones == (1, 2)
    item_services.delete_milestone(milestone, actor=SYSTEM)
    assert tree(world)["G1"].milestones == (0, 1)


def test_budget_lines_change_the_cached_tree(world):
    assert tree(world)["G1"].current == "€ 100"
    line = world["a"].budget_lines.get()
    item_services.save_budget_line(
        world["a"], {"current": Decimal("250"), "actual": Decimal("20")}, actor=SYSTEM, line=line
    )
    goal = tree(world)["G1"]
    assert (goal.current, goal.actual) == ("€ 250", "€ 20")
    item_services.delete_budget_line(line, actor=SYSTEM)
    assert tree(world)["G1"].current == "€ 0"


def test_deleting_and_restoring_change_the_cached_tree(world):
    assert "G1-02" in tree(world)
    trash = item_services.delete_item(PlanItem.objects.get(pk=world["b"].pk), actor=SYSTEM)
    rows = tree(world)
    assert "G1-02" not in rows and rows["G1"].progress == 40
    item_services.restore_deleted(trash, actor=SYSTEM)
    rows = tree(world)
    assert rows["G1-02"].progress == 10 and rows["G1"].progress == 25


def test_moving_an_item_changes_the_cached_tree(world):
    assert tree(world)["G2"].milestones == (0, 0)
    item_services.move_item(
        PlanItem.objects.get(pk=world["a"].pk),
        PlanItem.objects.get(pk=world["other"].pk),
        "last-child",
        actor=SYSTEM,
    )
    rows = tree(world)
    assert rows["G2"].milestones == (0, 1) and rows["G1"].milestones == (0, 0)
    assert rows["G2"].progress == 40 and rows["G1"].progress == 10


def test_statuses_change_the_cached_tree(world):
    assert tree(world)["G1-01"].progress == 40
    running = world["statuses"]["lopend"]
    running.counts_in_progress = False
    plan_services.save_statuses(world["plan"], [running], None, actor=SYSTEM)
    rows = tree(world)
    assert rows["G1"].progress == 10  # G1-01 no longer counts


def test_plan_settings_change_the_cached_tree(world):
    item_services.update_item(world["a"], {"weight": Decimal(3)}, actor=SYSTEM)
    assert tree(world)["G1"].progress == 25
    plan_services.update_plan(
        Plan.objects.get(pk=world["plan"].pk), {"progress_rollup": "weighted"}, actor=SYSTEM
    )
    assert tree(world)["G1"].progress == 32  # (40 * 3 + 10) / 4 = 32.5, shown rounded


def test_an_import_into_the_plan_changes_the_cached_tree(world):
    assert tree(world)["G1"].progress == 25
    document = export_plan(world["plan"])
    document["plan"]["items"][0]["children"][0]["progress"] = 90
    load_plan_document(
        document, world["plan"].organisation, replace=world["plan"], actor=Actor.system()
    )
    assert tree(world)["G1"].progress == 50  # (90 + 10) / 2


def test_an_approved_update_changes_the_cached_tree(world):
    coordinator = Actor.member(world["coordinator"])
    round_ = open_round(world["plan"], coordinator, "Voorjaar", 2026)
    assert tree(world)["G1-02"].progress == 10
    update = round_.updates.get(item=world["b"])
    update = followup.save_update(
        update,
        {"percent": 70, "narrative": "<p>Goed bezig.</p>"},
        version=1,
        submit=True,
        actor=coordinator,
    )
    assert tree(world)["G1-02"].progress == 10  # submitted, not yet approved
    followup.approve(update, actor=coordinator)
    rows = tree(world)
    assert rows["G1-02"].progress == 70 and rows["G1"].progress == 55


def test_renaming_an_owner_changes_the_cached_tree(world):
    user = world["coordinator"].user
    assert tree(world)["G1-01"].owner == f"{user.first_name} {user.last_name}"
    user.first_name, user.last_name = "Anna", "Peeters"
    user.save()
    assert tree(world)["G1-01"].owner == "Anna Peeters"


# -- the portal: one test per kind of write -------------------------------------------------


def test_publishing_changes_the_cached_portal(world):
    assert portal_items(world)["G1-01"]["progress"] == 40
    item_services.update_item(world["a"], {"progress": 90}, actor=SYSTEM)
    assert portal_items(world)["G1-01"]["progress"] == 40  # waits for the next publication
    republish(world)
    assert portal_items(world)["G1-01"]["progress"] == 90


def test_publishing_a_round_changes_the_cached_portal(world):
    coordinator = Actor.member(world["coordinator"])
    round_ = open_round(world["plan"], coordinator, "Voorjaar", 2026)
    update = followup.save_update(
        round_.updates.get(item=world["b"]),
        {"percent": 60, "narrative": "<p>De fietsenstalling is gebouwd.</p>"},
        version=1,
        submit=True,
        actor=coordinator,
    )
    followup.approve(update, actor=coordinator)
    followup.close_round(round_, actor=coordinator)
    assert portal_items(world)["G1-02"]["progress_text"] is None
    assert portal_plan(world, q="fietsenstalling") == []
    followup.publish_round(type(round_).objects.get(pk=round_.pk), actor=coordinator)
    item = portal_items(world)["G1-02"]
    assert (item["progress"], item["progress_text"]) == (
        60,
        "<p>De fietsenstalling is gebouwd.</p>",
    )
    assert portal_plan(world, q="fietsenstalling") == ["G1-02"]


def test_hiding_an_item_changes_the_cached_portal(world):
    assert set(portal_items(world)) == {"G1", "G1-01", "G1-02", "G2"}
    item_services.update_item(world["b"], {"is_public": False}, actor=SYSTEM)
    assert set(portal_items(world)) == {"G1", "G1-01", "G2"}


def test_texts_change_the_cached_search(world):
    assert portal_plan(world, q="speeltuin") == []
    item_services.update_item(
        world["b"], {"description": "<p>Een nieuwe speeltuin.</p>"}, actor=SYSTEM
    )
    assert portal_plan(world, q="speeltuinen") == ["G1-02"]


def test_departments_change_the_cached_portal(world):
    department = DepartmentFactory(organisation=world["plan"].organisation, name="Groen")
    assert portal_plan(world, department="Groen") == ["G1", "G1-01", "G1-02", "G2"]  # unknown
    item_services.update_item(world["a"], {"departments": [department]}, actor=SYSTEM)
    assert portal_plan(world, department="Groen") == ["G1-01"]
    department.name = "Groen en milieu"
    department.save()
    assert portal_plan(world, department="Groen en milieu") == ["G1-01"]


def test_sdg_links_change_the_cached_portal(world):
    goal = SDGGoal.objects.get(number=11)
    assert portal_plan(world, sdg=11) == ["G1", "G1-01", "G1-02", "G2"]  # not a choice yet
    item_services.update_item(world["b"], {"sdg_goals": [goal]}, actor=SYSTEM)
    assert portal_plan(world, sdg=11) == ["G1-02"]


def test_the_organisation_changes_the_cached_portal(world):
    organisation = world["plan"].organisation
    assert portal_json(world)["organisation"] == organisation.name
    organisation.name = "Gemeente Nieuwnaam"
    organisation.save()
    assert portal_json(world)["organisation"] == "Gemeente Nieuwnaam"


# -- work that does not grow with the plan ---------------------------------------------------


def test_a_warm_portal_item_page_does_not_roll_up_again(world):
    plan = world["plan"]
    url = reverse("portal:item", kwargs={"org": plan.organisation.slug, "pk": world["a"].pk})
    client = world["client"]
    with mock.patch.object(publication, "public_rows", wraps=publication.public_rows) as spy:
        assert client.get(url).status_code == 200
        assert spy.call_count == 1
        assert client.get(url).status_code == 200
        other = reverse("portal:item", kwargs={"org": plan.organisation.slug, "pk": world["b"].pk})
        assert client.get(other).status_code == 200
        assert spy.call_count == 1
        plan_changed(plan.pk)
        assert client.get(url).status_code == 200
        assert spy.call_count == 2


def test_a_warm_tree_page_does_not_roll_up_again(world):
    from koers.plans.services import rollups

    with mock.patch.object(rollups, "plan_rows", wraps=rollups.plan_rows) as spy:
        tree(world)
        tree(world)
        assert spy.call_count == 1


def _pages_of(plan, client, coordinator) -> list[str]:
    """A plan of actions with texts in two rounds, published; the URLs of its pages."""
    actor = Actor.member(coordinator)
    first = open_round(plan, actor, "Voorjaar", 2026)
    for update in first.updates.all():
        update.narrative = f"<p>De werken aan <b>fietspaden</b> lopen ({update.item_id}).</p>"
        update.state = ProgressUpdate.State.APPROVED
        update.save()
    followup.close_round(first, actor=actor)
    followup.publish_round(type(first).objects.get(pk=first.pk), actor=actor)
    plan.is_published = True
    plan.save()
    second = open_round(plan, actor, "Najaar", 2027)
    slug = plan.organisation.slug
    action = plan.items.filter(depth=4).order_by("path").first()
    portal = reverse("portal:plan", kwargs={"org": slug, "pk": plan.pk})
    return [
        reverse("plans:plan_tree", kwargs={"org": slug, "pk": plan.pk}),
        reverse("portal:item", kwargs={"org": slug, "pk": action.pk}),
        portal,
        portal + "?q=fietspaden",
        reverse("followup:round", kwargs={"org": slug, "pk": second.pk}),
    ]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


ROLL_UP_TABLES = ("plans_budgetline", "plans_milestone", "portal_publisheditem")


def test_warm_pages_read_no_figures_of_the_whole_plan(db, client):
    plan = make_plan_with_actions(30)
    coordinator = MembershipFactory(organisation=plan.organisation, role=Role.COORDINATOR)
    client.force_login(coordinator.user)
    for url in _pages_of(plan, client, coordinator)[:4]:  # tree, portal item, plan, search
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        read = [q["sql"] for q in queries if any(t in q["sql"] for t in ROLL_UP_TABLES)]
        assert read == [], url


def test_pages_take_the_same_queries_for_small_and_large_plans(db, client):
    measured = []
    for actions in (5, 120):
        plan = make_plan_with_actions(actions)
        coordinator = MembershipFactory(organisation=plan.organisation, role=Role.COORDINATOR)
        client.force_login(coordinator.user)
        urls = _pages_of(plan, client, coordinator)
        client.get(urls[0])  # the session's first request may refresh it
        cold = [_count(client, url) for url in urls]
        warm = [_count(client, url) for url in urls]
        measured.append((cold, warm))
    assert measured[0] == measured[1]


def test_the_round_page_compares_fingerprints_not_texts(db, client):
    plan = make_plan_with_actions(20)
    coordinator = MembershipFactory(organisation=plan.organisation, role=Role.COORDINATOR)
    client.force_login(coordinator.user)
    urls = _pages_of(plan, client, coordinator)
    second = plan.rounds.get(name="Najaar")
    changed = second.updates.order_by("item__path")[:5]
    for update in changed:
        update.narrative = "<p>Iets <i>anders</i>.</p>"
        update.save()
    assert ProgressUpdate.objects.get(pk=changed[0].pk).narrative_fingerprint == (
        narrative_fingerprint("<p>Iets anders.</p>")
    )
    stripped = AssertionError("the texts were stripped of their tags")
    with mock.patch("koers.followup.services.words", side_effect=stripped, create=True):
        response = client.get(urls[-1])
    assert response.context["stale_count"] == second.updates.count() - 5


def test_the_public_plan_keeps_no_row_the_public_may_not_see(world):
    item_services.update_item(world["goal"], {"is_public": False}, actor=SYSTEM)
    public = portal_cache.public_plan(Plan.objects.get(pk=world["plan"].pk))
    assert [row.item.code for row in public.rows] == ["G2"]


def test_the_portal_search_finds_dutch_word_forms_in_rich_text(world):
    texts = {
        world["a"]: "<p>Nieuwe <b>fietspaden</b> langs de Financiën-straat &amp; bomen.</p>",
        world["b"]: "<p>Eén fietspad, één boom; de <i>élan</i> van het café.</p>",
        world["other"]: "<p>Speelpleinen en zwemBAD</p>",
    }
    for item, text in texts.items():
        item_services.update_item(item, {"description": text}, actor=SYSTEM)
    plan = Plan.objects.get(pk=world["plan"].pk)
    public = portal_cache.public_plan(plan)
    expected = {
        "fietspad": ["G1-01", "G1-02"],
        "bomen": ["G1-01", "G1-02"],
        "financien": ["G1-01"],
        "ELAN": ["G1-02"],
        "cafe": ["G1-02"],
        "zwem": ["G2"],
        "speelplein": ["G2"],
        "G1-0": ["G1-01", "G1-02"],
        "b amp": [],  # tags and entities are no words
    }
    found = {
        query: [row.item.code for row in public.search(public.rows, query, plan)]
        for query in expected
    }
    assert found == expected


def test_the_cached_portal_item_page_follows_its_item_and_organisation(world):
    plan = world["plan"]
    url = reverse("portal:item", kwargs={"org": plan.organisation.slug, "pk": world["a"].pk})
    client = world["client"]
    assert "Het fietspad is klaar." not in client.get(url).content.decode()
    item_services.update_item(
        world["a"], {"description": "<p>Het fietspad is klaar.</p>"}, actor=SYSTEM
    )
    assert "<p>Het fietspad is klaar.</p>" in client.get(url).content.decode()
    organisation = plan.organisation
    organisation.name = "Gemeente Anderland"
    organisation.save()
    assert "Gemeente Anderland" in client.get(url).content.decode()
    item_services.update_item(world["goal"], {"is_public": False}, actor=SYSTEM)
    assert client.get(url).status_code == 404


def test_the_cache_url_chooses_the_backend():
    from django.core.exceptions import ImproperlyConfigured

    from koers.cache_config import cache_settings

    assert cache_settings("", 500) == {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "koers",
            "OPTIONS": {"MAX_ENTRIES": 500},
        }
    }
    database = cache_settings("db://koers_cache", 1000)["default"]
    assert (database["BACKEND"], database["LOCATION"]) == (
        "koers.cache_backends.DatabaseCache",
        "koers_cache",
    )
    redis = cache_settings("redis://127.0.0.1:6379/1", 1000)["default"]
    assert redis == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
    }
    with pytest.raises(ImproperlyConfigured):
        cache_settings("mongodb://x", 1000)


# -- a warm public page costs one small query, and still checks what it may show ---------------


def test_a_warm_portal_page_takes_one_query_and_still_refuses_what_is_not_public(world, client):
    from tests.factories import OrganisationFactory

    plan, a = world["plan"], world["a"]
    slug = plan.organisation.slug
    item_url = reverse("portal:item", kwargs={"org": slug, "pk": a.pk})
    plan_url = reverse("portal:plan", kwargs={"org": slug, "pk": plan.pk})
    client.logout()
    for url in (item_url, plan_url):
        assert client.get(url).status_code == 200
        assert _count(client, url) == 1
    stranger = OrganisationFactory().slug  # the same pages under another organisation
    assert (
        client.get(reverse("portal:item", kwargs={"org": stranger, "pk": a.pk})).status_code == 404
    )
    assert (
        client.get(reverse("portal:plan", kwargs={"org": stranger, "pk": plan.pk})).status_code
        == 404
    )
    item_services.update_item(a, {"is_public": False}, actor=SYSTEM)
    assert client.get(item_url).status_code == 404
    item_services.update_item(PlanItem.objects.get(pk=a.pk), {"is_public": True}, actor=SYSTEM)
    assert client.get(item_url).status_code == 200
    plan_services.update_plan(Plan.objects.get(pk=plan.pk), {"is_published": False}, actor=SYSTEM)
    assert client.get(item_url).status_code == 404
    assert client.get(plan_url).status_code == 404


# -- the round page's figures: kept until an update changes, never older ---------------------


def _round_page(client, plan, round_):
    url = reverse("followup:round", kwargs={"org": plan.organisation.slug, "pk": round_.pk})
    response = client.get(url)
    assert response.status_code == 200
    return response.context


def test_the_round_figures_follow_every_change_of_its_updates(db, client):
    from koers.followup import round_summary

    plan = make_plan_with_actions(6)
    coordinator = MembershipFactory(organisation=plan.organisation, role=Role.COORDINATOR)
    client.force_login(coordinator.user)
    actor = Actor.member(coordinator)
    _pages_of(plan, client, coordinator)
    second = plan.rounds.get(name="Najaar")
    total = second.updates.count()
    with mock.patch.object(round_summary, "_compute", wraps=round_summary._compute) as spy:
        first = _round_page(client, plan, second)
        assert (first["counts"].total, first["stale_count"]) == (total, total)
        assert first["counts"].by_state == {ProgressUpdate.State.DRAFT: total}
        _round_page(client, plan, second)
        assert spy.call_count == 1  # the second view counted nothing
        update = second.updates.order_by("-item__depth", "item__path").first()  # an action
        followup.save_update(
            update,
            {"narrative": "<p>Nieuw.</p>", "status": None, "percent": 50},
            actor=actor,
            version=update.version,
            submit=True,
        )
        after = _round_page(client, plan, second)
        assert spy.call_count == 2
        assert after["stale_count"] == total - 1
        assert after["counts"].by_state == {
            ProgressUpdate.State.DRAFT: total - 1,
            ProgressUpdate.State.SUBMITTED: 1,
        }
        item = update.item
        item_services.update_item(item, {"owner": None}, actor=SYSTEM)
        assert _round_page(client, plan, second)["without_owner"] == (
            second.updates.filter(item__owner__isnull=True).count()
        )
        department = DepartmentFactory(organisation=plan.organisation, name="Wegen")
        item.departments.add(department)
        rows = {
            row["name"]: row["total"] for row in _round_page(client, plan, second)["departments"]
        }
        assert rows["Wegen"] == 1
        item_services.delete_item(PlanItem.objects.get(pk=item.pk), actor=SYSTEM)
        assert _round_page(client, plan, second)["counts"].total == total - 1


@pytest.mark.django_db(transaction=True)
def test_each_transaction_of_a_decorated_service_gives_a_new_version():
    """A function decorated with ``@transaction.atomic`` enters the same ``Atomic`` object
    on every call: two calls in a row are two transactions, and each must bump."""
    from django.db import transaction

    from koers.plans.content import plan_changed
    from koers.plans.models import Plan
    from tests.factories import make_plan

    bump = transaction.atomic(plan_changed)  # one Atomic for every call, as a service has
    plan = make_plan()

    def version():
        return Plan.objects.values_list("content_version", flat=True).get(pk=plan.pk)

    seen = [version()]
    for _call in range(3):
        bump(plan.pk)
        seen.append(version())
    assert len(set(seen)) == 4, seen
    with transaction.atomic():  # within one transaction, one bump is enough
        bump(plan.pk)
        inside = version()
        bump(plan.pk)
        assert version() == inside
