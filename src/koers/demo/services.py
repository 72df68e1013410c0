"""Demo data: the invented 'Gemeente Voorbeeld' (Flemish) and 'Gemeente Proefdorp' (Dutch)."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from koers.accounts.actor import Actor
from koers.accounts.models import Department, Membership, Organisation, Role
from koers.demo.improvements import load_improvements
from koers.plans.document.load import load_plan_document
from koers.plans.services.plans import update_plan

DATA = Path(__file__).parent / "data"
PASSWORD = "demo"
PROVIDER_EMAIL = "provider@voorbeeld.be"


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    colour: str
    plan_file: str
    departments: tuple[str, ...]
    terminology: str = "flemish_bbc"


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
        terminology="dutch_pc",
    ),
)

# Department heads receive the list of missing updates after a round's deadline.
DEPARTMENT_HEADS = {
    ("voorbeeld", "Omgeving"): "editor@voorbeeld.be",
    ("voorbeeld", "Welzijn en vrije tijd"): "welzijn@voorbeeld.be",
    ("voorbeeld", "Financiën en organisatie"): "financien@voorbeeld.be",
    ("proefdorp", "Sociaal domein"): "beleid@proefdorp.nl",
}

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
        emails = [u.email for u in USERS] + [PROVIDER_EMAIL]
        get_user_model().objects.filter(email__in=emails).delete()
    organisations = {}
    for demo in ORGANISATIONS:
        organisation = Organisation.objects.create(
            slug=demo.slug,
            name=demo.name,
            colour=demo.colour,
            terminology_preset=demo.terminology,
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
    # The hosting provider's console (/provider/): above the organisations, member of none.
    from koers.hosting.models import ProviderStaff

    ProviderStaff.objects.create(
        user=User.objects.create_user(
            username=PROVIDER_EMAIL,
            email=PROVIDER_EMAIL,
            password=PASSWORD,
            first_name="Paula",
            last_name="Provider",
        )
    )
    for (slug, name), email in DEPARTMENT_HEADS.items():
        Department.objects.filter(organisation=organisations[slug], name=name).update(
            head=User.objects.get(email=email)
        )
    for demo in ORGANISATIONS:
        document = json.loads((DATA / demo.plan_file).read_text(encoding="utf-8"))
        plan = load_plan_document(document, organisations[demo.slug], actor=Actor.system()).plan
        if document["plan"].get("published"):
            # An import never publishes; the demo's municipality publishes its plan itself.
            update_plan(plan, {"is_published": True}, actor=Actor.system())
    _demo_round(organisations["voorbeeld"])
    load_improvements(organisations["voorbeeld"])
    from koers.demo.council import load_council_questions

    load_council_questions(organisations["voorbeeld"])
    from koers.demo.complaints import load_complaints

    load_complaints(organisations["voorbeeld"])
    from koers.complaints_public.demo import open_complaint_form

    open_complaint_form(organisations["voorbeeld"])
    return True


PUBLISHED_TEXTS = [
    "<p>De studie is gegund en het ontwerp wordt met de buurt besproken.</p>",
    "<p>Het draaiboek is klaar; de eerste acties starten in het voorjaar.</p>",
    "<p>De subsidieaanvraag is ingediend bij de Vlaamse overheid.</p>",
]


def _published_round(plan, coordinator, editor) -> None:
    """A first, short round that the council approved and published: the portal shows it."""
    from datetime import date

    from koers.followup.services import (
        approve,
        close_round,
        open_round,
        publish_round,
        save_update,
    )

    goal = plan.items.filter(depth=2, code="BD2").first()
    round_ = open_round(
        plan,
        {
            "name": "Startrapport 2026",
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 3, 31),
            "deadline": date(2026, 4, 15),
            "scope": "subtree",
            "scope_item": goal,
        },
        actor=coordinator,
    )
    running = plan.statuses.filter(key="lopend").first()
    updates = round_.updates.filter(item__owner__email="editor@voorbeeld.be")
    for update, text in zip(updates, PUBLISHED_TEXTS, strict=False):
        values = {"status": running, "percent": 10, "narrative": text}
        saved = save_update(update, values, version=1, submit=True, actor=editor)
        approve(saved, actor=coordinator)
    close_round(round_, actor=coordinator)
    publish_round(round_, actor=coordinator)


DEMO_UPDATES = [
    ("<p>De eerste fase is afgerond; de tweede fase start na de zomer.</p>", 60, True),
    (
        "<p>Het bestek is goedgekeurd door het college; de gunning volgt in het najaar.</p>",
        40,
        True,
    ),
    ("<p>Vertraagd door een tekort aan personeel; een nieuwe planning volgt.</p>", 20, False),
    ("<p>Loopt volgens plan. Drie van de vijf wijken zijn bezocht.</p>", 55, False),
]


def _demo_round(organisation) -> None:
    """A spring round with a few updates written, submitted and approved."""
    from datetime import date

    from koers.followup.services import approve, open_round, save_update
    from koers.notifications.services import follow

    plan = organisation.plans.first()
    coordinator = Actor.member(
        Membership.objects.get(organisation=organisation, user__email="coordinator@voorbeeld.be")
    )
    editor = Actor.member(
        Membership.objects.get(organisation=organisation, user__email="editor@voorbeeld.be")
    )
    _published_round(plan, coordinator, editor)
    round_ = open_round(
        plan,
        {
            "name": "Opvolging voorjaar 2026",
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 6, 30),
            "deadline": date(2026, 12, 18),
        },
        actor=coordinator,
    )
    running = plan.statuses.filter(key="lopend").first()
    updates = round_.updates.filter(item__owner__email="editor@voorbeeld.be")[: len(DEMO_UPDATES)]
    council = Actor.member(
        Membership.objects.get(organisation=organisation, user__email="reader@voorbeeld.be")
    )
    for update in updates:  # a council member follows these items and hears of approvals
        follow(update.item, actor=council)
    for update, (text, percent, approved) in zip(updates, DEMO_UPDATES, strict=False):
        saved = save_update(
            update,
            {"status": running, "percent": percent, "narrative": text},
            version=update.version,
            submit=True,
            actor=editor,
        )
        if approved:
            approve(saved, actor=coordinator)
