import json

import pytest
from django.core.management import CommandError, call_command

from koers.accounts.actor import Actor
from koers.plans.document.export import export_plan
from koers.plans.document.load import load_plan_document
from koers.plans.document.validation import PlanDocumentError, problems, schema
from koers.plans.models import Plan, PlanItem
from koers.plans.services.items import update_item


def without_timestamps(document):
    document = dict(document)
    document.pop("exported_at", None)
    return document


@pytest.mark.parametrize("version", [1, 2])
def test_the_committed_schema_is_the_one_in_docs(version):
    from pathlib import Path

    docs = Path(__file__).parents[1] / "docs" / f"plan-document-{version}.schema.json"
    assert json.loads(docs.read_text()) == schema(version)


def test_export_import_export_gives_the_same_document(demo):
    first = export_plan(demo.plan)
    assert problems(first) == []
    assert first["plan"]["published"] is True
    copy = load_plan_document(first, demo.voorbeeld, actor=Actor.system()).plan
    second = export_plan(copy)
    # Everything comes back, except publication: an import never publishes.
    assert second["plan"]["published"] is False
    second["plan"]["published"] = True
    assert without_timestamps(first) == without_timestamps(second)


def test_dutch_plan_round_trips_too(demo):
    first = export_plan(demo.dutch_plan)
    second = export_plan(load_plan_document(first, demo.proefdorp, actor=Actor.system()).plan)
    assert without_timestamps(first) == without_timestamps(second)


@pytest.mark.parametrize(
    ("mutate", "path", "words"),
    [
        (lambda d: d["plan"]["items"][0].pop("title"), "$.plan.items[0]", "'title' is a required"),
        (
            lambda d: d["plan"]["items"][1]["children"][0].update(code="BD1"),
            "$.plan.items[1].children[0].code",
            "used twice",
        ),
        (
            lambda d: d["plan"]["items"][0]["budget_lines"].append(
                {"year": 2026, "initial": "1,5"}
            ),
            "$.plan.items[0].budget_lines",
            "amount",
        ),
        (
            lambda d: d["plan"]["items"][0].update(status="onbekend"),
            "$.plan.items[0].status",
            "not one of the plan's statuses",
        ),
        (lambda d: d["plan"]["items"][0].update(colour="red"), "$.plan.items[0]", "unknown field"),
        (
            lambda d: d["plan"]["items"][0].update(sdg_targets=["1.9"]),
            "$.plan.items[0].sdg_targets[0]",
            "no SDG target",
        ),
    ],
)
def test_invalid_documents_name_the_path_and_change_nothing(demo, mutate, path, words):
    document = export_plan(demo.plan)
    mutate(document)
    before = (Plan.objects.count(), PlanItem.objects.count())
    with pytest.raises(PlanDocumentError) as error:
        load_plan_document(document, demo.voorbeeld, actor=Actor.system())
    message = str(error.value)
    assert path in message
    assert words in message
    assert (Plan.objects.count(), PlanItem.objects.count()) == before


def test_cli_export_and_import(demo, tmp_path, capsys):
    out = tmp_path / "plan.json"
    call_command("export_plan", plan=demo.plan.pk, out=str(out))
    document = json.loads(out.read_text())
    assert document["plan"]["title"] == demo.plan.title
    total = PlanItem.objects.filter(plan=demo.plan, depth__gt=1).count()
    call_command("import_plan", str(out), organisation="voorbeeld")
    assert f" {total} " in capsys.readouterr().out
    assert Plan.objects.filter(organisation=demo.voorbeeld).count() == 2


def test_cli_import_of_a_broken_file_explains_and_changes_nothing(demo, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "koers.plan-document", "version": 1, "plan": {"title": ""}}')
    count = Plan.objects.count()
    with pytest.raises(CommandError) as error:
        call_command("import_plan", str(broken), organisation="voorbeeld")
    assert "$.plan" in str(error.value)
    assert Plan.objects.count() == count
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x00\xff{not json")
    with pytest.raises(CommandError):
        call_command("import_plan", str(garbage), organisation="voorbeeld")
    assert Plan.objects.count() == count


def test_cli_replace_needs_confirmation_and_then_replaces(demo, tmp_path):
    document = export_plan(demo.plan)
    original = export_plan(demo.plan)
    document["plan"]["items"] = document["plan"]["items"][:1]
    path = tmp_path / "smaller.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError):  # no terminal to confirm on, no --yes
        call_command("import_plan", str(path), replace=demo.plan.pk)
    assert without_timestamps(export_plan(demo.plan)) == without_timestamps(original)
    call_command("import_plan", str(path), replace=demo.plan.pk, yes=True)
    plan = Plan.objects.get(pk=demo.plan.pk)
    assert PlanItem.objects.filter(plan=plan, depth=2).count() == 1
    assert export_plan(plan)["plan"]["items"] == document["plan"]["items"]


def test_unknown_owner_is_a_warning_not_an_error(demo):
    document = export_plan(demo.plan)
    document["plan"]["items"][0]["owner"] = "onbekend@elders.be"
    result = load_plan_document(document, demo.voorbeeld, actor=Actor.system())
    assert any("onbekend@elders.be" in warning for warning in result.warnings)


def test_export_reflects_edits(demo):
    item = demo.item("BD1-01-01")
    update_item(item, {"title": "Gewijzigd"}, actor=Actor.system())
    titles = json.dumps(export_plan(demo.plan), ensure_ascii=False)
    assert "Gewijzigd" in titles


def test_trees_deeper_than_the_limit_are_refused():
    item = {"title": "blad"}
    for _ in range(25):
        item = {"title": "tak", "children": [item]}
    document = {
        "format": "koers.plan-document",
        "version": 1,
        "plan": {"title": "Diep", "first_year": 2026, "last_year": 2027, "items": [item]},
    }
    assert any("deeper than" in problem.message for problem in problems(document))


def test_nul_characters_are_refused_with_their_path(demo):
    document = export_plan(demo.plan)
    document["plan"]["items"][0]["title"] = "met\x00nul"
    assert [str(p) for p in problems(document)] == [
        "$.plan.items[0].title: the text contains a NUL character"
    ]
    document["plan"]["items"][0]["title"] = "half \ud800 teken"
    assert "lone surrogate" in str(problems(document)[0])
