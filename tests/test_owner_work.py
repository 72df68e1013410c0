"""An action owner's work: where they land, Mijn rapportering (grouped, filtered, due first),
and a submitted update that stays read-only until it is withdrawn or returned."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from koers.accounts.actor import Actor
from koers.followup import services
from koers.followup.models import ProgressUpdate, ReportingRound
from koers.plans.models import PlanItem
from tests.factories import open_round

EDITOR = "editor@voorbeeld.be"
COORDINATOR = "coordinator@voorbeeld.be"
INBOX = reverse("followup:inbox", kwargs={"org": "voorbeeld"})
HOME = reverse("plans:organisation_home", kwargs={"org": "voorbeeld"})


def _actor(demo, email):
    return Actor.member(demo.membership(email))


def _mine(round_):
    return round_.updates.filter(item__owner__email=EDITOR).order_by("item__path")


def _update_url(update, name="update"):
    return reverse(f"followup:{name}", kwargs={"org": "voorbeeld", "pk": update.pk})


def _demo_round():
    return ReportingRound.objects.get(name="Opvolging voorjaar 2026")


# -- where people land -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "landing"),
    [
        (EDITOR, INBOX),
        (COORDINATOR, reverse("dashboard:dashboard", kwargs={"org": "voorbeeld"})),
        ("admin@voorbeeld.be", reverse("dashboard:dashboard", kwargs={"org": "voorbeeld"})),
        ("reader@voorbeeld.be", reverse("dashboard:dashboard", kwargs={"org": "voorbeeld"})),
    ],
)
def test_signing_in_and_opening_the_organisation_land_where_the_work_is(
    demo, client, email, landing
):
    response = client.post(reverse("login"), {"username": email, "password": "demo"}, follow=True)
    assert response.redirect_chain[-1][0] == landing
    response = client.get(HOME)
    assert (response.status_code, response["Location"]) == (302, landing)


def test_the_plans_stay_one_click_away_for_an_action_owner(demo, login):
    page = login(EDITOR).get(INBOX).content.decode()
    assert f'href="{reverse("plans:plan_list", kwargs={"org": "voorbeeld"})}"' in page
    plans = login(EDITOR).get(reverse("plans:plan_list", kwargs={"org": "voorbeeld"}))
    assert plans.status_code == 200 and demo.plan.title in plans.content.decode()


# -- Mijn rapportering ---------------------------------------------------------------------


def test_updates_are_grouped_by_round_with_the_earliest_deadline_first_and_late_ones_marked(
    demo, login
):
    early = open_round(demo.plan, _actor(demo, COORDINATOR), "Tussentijds")  # deadline 15 July
    work = services.owner_work(demo.membership(EDITOR))
    assert [group.round.name for group in work.groups] == ["Tussentijds", "Opvolging voorjaar 2026"]
    late_group, current = work.groups
    # frozen today: 15 October 2026, 92 days after 15 July; the demo round is due 18 December
    assert {update.days_late for update in late_group.updates} == {92}
    assert (
        late_group.late
        == len(late_group.updates)
        == services.inbox(demo.membership(EDITOR)).filter(round=early).count()
    )
    assert current.late == 0 and all(update.days_late == 0 for update in current.updates)
    assert (late_group.days_left, current.days_left) == (-92, 64)  # 18 December
    # within a round: what asks for work first, submitted and approved last
    ranks = [services.WORK_ORDER.index(update.work_state) for update in current.updates]
    assert ranks == sorted(ranks) and ranks[0] < ranks[-1]
    paths = [update.item.path for update in late_group.updates]
    assert paths == sorted(paths)

    page = login(EDITOR).get(INBOX).content.decode()
    assert page.index("Tussentijds") < page.index("Opvolging voorjaar 2026")
    assert "te laat: 92 dagen" in page and "(nog 64 dagen)" in page
    assert page.count("te laat: 92 dagen") == len(late_group.updates)


def test_counts_per_state_and_the_filters_on_round_plan_and_state(demo, login):
    demo_round = _demo_round()
    editor = _actor(demo, EDITOR)
    open_round(demo.plan, _actor(demo, COORDINATOR), "Tussentijds")
    draft = _mine(demo_round).filter(state="draft").first()
    services.save_update(draft, {"narrative": "Half af"}, version=1, submit=False, actor=editor)
    mine = list(services.inbox(demo.membership(EDITOR)).filter(round=demo_round))
    expected = {
        "to_write": sum(1 for u in mine if u.state == "draft" and u.version == 1),
        "draft": sum(1 for u in mine if u.state == "draft" and u.version > 1),
        "submitted": sum(1 for u in mine if u.state == "submitted"),
        "returned": sum(1 for u in mine if u.state == "returned"),
        "approved": sum(1 for u in mine if u.state == "approved"),
    }
    assert expected["draft"] == 1 and expected["submitted"] and expected["approved"]

    client = login(EDITOR)
    by_round = client.get(INBOX, {"round": demo_round.pk})
    assert by_round.context["work"].counts == expected
    assert [g.round for g in by_round.context["work"].groups] == [demo_round]

    drafts = client.get(INBOX, {"round": demo_round.pk, "state": "draft"})
    assert [u.pk for g in drafts.context["work"].groups for u in g.updates] == [draft.pk]
    submitted = client.get(INBOX, {"state": "submitted"}).context["work"]
    assert {u.state for g in submitted.groups for u in g.updates} == {"submitted"}
    assert submitted.shown == expected["submitted"]  # the other round has none submitted

    everything = client.get(INBOX).context["work"]
    other_plan = client.get(INBOX, {"plan": demo.dutch_plan.pk}).context["work"]
    assert everything.shown == everything.total == sum(everything.counts.values())
    assert other_plan.shown == 0 and other_plan.total == everything.total
    page = client.get(INBOX, {"plan": demo.dutch_plan.pk}).content.decode()
    assert "Geen rapporteringen voor deze filters." in page
    # nonsense in the query string is ignored, not an error
    assert client.get(INBOX, {"round": "x", "state": "deleted"}).context["work"].shown == (
        everything.total
    )


def test_an_owner_without_updates_is_told_so_and_sent_to_the_plans(demo, login):
    for round_ in ReportingRound.objects.filter(state="open"):
        services.close_round(round_, actor=_actor(demo, COORDINATOR))
    response = login(EDITOR).get(INBOX)
    page = response.content.decode()
    assert response.context["work"].groups == [] and 'id="work-empty"' in page
    assert "Er is niets te rapporteren in open rondes." in page
    assert 'id="work-filters"' not in page  # nothing to filter


def test_the_owner_page_takes_the_same_queries_for_few_and_many_updates(
    demo, login, django_assert_num_queries
):
    from koers.plans.services.items import create_item

    client = login(EDITOR)
    with CaptureQueriesContext(connection) as few:
        assert client.get(INBOX).status_code == 200
    parent = PlanItem.objects.filter(plan=demo.plan, depth=3).first()
    coordinator = _actor(demo, COORDINATOR)
    for n in range(25):
        create_item(
            demo.plan,
            parent,
            {"title": f"Extra {n}", "owner": demo.user(EDITOR)},
            actor=coordinator,
        )
    open_round(demo.plan, coordinator, "Tussentijds")
    open_round(demo.plan, coordinator, "Najaar", year=2027)
    with django_assert_num_queries(len(few)):
        response = client.get(INBOX)
    assert response.context["work"].total > 3 * 25


# -- a submitted update is read-only -------------------------------------------------------


@pytest.fixture
def submitted(demo):
    update = _mine(_demo_round()).filter(state="draft").first()
    return services.save_update(
        update,
        {"narrative": "<p>Ingediende tekst</p>"},
        version=update.version,
        submit=True,
        actor=_actor(demo, EDITOR),
    )


def test_the_service_refuses_to_change_a_submitted_update(demo, submitted):
    for email in (EDITOR, COORDINATOR):
        with pytest.raises(services.UpdateSubmitted):
            services.save_update(
                submitted,
                {"narrative": "Toch anders"},
                version=submitted.version,
                submit=False,
                actor=_actor(demo, email),
            )
        with pytest.raises(services.UpdateSubmitted):
            services.save_update(
                submitted,
                {"narrative": "Toch anders"},
                version=submitted.version,
                submit=True,
                actor=_actor(demo, email),
            )
    submitted.refresh_from_db()
    assert (submitted.state, submitted.narrative) == ("submitted", "<p>Ingediende tekst</p>")


def test_a_post_over_a_submitted_update_changes_nothing(demo, submitted, login):
    client = login(EDITOR)
    data = {"version": submitted.version, "narrative": "Toch anders", "save": "1"}
    response = client.post(_update_url(submitted), data, follow=True)
    assert response.redirect_chain[-1][0] == _update_url(submitted)
    assert (
        "Deze rapportering is ingediend: ze kan pas gewijzigd worden" in response.content.decode()
    )
    submitted.refresh_from_db()
    assert (submitted.state, submitted.version) == ("submitted", 2)
    assert "Toch anders" not in submitted.narrative


def test_the_update_page_shows_the_submitted_text_read_only_with_who_and_when(
    demo, submitted, login
):
    page = login(EDITOR).get(_update_url(submitted)).content.decode()
    translation.activate("nl-be")
    assert 'id="update-form"' not in page and 'id="update-read-only"' in page
    assert "Ingediende tekst" in page
    when = date_format(timezone.localtime(submitted.submitted_at))  # the Dutch format's own
    assert f"Ingediend door Eva Omgeving op {when} om 10:00." in page and "15 okt" in when
    assert "Terugtrekken" in page and _update_url(submitted, "withdraw") in page


def test_withdrawing_makes_it_a_draft_again_with_history_and_a_version_check(
    demo, submitted, login
):
    with pytest.raises(services.UpdateConflict):
        services.withdraw(submitted, version=1, actor=_actor(demo, EDITOR))
    with pytest.raises(PermissionDenied):
        services.withdraw(
            submitted, version=submitted.version, actor=_actor(demo, "reader@voorbeeld.be")
        )
    client = login(EDITOR)
    response = client.post(
        _update_url(submitted, "withdraw"), {"version": submitted.version}, follow=True
    )
    assert response.redirect_chain[-1][0] == _update_url(submitted)
    submitted.refresh_from_db()
    assert (submitted.state, submitted.version, submitted.submitted_at) == ("draft", 3, None)
    assert submitted.history.first().history_change_reason == "Teruggetrokken om aan te passen"
    assert 'id="update-form"' in response.content.decode()
    with pytest.raises(ValidationError):  # a draft cannot be withdrawn
        services.withdraw(submitted, version=submitted.version, actor=_actor(demo, EDITOR))
    saved = services.save_update(
        submitted, {"narrative": "Aangepast"}, version=3, submit=True, actor=_actor(demo, EDITOR)
    )
    assert (saved.state, saved.narrative) == ("submitted", "<p>Aangepast</p>")


def test_a_stale_withdraw_is_refused_after_the_review(demo, submitted, login):
    services.return_update(submitted, "Meer cijfers", actor=_actor(demo, COORDINATOR))
    response = login(EDITOR).post(
        _update_url(submitted, "withdraw"), {"version": submitted.version}, follow=True
    )
    assert "De rapportering is intussen gewijzigd" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == "returned"
    # returned: the owner writes again
    assert services.may_write(demo.membership(EDITOR), submitted)
    assert 'id="update-form"' in response.content.decode()


def test_a_withdraw_after_the_round_closed_is_refused(demo, submitted):
    services.close_round(submitted.round, actor=_actor(demo, COORDINATOR))
    with pytest.raises(ValidationError):
        services.withdraw(submitted, version=submitted.version, actor=_actor(demo, EDITOR))
    assert ProgressUpdate.objects.get(pk=submitted.pk).state == "submitted"


def test_the_coordinator_returns_a_submitted_update_instead_of_withdrawing_it(
    demo, submitted, login
):
    coordinator = _actor(demo, COORDINATOR)
    assert not services.may_withdraw(demo.membership(COORDINATOR), submitted)
    with pytest.raises(PermissionDenied):
        services.withdraw(submitted, version=submitted.version, actor=coordinator)
    client = login(COORDINATOR)
    page = client.get(_update_url(submitted)).content.decode()
    assert "Terugtrekken" not in page and "Beoordelen op de pagina van de ronde" in page
    data = {"version": submitted.version, "narrative": "Van de coördinator", "save": "1"}
    response = client.post(_update_url(submitted), data, follow=True)
    assert "kan pas gewijzigd worden" in response.content.decode()
    returned = services.return_update(submitted, "Graag een cijfer", actor=coordinator)
    assert services.may_write(demo.membership(EDITOR), returned)
