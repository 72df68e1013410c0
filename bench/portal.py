"""Benchmark: the public portal over a plan of N actions.

Run: .venv/bin/python bench/portal.py [--actions 1000] [--no-http | --only-http]
     [--http ARGUMENTS OF bench/http_load.py]

Loads a synthetic plan into a throwaway SQLite database, publishes it, and times the
plan page, a Dutch search, an item page and the public JSON (median of 5 requests through
Django's test client, with query counts). Then (unless --no-http) runs
``bench/http_load.py --pages portal``: the portal pages served by gunicorn under 50
concurrent clients beside a hello-world view, for 100, 1,000 and 10,000 actions.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

DATA_DIR = Path(tempfile.mkdtemp(prefix="koers-bench-portal-"))
os.environ["KOERS_DATA_DIR"] = str(DATA_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "koers.settings"

import django  # noqa: E402

django.setup()

import unscoped  # noqa: E402, F401  (the operator's view: see bench/unscoped.py)
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from measure import measure_page  # noqa: E402

from koers.accounts.actor import Actor  # noqa: E402
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
    plan = load_plan_document(
        synthetic_plan_document(args.actions), organisation, actor=Actor.system()
    ).plan
    plan.is_published = True
    plan.save()  # takes the portal's snapshot
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


def under_load(extra: list[str]) -> None:
    """Throughput under concurrency beside hello-world, in a gunicorn of its own
    (bench/http_load.py; the arguments after ``--http`` go to it)."""
    script = Path(__file__).with_name("http_load.py")
    subprocess.run([sys.executable, str(script), "--pages", "portal", *extra], check=True)


if __name__ == "__main__":
    # [own arguments] [--no-http | --only-http] [--http ARGUMENTS OF http_load.py]
    extra = sys.argv[sys.argv.index("--http") + 1 :] if "--http" in sys.argv else []
    own = sys.argv[: sys.argv.index("--http")] if "--http" in sys.argv else sys.argv
    no_http, only_http = "--no-http" in own, "--only-http" in own
    sys.argv = [arg for arg in own if arg not in ("--no-http", "--only-http")]
    if not only_http:
        main()
    if not no_http:
        under_load(extra)
