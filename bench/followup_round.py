"""Benchmark: a reporting round over a large plan.

Run: .venv/bin/python bench/followup_round.py [--actions 4500] [--owners 200]

Loads a synthetic plan (about 5,000 items for 4,500 actions), gives its items to
N owners, then times opening a round, the round's review page for the
coordinator and one owner's inbox (median of 5 requests, server time through
Django's test client, with query counts). Uses its own throwaway SQLite
database in a temporary directory.
"""

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

DATA_DIR = Path(tempfile.mkdtemp(prefix="koers-bench-followup-"))
os.environ["KOERS_DATA_DIR"] = str(DATA_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "koers.settings"

import django  # noqa: E402

django.setup()

import unscoped  # noqa: E402, F401  (the operator's view: see bench/unscoped.py)
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from measure import measure_page  # noqa: E402

from koers.accounts.actor import Actor  # noqa: E402
from koers.accounts.models import Membership, Organisation, Role  # noqa: E402
from koers.demo.synthetic import synthetic_plan_document  # noqa: E402
from koers.followup.services import open_round  # noqa: E402
from koers.plans.document.load import load_plan_document  # noqa: E402
from koers.plans.models import PlanItem  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=4500)
    parser.add_argument("--owners", type=int, default=200)
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    org = Organisation.objects.create(name="Bench", slug="bench")
    plan = load_plan_document(synthetic_plan_document(args.actions), org, actor=Actor.system()).plan
    User = get_user_model()
    owners = [
        User.objects.create_user(f"owner{n}@example.test", email=f"owner{n}@example.test")
        for n in range(args.owners)
    ]
    Membership.objects.bulk_create(
        [Membership(user=u, organisation=org, role=Role.EDITOR) for u in owners]
    )
    coordinator = User.objects.create_user("coordinator@example.test", password="x")
    membership = Membership.objects.create(
        user=coordinator, organisation=org, role=Role.COORDINATOR
    )
    items = list(PlanItem.objects.filter(plan=plan, depth__gt=1).values_list("id", flat=True))
    for index, owner in enumerate(owners):
        PlanItem.objects.filter(id__in=items[index :: len(owners)]).update(owner=owner)
    values = {
        "name": "Bench",
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 6, 30),
        "deadline": date(2026, 7, 15),
    }
    start = time.perf_counter()
    round_ = open_round(plan, values, actor=Actor.member(membership))
    opened = time.perf_counter() - start
    client = Client()
    client.force_login(coordinator)
    round_ms, round_queries, _size = measure_page(
        client, reverse("followup:round", kwargs={"org": "bench", "pk": round_.pk})
    )
    owner_client = Client()
    owner_client.force_login(owners[0])
    inbox_ms, inbox_queries, _size = measure_page(
        owner_client, reverse("followup:inbox", kwargs={"org": "bench"})
    )
    print(f"# Follow-up benchmark: {len(items)} items, {args.owners} owners, SQLite")
    print()
    print("| what | time | queries |")
    print("|---|---|---|")
    print(f"| open the round ({round_.updates.count()} updates) | {opened * 1000:.0f} ms | – |")
    print(f"| round review page (coordinator) | {round_ms:.0f} ms | {round_queries} |")
    inbox = f"owner's inbox ({len(items) // args.owners} items)"
    print(f"| {inbox} | {inbox_ms:.0f} ms | {inbox_queries} |")


if __name__ == "__main__":
    main()
