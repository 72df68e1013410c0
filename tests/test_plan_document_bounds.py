"""A PlanDocument is bounded before anything reads it, and an import never publishes."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from koers.accounts.actor import Actor
from koers.plans.document import validation
from koers.plans.document.load import load_plan_document
from koers.plans.document.validation import PlanDocumentError, parse, validate
from koers.plans.models import Plan
from tests.factories import OrganisationFactory


def document(**plan) -> dict:
    body = {"title": "Meerjarenplan", "first_year": 2026, "last_year": 2031, "items": []}
    body.update(plan)
    return {"format": "koers.plan-document", "version": 1, "plan": body}


def problems_of(text: str) -> list[str]:
    with pytest.raises(PlanDocumentError) as refused:
        validate(parse(text))
    return [str(problem) for problem in refused.value.problems]


def test_a_number_of_100000_digits_is_refused_with_its_path():
    text = json.dumps(document()).replace("2026", "9" * 100_000)
    assert problems_of(text) == [
        "$.plan.first_year: a number of 100000 digits; at most 15 are allowed"
    ]


@pytest.mark.parametrize(
    ("literal", "message"),
    [
        ("NaN", "NaN is not a number a plan can hold"),
        ("-Infinity", "-Infinity is not a number a plan can hold"),
        ("1" + "0" * 300 + ".5", "a number of 303 characters is too long"),
    ],
)
def test_numbers_no_plan_holds_are_refused_with_their_path(literal, message):
    items = [{"title": "Actie", "weight": 1}]
    text = json.dumps(document(items=items)).replace('"weight": 1', f'"weight": {literal}')
    assert problems_of(text) == [f"$.plan.items[0].weight: {message}"]


def test_a_huge_integer_built_in_python_is_refused_too():
    doc = document(items=[{"title": "Actie", "weight": 10**40}])
    with pytest.raises(PlanDocumentError) as refused:
        validate(doc)
    assert str(refused.value) == "$.plan.items[0].weight: at most 15 digits are allowed"


def test_a_text_longer_than_the_limit_is_refused_with_its_path(monkeypatch):
    monkeypatch.setattr(validation, "MAX_TEXT", 1_000)
    doc = document(items=[{"title": "Actie", "description": "x" * 1_001}])
    with pytest.raises(PlanDocumentError) as refused:
        validate(doc)
    assert str(refused.value) == (
        "$.plan.items[0].description: a text of 1,001 characters; at most 1,000"
    )


def test_more_items_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(validation, "MAX_ITEMS", 10)
    doc = document(items=[{"title": f"Doel {n}"} for n in range(6)])
    doc["plan"]["items"][0]["milestones"] = [{"title": f"M{n}"} for n in range(5)]
    with pytest.raises(PlanDocumentError) as refused:
        validate(doc)
    assert str(refused.value) == ("$.plan.items: 11 items, milestones and budget lines; at most 10")


def test_nesting_deeper_than_the_limit_is_refused_without_recursion():
    deep: dict = {"title": "blad"}
    for _ in range(5_000):
        deep = {"title": "tak", "children": [deep]}
    with pytest.raises(PlanDocumentError) as refused:
        validate(document(items=[deep]))
    (problem,) = refused.value.problems
    assert problem.message == "nested more than 60 levels deep"
    assert problem.path.startswith("$.plan.items[0].children[0]")


@pytest.mark.django_db
def test_the_web_import_of_a_100000_digit_number_explains_and_changes_nothing(client):
    from tests.factories import MembershipFactory

    membership = MembershipFactory(role="coordinator")
    client.force_login(membership.user)
    text = json.dumps(document()).replace("2026", "9" * 100_000).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("plans:plan_import", kwargs={"org": membership.organisation.slug}),
        {"file": SimpleUploadedFile("plan.json", text, "application/json")},
    )
    assert response.status_code == 400
    assert "<code>$.plan.first_year</code>: a number of 100000 digits" in response.content.decode()
    assert Plan.objects.count() == 0


@pytest.mark.django_db
def test_the_command_line_import_of_a_100000_digit_number_explains(tmp_path):
    OrganisationFactory(slug="voorbeeld")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document()).replace("2026", "9" * 100_000))
    with pytest.raises(CommandError, match=r"\$\.plan\.first_year: a number of 100000 digits"):
        call_command("import_plan", str(path), organisation="voorbeeld")
    assert Plan.objects.count() == 0


@pytest.mark.django_db
def test_an_import_never_publishes_and_says_so():
    organisation = OrganisationFactory()
    result = load_plan_document(document(published=True), organisation, actor=Actor.system())
    result.plan.refresh_from_db()
    assert result.plan.is_published is False
    assert result.warnings == [
        "Het document duidt het plan aan als gepubliceerd; een import publiceert nooit. "
        "Publiceer het plan via zijn instellingen wanneer het klaar is."
    ]


@pytest.mark.django_db
def test_replacing_a_plan_keeps_its_publication_as_it_was():
    organisation = OrganisationFactory()
    plan = load_plan_document(document(), organisation, actor=Actor.system()).plan
    load_plan_document(document(published=True), organisation, replace=plan, actor=Actor.system())
    plan.refresh_from_db()
    assert plan.is_published is False
    Plan.objects.filter(pk=plan.pk).update(is_published=True)
    plan.refresh_from_db()
    load_plan_document(document(published=False), organisation, replace=plan, actor=Actor.system())
    plan.refresh_from_db()
    assert plan.is_published is True
