"""The public portal: what citizens see, Dutch search, filters, and that nothing leaks."""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koers.accounts.actor import Actor
from koers.followup import services as followup
from koers.plans.models import PlanItem
from koers.plans.services.items import create_item, update_item
from tests.form_data import version_of

SECRET_ITEM = "Geheim project zwembad Noord"
SECRET_CHILD = "Onderdeel onder een geheim project"
DRAFT_TEXT = "Conceptzin die niemand buiten mag lezen"
UNPUBLISHED_TEXT = "Goedgekeurde maar niet gepubliceerde zin"
OTHER_ORG_TEXT = "Tekst van Proefdorp die in Voorbeeld niets zoekt"


def _portal(name, org="voorbeeld", **kwargs):
    return reverse(f"portal:{name}", kwargs={"org": org, **kwargs})


@pytest.fixture
def secrets(demo):
    """Everything the public must never see, next to what it may."""
    system = Actor.system()
    plan = demo.plan
    goal = plan.items.filter(depth=2, code="BD1").first()
    secret = create_item(plan, goal, {"title": SECRET_ITEM, "is_public": False}, actor=system)
    create_item(plan, secret, {"title": SECRET_CHILD, "is_public": True}, actor=system)
    coordinator = Actor.member(demo.membership("coordinator@voorbeeld.be"))
    spring = plan.rounds.get(name="Opvolging voorjaar 2026")  # open: not published
    draft = spring.updates.filter(state="draft").first()
    followup.save_update(
        draft, {"narrative": DRAFT_TEXT}, version=draft.version, submit=False, actor=coordinator
    )
    # a second draft, submitted and approved (a submitted update is its owners' to change)
    submitted = spring.updates.filter(state="draft").exclude(pk=draft.pk).first()
    submitted = followup.save_update(
        submitted,
        {"narrative": UNPUBLISHED_TEXT},
        version=submitted.version,
        submit=True,
        actor=coordinator,
    )
    followup.approve(submitted, actor=coordinator)
    other = demo.dutch_plan  # not published
    update_item(other.items.filter(depth=2).first(), {"title": OTHER_ORG_TEXT}, actor=system)
    return {"secret": secret, "child": PlanItem.objects.get(title=SECRET_CHILD), "other": other}


def _every_public_page(client, demo):
    plan = demo.plan
    pages = [_portal("home"), _portal("plan", pk=plan.pk), _portal("api_plan", pk=plan.pk)]
    pages += [_portal("complaints"), _portal("complaint_form")]  # koers.complaints_public
    pages += [
        _portal("item", pk=pk) for pk in plan.items.filter(depth__gt=1).values_list("pk", flat=True)
    ]
    for query in ("zwembad", "conceptzin", "gepubliceerde", "proefdorp", "project", "niemand"):
        pages.append(_portal("plan", pk=plan.pk) + f"?q={query}")
    bodies = []
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        bodies.append(response.content.decode())
    return "\n".join(bodies)


def test_nothing_unpublished_leaks_in_pages_search_or_api(demo, client, secrets):
    everything = _every_public_page(client, demo)
    for secret in (SECRET_ITEM, SECRET_CHILD, DRAFT_TEXT, UNPUBLISHED_TEXT, OTHER_ORG_TEXT):
        assert secret not in everything, secret
    assert client.get(_portal("item", pk=secrets["secret"].pk)).status_code == 404
    assert client.get(_portal("item", pk=secrets["child"].pk)).status_code == 404
    other = secrets["other"]
    assert client.get(_portal("plan", org="proefdorp", pk=other.pk)).status_code == 404
    assert client.get(_portal("api_plan", org="proefdorp", pk=other.pk)).status_code == 404
    # another organisation's slug with our ids
    assert client.get(_portal("plan", org="proefdorp", pk=demo.plan.pk)).status_code == 404
    own_item = demo.plan.items.filter(depth=3).first()
    assert client.get(_portal("item", org="proefdorp", pk=own_item.pk)).status_code == 404


