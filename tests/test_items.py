import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from koers.accounts.actor import Actor
from koers.plans.models import BudgetLine, DeletedSubtree, Milestone, PlanItem
from koers.plans.services import items as services
from koers.plans.services.history import item_history
from tests.factories import make_item, make_plan


def coordinator(demo):
    return Actor.member(demo.membership("coordinator@voorbeeld.be"))


def test_codes_are_generated_from_the_parent(db):
    plan = make_plan()
    goal = make_item(plan, title="Doel")
    action_plan = make_item(plan, goal, title="Actieplan")
    first = make_item(plan, action_plan, title="Actie 1")
    second = make_item(plan, action_plan, title="Actie 2")
    assert (goal.code, action_plan.code) == ("BD1", "BD1-01")
    assert (first.code, second.code) == ("BD1-01-01", "BD1-01-02")
    assert make_item(plan, title="Doel 2").code == "BD2"


def test_dutch_codes_use_dots(db):
    plan = make_plan(terminology_preset="dutch_pc")
    programme = make_item(plan, title="Wonen")
    assert programme.code == "1"
    assert make_item(plan, programme, title="Doel").code == "1.1"


def test_codes_are_unique_within_a_plan_but_not_across_plans(db):
    plan = make_plan()
    make_item(plan, title="Doel", code="X1")
    with pytest.raises(ValidationError) as error:
        make_item(plan, title="Nog een", code="X1")
    assert "code" in error.value.message_dict
    assert make_item(make_plan(), title="Elders", code="X1").code == "X1"


def test_move_to_another_parent_and_reorder(demo):
    actor = coordinator(demo)
    action = demo.item("BD1-01-01")
    target = demo.item("BD2-01")
    services.move_item(action, target, "last-child", actor=actor)
    action.refresh_from_db()
    assert PlanItem.objects.get_parent(action).code == "BD2-01"
    assert PlanItem.objects.get_children(PlanItem.objects.get_parent(action)).last().pk == action.pk
    services.reorder_item(action, "up", actor=actor)
    children = list(PlanItem.objects.get_children(target).values_list("code", flat=True))
    assert children[-2] == "BD1-01-01"
    entries = item_history(action)
    assert any("BD2-01" in entry.reason for entry in entries)


def test_an_item_cannot_move_below_itself(demo):
    goal = demo.item("BD1")
    with pytest.raises(ValidationError):
        services.move_item(goal, demo.item("BD1-01"), "last-child", actor=coordinator(demo))


def test_delete_keeps_a_copy_that_restores_the_whole_subtree(demo):
    actor = coordinator(demo)
    action_plan = demo.item("BD1-01")
    subtree = PlanItem.objects.filter(plan=demo.plan, path__startswith=action_plan.path)
    codes = sorted(subtree.values_list("code", flat=True))
    milestones = Milestone.objects.filter(item__in=subtree).count()
    budget = BudgetLine.objects.filter(item__in=subtree).count()
    trash = services.delete_item(action_plan, actor=actor)
    assert not PlanItem.objects.filter(plan=demo.plan, code__in=codes).exists()
    assert trash.item_count == len(codes)

    restored = services.restore_deleted(DeletedSubtree.objects.get(pk=trash.pk), actor=actor)
    subtree = PlanItem.objects.filter(plan=demo.plan, path__startswith=restored.path)
    assert sorted(subtree.values_list("code", flat=True)) == codes
    assert Milestone.objects.filter(item__in=subtree).count() == milestones
    assert BudgetLine.objects.filter(item__in=subtree).count() == budget
    assert PlanItem.objects.get_parent(restored).code == "BD1"
    with pytest.raises(ValidationError):
        services.restore_deleted(DeletedSubtree.objects.get(pk=trash.pk), actor=actor)


