"""Benchmark: the yearly complaints report over N complaints.

Run: .venv/bin/python bench/complaints_report.py [--complaints 50000]
     [--formats html,pdf,docx,pdfua]

Loads N synthetic complaints (four years, 12 departments, 400 subjects, every channel and
outcome, one in forty linked to a plan item) with their complainants into a throwaway
SQLite database, then times building the report of the last year (queries counted), each
file format, the staff page and the portal's summary of the published report.
"""

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

DATA_DIR = Path(tempfile.mkdtemp(prefix="koers-bench-complaints-"))
os.environ["KOERS_DATA_DIR"] = str(DATA_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "koers.settings"
os.environ.setdefault("KOERS_DEBUG", "true")

import django  # noqa: E402

django.setup()

import unscoped  # noqa: E402, F401  (the operator's view: see bench/unscoped.py)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import translation  # noqa: E402

from koers.accounts.actor import Actor  # noqa: E402
from koers.accounts.models import Department, Membership, Organisation, Role  # noqa: E402
from koers.complaints.models import Complainant, Complaint  # noqa: E402
from koers.complaints_public import reports  # noqa: E402
from koers.complaints_public.report_files import FORMATS, render  # noqa: E402
from koers.demo.synthetic import synthetic_plan_document  # noqa: E402
from koers.plans.document.load import load_plan_document  # noqa: E402

YEAR = 2026


def load(organisation, count: int) -> None:
    rng = random.Random(7)
    departments = [
        Department.objects.create(organisation=organisation, name=f"Dienst {n}") for n in range(12)
    ]
    plan = load_plan_document(synthetic_plan_document(100), organisation, actor=Actor.system()).plan
    items = list(plan.items.filter(depth__gt=1).values_list("pk", flat=True))
    subjects = [f"Onderwerp {n}" for n in range(400)]
    channels = [choice for choice, _label in Complaint.Channel.choices]
    outcomes = [choice for choice, _label in Complaint.Outcome.choices] + [""]
    complaints = []
    numbers: dict[int, int] = {}
    for _ in range(count):
        year = YEAR - rng.randint(0, 3)
        received = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, 330))
        numbers[year] = numbers.get(year, 0) + 1
        outcome = rng.choice(outcomes)
        answered = received + datetime.timedelta(days=rng.randint(2, 80)) if outcome else None
        complaints.append(
            Complaint(
                organisation=organisation,
                reference=f"K-{year}-{numbers[year]:05d}",
                received_on=received,
                deadline=received + datetime.timedelta(days=45),
                channel=rng.choice(channels),
                subject=rng.choice(subjects),
                description="Synthetische klacht.",
                department=rng.choice(departments),
                outcome=outcome,
                answered_on=answered,
                closed_on=answered,
                plan_item_id=rng.choice(items) if rng.random() < 0.025 else None,
            )
        )
    Complaint.objects.bulk_create(complaints, batch_size=2000)
    Complainant.objects.bulk_create(
        [
            Complainant(complaint_id=pk, name="Naam", email="iemand@example.org")
            for pk in Complaint.objects.filter(organisation=organisation).values_list(
                "pk", flat=True
            )
        ],
        batch_size=2000,
    )


def timed(call):
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=50_000)
    parser.add_argument("--formats", default="html,pdf,docx,pdfua")
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    translation.activate("nl-be")
    organisation = Organisation.objects.create(slug="bench", name="Gemeente Bench")
    _none, seconds = timed(lambda: load(organisation, args.complaints))
    print(f"# Complaints report benchmark: {args.complaints} complaints, SQLite\n")
    print(f"Loaded in {seconds:.1f} s.\n")
    print("| step | time | queries |")
    print("|---|---|---|")
    with CaptureQueriesContext(connection) as queries:
        report, seconds = timed(lambda: reports.build(organisation, YEAR))
    built = f"build the {YEAR} report ({report.received} complaints)"
    print(f"| {built} | {seconds:.2f} s | {len(queries)} |")
    folder = Path(tempfile.mkdtemp(prefix="koers-bench-complaint-files-"))
    total = seconds
    for fmt in args.formats.split(","):
        out = folder / f"report-{fmt}.{FORMATS[fmt][0]}"
        _path, seconds = timed(lambda fmt=fmt, out=out: render(report, fmt, out))
        total += seconds
        print(f"| {fmt} ({out.stat().st_size // 1024} KB) | {seconds:.2f} s | 0 |")
    print(f"| build and every format | {total:.2f} s | |")
    user = django.contrib.auth.get_user_model().objects.create_user(
        "bench@example.org", "bench@example.org", "x"
    )
    Membership.objects.create(organisation=organisation, user=user, role=Role.COORDINATOR)
    client = Client()
    client.force_login(user)
    for name, url in (
        ("staff page (draft, computed)", f"/app/bench/klachtenverslag/{YEAR}/"),
        ("download docx (draft)", f"/app/bench/klachtenverslag/{YEAR}.docx"),
    ):
        with CaptureQueriesContext(connection) as queries:
            response, seconds = timed(lambda url=url: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
        print(f"| {name} | {seconds * 1000:.0f} ms | {len(queries)} |")
    _stored, seconds = timed(lambda: reports.publish(organisation, YEAR, Actor.system()))
    print(f"| publish (freeze the figures) | {seconds * 1000:.0f} ms | |")
    anonymous = Client()
    for name, url in (
        ("staff page (published)", f"/app/bench/klachtenverslag/{YEAR}/"),
        ("portal summary", "/bench/klachten/"),
    ):
        page_client = client if url.startswith("/app/") else anonymous
        with CaptureQueriesContext(connection) as queries:
            response, seconds = timed(lambda url=url, c=page_client: c.get(url))
        assert response.status_code == 200, (url, response.status_code)
        print(f"| {name} | {seconds * 1000:.0f} ms | {len(queries)} |")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
