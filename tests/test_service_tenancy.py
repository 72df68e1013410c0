"""Tenancy in the services themselves: an administrator of another organisation (who holds
every capability in their own) is refused by every write service given this organisation's
plan, item, round, update or record, whatever view or command called it, and nothing is
written."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from koers.accounts import services as accounts
from koers.accounts.actor import Actor
from koers.accounts.two_factor import set_required
from koers.audit.models import AuditEntry
from koers.council import services as council
from koers.followup import services as followup
from koers.improvements import services as improvements
from koers.improvements.models import ImprovementAction, Source
from koers.indicators import services as indicators
from koers.plans.services import items, plans
from tests.factories import DepartmentFactory, MembershipFactory, make_item, make_plan, open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def here():
    """Organisation A with a plan, items, an open round and records; B's administrator."""
    admin = MembershipFactory(admin=True)
    organisation = admin.organisation
    system = Actor.system()
    plan = make_plan(organisation)
    goal = make_item(plan, None, title="Doel", code="BD1")
    action = make_item(plan, goal, title="Actie", code="BD1-1")
    doomed = make_item(plan, goal, title="Weg", code="BD1-2")
    trash = items.delete_item(doomed, actor=system)
    round_ = open_round(plan, system)
    member = MembershipFactory(organisation=organisation)
    source = Source.objects.create(organisation=organisation, name="Audit", kind="audit")
    improvement = ImprovementAction.objects.create(
        organisation=organisation, source=source, finding="Bevinding", recommendation="Doe iets"
    )
    indicator = indicators.create_indicator(
        organisation, {"code": "I1", "name": "Inwoners"}, actor=system
    )
    outsider = Actor.member(MembershipFactory(admin=True))
    return {
        "organisation": organisation,
        "plan": plan,
        "goal": goal,
        "action": action,
        "trash": trash,
        "round": round_,
        "update": round_.updates.get(item=action),
        "member": member,
        "department": DepartmentFactory(organisation=organisation),
        "improvement": improvement,
        "indicator": indicator,
        "outsider": outsider,
    }


CALLS = {
    "create_plan": lambda h, a: plans.create_plan(
        h["organisation"], {"title": "X", "first_year": 2026, "last_year": 2031}, actor=a
    ),
    "update_plan": lambda h, a: plans.update_plan(h["plan"], {"title": "X"}, actor=a),
    "delete_plan": lambda h, a: plans.delete_plan(h["plan"], actor=a),
    "create_item": lambda h, a: items.create_item(h["plan"], h["goal"], {"title": "X"}, actor=a),
    "update_item": lambda h, a: items.update_item(h["action"], {"title": "X"}, actor=a),
    "move_item": lambda h, a: items.move_item(h["action"], h["goal"], "last-child", actor=a),
    "delete_item": lambda h, a: items.delete_item(h["action"], actor=a),
    "restore_deleted": lambda h, a: items.restore_deleted(h["trash"], actor=a),
    "save_milestone": lambda h, a: items.save_milestone(h["action"], {"title": "X"}, actor=a),
    "save_budget_line": lambda h, a: items.save_budget_line(
        h["action"], {"year": 2026, "current": Decimal(1)}, actor=a
    ),
    "open_round": lambda h, a: followup.open_round(
        h["plan"],
        {
            "name": "X",
            "period_start": date(2026, 7, 1),
            "period_end": date(2026, 12, 31),
            "deadline": date(2027, 1, 15),
        },
        actor=a,
    ),
    "update_round": lambda h, a: followup.update_round(h["round"], {"name": "X"}, actor=a),
    "close_round": lambda h, a: followup.close_round(h["round"], actor=a),
    "approve": lambda h, a: followup.approve(h["update"], actor=a),
    "return_update": lambda h, a: followup.return_update(h["update"], "Nee", actor=a),
    "create_indicator": lambda h, a: indicators.create_indicator(
        h["organisation"], {"code": "X", "name": "X"}, actor=a
    ),
    "save_value": lambda h, a: indicators.save_value(
        h["indicator"], {"period": "2025", "value": "1"}, actor=a
    ),
    "add_member": lambda h, a: accounts.add_member(
        h["organisation"], {"email": "x@example.test", "role": "admin"}, actor=a
    ),
    "update_member": lambda h, a: accounts.update_member(h["member"], {"role": "admin"}, actor=a),
    "remove_member": lambda h, a: accounts.remove_member(h["member"], actor=a),
    "save_department": lambda h, a: accounts.save_department(
        h["organisation"], {"name": "X"}, actor=a
    ),
    "set_required": lambda h, a: set_required(h["organisation"], True, actor=a),
    "save_source": lambda h, a: improvements.save_source(
        h["organisation"], {"name": "X", "kind": "audit"}, actor=a
    ),
    "delete_action": lambda h, a: improvements.delete_action(h["improvement"], actor=a),
    "council_settings": lambda h, a: council.save_settings(
        h["organisation"], {"deadline_days": 3}, actor=a
    ),
}


@pytest.mark.parametrize("name", CALLS)
def test_another_organisations_administrator_is_refused_and_nothing_is_written(here, name):
    before = AuditEntry.objects.filter(organisation=here["organisation"]).count()
    with pytest.raises(PermissionDenied):
        CALLS[name](here, here["outsider"])
    assert AuditEntry.objects.filter(organisation=here["organisation"]).count() == before