def test_published_progress_and_public_items_do_appear(demo, client):
    published = demo.plan.rounds.get(state="published")
    update = published.updates.filter(state="approved").select_related("item").first()
    page = client.get(_portal("item", pk=update.item_id)).content.decode()
    assert update.narrative in page and published.name in page
    data = json.loads(client.get(_portal("api_plan", pk=demo.plan.pk)).content)
    by_id = {item["id"]: item for item in data["items"]}
    assert by_id[update.item_id]["progress_text"] == update.narrative
    public = PlanItem.objects.filter(plan=demo.plan, depth__gt=1, is_public=True).count()
    assert len(data["items"]) == public


def test_search_understands_dutch_word_forms(demo, client):
    url = _portal("plan", pk=demo.plan.pk)
    singular = client.get(url, {"q": "fietspad"}).context["results"]
    plural = client.get(url, {"q": "fietspaden"}).context["results"]
    assert [row.item.pk for row in singular] == [row.item.pk for row in plural] != []
    trees = client.get(url, {"q": "bomen"}).context["results"]
    assert any("bomen" in row.item.title.lower() for row in trees)
    assert client.get(url, {"q": "boom"}).context["result_count"] == len(trees)
    assert client.get(url, {"q": "Financien"}).context["result_count"] >= 1  # no accent needed
    assert client.get(url, {"q": "xyzzy"}).context["result_count"] == 0


def test_filters_by_goal_department_status_and_sdg(demo, client):
    plan = demo.plan
    url = _portal("plan", pk=plan.pk)
    goal = plan.items.filter(depth=2).first()
    rows = client.get(url, {"goal": goal.pk}).context["results"]
    assert rows and all(row.item.path.startswith(goal.path) for row in rows)
    department = client.get(url, {"department": "Omgeving"}).context
    expected = plan.items.filter(departments__name="Omgeving", is_public=True).count()
    assert department["result_count"] == expected
    status = plan.statuses.get(key="lopend")
    rows = client.get(url, {"status": status.pk}).context["results"]
    assert rows and all(row.item.status_id == status.pk for row in rows)
    sdg_item = plan.items.filter(sdg_goals__isnull=False).first()
    number = sdg_item.sdg_goals.first().number
    rows = client.get(url, {"sdg": number}).context["page"].paginator.object_list
    assert sdg_item.pk in [row.item.pk for row in rows]


