"""Benchmark: the public portal over a plan of N actions.

Run: .venv/bin/python bench/portal.py [--actions 1000]

Loads a synthetic plan into a throwaway SQLite database, publishes it, and times the
plan page, a Dutch search, an item page and the public JSON (median of 5 requests through
Django's test client, with query counts).
"""

import argparse
import os
import tempfile
from pathlib import Path

DATA_DIR = Path(tempfile.mkdtemp(prefix="koers-bench-portal-"))
os.environ["KOERS_DATA_DIR"] = str(DATA_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "koers.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from measure import measure_page  # noqa: E402

from koers.accounts.models import Organisation  # noqa: E402
from koers.demo.synthetic import synthetic_plan_document  # noqa: E402
from koers.plans.document.load import load_plan_document  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=1000)
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    organisation = Organisation.objects.create(slug="bench", name="Gemeente Bench")
    plan = load_plan_document(synthetic_plan_document(args.actions), organisation).plan
    plan.is_published = True
    plan.save()
    item = plan.items.filter(depth=4).first()
    client = Client()
    print(f"# Portal benchmark: {args.actions} actions, {plan.items.count() - 1} items, SQLite\n")
    print("| page | time | queries |")
    print("|---|---|---|")
    for name, url in (
        ("plan page", f"/bench/plans/{plan.pk}/"),
        ("search 'fietspaden'", f"/bench/plans/{plan.pk}/?q=fietspaden"),
        ("item page", f"/bench/items/{item.pk}/"),
        ("public JSON", f"/bench/api/plans/{plan.pk}.json"),
    ):
        milliseconds, queries, _size = measure_page(client, url)
        print(f"| {name} | {milliseconds:.0f} ms | {queries} |")


if __name__ == "__main__":
    main()
