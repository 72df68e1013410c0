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
    """A Flemish plan with goals of 5 action plans of 10 actions each, until ``actions``."""
    from koers.plans.document.load import load_plan_document

    goals, made = [], 0
    goal_number = 0
    while made < actions:
        goal_number += 1
        plans = []
        for plan_number in range(1, 6):
            if made >= actions:
                break
            children = []
            for action_number in range(1, 11):
                if made >= actions:
                    break
                made += 1
                children.append(
                    {
                        "code": f"BD{goal_number}-{plan_number:02d}-{action_number:02d}",
                        "title": f"Actie {made}",
                        "status": "lopend",
                        "progress": made % 100,
                        "milestones": [
                            {"title": "Start", "done": True, "done_on": "2026-03-01"},
                            {"title": "Einde"},
                        ],
                        "budget_lines": [
                            {
                                "year": 2026,
                                "initial": "1000.00",
                                "current": "1200.00",
                                "actual": "300.00",
                            },
                            {"year": 2027, "initial": "500", "current": "500"},
                        ],
                    }
                )
            plans.append(
                {
                    "code": f"BD{goal_number}-{plan_number:02d}",
                    "title": f"Actieplan {goal_number}.{plan_number}",
                    "children": children,
                }
            )
        goals.append(
            {"code": f"BD{goal_number}", "title": f"Doelstelling {goal_number}", "children": plans}
        )
    document = {
        "format": "koers.plan-document",
        "version": 1,
        "plan": {
            "title": f"Plan met {actions} acties",
            "first_year": 2026,
            "last_year": 2031,
            "items": goals,
        },
    }
    return load_plan_document(document, organisation or OrganisationFactory()).plan
