"""The pages of the complaints register: who opens what, the leak test for the
complainant's personal data, forms that keep what was typed, the edit conflict and
constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koers.accounts.actor import Actor
from koers.complaints.models import Complainant, Complaint
from koers.complaints.services import handle_complaint, register_complaint
from tests.complaints_world import PERSONAL, build_world
from tests.factories import make_item, make_plan
from tests.form_data import form_data

ORG = "klachtdorp"


@pytest.fixture
def world(db):
    return build_world()


def _urls(world) -> dict[str, str]:
    pk = world.complaint.pk
    return {
        "list": reverse("complaints:list", kwargs={"org": ORG}),
        "export": reverse("complaints:export", kwargs={"org": ORG}),
        "create": reverse("complaints:create", kwargs={"org": ORG}),
        "settings": reverse("complaints:settings", kwargs={"org": ORG}),
        "detail": reverse("complaints:detail", kwargs={"org": ORG, "pk": pk}),
        "complainant": reverse("complaints:complainant", kwargs={"org": ORG, "pk": pk}),
        "history": reverse("complaints:history", kwargs={"org": ORG, "pk": pk}),
    }


# member -> page -> status code
EXPECTED = {
    "admin": dict.fromkeys(
        ["list", "export", "create", "settings", "detail", "complainant", "history"], 200
    ),
    "handler": {
        "list": 200, "export": 200, "create": 200, "settings": 403,
        "detail": 200, "complainant": 200, "history": 200,
    },
    "coordinator": {
        "list": 200, "export": 200, "create": 403, "settings": 403,
        "detail": 200, "complainant": 403, "history": 200,
    },
    "assigned": {
        "list": 200, "export": 200, "create": 403, "settings": 403,
        "detail": 200, "complainant": 200, "history": 200,
    },
    "editor_elsewhere": {
        "list": 200, "export": 200, "create": 403, "settings": 403,
        "detail": 403, "complainant": 403, "history": 403,
    },
    "reader": dict.fromkeys(
        ["list", "export", "create", "settings", "detail", "complainant", "history"], 403
    ),
    "stranger": dict.fromkeys(
        ["list", "export", "create", "settings", "detail", "complainant", "history"], 404
    ),
}  # fmt: skip


def test_who_opens_which_page(world, client):
    urls = _urls(world)
    found = {}
    for name, membership in world.memberships().items():
        client.force_login(membership.user)
        found[name] = {page: client.get(url).status_code for page, url in urls.items()}
    assert found == EXPECTED
    client.logout()
    for url in urls.values():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_personal_data_never_leak(world, client):
    """A coordinator, a reader, an editor of another department, a member of another
    organisation and anonymous see no name, address, e-mail or phone on any page or
    download of the register; the assigned handler does."""
    urls = _urls(world)
    secrets = [
        PERSONAL["name"].encode(),
        b"Kerkstraat 17",
        PERSONAL["email"].encode(),
        PERSONAL["phone"].encode(),
        b"12 34 56",
    ]
    for name in ("coordinator", "reader", "editor_elsewhere", "stranger", None):
        if name is None:
            client.logout()
        else:
            client.force_login(world.memberships()[name].user)
        for page, url in urls.items():
            body = client.get(url, follow=True).content
            for secret in secrets:
                assert secret not in body, (name, page, secret)
    client.force_login(world.assigned.user)
    assert PERSONAL["email"].encode() in client.get(urls["detail"]).content
    assert PERSONAL["email"].encode() in client.get(urls["export"]).content
    assert PERSONAL["email"].encode() not in client.get(urls["list"]).content


def test_the_coordinator_downloads_the_register_without_personal_data(world, client):
    client.force_login(world.coordinator.user)
    text = client.get(_urls(world)["export"]).content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Referentie;Ontvangen op;Kanaal;Onderwerp")
    assert lines[1].split(";") == [
        "K-2026-0001", "2026-10-01", "telefoon", "Put in de Dorpsstraat", "Wegen",
        "Assigned Lid", "2026-11-15", "open", "", "", "", "",
    ]  # fmt: skip


def test_registering_keeps_the_typing_on_an_error_and_then_registers(world, client):
    client.force_login(world.handler.user)
    url = _urls(world)["create"]
    typed = {
        "received_on": "2026-10-20",  # in the future
        "channel": "counter",
        "subject": "Onvriendelijk onthaal",
        "description": "Aan het loket werd ik afgesnauwd.",
        "department": str(world.culture.pk),
        "name": "Jan Janssens",
        "email": "jan@example.org",
    }
    response = client.post(url, typed)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Een klacht kan niet in de toekomst ontvangen zijn." in page
    assert "Aan het loket werd ik afgesnauwd." in page and 'value="Jan Janssens"' in page
    response = client.post(url, {**typed, "received_on": "2026-10-14"})
    complaint = Complaint.objects.get(reference="K-2026-0002")
    assert response.status_code == 302 and response["Location"].endswith(f"/{complaint.pk}/")
    assert (complaint.channel, complaint.department, complaint.deadline) == (
        "counter",
        world.culture,
        datetime.date(2026, 11, 28),
    )
    assert Complainant.objects.get(complaint=complaint).name == "Jan Janssens"


def test_the_handler_answers_on_the_complaint_page(world, client):
    plan = make_plan(world.organisation, title="Meerjarenplan Klachtdorp")
    item = make_item(plan, title="Wegen <veilig> herstellen", code="W1")
    make_item(make_plan(world.other_organisation), title="Niet van ons")
    client.force_login(world.assigned.user)
    url = _urls(world)["detail"]
    page = client.get(url).content.decode()
    assert (
        f'<option value="{item.pk}">Meerjarenplan Klachtdorp: W1 Wegen &lt;veilig&gt; herstellen'
        "</option>" in page
    )
    assert "Niet van ons" not in page
    data = form_data(page, form_id=None)
    data["plan_item"] = str(item.pk)
    data.update(
        admissible="true",
        acknowledged_on="2026-10-02",
        answered_on="2026-10-14",
        answer="De put is gevuld.",
        outcome="founded",
    )
    assert "handler" not in data  # the assigned editor does not reassign
    response = client.post(url, data)
    assert response.status_code == 302
    complaint = Complaint.objects.get(pk=world.complaint.pk)
    assert (complaint.outcome, complaint.closed_on) == ("founded", datetime.date(2026, 10, 14))
    assert complaint.plan_item == item
    history = client.get(_urls(world)["history"]).content.decode()
    assert "Assigned Lid" in history
    changed = (
        "ontvankelijk, ontvangst bevestigd op, beantwoord op, uitkomst, antwoord, afgesloten op"
    )
    assert f"gewijzigd {changed}" in history
    assert "geregistreerd" in history


def test_a_stale_handling_form_gets_the_conflict_page(world, client):
    client.force_login(world.assigned.user)
    url = _urls(world)["detail"]
    data = form_data(client.get(url), form_id=None)
    data.update(answer="Mijn antwoord", admissible="true")
    handle_complaint(
        Complaint.objects.get(pk=world.complaint.pk),
        {"answer": "Antwoord van de beheerder"},
        actor=Actor.member(world.admin),
    )
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Iemand anders heeft dit intussen gewijzigd" in page
    assert "Antwoord van de beheerder" in page and "Mijn antwoord" in page
    assert Complaint.objects.get(pk=world.complaint.pk).answer == "Antwoord van de beheerder"
    response = client.post(url, form_data(page, form_id="yours"))
    assert response.status_code == 302
    assert Complaint.objects.get(pk=world.complaint.pk).answer == "Mijn antwoord"


def test_the_administrator_marks_a_complaint_handler(world, client):
    client.force_login(world.admin.user)
    url = reverse("accounts:member_edit", kwargs={"org": ORG, "pk": world.reader.pk})
    data = form_data(client.get(url), form_id=None)
    data["handles_complaints"] = "on"
    assert client.post(url, data).status_code == 302
    world.reader.refresh_from_db()
    assert world.reader.handles_complaints is True
    members = client.get(reverse("accounts:members", kwargs={"org": ORG})).content.decode()
    assert members.count('<span class="k-tag">klachtenbehandelaar</span>') == 2  # + handler
    client.force_login(world.reader.user)
    assert PERSONAL["email"].encode() in client.get(_urls(world)["detail"]).content


def test_filters_and_search(world, client):
    actor = Actor.member(world.handler)
    for day, channel, subject in [
        (datetime.date(2025, 5, 1), "email", "Parkeren aan school"),
        (datetime.date(2026, 10, 14), "letter", "Lawaai van feest"),
    ]:
        register_complaint(
            world.organisation,
            {"received_on": day, "channel": channel, "subject": subject, "description": "…"},
            actor=actor,
        )
    client.force_login(world.coordinator.user)
    url = _urls(world)["list"]

    def listed(**query):
        page = client.get(url, query).content.decode()
        return sorted(ref for ref in ("K-2026-0001", "K-2025-0001", "K-2026-0002") if ref in page)

    assert listed() == ["K-2025-0001", "K-2026-0001", "K-2026-0002"]
    assert listed(status="late") == ["K-2025-0001"]
    assert listed(channel="letter") == ["K-2026-0002"]
    assert listed(year="2025") == ["K-2025-0001"]
    assert listed(department=str(world.roads.pk)) == ["K-2026-0001"]
    assert listed(q="lawaai") == ["K-2026-0002"]
    assert listed(q="K-2025") == ["K-2025-0001"]
    assert listed(status="bogus", year="abc") == ["K-2025-0001", "K-2026-0001", "K-2026-0002"]


def _many(world, count):
    actor = Actor.system()
    for number in range(count):
        register_complaint(
            world.organisation,
            {
                "received_on": datetime.date(2026, 1, 1) + datetime.timedelta(days=number % 280),
                "channel": "email",
                "subject": f"Klacht {number}",
                "description": "…",
                "department": world.roads if number % 2 else world.culture,
                "handler": world.assigned if number % 3 else None,
            },
            actor=actor,
        )


@pytest.mark.parametrize("page", ["list", "detail"])
def test_query_counts_do_not_grow_with_the_register(world, client, page, django_assert_num_queries):
    client.force_login(world.handler.user)
    url = _urls(world)[page]
    _many(world, 5)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _many(world, 120)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_complaint_page_lists_the_improvement_actions_it_led_to(world, client):
    from koers.improvements.models import ImprovementAction, Source

    source = Source.objects.create(
        organisation=world.organisation, name="Klachten 2026", kind=Source.Kind.COMPLAINT
    )
    ImprovementAction.objects.create(
        organisation=world.organisation,
        source=source,
        reference="KL-01",
        finding="Putten worden te laat hersteld.",
        complaint=world.complaint,
    )
    client.force_login(world.coordinator.user)
    page = client.get(_urls(world)["detail"]).content.decode()
    assert "Putten worden te laat hersteld." in page
    assert "/app/klachtdorp/verbeteracties/" in page
