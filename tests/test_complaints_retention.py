"""Erasing complainants' personal data after the retention period: the complaint and its
history stay, the personal data are nowhere left in the database."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection

from koers.accounts.actor import Actor
from koers.complaints.models import Complainant, Complaint
from koers.complaints.services import handle_complaint, register_complaint, save_settings
from tests.complaints_world import PERSONAL, build_world


def _closed(world, received_on, closed_on, name):
    complaint = register_complaint(
        world.organisation,
        {"received_on": received_on, "subject": f"Klacht van {received_on}", "description": "…"},
        actor=Actor.system(),
        complainant={**PERSONAL, "name": name},
        today=closed_on,
    )
    handle_complaint(complaint, {"outcome": "withdrawn"}, actor=Actor.system(), today=closed_on)
    return complaint


def _command(*args) -> str:
    out = io.StringIO()
    call_command("erase_complaint_personal_data", *args, stdout=out)
    return out.getvalue()


def _everything_in_the_database() -> str:
    """Every text column of every table, as one string."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            found.extend(str(row) for row in cursor.fetchall())
    return "\n".join(found)


def test_personal_data_are_erased_after_the_retention_period(db):
    world = build_world()  # today: 15 October 2026; retention: 24 months
    old = _closed(world, datetime.date(2024, 9, 1), datetime.date(2024, 10, 1), "Oude Indiener")
    recent = _closed(world, datetime.date(2024, 10, 1), datetime.date(2024, 10, 20), "Jonge Klager")
    output = _command("--dry-run")
    assert output.splitlines() == [
        old.reference,
        "1 indiener zou gewist worden (proefdraai: niets gewist).",
    ]
    assert Complainant.objects.get(complaint=old).name == "Oude Indiener"
    assert _command().splitlines() == [old.reference, "1 indiener gewist."]
    erased = Complainant.objects.get(complaint=old)
    assert (erased.name, erased.address, erased.email, erased.phone) == ("", "", "", "")
    assert erased.erased_at is not None
    assert "Oude Indiener" not in _everything_in_the_database()
    # The complaint and its history stay; the recent and the open complaints keep theirs.
    assert Complaint.objects.get(pk=old.pk).history.count() == 2
    assert Complainant.objects.get(complaint=recent).name == "Jonge Klager"
    assert Complainant.objects.get(complaint=world.complaint).name == PERSONAL["name"]
    assert _command().splitlines() == ["0 indieners gewist."]


def test_the_organisation_chooses_its_retention(db):
    world = build_world()
    closed = _closed(world, datetime.date(2025, 9, 1), datetime.date(2025, 10, 1), "Iemand")
    assert _command("--today", "2026-10-15").splitlines() == ["0 indieners gewist."]
    save_settings(world.organisation, {"retention_months": 12}, actor=Actor.system())
    assert _command("--today", "2026-10-01").splitlines() == ["0 indieners gewist."]
    assert _command("--today", "2026-10-02").splitlines() == [
        closed.reference,
        "1 indiener gewist.",
    ]


def test_a_bad_date_is_refused(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="JJJJ-MM-DD"):
        _command("--today", "15-10-2026")
