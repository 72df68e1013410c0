"""Anonymous portal pages can be kept by browsers and proxies: Cache-Control, an ETag of
the page, Vary, and 304 Not Modified for a tag that still names the page; members signed
in, the complaint form and error pages are left alone."""

import pytest
from django.core.cache import cache as django_cache
from django.urls import reverse

from koers.accounts.actor import Actor
from koers.plans.content import forget_memory
from koers.plans.services.items import update_item
from tests.test_published_snapshot import World


@pytest.fixture
def world(db):
    django_cache.clear()
    forget_memory()
    return World()


def plan_page(world):
    return reverse("portal:plan", kwargs={"org": world.organisation.slug, "pk": world.plan.pk})


def test_an_anonymous_page_has_a_tag_a_lifetime_and_vary(client, world, settings):
    settings.KOERS_PORTAL_MAX_AGE = 120
    response = client.get(plan_page(world))
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=120"
    assert response["ETag"].startswith('"') and len(response["ETag"]) == 34
    vary = {word.strip() for word in response["Vary"].split(",")}
    assert {"Accept-Language", "Cookie"} <= vary
    assert not response.cookies


def test_the_same_tag_is_answered_with_304_and_no_body(client, world):
    first = client.get(plan_page(world))
    again = client.get(plan_page(world), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    other = client.get(plan_page(world), HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200 and other.content == first.content


def test_a_change_on_the_page_gives_it_a_new_tag(client, world):
    first = client.get(plan_page(world))
    world.a1.refresh_from_db()
    update_item(world.a1, {"title": "Fietspad Kerkstraat en Molenstraat"}, actor=Actor.system())
    changed = client.get(plan_page(world), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "Molenstraat" in changed.content.decode()
    assert changed["ETag"] != first["ETag"]


def test_two_visitors_get_the_same_tag_for_the_same_page(client, world):
    from django.test import Client

    first = client.get(plan_page(world))
    other = Client().get(plan_page(world), HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code == 304  # a proxy may answer every visitor with what it kept


def test_members_signed_in_get_no_public_caching(client, world):
    client.force_login(world.coordinator.user)
    response = client.get(plan_page(world))
    assert response.status_code == 200
    assert "ETag" not in response
    assert "public" not in response.get("Cache-Control", "")


def test_the_complaint_form_and_error_pages_are_never_kept(client, world):
    missing = client.get(
        reverse("portal:plan", kwargs={"org": world.organisation.slug, "pk": 999999})
    )
    assert missing.status_code == 404 and "ETag" not in missing
    form = client.get(reverse("portal:complaint_form", kwargs={"org": world.organisation.slug}))
    assert "ETag" not in form
    assert "public" not in form.get("Cache-Control", "")


def test_pages_of_the_app_are_not_touched(client, world):
    client.force_login(world.coordinator.user)
    response = client.get(reverse("plans:plan_list", kwargs={"org": world.organisation.slug}))
    assert "ETag" not in response
