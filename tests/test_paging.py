"""Pages of a list in tree order, sorted by Koers rather than by the database
(``koers.paging.page_in_order``; the round page uses it)."""

from koers.accounts.actor import Actor
from koers.followup.models import ProgressUpdate
from koers.paging import page_in_order
from koers.plans.models import PlanItem
from tests.factories import MembershipFactory, make_plan_with_actions, open_round


def test_pages_follow_the_databases_order_and_keep_the_filter(db):
    plan = make_plan_with_actions(60)
    other = make_plan_with_actions(5)  # another plan's items stay out
    items = PlanItem.objects.filter(plan=plan, depth__gt=1)
    expected = list(items.order_by("path"))
    assert len(expected) > 2 * 25

    pages = [page_in_order(items, "path", 25, number) for number in (1, 2, 3)]

    assert [row for page in pages for row in page.object_list] == expected
    assert pages[0].paginator.count == len(expected)
    assert pages[2].has_next() is False and pages[0].has_next() is True
    assert page_in_order(items, "path", 25, 99).number == 3  # past the end: the last page
    assert page_in_order(items, "path", 25, "x").number == 1
    assert not any(row.plan_id == other.pk for page in pages for row in page.object_list)


def test_round_updates_are_listed_in_tree_order(db, client):
    from django.urls import reverse

    from koers.accounts.models import Role

    plan = make_plan_with_actions(120)
    coordinator = MembershipFactory(organisation=plan.organisation, role=Role.COORDINATOR)
    round_ = open_round(plan, Actor.member(coordinator))
    expected = [
        update.item.code
        for update in ProgressUpdate.objects.filter(round=round_).order_by("item__path")
    ]
    client.force_login(coordinator.user)
    url = reverse("followup:round", kwargs={"org": plan.organisation.slug, "pk": round_.pk})

    shown = []
    for number in (1, 2):
        response = client.get(url, {"page": number})
        shown += [update.item.code for update in response.context["updates"]]

    assert len(expected) > 100 and shown == expected[: len(shown)]
    assert len(shown) == min(len(expected), 200)
