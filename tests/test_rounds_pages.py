"""The round list and round actions as a coordinator sees them: how far each round got, a
second open round only on purpose, messages that say what happened, and first updates that
start where the item stands."""

from django.urls import reverse

from koers.accounts.actor import Actor
from koers.followup.models import ProgressUpdate, ReportingRound
from koers.plans.models import PlanStatus
from tests.factories import MembershipFactory, make_item, make_plan, open_round

COORDINATOR = "coordinator@voorbeeld.be"
NEW_ROUND = {
    "name": "Najaar 2026",
    "period_start": "2026-07-01",
    "period_end": "2026-12-31",
    "deadline": "2027-01-15",
    "scope": "plan",
}


def _rounds_url(demo):
    return reverse("followup:rounds", kwargs={"org": "voorbeeld", "pk": demo.plan.pk})


def test_a_second_open_round_is_opened_only_on_purpose(demo, login):
    client = login(COORDINATOR)
    (still_open,) = ReportingRound.objects.filter(plan=demo.plan, state="open")
    count = ReportingRound.objects.filter(plan=demo.plan).count()
    refused = client.post(_rounds_url(demo), NEW_ROUND)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert f"Dit plan heeft een ronde die nog open is: {still_open.name}" in page
    assert "Ja, open deze ronde naast de ronde die nog open is" in page
    assert 'value="Najaar 2026"' in page  # nothing typed is lost
    assert ReportingRound.objects.filter(plan=demo.plan).count() == count
    opened = client.post(_rounds_url(demo), {**NEW_ROUND, "also_open": "on"})
    assert opened.status_code == 302
    assert ReportingRound.objects.filter(plan=demo.plan, state="open").count() == 2


def test_the_round_list_shows_how_far_each_round_got(demo, login):
    client = login(COORDINATOR)
    (round_,) = ReportingRound.objects.filter(plan=demo.plan, state="open")
    updates = round_.updates.all()
    done = updates.filter(state__in=["submitted", "approved"]).count()
    approved = updates.filter(state="approved").count()
    page = client.get(_rounds_url(demo)).content.decode()
    assert f'<td class="k-num">{done} van {updates.count()}</td>' in page
    assert f'<td class="k-num">{approved}</td>' in page
    reader = login("reader@voorbeeld.be").get(_rounds_url(demo)).content.decode()
    assert "Ingediend of goedgekeurd" not in reader


def test_round_actions_say_what_they_did(demo, login):
    client = login(COORDINATOR)
    (round_,) = ReportingRound.objects.filter(plan=demo.plan, state="open")
    url = reverse("followup:round", kwargs={"org": "voorbeeld", "pk": round_.pk})
    submitted = list(round_.updates.filter(state="submitted").select_related("item"))
    assert len(submitted) >= 2
    first = submitted[0]
    response = client.post(url, {"action": "approve", "update": first.pk}, follow=True)
    assert f"De rapportering van {first.item} is goedgekeurd." in response.content.decode()
    rest = [update.pk for update in submitted[1:]]
    response = client.post(url, {"action": "bulk_approve", "updates": rest}, follow=True)
    expected = (
        "1 rapportering goedgekeurd."
        if len(rest) == 1
        else f"{len(rest)} rapporteringen goedgekeurd."
    )
    assert expected in response.content.decode()
    response = client.post(url, {"action": "close"}, follow=True)
    assert "De ronde is afgesloten" in response.content.decode()
    assert "Klaar." not in response.content.decode()


def test_a_first_update_starts_from_the_items_status_and_percentage(db):
    plan = make_plan()
    coordinator = Actor.member(
        MembershipFactory(organisation=plan.organisation, role="coordinator")
    )
    running = PlanStatus.objects.get(plan=plan, key="lopend")
    item = make_item(plan, code="G1", title="Doel", status=running, progress=35)
    round_ = open_round(plan, coordinator)
    update = ProgressUpdate.objects.get(round=round_, item=item)
    assert (update.status_id, update.percent) == (running.pk, 35)
