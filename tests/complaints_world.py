"""A small world for the complaints tests: one organisation with two departments and a
member of every kind, and a second organisation."""

import datetime
from dataclasses import dataclass

from koers.accounts.actor import Actor
from koers.accounts.models import Department, Membership, Organisation
from koers.complaints.models import Complaint
from koers.complaints.services import register_complaint
from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

PERSONAL = {
    "name": "Griet Vandenbroucke",
    "address": "Kerkstraat 17, 9999 Nergensdorp",
    "email": "griet.klaagt@example.org",
    "phone": "+32 470 12 34 56",
}


@dataclass
class World:
    organisation: Organisation
    other_organisation: Organisation
    roads: Department
    culture: Department
    admin: Membership
    handler: Membership  # an editor marked as complaint handler
    coordinator: Membership
    assigned: Membership  # an editor of roads, assigned to the complaint
    editor_elsewhere: Membership  # an editor of culture, not assigned
    reader: Membership
    stranger: Membership  # administrator of the other organisation
    complaint: Complaint

    def memberships(self):
        return {
            "admin": self.admin,
            "handler": self.handler,
            "coordinator": self.coordinator,
            "assigned": self.assigned,
            "editor_elsewhere": self.editor_elsewhere,
            "reader": self.reader,
            "stranger": self.stranger,
        }


def _member(organisation, name, department=None, **traits):
    user = UserFactory(
        username=f"{name}@example.test",
        email=f"{name}@example.test",
        first_name=name.capitalize(),
        last_name="Lid",
    )
    membership = MembershipFactory(user=user, organisation=organisation, **traits)
    if department is not None:
        membership.departments.add(department)
    return membership


def build_world() -> World:
    organisation = OrganisationFactory(name="Gemeente Klachtdorp", slug="klachtdorp")
    other = OrganisationFactory(name="Gemeente Anderdorp", slug="anderdorp")
    roads = DepartmentFactory(organisation=organisation, name="Wegen")
    culture = DepartmentFactory(organisation=organisation, name="Cultuur")
    admin = _member(organisation, "admin", admin=True)
    handler = _member(organisation, "handler", editor=True, handles_complaints=True)
    coordinator = _member(organisation, "coordinator", coordinator=True)
    assigned = _member(organisation, "assigned", roads, editor=True)
    elsewhere = _member(organisation, "elsewhere", culture, editor=True)
    reader = _member(organisation, "reader")
    stranger = _member(other, "stranger", admin=True)
    complaint = register_complaint(
        organisation,
        {
            "received_on": datetime.date(2026, 10, 1),
            "channel": Complaint.Channel.PHONE,
            "subject": "Put in de Dorpsstraat",
            "description": "Er zit al maanden een diepe put voor nummer 12.",
            "department": roads,
            "handler": assigned,
        },
        actor=Actor.member(handler),
        complainant=PERSONAL,
    )
    return World(
        organisation,
        other,
        roads,
        culture,
        admin,
        handler,
        coordinator,
        assigned,
        elsewhere,
        reader,
        stranger,
        complaint,
    )
