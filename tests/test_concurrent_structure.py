"""Several processes change plan trees at the same moment, as on a shared installation."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from koers.plans.models import Plan, PlanItem
from koers.plans.services.structure import add_plan_root
from tests.factories import OrganisationFactory, make_plan

WORKER = """
import json, sys, time
import django
django.setup()
from koers.accounts.actor import Actor
from koers.accounts.models import Organisation
from koers.plans.document.load import load_plan_document
from koers.plans.models import Plan
from koers.plans.services.items import create_item
from koers.plans.services.plans import create_plan

from django_scopes import scopes_disabled

unscoped = scopes_disabled()  # a script of its own, across organisations like a command
unscoped.__enter__()
task = json.loads(sys.argv[1])
while time.time() < task["start"]:
    time.sleep(0.001)
done = 0
for n in range(task["count"]):
    if task["kind"] == "create_plan":
        organisation = Organisation.objects.get(slug=task["organisation"])
        create_plan(organisation, {"title": f"Plan {n}", "first_year": 2026, "last_year": 2031},
                    actor=Actor.system())
    elif task["kind"] == "import":
        organisation = Organisation.objects.get(slug=task["organisation"])
        document = {"format": "koers.plan-document", "version": 1, "plan": {
            "title": f"Import {n}", "first_year": 2026, "last_year": 2031,
            "items": [{"title": "Doel", "children": [{"title": "Actieplan"}]}]}}
        load_plan_document(document, organisation, actor=Actor.system())
    else:
        plan = Plan.objects.get(pk=task["plan"])
        create_item(plan, None, {"title": f"Doel {task['name']} {n}"}, actor=Actor.system())
    done += 1
print(done)
"""


def run_at_once(tasks: list[dict]) -> list[str]:
    """Start one process per task; they begin their work at the same moment."""
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    env = {**os.environ, "KOERS_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "koers.settings"}
    start = time.time() + 3
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, json.dumps({**task, "start": start})],
            env=env,
            cwd=Path(__file__).parents[1],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for task in tasks
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-3000:]
        results.append(out.strip())
    return results


needs_postgres = pytest.mark.skipif(
    os.environ.get("KOERS_TEST_POSTGRES") != "1",
    reason="the race needs PostgreSQL (SQLite lets one writer work at a time); "
    "runs in the PostgreSQL pass of scripts/test",
)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_organisations_create_and_import_plans_at_the_same_moment():
    organisations = [OrganisationFactory(slug=f"org-{n}") for n in range(4)]
    tasks = [
        {"kind": "create_plan" if n % 2 else "import", "organisation": o.slug, "count": 5}
        for n, o in enumerate(organisations)
    ]
    assert run_at_once(tasks) == ["5", "5", "5", "5"]
    assert Plan.objects.count() == 20
    roots = PlanItem.objects.filter(depth=1)
    assert roots.count() == 20
    assert sorted(roots.values_list("plan_id", flat=True)) == sorted(
        Plan.objects.values_list("pk", flat=True)
    )


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_people_add_items_under_the_same_parent_at_the_same_moment():
    plan = make_plan(OrganisationFactory())
    assert (
        run_at_once([{"kind": "item", "plan": plan.pk, "name": n, "count": 10} for n in range(4)])
        == ["10"] * 4
    )
    goals = PlanItem.objects.filter(plan=plan, depth=2)
    assert goals.count() == 40
    assert len(set(goals.values_list("path", flat=True))) == 40
    root = PlanItem.objects.get(plan=plan, depth=1)
    assert root.numchild == 40


@pytest.mark.django_db
def test_a_plan_root_takes_its_path_from_the_plan_not_from_the_last_root():
    first, second = make_plan(OrganisationFactory()), make_plan(OrganisationFactory())
    for plan in (first, second):
        root = PlanItem.objects.get(plan=plan, depth=1)
        assert root.path == PlanItem._get_path(None, 1, plan.pk)
    # A root that an older installation placed at "the last root + 1" is no obstacle.
    third = Plan.objects.create(
        organisation=first.organisation, title="Derde", first_year=2026, last_year=2031
    )
    assert add_plan_root(third).path == PlanItem._get_path(None, 1, third.pk)