def test_portal_pages_take_the_same_queries_for_small_and_large_plans(demo, client):
    from tests.factories import make_plan_with_actions

    counts = []
    for actions in (10, 200):
        plan = make_plan_with_actions(actions, demo.voorbeeld)
        plan.is_published = True
        plan.save()
        item = plan.items.filter(depth=4).first()
        measured = []
        for url in (
            _portal("plan", pk=plan.pk),
            _portal("plan", pk=plan.pk) + "?q=actie",
            _portal("item", pk=item.pk),
            _portal("api_plan", pk=plan.pk),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            measured.append(len(queries))
        counts.append(measured)
    assert counts[0] == counts[1]


def test_the_organisation_sets_name_colour_and_logo(demo, login, client):
    url = reverse("accounts:portal_branding", kwargs={"org": "voorbeeld"})
    assert login("coordinator@voorbeeld.be").get(url).status_code == 403
    admin = login("admin@voorbeeld.be")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
    response = admin.post(
        url,
        {
            "name": "Gemeente Voorbeeld-aan-Zee",
            "colour": "#00553a",
            "logo_file": SimpleUploadedFile("l.png", png),
            **version_of(demo.voorbeeld),
        },
    )
    assert response.status_code == 302
    refused = admin.post(
        url,
        {
            "name": "X",
            "colour": "#00553a",
            "logo_file": SimpleUploadedFile("l.svg", b"<svg onload=alert(1)>"),
        },
    )
    assert refused.status_code == 400
    assert 'value="X"' in refused.content.decode()  # what was typed stays
    client.logout()
    home = client.get(_portal("home")).content.decode()
    assert "Gemeente Voorbeeld-aan-Zee" in home and "#00553a" in home
    logo = client.get(_portal("logo"))
    assert logo.content == png and logo["Content-Type"] == "image/png"


def test_an_unpublished_plan_and_a_plan_of_another_round_state_stay_hidden(demo, client):
    plan = demo.plan
    plan.is_published = False
    plan.save()
    assert client.get(_portal("plan", pk=plan.pk)).status_code == 404
    assert plan.title not in client.get(_portal("home")).content.decode()


def test_a_round_shows_on_the_portal_only_once_published(demo, client):
    plan = demo.plan
    coordinator = Actor.member(demo.membership("coordinator@voorbeeld.be"))
    round_ = followup.open_round(
        plan,
        {
            "name": "Najaar",
            "period_start": date(2026, 7, 1),
            "period_end": date(2026, 12, 31),
            "deadline": date(2027, 1, 10),
        },
        actor=coordinator,
    )
    update = round_.updates.filter(item__depth=3).first()
    update = followup.save_update(
        update,
        {"narrative": "Zichtbaar na publicatie"},
        version=update.version,
        submit=True,
        actor=coordinator,
    )
    followup.approve(update, actor=coordinator)
    page = _portal("item", pk=update.item_id)
    assert "Zichtbaar na publicatie" not in client.get(page).content.decode()
    followup.close_round(round_, actor=coordinator)
    assert "Zichtbaar na publicatie" not in client.get(page).content.decode()
    followup.publish_round(round_, actor=coordinator)
    assert "Zichtbaar na publicatie" in client.get(page).content.decode()


def test_an_organisation_cannot_take_a_slug_koers_uses_itself(db):
    from django.core.exceptions import ValidationError

    from koers.accounts.models import Organisation

    with pytest.raises(ValidationError):
        Organisation(name="App", slug="app").full_clean()
    Organisation(name="Appelterre", slug="appelterre").full_clean()


def test_hidden_items_do_not_show_through_the_totals_of_their_parents(demo, client):
    from koers.plans.models import BudgetLine

    system = Actor.system()
    plan = demo.plan
    goal = plan.items.get(depth=2, code="BD1")
    before = client.get(_portal("item", pk=goal.pk)).context["money_total"].current
    hidden = create_item(
        plan, goal, {"title": "Verborgen dure actie", "is_public": False}, actor=system
    )
    BudgetLine.objects.create(item=hidden, year=2027, current=2_400_000, initial=2_400_000)
    hidden.departments.add(demo.voorbeeld.departments.create(name="Geheime dienst"))
    page = client.get(_portal("item", pk=goal.pk))
    assert page.context["money_total"].current == before
    plan_page = client.get(_portal("plan", pk=plan.pk)).content.decode()
    assert "Geheime dienst" not in plan_page
    data = json.loads(client.get(_portal("api_plan", pk=plan.pk)).content)
    goal_data = next(item for item in data["items"] if item["id"] == goal.pk)
    assert goal_data["budget"].get("2027", {}).get("current") != "2400000.00"


def test_figures_follow_the_published_update_until_a_later_round_is_published(demo, client):
    plan = demo.plan
    coordinator = Actor.member(demo.membership("coordinator@voorbeeld.be"))
    published = (
        plan.rounds.get(state="published")
        .updates.filter(state="approved", item__numchild=0)
        .first()
    )
    page = _portal("item", pk=published.item_id)
    assert client.get(page).context["row"].progress_percent == published.percent
    later = followup.open_round(
        plan,
        {
            "name": "Najaar",
            "period_start": date(2026, 7, 1),
            "period_end": date(2026, 12, 31),
            "deadline": date(2027, 1, 10),
            "scope": "subtree",
            "scope_item": plan.items.get(depth=2, code="BD2"),
        },
        actor=coordinator,
    )
    update = later.updates.get(item_id=published.item_id)
    done = plan.statuses.get(key="gerealiseerd")
    update = followup.save_update(
        update,
        {"status": done, "percent": 100},
        version=update.version,
        submit=True,
        actor=coordinator,
    )
    followup.approve(update, actor=coordinator)  # the item itself is now at 100 %
    row = client.get(page).context["row"]
    assert row.progress_percent == published.percent and row.item.status_id == published.status_id
    followup.close_round(later, actor=coordinator)
    followup.publish_round(later, actor=coordinator)
    row = client.get(page).context["row"]
    assert row.progress_percent == 100 and row.item.status_id == done.pk
