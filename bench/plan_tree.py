"""Benchmark: PlanDocument import/export and the plan tree pages for plans of N actions.

Run: .venv/bin/python bench/plan_tree.py [--sizes 100,1000,10000] [--no-http | --only-http]
     [--http ARGUMENTS OF bench/http_load.py]
Uses its own throwaway SQLite database in a temporary directory. Then (unless --no-http)
runs ``bench/http_load.py --pages member``: the tree and round review pages served by
gunicorn under 50 concurrent clients beside a hello-world view.
"""

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA_DIR = Path(tempfile.mkdtemp(prefix="koers-bench-"))
os.environ["KOERS_DATA_DIR"] = str(DATA_DIR)  # before Django reads the settings
os.environ["DJANGO_SETTINGS_MODULE"] = "koers.settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from measure import measure_page, timed  # noqa: E402

from koers.accounts.actor import Actor  # noqa: E402
from koers.accounts.models import Membership, Organisation, Role  # noqa: E402
from koers.demo.synthetic import synthetic_plan_document  # noqa: E402
from koers.plans.document.export import export_plan  # noqa: E402
from koers.plans.document.load import load_plan_document  # noqa: E402
from koers.plans.models import PlanItem  # noqa: E402


def db_megabytes() -> tuple[float, float, float]:
    """Sizes of the sqlite file and its WAL, then of the file after a full WAL checkpoint."""
    main, wal = DATA_DIR / "koers.sqlite3", DATA_DIR / "koers.sqlite3-wal"
    before = [p.stat().st_size / 1e6 if p.exists() else 0.0 for p in (main, wal)]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return before[0], before[1], main.stat().st_size / 1e6


HEAD = (
    "N items import_s export_s exp+imp_s tree_ms queries KB BD1_ms queries KB search_ms queries KB"
    " db_MB wal_MB ckpt_MB"
)


def run(n: int, user) -> list:
    """One table row for a plan of ``n`` actions, in the order of HEAD."""
    org = Organisation.objects.create(name=f"Gemeente Bench {n}", slug=f"bench-{n}")
    Membership.objects.create(user=user, organisation=org, role=Role.READER)
    document = synthetic_plan_document(n)
    loaded, t_import = timed(lambda: load_plan_document(document, org, actor=Actor.system()))
    plan = loaded.plan
    db = db_megabytes()
    _, t_export = timed(export_plan, plan)
    start = time.perf_counter()
    load_plan_document(
        export_plan(plan), org, actor=Actor.system()
    )  # round trip: a second, identical plan
    t_round = time.perf_counter() - start
    client = Client()
    client.force_login(user)
    tree = reverse("plans:plan_tree", kwargs={"org": org.slug, "pk": plan.pk})
    goal = PlanItem.objects.get(plan=plan, code="BD1")
    detail = reverse("plans:item_detail", kwargs={"org": org.slug, "pk": goal.pk})
    items = PlanItem.objects.filter(plan=plan, depth__gt=1).count()
    # Search in the plan tree (full-text index): a word in every action's title.
    search = reverse("plans:plan_search", kwargs={"org": org.slug, "pk": plan.pk}) + "?q=actie"
    pages = [
        *measure_page(client, tree),
        *measure_page(client, detail),
        *measure_page(client, search),
    ]
    return [n, items, t_import, t_export, t_round, *pages, *db]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated action counts")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    setup_test_environment()
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench@example.test", password="bench-pass")
    print(f"Machine: {platform.platform()}, Python {platform.python_version()}, ", end="")
    print(f"{os.cpu_count()} CPUs; database {DATA_DIR / 'koers.sqlite3'}")
    rows = []
    for n in sizes:
        rows.append(run(n, user))
        print(f"N={n}: import {rows[-1][2]:.1f} s, tree page {rows[-1][5]:.0f} ms", flush=True)
    print("\n" + " ".join(f"{h:>9}" for h in HEAD.split()))
    for row in rows:
        print(" ".join(f"{c:>9}" if isinstance(c, int) else f"{c:>9.2f}" for c in row))
    print("\ntree/BD1: median server time of 5 GETs (after 1 warm-up), SQL queries, response KB.")
    print("search: the plan tree's search for 'actie' (every action and action plan matches;")
    print("the first 50 are shown).")
    print("exp+imp: export_plan + load_plan_document of the export as a new plan.")
    print("db/wal MB: sqlite file and WAL right after importing N; ckpt MB: the file after")
    print("a WAL checkpoint. Sizes are cumulative: all sizes share one database.")
    connection.close()
    if not args.keep:
        shutil.rmtree(DATA_DIR)


def under_load(extra: list[str]) -> None:
    """Throughput under concurrency beside hello-world, in a gunicorn of its own
    (bench/http_load.py; the arguments after ``--http`` go to it)."""
    script = Path(__file__).with_name("http_load.py")
    subprocess.run([sys.executable, str(script), "--pages", "member", *extra], check=True)


if __name__ == "__main__":
    # [own arguments] [--no-http | --only-http] [--http ARGUMENTS OF http_load.py]
    extra = sys.argv[sys.argv.index("--http") + 1 :] if "--http" in sys.argv else []
    own = sys.argv[: sys.argv.index("--http")] if "--http" in sys.argv else sys.argv
    no_http, only_http = "--no-http" in own, "--only-http" in own
    sys.argv = [arg for arg in own if arg not in ("--no-http", "--only-http")]
    if not only_http:
        from koers.accounts.scoping import scopes_disabled

        with scopes_disabled():  # the bench makes organisations and reads across them
            main()
    if not no_http:
        under_load(extra)
