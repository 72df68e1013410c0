"""Reporting rounds: open, write, submit, return, approve, close; conflicts and history."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from koers.accounts.actor import Actor
from koers.followup import services
from koers.followup.models import ProgressUpdate, ReportingRound
from koers.plans.models import PlanItem

PERIOD = {
    "period_start": date(2026, 1, 1),
    "period_end": date(2026, 6, 30),
    "deadline": date(2026, 7, 15),
}


def _open(demo, name="Voorjaar 2026", **values):
    coordinator = Actor.member(demo.membership("coordinator@voorbeeld.be"))
    return services.open_round(demo.plan, {"name": name, **PERIOD, **values}, actor=coordinator)


def _editor(demo):
    return Actor.member(demo.membership("editor@voorbeeld.be"))


def _own_update(demo, round_):
    return round_.updates.filter(item__owner__email="editor@voorbeeld.be").first()


def test_opening_a_round_creates_an_update_per_item_in_scope(demo):
    items = PlanItem.objects.filter(plan=demo.plan, depth__gt=1)
    round_ = _open(demo)
    assert round_.updates.count() == items.count()
    priority = _open(demo, "Prioritair", scope=ReportingRound.Scope.PRIORITY)
    assert priority.updates.count() == items.filter(policy="priority").count()
    goal = items.filter(depth=2).first()
    part = _open(demo, "Deel", scope=ReportingRound.Scope.SUBTREE, scope_item=goal)
    assert part.updates.count() == items.filter(path__startswith=goal.path).count()
    assert round_.updates.first().history.first().history_change_reason


def test_period_and_scope_are_checked(demo):
    with pytest.raises(ValidationError):
        _open(demo, period_start=date(2026, 7, 1))
    with pytest.raises(ValidationError):
        _open(demo, scope=ReportingRound.Scope.SUBTREE)
    with pytest.raises(PermissionDenied):
        services.open_round(demo.plan, {"name": "x", **PERIOD}, actor=_editor(demo))


def test_owner_writes_submits_and_the_next_round_starts_from_it(demo):
    round_ = _open(demo)
    update = _own_update(demo, round_)
    status = demo.plan.statuses.get(key="lopend")
    saved = services.save_update(
        update,
        {"status": status, "percent": 40, "narrative": "<p>Goed bezig</p><script>x</script>"},
        version=update.version,
        submit=True,
        actor=_editor(demo),
    )
    assert saved.state == ProgressUpdate.State.SUBMITTED
    assert "<script>" not in saved.narrative
    coordinator = Actor.member(demo.membership("coordinator@voorbeeld.be"))
    services.approve(saved, actor=coordinator)
    next_round = _open(demo, "Najaar 2026")
    update.item.refresh_from_db()
    assert (update.item.status, update.item.progress) == (status, 40)
    carried = next_round.updates.get(item=update.item)
    assert (carried.percent, carried.status, carried.state) == (40, status, "draft")
    assert "Goed bezig" in carried.narrative


def test_the_second_save_of_the_same_version_is_a_conflict(demo):
    round_ = _open(demo)
    update = _own_update(demo, round_)
    first = services.save_update(
        update, {"narrative": "eerste"}, version=1, submit=False, actor=_editor(demo)
    )
    assert first.version == 2
    with pytest.raises(services.UpdateConflict) as conflict:
        services.save_update(
            update, {"narrative": "tweede"}, version=1, submit=False, actor=_editor(demo)
        )
    assert "eerste" in conflict.value.current.narrative


def test_return_needs_a_comment_and_closing_freezes(demo):
    round_ = _open(demo)
    update = _own_update(demo, round_)
    coordinator = Actor.member(demo.membership("coordinator@voorbeeld.be"))
    update = services.save_update(
        update, {"narrative": "x"}, version=1, submit=True, actor=_editor(demo)
    )
    with pytest.raises(ValidationError):
        services.return_update(update, "", actor=coordinator)
    returned = services.return_update(update, "Graag cijfers toevoegen", actor=coordinator)
    assert returned.state == "returned"
    services.close_round(round_, actor=coordinator)
    update.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.save_update(
            update,
            {"narrative": "te laat"},
            version=update.version,
            submit=False,
            actor=_editor(demo),
        )
    corrected = services.save_update(
        update, {"narrative": "correctie"}, version=update.version, submit=False, actor=coordinator
    )
    assert corrected.history.first().history_change_reason == gettext(
        "Corrected after the round was closed"
    )
    with pytest.raises(ValidationError):
        services.reopen_round(round_, "  ", actor=coordinator)
    services.reopen_round(round_, "Vergeten dienst", actor=coordinator)
    assert "Vergeten dienst" in round_.history.first().history_change_reason


def test_full_flow_in_the_browserless_client(demo, login):
    round_ = _open(demo)
    update = _own_update(demo, round_)
    editor = login("editor@voorbeeld.be")
    inbox = editor.get(reverse("followup:inbox", kwargs={"org": "voorbeeld"}))
    done, total = inbox.context["done"], inbox.context["total"]
    assert f"{done}/{total}" in inbox.content.decode()
    url = reverse("followup:update", kwargs={"org": "voorbeeld", "pk": update.pk})
    editor.post(url, {"version": 1, "narrative": "Eerste versie", "submit": "1"})
    inbox = editor.get(reverse("followup:inbox", kwargs={"org": "voorbeeld"}))
    assert (inbox.context["done"], inbox.context["total"]) == (done + 1, total)
    coordinator = login("coordinator@voorbeeld.be")
    round_url = reverse("followup:round", kwargs={"org": "voorbeeld", "pk": round_.pk})
    coordinator.post(round_url, {"action": "return", "update": update.pk, "comment": "Meer uitleg"})
    editor = login("editor@voorbeeld.be")
    assert "Meer uitleg" in editor.get(url).content.decode()
    editor.post(url, {"version": 3, "narrative": "Tweede versie met uitleg", "submit": "1"})
    coordinator = login("coordinator@voorbeeld.be")
    coordinator.post(round_url, {"action": "bulk_approve", "updates": [update.pk]})
    update.refresh_from_db()
    assert update.state == "approved"
    reader = login("reader@voorbeeld.be")
    item_page = reverse("plans:item_detail", kwargs={"org": "voorbeeld", "pk": update.item_id})
    assert "Tweede versie met uitleg" in reader.get(item_page).content.decode()
    assert "Eerste versie" not in reader.get(round_url).content.decode()


def test_a_stale_form_shows_both_versions_and_keeps_the_typing(demo, login):
    round_ = _open(demo)
    update = _own_update(demo, round_)
    services.save_update(
        update,
        {"narrative": "Hun tekst"},
        version=1,
        submit=False,
        actor=Actor.member(demo.membership("coordinator@voorbeeld.be")),
    )
    editor = login("editor@voorbeeld.be")
    url = reverse("followup:update", kwargs={"org": "voorbeeld", "pk": update.pk})
    response = editor.post(url, {"version": 1, "narrative": "Mijn tekst", "save": "1"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Hun tekst" in page and "Mijn tekst" in page
    update.refresh_from_db()
    assert "Hun tekst" in update.narrative and "Mijn tekst" not in update.narrative


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["followup:inbox", "followup:round"])
def test_follow_up_pages_take_the_same_queries_for_small_and_large_rounds(demo, login, page):
    from koers.plans.services.items import create_item

    client = login("coordinator@voorbeeld.be")
    coordinator = Actor.member(demo.membership("coordinator@voorbeeld.be"))

    def url(round_):
        kwargs = (
            {"org": "voorbeeld"}
            if page == "followup:inbox"
            else {"org": "voorbeeld", "pk": round_.pk}
        )
        return reverse(page, kwargs=kwargs)

    small = _open(demo, "Klein")
    small_count = _count(client, url(small))
    parent = PlanItem.objects.filter(plan=demo.plan, depth=3).first()
    for n in range(30):
        create_item(
            demo.plan,
            parent,
            {"title": f"Extra {n}", "owner": demo.user("coordinator@voorbeeld.be")},
            actor=coordinator,
        )
    small.delete()
    large = _open(demo, "Groot")
    assert _count(client, url(large)) == small_count


def test_the_difference_between_rounds_is_word_by_word():
    from koers.followup.difference import text_difference

    pieces = text_difference(
        "<p>De werken starten in maart.</p>", "<p>De werken starten in mei.</p>"
    )
    assert ("removed", "maart.") in pieces and ("added", "mei.") in pieces
    assert pieces[0] == ("same", "De werken starten in")


def test_the_update_page_shows_what_changed_since_the_previous_round(demo, login):
    first = _open(demo, "Eerste")
    update = _own_update(demo, first)
    services.save_update(
        update,
        {"narrative": "<p>Start in maart.</p>"},
        version=1,
        submit=False,
        actor=_editor(demo),
    )
    second = _open(demo, "Tweede")
    later = second.updates.get(item=update.item)
    services.save_update(
        later, {"narrative": "<p>Start in mei.</p>"}, version=1, submit=False, actor=_editor(demo)
    )
    page = (
        login("editor@voorbeeld.be")
        .get(reverse("followup:update", kwargs={"org": "voorbeeld", "pk": later.pk}))
        .content.decode()
    )
    assert "<del>maart.</del>" in page and "<ins>mei.</ins>" in page


def test_round_page_counts_statuses_unchanged_and_ownerless_items(demo, login):
    first = _open(demo, "Eerste")
    update = _own_update(demo, first)
    status = demo.plan.statuses.get(key="lopend")
    services.save_update(
        update,
        {"narrative": "<p>Zelfde tekst</p>", "status": status},
        version=1,
        submit=False,
        actor=_editor(demo),
    )
    second = _open(demo, "Tweede")
    PlanItem.objects.filter(pk=second.updates.last().item_id).update(owner=None)
    assert update.item_id in services.stale_item_ids(second)
    client = login("coordinator@voorbeeld.be")
    url = reverse("followup:round", kwargs={"org": "voorbeeld", "pk": second.pk})
    page = client.get(url).content.decode()
    running = second.updates.filter(status=status).count()
    assert f"lopend {running}" in page  # the chart's text alternative
    stale = client.get(url + "?show=stale").context["updates"]
    assert update.item_id in {u.item_id for u in stale}
    assert all(u.narrative.strip() for u in stale)
    ownerless = client.get(url + "?show=without_owner").context["updates"]
    assert all(u.item.owner_id is None for u in ownerless) and len(ownerless) >= 1
