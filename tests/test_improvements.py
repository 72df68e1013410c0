"""The register of improvement actions: rules of the services, who may do what, the list
with its filters and constant queries, edits from stale forms, and the follow-up of actions
in a reporting round (owner writes, coordinator approves or returns, the inbox lists them)."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koers.accounts.actor import Actor
from koers.accounts.models import Role
from koers.followup.models import ReportingRound
from koers.followup.services import close_round
from koers.improvements import services
from koers.improvements.models import Evidence, ImprovementAction, ImprovementUpdate, Source
from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    OrganisationFactory,
    make_item,
    make_plan,
    open_round,
)

Status = ImprovementAction.Status


@pytest.fixture
def world(db):
    organisation = OrganisationFactory(slug="gemeente")
    audit_dept = DepartmentFactory(organisation=organisation, name="ICT")
    other_dept = DepartmentFactory(organisation=organisation, name="Burgerzaken")
    members = SimpleNamespace(
        admin=MembershipFactory(organisation=organisation, role=Role.ADMIN),
        coordinator=MembershipFactory(organisation=organisation, role=Role.COORDINATOR),
        owner=MembershipFactory(organisation=organisation, role=Role.EDITOR),
        colleague=MembershipFactory(organisation=organisation, role=Role.EDITOR),
        stranger=MembershipFactory(organisation=organisation, role=Role.EDITOR),
        reader=MembershipFactory(organisation=organisation, role=Role.READER),
    )
    members.colleague.departments.set([audit_dept])
    members.stranger.departments.set([other_dept])
    plan = make_plan(organisation)
    goal = make_item(plan, title="Doel")
    coordinator = Actor.member(members.coordinator)
    source = services.save_source(
        organisation,
        {"name": "Audit informatieveiligheid", "kind": Source.Kind.AUDIT_VLAANDEREN},
        actor=coordinator,
    )
    action = services.save_action(
        organisation,
        {
            "source": source,
            "reference": "IV-01",
            "finding": "Toegangsrechten worden niet herzien.",
            "owner": members.owner,
            "department": audit_dept,
            "deadline": date(2026, 9, 30),
            "plan_items": [goal],
        },
        actor=coordinator,
    )
    return SimpleNamespace(
        organisation=organisation,
        department=audit_dept,
        other_department=other_dept,
        members=members,
        plan=plan,
        goal=goal,
        source=source,
        action=action,
        coordinator=coordinator,
    )


def test_an_action_is_saved_with_its_links_and_history(world):
    action = ImprovementAction.objects.get(pk=world.action.pk)
    assert list(action.plan_items.all()) == [world.goal]
    assert action.version == 1
    record = action.history.get()
    assert record.history_user == world.members.coordinator.user
    assert record.history_change_reason == "Verbeteractie bewaard"


def test_done_actions_get_their_completion_day_and_lose_it_when_reopened(world):
    action = services.save_action(
        world.organisation, {"status": Status.DONE}, actor=world.coordinator, action=world.action
    )
    assert action.completed_on == date(2026, 10, 15)  # the frozen clock's today
    action = services.save_action(
        world.organisation,
        {"status": Status.IN_PROGRESS},
        actor=world.coordinator,
        action=action,
    )
    assert action.completed_on is None


def test_rules_of_an_action(world):
    other = OrganisationFactory()
    foreign_source = Source.objects.create(organisation=other, name="Elders")
    with pytest.raises(ValidationError) as refused:
        services.save_action(
            world.organisation,
            {
                "source": foreign_source,
                "finding": " ",
                "response": ImprovementAction.Response.NOT_ACCEPTED,
                "response_reason": "",
            },
            actor=world.coordinator,
        )
    assert set(refused.value.error_dict) == {"source", "finding", "response_reason"}
    assert ImprovementAction.objects.count() == 1


def test_only_coordinators_and_administrators_manage_the_register(world):
    values = {"source": world.source, "finding": "Iets"}
    for member in (world.members.owner, world.members.reader):
        with pytest.raises(PermissionDenied):
            services.save_action(world.organisation, values, actor=Actor.member(member))
        with pytest.raises(PermissionDenied):
            services.save_source(world.organisation, {"name": "x"}, actor=Actor.member(member))
    services.save_action(world.organisation, values, actor=Actor.member(world.members.admin))
    assert ImprovementAction.objects.count() == 2


def test_a_stale_edit_form_is_refused_with_both_versions(world, client):
    client.force_login(world.members.coordinator.user)
    url = reverse("improvements:edit", kwargs={"org": "gemeente", "pk": world.action.pk})
    services.save_action(
        world.organisation,
        {"finding": "Tussendoor gewijzigd."},
        actor=Actor.member(world.members.admin),
        action=world.action,
    )
    data = {
        "version": 1,
        "source": world.source.pk,
        "reference": "IV-01",
        "finding": "Mijn versie.",
        "priority": "medium",
        "status": "not_started",
        "response": "pending",
    }
    response = client.post(url, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Tussendoor gewijzigd." in page and "Mijn versie." in page
    assert ImprovementAction.objects.get().finding == "Tussendoor gewijzigd."
    response = client.post(url, {**data, "version": 2})
    assert response.status_code == 302
    assert ImprovementAction.objects.get().finding == "Mijn versie."


def test_owners_add_evidence_to_their_own_actions_only(world):
    upload = SimpleUploadedFile("besluit.pdf", b"%PDF-1.4 besluit")
    evidence = services.add_evidence(world.action, upload, actor=Actor.member(world.members.owner))
    assert evidence.name == "besluit.pdf" and evidence.size == 16
    # a member of the action's department too; an editor of another department not
    services.add_evidence(
        world.action,
        SimpleUploadedFile("verslag.pdf", b"%PDF-1.4 x"),
        actor=Actor.member(world.members.colleague),
    )
    with pytest.raises(PermissionDenied):
        services.add_evidence(
            world.action,
            SimpleUploadedFile("x.pdf", b"%PDF-1.4 x"),
            actor=Actor.member(world.members.stranger),
        )
    with pytest.raises(ValidationError):  # the limits of update attachments
        services.add_evidence(
            world.action,
            SimpleUploadedFile("programma.pdf", b"MZ\x90\x00"),
            actor=Actor.member(world.members.owner),
        )
    assert Evidence.objects.filter(action=world.action).count() == 2


# -- the list ----------------------------------------------------------------------------


def _more_actions(world, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        services.save_action(
            world.organisation,
            {
                "source": world.source,
                "reference": f"R-{number:03}",
                "finding": f"Vaststelling {number}",
                "owner": world.members.colleague if number % 2 else None,
                "department": world.other_department if number % 3 else None,
                "deadline": date(2026, 1, 1) if number % 4 == 0 else date(2027, 1, 1),
                "status": Status.DONE if number % 5 == 0 else Status.NOT_STARTED,
            },
            actor=world.coordinator,
        )


def _list(client, **query):
    url = reverse("improvements:list", kwargs={"org": "gemeente"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200
    return response, len(queries)


def test_the_list_reads_the_same_number_of_queries_at_two_sizes(world, client):
    client.force_login(world.members.reader.user)
    _more_actions(world, 5)
    _response, small = _list(client)
    _more_actions(world, 120, start=5)
    response, large = _list(client)
    assert small == large
    assert "126 improvement actions" in response.content.decode() or (
        "126 verbeteracties" in response.content.decode()
    )


def test_the_list_filters_on_source_status_late_department_and_owner(world, client):
    client.force_login(world.members.reader.user)
    _more_actions(world, 20)
    other = services.save_source(
        world.organisation,
        {"name": "Zelfevaluatie", "kind": "self_assessment"},
        actor=world.coordinator,
    )
    services.save_action(
        world.organisation, {"source": other, "finding": "Anders"}, actor=world.coordinator
    )

    def shown(**query):
        response, _count = _list(client, **query)
        return sorted(int(pk) for pk in _rows(response.content.decode()))

    every = set(ImprovementAction.objects.values_list("pk", flat=True))
    mine = ImprovementAction.objects.filter
    assert shown(source=other.pk) == sorted(mine(source=other).values_list("pk", flat=True))
    assert shown(status="done") == sorted(mine(status="done").values_list("pk", flat=True))
    late = mine(status__in=ImprovementAction.OPEN, deadline__lt=date(2026, 10, 15))
    assert shown(late="1") == sorted(late.values_list("pk", flat=True))
    assert len(shown(late="1")) == 5  # IV-01 (30 Sep) and
    assert shown(department=world.other_department.pk) == sorted(
        mine(department=world.other_department).values_list("pk", flat=True)
    )
    assert shown(owner=world.members.colleague.pk) == sorted(
        mine(owner=world.members.colleague).values_list("pk", flat=True)
    )
    assert len(every) == 22


def _rows(page: str) -> list[str]:
    import re

    return re.findall(r'<tr data-action="(\d+)">', page)


# -- follow-up in a reporting round ------------------------------------------------------


def test_the_whole_cycle_in_a_reporting_round(world, client):
    round_ = open_round(world.plan, Actor.system())
    refused = services.save_action(
        world.organisation,
        {
            "source": world.source,
            "finding": "Niet aanvaard",
            "response": "not_accepted",
            "response_reason": "Geen budget.",
        },
        actor=world.coordinator,
    )
    assert services.add_to_round(round_, actor=world.coordinator) == 1  # not the refused one
    assert services.add_to_round(round_, actor=world.coordinator) == 0  # already in it
    assert not refused.updates.exists()
    update = ImprovementUpdate.objects.get(round=round_, action=world.action)
    assert update.state == "draft"

    # the owner's inbox lists it, another editor's does not
    client.force_login(world.members.owner.user)
    inbox = client.get(reverse("followup:inbox", kwargs={"org": "gemeente"})).content.decode()
    assert f'id="improvement-work-{update.pk}"' in inbox
    assert list(services.inbox(world.members.stranger)) == []

    # a reader does not see the draft; a stranger may not write it
    assert not services.may_read(world.members.reader, update)
    with pytest.raises(PermissionDenied):
        services.save_update(
            update,
            {"narrative": "x"},
            version=1,
            submit=False,
            actor=Actor.member(world.members.stranger),
        )
    # the owner writes and submits on the page
    url = reverse("improvements:update", kwargs={"org": "gemeente", "pk": update.pk})
    response = client.post(
        url,
        {"version": 1, "status": "in_progress", "narrative": "Procedure in opmaak.", "submit": "1"},
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert (update.state, update.status, update.version) == ("submitted", "in_progress", 2)

    # the coordinator returns it with a comment; the owner corrects and submits again
    review = reverse("improvements:round", kwargs={"org": "gemeente", "pk": round_.pk})
    client.force_login(world.members.coordinator.user)
    client.post(review, {"action": "return", "update": update.pk, "comment": "Welke procedure?"})
    update.refresh_from_db()
    assert (update.state, update.review_comment) == ("returned", "Welke procedure?")
    owner = Actor.member(world.members.owner)
    with pytest.raises(services.UpdateConflict):  # a save from the first version is stale
        services.save_update(update, {"narrative": "oud"}, version=1, submit=False, actor=owner)
    update = services.save_update(
        update,
        {"status": "done", "narrative": "Procedure toegangsrechten goedgekeurd."},
        version=update.version,
        submit=True,
        actor=owner,
    )
    client.post(review, {"action": "approve", "update": update.pk})
    update.refresh_from_db()
    action = ImprovementAction.objects.get(pk=world.action.pk)
    assert update.state == "approved"
    assert (action.status, action.completed_on) == ("done", date(2026, 10, 15))
    assert (
        action.history.first().history_change_reason
        == f"Goedgekeurde stand van zaken van {round_.name}"
    )
    # everyone reads the approved state; the reader sees it on the round page
    assert services.may_read(world.members.reader, update)
    client.force_login(world.members.reader.user)
    page = client.get(review).content.decode()
    assert "Procedure toegangsrechten goedgekeurd." in page
    # after the round closes only the coordinator corrects
    close_round(round_, actor=world.coordinator)
    update.round.refresh_from_db()
    assert not services.may_write(world.members.owner, update)
    assert services.may_write(world.members.coordinator, update)


def test_withdrawing_a_submitted_state(world):
    round_ = open_round(world.plan, Actor.system())
    services.add_to_round(round_, actor=world.coordinator)
    update = ImprovementUpdate.objects.get()
    owner = Actor.member(world.members.owner)
    update = services.save_update(
        update, {"narrative": "Klaar."}, version=1, submit=True, actor=owner
    )
    with pytest.raises(ValidationError):  # read-only while submitted
        services.save_update(
            update, {"narrative": "Toch niet."}, version=2, submit=False, actor=owner
        )
    update = services.withdraw(update, version=2, actor=owner)
    assert update.state == "draft" and update.submitted_at is None
    with pytest.raises(ValidationError):
        services.save_update(update, {"narrative": ""}, version=3, submit=True, actor=owner)


def test_actions_are_added_only_to_open_rounds_and_by_coordinators(world):
    round_ = open_round(world.plan, Actor.system())
    with pytest.raises(PermissionDenied):
        services.add_to_round(round_, actor=Actor.member(world.members.owner))
    close_round(round_, actor=world.coordinator)
    round_ = ReportingRound.objects.get(pk=round_.pk)
    with pytest.raises(ValidationError):
        services.add_to_round(round_, actor=world.coordinator)


def test_a_stale_state_form_is_refused_and_keeps_the_typing(world, client):
    round_ = open_round(world.plan, Actor.system())
    services.add_to_round(round_, actor=world.coordinator)
    update = ImprovementUpdate.objects.get()
    services.save_update(
        update,
        {"narrative": "Tekst van de collega."},
        version=1,
        submit=False,
        actor=Actor.member(world.members.colleague),
    )
    client.force_login(world.members.owner.user)
    url = reverse("improvements:update", kwargs={"org": "gemeente", "pk": update.pk})
    response = client.post(url, {"version": 1, "narrative": "Mijn eigen tekst.", "save": "1"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Mijn eigen tekst." in page and "Tekst van de collega." in page
    assert 'name="version" value="2"' in page
    update.refresh_from_db()
    assert update.narrative == "Tekst van de collega."


def test_evidence_is_downloaded_by_members_and_its_file_goes_with_it(
    world, client, django_capture_on_commit_callbacks
):
    evidence = services.add_evidence(
        world.action,
        SimpleUploadedFile("besluit.pdf", b"%PDF-1.4 besluit"),
        actor=Actor.member(world.members.owner),
    )
    storage, name = evidence.file.storage, evidence.file.name
    client.force_login(world.members.reader.user)
    url = reverse("improvements:evidence", kwargs={"org": "gemeente", "pk": evidence.pk})
    response = client.get(url)
    assert b"".join(response.streaming_content) == b"%PDF-1.4 besluit"
    assert response["Content-Type"] == "application/pdf"
    remove = reverse("improvements:evidence_remove", kwargs={"org": "gemeente", "pk": evidence.pk})
    assert client.post(remove).status_code == 403  # a reader
    client.force_login(world.members.owner.user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(remove).status_code == 302
    assert not Evidence.objects.exists()
    assert not storage.exists(name)
