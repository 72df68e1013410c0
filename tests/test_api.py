from django.urls import reverse
from rest_framework.authtoken.models import Token

from koers.plans.models import Milestone, PlanItem


def test_token_authentication_and_scoping(demo, client):
    token = Token.objects.create(user=demo.user("reader@voorbeeld.be"))
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    plans = client.get(reverse("api-plans", kwargs={"org": "voorbeeld"}), **auth).json()
    assert [plan["title"] for plan in plans["results"]] == [demo.plan.title]
    assert client.get(reverse("api-plans", kwargs={"org": "proefdorp"}), **auth).status_code == 404


def test_tree_nests_items_with_rollups(demo, login):
    tree = (
        login("reader@voorbeeld.be")
        .get(reverse("api-plan-tree", kwargs={"org": "voorbeeld", "pk": demo.plan.pk}))
        .json()
    )
    goals = tree["items"]
    assert [goal["code"] for goal in goals][:2] == ["BD1", "BD2"]
    assert goals[0]["level_label"] == "Beleidsdoelstelling"
    assert goals[0]["children"][0]["children"][0]["code"].startswith("BD1-01-")
    first_goal = PlanItem.objects.get(plan=demo.plan, code="BD1")
    milestones = Milestone.objects.filter(
        item__plan=demo.plan, item__path__startswith=first_goal.path
    )
    assert goals[0]["milestones"] == {
        "total": milestones.count(),
        "done": milestones.filter(done=True).count(),
    }
    assert 0 < goals[0]["milestones"]["done"] < goals[0]["milestones"]["total"]
    count = sum(1 for _ in _walk(goals))
    assert count == PlanItem.objects.filter(plan=demo.plan, depth__gt=1).count()


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node["children"])


def test_item_has_parent_and_links(demo, login):
    item = demo.item("BD1-01-01")
    data = (
        login("reader@voorbeeld.be")
        .get(reverse("api-item", kwargs={"org": "voorbeeld", "pk": item.pk}))
        .json()
    )
    assert data["code"] == "BD1-01-01"
    assert data["parent"] == demo.item("BD1-01").pk
    items = (
        login("reader@voorbeeld.be")
        .get(reverse("api-plan-items", kwargs={"org": "voorbeeld", "pk": demo.plan.pk}))
        .json()
    )
    first = items["results"][0]
    assert first["parent"] is None and first["level"] == 1


def test_openapi_description_is_served(demo, login):
    client = login("reader@voorbeeld.be")  # anonymous visitors get 403 (test_hardening)
    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/{org}/plans/{id}/tree/" in text


def test_a_user_makes_an_api_key_and_uses_it(demo, login, client):
    login("reader@voorbeeld.be").post(reverse("accounts:api_token"))
    page = client.get(reverse("accounts:api_token")).content.decode()
    key = Token.objects.get(user__email="reader@voorbeeld.be").key
    assert key in page
    client.logout()
    response = client.get(
        reverse("api-plans", kwargs={"org": "voorbeeld"}), HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert response.status_code == 200