def test_every_change_is_recorded_with_who_and_what(demo):
    actor = coordinator(demo)
    item = demo.item("BD1-01-01")
    services.update_item(item, {"title": "Nieuwe titel"}, actor=actor)
    milestone = services.save_milestone(item, {"title": "Nieuwe mijlpaal"}, actor=actor)
    services.set_milestone_done(milestone, True, actor=actor)
    entries = item_history(item)
    newest = entries[0]
    assert newest.who == "Cor Coördinator"
    assert "Nieuwe mijlpaal" in newest.subject
    title_change = next(e for e in entries if any(c.new == "Nieuwe titel" for c in e.changes))
    assert title_change.who == "Cor Coördinator"


def test_editors_change_only_their_own_items(demo):
    editor = Actor.member(demo.membership("editor@voorbeeld.be"))
    own = PlanItem.objects.filter(plan=demo.plan, owner__email="editor@voorbeeld.be").first()
    other = (
        PlanItem.objects.filter(plan=demo.plan, owner__email="welzijn@voorbeeld.be")
        .exclude(departments__name="Omgeving")
        .first()
    )
    services.update_item(own, {"progress": 40}, actor=editor)
    with pytest.raises(PermissionDenied):
        services.update_item(other, {"progress": 40}, actor=editor)
    with pytest.raises(PermissionDenied):
        services.create_item(demo.plan, own, {"title": "x"}, actor=editor)


def test_readers_change_nothing(demo):
    reader = Actor.member(demo.membership("reader@voorbeeld.be"))
    item = demo.item("BD1-01-01")
    with pytest.raises(PermissionDenied):
        services.update_item(item, {"title": "x"}, actor=reader)
    with pytest.raises(PermissionDenied):
        services.delete_item(item, actor=reader)


def test_rich_text_is_sanitised(demo):
    item = demo.item("BD1-01-01")
    services.update_item(
        item,
        {
            "description": '<p onclick="x()">Hallo<script>alert(1)</script>'
            '<a href="javascript:alert(2)">link</a></p>'
        },
        actor=coordinator(demo),
    )
    item.refresh_from_db()
    assert "script" not in item.description
    assert "onclick" not in item.description
    assert "javascript" not in item.description
    assert "Hallo" in item.description


def test_budget_lines_stay_in_the_plan_period(demo):
    with pytest.raises(ValidationError):
        services.save_budget_line(demo.item("BD1-01-01"), {"year": 2040}, actor=coordinator(demo))


def test_plain_text_keeps_its_paragraphs():
    from koers.plans.richtext import sanitise

    assert sanitise("Eerste alinea.\n\nTweede & laatste.") == (
        "<p>Eerste alinea.</p>\n\n<p>Tweede &amp; laatste.</p>"
    )
    assert sanitise("<p>al HTML</p>") == "<p>al HTML</p>"


def test_undo_in_any_order_puts_items_back_under_their_parent(demo):
    actor = coordinator(demo)
    action = demo.item("BD1-01-01")
    inner = services.delete_item(action, actor=actor)
    outer = services.delete_item(demo.item("BD1-01"), actor=actor)
    with pytest.raises(ValidationError):  # its parent is still deleted
        services.restore_deleted(DeletedSubtree.objects.get(pk=inner.pk), actor=actor)
    services.restore_deleted(DeletedSubtree.objects.get(pk=outer.pk), actor=actor)
    restored = services.restore_deleted(DeletedSubtree.objects.get(pk=inner.pk), actor=actor)
    assert PlanItem.objects.get_parent(restored).code == "BD1-01"
    assert PlanItem.objects.find_problems() == ([], [], [], [], [])


def test_first_edit_after_an_import_shows_only_what_changed(demo):
    item = PlanItem.objects.filter(
        plan=demo.plan, departments__isnull=False, sdg_targets__isnull=False
    ).first()
    services.update_item(item, {"title": "Andere titel"}, actor=coordinator(demo))
    change = item_history(item)[0]
    assert [c.new for c in change.changes] == ["Andere titel"]
