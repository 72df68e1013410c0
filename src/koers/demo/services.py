"""Demo data: the invented 'Gemeente Voorbeeld' (Flemish) and 'Gemeente Proefdorp' (Dutch)."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from koers.accounts.models import Department, Membership, Organisation, Role
from koers.plans.document.load import load_plan_document

DATA = Path(__file__).parent / "data"
PASSWORD = "demo"


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    colour: str
    plan_file: str
    departments: tuple[str, ...]


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    memberships: tuple[tuple[str, str, tuple[str, ...]], ...]  # (org slug, role, departments)


ORGANISATIONS = (
    DemoOrganisation(
        "voorbeeld",
        "Gemeente Voorbeeld",
        "#1d4f91",
        "gemeente-voorbeeld.json",
        ("Financiën en organisatie", "Omgeving", "Welzijn en vrije tijd"),
    ),
    DemoOrganisation(
        "proefdorp",
        "Gemeente Proefdorp",
        "#7a2e8c",
        "gemeente-proefdorp.json",
        ("Ruimte", "Sociaal domein"),
    ),
)

USERS = (
    DemoUser("admin@voorbeeld.be", "Anna Admin", (("voorbeeld", Role.ADMIN, ()),)),
    DemoUser("coordinator@voorbeeld.be", "Cor Coördinator", (("voorbeeld", Role.COORDINATOR, ()),)),
    DemoUser("editor@voorbeeld.be", "Eva Omgeving", (("voorbeeld", Role.EDITOR, ("Omgeving",)),)),
    DemoUser(
        "welzijn@voorbeeld.be",
        "Wout Welzijn",
        (("voorbeeld", Role.EDITOR, ("Welzijn en vrije tijd",)),),
    ),
    DemoUser(
        "financien@voorbeeld.be",
        "Fien Financiën",
        (("voorbeeld", Role.EDITOR, ("Financiën en organisatie",)),),
    ),
    DemoUser("reader@voorbeeld.be", "Raf Raadslid", (("voorbeeld", Role.READER, ()),)),
    DemoUser("admin@proefdorp.nl", "Pieter Proef", (("proefdorp", Role.ADMIN, ()),)),
    DemoUser(
        "beleid@proefdorp.nl", "Bea Beleid", (("proefdorp", Role.EDITOR, ("Sociaal domein",)),)
    ),
    DemoUser(
        "beide@koers.test",
        "Bo Beide",
        (("voorbeeld", Role.READER, ()), ("proefdorp", Role.COORDINATOR, ())),
    ),
)


def demo_loaded() -> bool:
    return Organisation.objects.filter(slug=ORGANISATIONS[0].slug).exists()


@transaction.atomic
def load_demo(reset: bool = False) -> bool:
    """Create the demo organisations, users and plans. Returns False if they were there."""
    if demo_loaded():
        if not reset:
            return False
        Organisation.objects.filter(slug__in=[o.slug for o in ORGANISATIONS]).delete()
        get_user_model().objects.filter(email__in=[u.email for u in USERS]).delete()
    organisations = {}
    for demo in ORGANISATIONS:
        organisation = Organisation.objects.create(
            slug=demo.slug, name=demo.name, colour=demo.colour
        )
        for name in demo.departments:
            Department.objects.create(organisation=organisation, name=name)
        organisations[demo.slug] = organisation
    User = get_user_model()
    for demo_user in USERS:
        first, _, last = demo_user.name.partition(" ")
        user = User.objects.create_user(
            username=demo_user.email,
            email=demo_user.email,
            password=PASSWORD,
            first_name=first,
            last_name=last,
        )
        for slug, role, departments in demo_user.memberships:
            membership = Membership.objects.create(
                user=user, organisation=organisations[slug], role=role
            )
            membership.departments.set(
                Department.objects.filter(organisation=organisations[slug], name__in=departments)
            )
    for demo in ORGANISATIONS:
        document = json.loads((DATA / demo.plan_file).read_text(encoding="utf-8"))
        load_plan_document(document, organisations[demo.slug])
    return True
