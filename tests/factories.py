"""Factories for tests that need their own small world instead of the demo data."""

import factory
from django.contrib.auth import get_user_model

from koers.accounts.actor import Actor
from koers.accounts.models import Department, Membership, Organisation, Role
from koers.plans.services.items import create_item
from koers.plans.services.plans import create_plan


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Gemeente Test {n}")
    slug = factory.Sequence(lambda n: f"test-{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Dienst {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}@example.test")
    email = factory.SelfAttribute("username")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Gebruiker {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.READER

    class Params:
        admin = factory.Trait(role=Role.ADMIN)
        coordinator = factory.Trait(role=Role.COORDINATOR)
        editor = factory.Trait(role=Role.EDITOR)


def make_plan(organisation=None, **values):
    organisation = organisation or OrganisationFactory()
    defaults = {"title": "Meerjarenplan", "first_year": 2026, "last_year": 2031}
    return create_plan(organisation, {**defaults, **values}, actor=Actor.system())


def make_item(plan, parent=None, **values):
    values.setdefault("title", "Item")
    return create_item(plan, parent, values, actor=Actor.system())


def make_plan_with_actions(actions: int, organisation=None):
    """A Flemish plan of ``actions`` actions (see koers.demo.synthetic)."""
    from koers.demo.synthetic import synthetic_plan_document
    from koers.plans.document.load import load_plan_document

    document = synthetic_plan_document(actions)
    return load_plan_document(
        document, organisation or OrganisationFactory(), actor=Actor.system()
    ).plan


def open_round(plan, actor, name: str = "Voorjaar", year: int = 2026):
    """A round of the first half of ``year`` (deadline 15 July), opened by ``actor``."""
    from datetime import date

    from koers.followup.services import open_round as open_

    values = {
        "name": name,
        "period_start": date(year, 1, 1),
        "period_end": date(year, 6, 30),
        "deadline": date(year, 7, 15),
    }
    return open_(plan, values, actor=actor)
