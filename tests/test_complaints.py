"""The complaints register's rules: registering with a reference, handling, who may see
what, settings and the erasure of personal data after the retention period."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from koers.accounts.actor import Actor
from koers.accounts.locking import EditConflict
from koers.accounts.permissions import HANDLE_COMPLAINTS, VIEW_COMPLAINTS, can
from koers.complaints import access, services
from koers.complaints.models import Complainant, Complaint, ComplaintSequence
from tests.complaints_world import PERSONAL, build_world
from tests.factories import make_item, make_plan


@pytest.fixture
def world(db):
    return build_world()


def _register(world, **values):
    base = {
        "received_on": datetime.date(2026, 10, 10),
        "channel": Complaint.Channel.LETTER,
        "subject": "Afval niet opgehaald",
        "description": "De GFT-container werd twee keer overgeslagen.",
    }
    return services.register_complaint(
        world.organisation, {**base, **values}, actor=Actor.member(world.handler)
    )


def test_registering_gives_a_reference_per_year_and_the_deadline_of_the_settings(world):
    assert world.complaint.reference == "K-2026-0001"
    assert world.complaint.deadline == datetime.date(2026, 11, 15)  # 1 October + 45 days
    assert _register(world).reference == "K-2026-0002"
    assert _register(world, received_on=datetime.date(2025, 12, 30)).reference == "K-2025-0001"
    services.save_settings(
        world.organisation, {"deadline_days": 30}, actor=Actor.member(world.admin)
    )
    later = _register(world, received_on=datetime.date(2026, 10, 12))
    assert (later.reference, later.deadline) == ("K-2026-0003", datetime.date(2026, 11, 11))
    # Another organisation counts on its own.
    theirs = services.register_complaint(
        world.other_organisation,
        {"subject": "Lawaai", "description": "Feest tot 3 uur.", "channel": "email"},
        actor=Actor.system(),
    )
    assert theirs.reference == "K-2026-0001"
    assert theirs.received_on == datetime.date(2026, 10, 15)  # today (frozen clock)


def test_personal_data_are_kept_apart_from_the_complaint_and_its_history(world):
    complainant = Complainant.objects.get(complaint=world.complaint)
    assert (complainant.name, complainant.email) == (PERSONAL["name"], PERSONAL["email"])
    history = list(world.complaint.history.values())
    assert history and all(
        PERSONAL["name"] not in str(row.values()) and PERSONAL["email"] not in str(row.values())
        for row in history
    )
    assert not hasattr(Complainant, "history")


def test_registering_needs_the_capability_and_refuses_bad_input(world):
    with pytest.raises(PermissionDenied):
        services.register_complaint(
            world.organisation,
            {"subject": "x", "description": "y"},
            actor=Actor.member(world.coordinator),
        )
    with pytest.raises(PermissionDenied):  # a handler of another organisation
        services.register_complaint(
            world.organisation,
            {"subject": "x", "description": "y"},
            actor=Actor.member(world.stranger),
        )
    with pytest.raises(ValidationError) as error:
        _register(world, received_on=datetime.date(2026, 10, 16), subject=" ")
    assert set(error.value.message_dict) == {"received_on"}
    with pytest.raises(ValidationError) as error:
        _register(world, department=world.other_organisation.departments.create(name="Z"))
    assert set(error.value.message_dict) == {"department"}
    with pytest.raises(ValidationError) as error:
        _register(world, handler=world.reader)  # readers do not handle complaints
    assert set(error.value.message_dict) == {"handler"}
    assert Complaint.objects.filter(organisation=world.organisation).count() == 1


def test_the_permission_rule(world):
    complaint = world.complaint
    expected = {
        # member: (sees the complaint, handles it, sees the complainant, may register)
        "admin": (True, True, True, True),
        "handler": (True, True, True, True),
        "coordinator": (True, False, False, False),
        "assigned": (True, True, True, False),
        "editor_elsewhere": (False, False, False, False),
        "reader": (False, False, False, False),
        "stranger": (False, False, False, False),
    }
    found = {
        name: (
            access.may_see_complaint(m, complaint),
            access.may_handle(m, complaint),
            access.may_see_personal_data(m, complaint),
            access.may_register(m) and m.organisation_id == complaint.organisation_id,
        )
        for name, m in world.memberships().items()
    }
    assert found == expected
    assert access.may_see_personal_data(None, complaint) is False
    assert can(world.handler, HANDLE_COMPLAINTS) and can(world.handler, VIEW_COMPLAINTS)
    assert not can(world.assigned, HANDLE_COMPLAINTS)
    assert list(access.visible_complaints(world.assigned)) == [complaint]
    assert list(access.visible_complaints(world.editor_elsewhere)) == []
    assert list(access.visible_complaints(world.reader)) == []
    assert list(access.visible_complaints(world.stranger)) == []


def test_handling_closes_the_complaint_and_keeps_a_history(world):
    complaint = world.complaint
    item = make_item(make_plan(world.organisation), title="Wegen herstellen")
    services.handle_complaint(
        complaint,
        {"admissible": True, "acknowledged_on": datetime.date(2026, 10, 2)},
        actor=Actor.member(world.assigned),
        expected_version=complaint.version,
    )
    assert complaint.closed_on is None
    services.handle_complaint(
        complaint,
        {
            "answer": "De put werd hersteld.",
            "answered_on": datetime.date(2026, 10, 14),
            "outcome": Complaint.Outcome.FOUNDED,
            "plan_item": item,
        },
        actor=Actor.member(world.assigned),
    )
    complaint.refresh_from_db()
    assert (complaint.closed_on, complaint.outcome, complaint.plan_item) == (
        datetime.date(2026, 10, 14),
        "founded",
        item,
    )
    assert complaint.is_late(datetime.date(2026, 12, 31)) is False
    users = [h.history_user for h in complaint.history.order_by("history_id")]
    assert users == [world.handler.user, world.assigned.user, world.assigned.user]
    # Taking the outcome away opens it again.
    services.handle_complaint(complaint, {"outcome": ""}, actor=Actor.member(world.admin))
    assert complaint.closed_on is None


def test_handling_rules(world):
    complaint = world.complaint
    handler = Actor.member(world.handler)
    cases = [
        ({"admissible": False}, {"inadmissible_reason"}),
        ({"outcome": "founded"}, {"outcome", "answer", "answered_on"}),
        ({"admissible": True, "outcome": "inadmissible"}, {"admissible"}),
        ({"answered_on": datetime.date(2026, 9, 30)}, {"answered_on"}),
        ({"acknowledged_on": datetime.date(2026, 10, 16)}, {"acknowledged_on"}),
        (
            {"admissible": False, "inadmissible_reason": "Te laat", "outcome": "unfounded"},
            {"outcome", "answer", "answered_on"},
        ),
    ]
    for values, fields in cases:
        with pytest.raises(ValidationError) as error:
            services.handle_complaint(complaint, values, actor=handler)
        assert set(error.value.message_dict) == fields, values
    complaint.refresh_from_db()
    assert (complaint.admissible, complaint.outcome, complaint.version) == (None, "", 1)
    services.handle_complaint(
        complaint,
        {"admissible": False, "inadmissible_reason": "Geen klacht", "outcome": "inadmissible"},
        actor=handler,
    )
    assert complaint.closed_on == datetime.date(2026, 10, 15)


def test_who_may_handle_and_assign(world):
    complaint = world.complaint
    for membership in (world.coordinator, world.editor_elsewhere, world.reader, world.stranger):
        with pytest.raises(PermissionDenied):
            services.handle_complaint(
                complaint, {"admissible": True}, actor=Actor.member(membership)
            )
    with pytest.raises(PermissionDenied):  # the assigned editor does not reassign
        services.handle_complaint(
            complaint, {"handler": world.handler}, actor=Actor.member(world.assigned)
        )
    services.handle_complaint(
        complaint, {"handler": world.handler}, actor=Actor.member(world.admin)
    )
    assert not access.may_see_personal_data(world.assigned, complaint)


def test_a_stale_handling_is_refused(world):
    complaint = world.complaint
    opened = complaint.version
    services.handle_complaint(
        Complaint.objects.get(pk=complaint.pk),
        {"admissible": True},
        actor=Actor.member(world.handler),
        expected_version=opened,
    )
    with pytest.raises(EditConflict) as conflict:
        services.handle_complaint(
            complaint,
            {"answer": "Oud antwoord"},
            actor=Actor.member(world.assigned),
            expected_version=opened,
        )
    assert conflict.value.current.admissible is True
    assert Complaint.objects.get(pk=complaint.pk).answer == ""


def test_settings_are_for_administrators_and_checked(world):
    with pytest.raises(PermissionDenied):
        services.save_settings(
            world.organisation, {"deadline_days": 30}, actor=Actor.member(world.handler)
        )
    with pytest.raises(ValidationError) as error:
        services.save_settings(
            world.organisation,
            {"deadline_days": 10, "reminder_days": 10},
            actor=Actor.member(world.admin),
        )
    assert set(error.value.message_dict) == {"reminder_days"}
    saved = services.save_settings(
        world.organisation,
        {"deadline_days": 30, "reminder_days": 5, "retention_months": 12},
        actor=Actor.member(world.admin),
        expected_version=0,
    )
    assert (saved.deadline_days, saved.reminder_days, saved.retention_months) == (30, 5, 12)
    with pytest.raises(EditConflict):
        services.save_settings(
            world.organisation,
            {"deadline_days": 40},
            actor=Actor.member(world.admin),
            expected_version=0,
        )


def test_two_first_saves_of_the_settings_at_once(world, monkeypatch):
    """Both administrators opened the settings before any were saved; the second save
    gets the conflict, not an error."""
    from koers.complaints.models import ComplaintSettings

    opened = services.settings_of(world.organisation)  # not saved yet
    services.save_settings(
        world.organisation, {"deadline_days": 30}, actor=Actor.member(world.admin)
    )
    monkeypatch.setattr(services, "settings_of", lambda organisation: opened)
    with pytest.raises(EditConflict) as conflict:
        services.save_settings(
            world.organisation,
            {"deadline_days": 60},
            actor=Actor.member(world.admin),
            expected_version=0,
        )
    assert conflict.value.current.deadline_days == 30
    assert ComplaintSettings.objects.get(organisation=world.organisation).deadline_days == 30


def test_months_before():
    assert services.months_before(datetime.date(2026, 10, 15), 24) == datetime.date(2024, 10, 15)
    assert services.months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)
    assert services.months_before(datetime.date(2026, 1, 10), 13) == datetime.date(2024, 12, 10)


@pytest.mark.django_db(transaction=True)
def test_two_registrations_at_once_get_two_references():
    """Each registration in its own connection and transaction at the same moment."""
    world = build_world()
    references, errors = [], []
    barrier = threading.Barrier(2)

    def register():
        try:
            barrier.wait(timeout=10)
            references.append(_register(world).reference)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if connection.vendor == "sqlite" and errors:  # SQLite may refuse the second writer
        pytest.skip(f"SQLite refused a concurrent writer: {errors}")
    assert not errors
    assert sorted(references) == ["K-2026-0002", "K-2026-0003"]
    assert ComplaintSequence.objects.get(organisation=world.organisation).last_number == 3
