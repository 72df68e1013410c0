import re

from django.core.management import call_command

from koers.accounts.models import Department, Membership, Role
from koers.plans.models import BudgetLine, Milestone, PlanItem


def test_demo_voorbeeld_is_a_flemish_plan_of_the_promised_size(demo):
    plan = demo.plan
    items = PlanItem.objects.filter(plan=plan, depth__gt=1)
    goals, action_plans, actions = (items.filter(depth=d) for d in (2, 3, 4))
    assert goals.count() >= 4
    assert action_plans.count() >= 10
    assert actions.count() >= 30
    assert all(re.fullmatch(r"BD\d+", code) for code in goals.values_list("code", flat=True))
    assert all(re.fullmatch(r"BD\d+-\d\d", c) for c in action_plans.values_list("code", flat=True))
    assert all(re.fullmatch(r"BD\d+-\d\d-\d\d", c) for c in actions.values_list("code", flat=True))
    assert set(items.values_list("policy", flat=True)) == {"priority", "regular"}
    assert Milestone.objects.filter(item__plan=plan).count() >= 30
    assert BudgetLine.objects.filter(item__plan=plan).values("year").distinct().count() >= 3
    assert Department.objects.filter(organisation=demo.voorbeeld).count() >= 2
    roles = set(
        Membership.objects.filter(organisation=demo.voorbeeld).values_list("role", flat=True)
    )
    assert roles == {Role.ADMIN, Role.COORDINATOR, Role.EDITOR, Role.READER}
    assert plan.terminology.levels == ("Beleidsdoelstelling", "Actieplan", "Actie")
    assert items.filter(owner__isnull=False).count() > items.count() / 2


def test_demo_proefdorp_is_a_dutch_programme_plan(demo):
    plan = demo.dutch_plan
    assert plan.terminology.levels == ("Programma", "Doel", "Activiteit")
    assert plan.terminology.section("intent") == "Wat willen we bereiken?"  # the begroting
    assert plan.organisation.terminology_preset == "dutch_pc"
    assert PlanItem.objects.filter(plan=plan, depth=2).count() >= 3


def test_demo_command_loads_once_and_prints_logins(db, capsys):
    call_command("demo", no_serve=True)
    call_command("demo", no_serve=True)
    out = capsys.readouterr().out
    assert "coordinator@voorbeeld.be" in out
    assert "demo" in out
    assert PlanItem.objects.filter(plan__organisation__slug="voorbeeld", depth=2).count() >= 4
