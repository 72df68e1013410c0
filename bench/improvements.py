"""Benchmark: the register of improvement actions at 5,000 actions, beside a hello-world view.

Run: .venv/bin/python bench/improvements.py [--actions 500,5000] [--sources 25]

Per size, one organisation in a throwaway SQLite database with ``--sources`` sources and
that many improvement actions spread over them (owners, three departments, deadlines of
which a part has passed, a fifth done). Times, for a coordinator: the hello-world view
(the same middleware, no work), the register's first page, the register filtered on late
actions of one department, the report per source as a web page, and the report as PDF and
Word (median of 5 GETs, the number of queries and the size). The first page's queries stay
the same at every size.
"""

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

DATA_DIR = Path(os.environ.get("KOERS_BENCH_DIR") or tempfile.mkdtemp(prefix="koers-bench-imp-"))
os.environ["KOERS_DATA_DIR"] = str(DATA_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
os.environ.setdefault("KOERS_DEBUG", "true")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

import unscoped  # noqa: E402, F401  (the operator's view: see bench/unscoped.py)
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from measure import measure_page, timed  # noqa: E402

from koers.accounts.models import Department, Membership, Organisation, Role  # noqa: E402
from koers.improvements.models import ImprovementAction, Source  # noqa: E402

Status = ImprovementAction.Status
STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.IN_PROGRESS, Status.NOT_STARTED)


def world(slug: str, actions: int, sources: int) -> dict:
    organisation = Organisation.objects.create(name=f"Bench {slug}", slug=slug)
    user = get_user_model().objects.create_user(f"coordinator@{slug}.test", f"c@{slug}.test")
    Membership.objects.create(user=user, organisation=organisation, role=Role.COORDINATOR)
    owners = []
    for number in range(20):
        owner = get_user_model().objects.create_user(
            f"owner{number}@{slug}.test",
            f"owner{number}@{slug}.test",
            first_name=f"Eigenaar {number}",
        )
        owners.append(
            Membership.objects.create(user=owner, organisation=organisation, role=Role.EDITOR)
        )
    departments = [
        Department.objects.create(organisation=organisation, name=f"Dienst {n}") for n in range(3)
    ]
    made = Source.objects.bulk_create(
        Source(organisation=organisation, name=f"Audit {n}", kind="audit_vlaanderen",
               date=datetime.date(2024, 1, 1) + datetime.timedelta(days=30 * n))
        for n in range(sources)
    )  # fmt: skip
    today = datetime.date.today()
    ImprovementAction.objects.bulk_create(
        (
            ImprovementAction(
                organisation=organisation,
                source=made[n % sources],
                reference=f"A-{n:05d}",
                finding=f"Vaststelling {n}: de procedure wordt niet altijd gevolgd.",
                recommendation=f"Aanbeveling {n}: leg de procedure vast en volg ze op.",
                owner=owners[n % len(owners)],
                department=departments[n % 3],
                deadline=today + datetime.timedelta(days=(n % 730) - 365),
                status=Status.DONE if n % 5 == 0 else STATUSES[n % 4],
                completed_on=today if n % 5 == 0 else None,
            )
            for n in range(actions)
        ),
        batch_size=1000,
    )
    return {"user": user, "department": departments[0]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", default="500,5000")
    parser.add_argument("--sources", type=int, default=25)
    args = parser.parse_args()
    rows = []
    try:
        call_command("migrate", verbosity=0)
        for actions in (int(size) for size in args.actions.split(",")):
            slug = f"bench-{actions}"
            made, seconds = timed(world, slug, actions, args.sources)
            print(f"{actions} actions: set up in {seconds:.1f} s", flush=True)
            client = Client()
            client.force_login(made["user"])
            register = reverse("improvements:list", kwargs={"org": slug})
            report = reverse("improvements:report", kwargs={"org": slug})
            pdf, docx = (
                reverse("improvements:report_file", kwargs={"org": slug, "fmt": fmt})
                for fmt in ("pdf", "docx")
            )
            pages = (
                ("hello-world", "/bench-hello/"),
                ("register", register),
                ("register, late", f"{register}?late=1&department={made['department'].pk}"),
                ("register, page 50", f"{register}?page=50"),
                ("report (web)", report),
                ("report PDF", pdf),
                ("report Word", docx),
            )  # fmt: skip
            for label, url in pages:
                rows.append((actions, label, *measure_page(client, url)))
        heading = ("actions", "page", "ms", "queries", "KB")
        print("\n{:>8} {:18} {:>8} {:>8} {:>7}".format(*heading))
        for actions, label, ms, queries, size in rows:
            print(f"{actions:8} {label:18} {ms:8.1f} {queries:8} {size:7.0f}")
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
