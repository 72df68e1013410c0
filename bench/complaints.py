"""Benchmark: the complaints register at 50,000 complaints.

Run: .venv/bin/python bench/complaints.py [--complaints 50000] [--plan-actions 1000]

One organisation in a throwaway SQLite database: a plan of ``--plan-actions`` actions
(the handling form offers them as the improvement to link), 12 departments, and N
complaints over four years with their complainants (every channel and outcome, a fifth
still open, one in three assigned to an editor). Times the register (first page, filtered
on open past the deadline, a department and a year, and a search), the CSV download and a
complaint's page with its handling form, for a complaint handler and for the editor (who
sees only the complaints assigned to them), beside a hello-world view through the same
middleware; with the number of queries of each page.
"""

import argparse
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

DATA_DIR = Path(os.environ.get("KOERS_BENCH_DIR") or tempfile.mkdtemp(prefix="koers-bench-kl-"))
os.environ["KOERS_DATA_DIR"] = str(DATA_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"  # Koers plus a hello-world view
# Measured as in production: without DEBUG (which keeps and formats every SQL statement).
os.environ.setdefault("KOERS_DEBUG", "false")
os.environ.setdefault("KOERS_SECRET_KEY", secrets.token_urlsafe(50))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402
import random  # noqa: E402

import unscoped  # noqa: E402, F401  (the operator's view: see bench/unscoped.py)
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from measure import measure_page, timed  # noqa: E402

from koers.accounts.actor import Actor  # noqa: E402
from koers.accounts.models import Department, Membership, Organisation, Role  # noqa: E402
from koers.complaints.models import Complainant, Complaint, ComplaintSequence  # noqa: E402
from koers.demo.synthetic import synthetic_plan_document  # noqa: E402
from koers.plans.document.load import load_plan_document  # noqa: E402

SLUG = "benchklacht"
TODAY = datetime.date.today()


def world(count: int, actions: int) -> dict:
    organisation = Organisation.objects.create(name="Benchgem", slug=SLUG)
    load_plan_document(synthetic_plan_document(actions), organisation, actor=Actor.system())
    departments = [
        Department.objects.create(organisation=organisation, name=f"Dienst {n}") for n in range(12)
    ]
    User = get_user_model()
    handler_user = User.objects.create_user("handler@example.test", "handler@example.test")
    editor_user = User.objects.create_user("editor@example.test", "editor@example.test")
    Membership.objects.create(
        user=handler_user, organisation=organisation, role=Role.EDITOR, handles_complaints=True
    )
    editor = Membership.objects.create(
        user=editor_user, organisation=organisation, role=Role.EDITOR
    )
    rng = random.Random(5)
    channels = Complaint.Channel.values
    outcomes = Complaint.Outcome.values
    numbers: dict[int, int] = {}
    batch = []
    for n in range(count):
        received = TODAY - datetime.timedelta(days=rng.randint(0, 4 * 365))
        numbers[received.year] = numbers.get(received.year, 0) + 1
        still_open = rng.random() < 0.2
        answered = None if still_open else received + datetime.timedelta(days=rng.randint(3, 70))
        if answered and answered > TODAY:
            answered = TODAY
        batch.append(
            Complaint(
                organisation=organisation,
                reference=f"K-{received.year}-{numbers[received.year]:05d}",
                received_on=received,
                deadline=received + datetime.timedelta(days=45),
                channel=rng.choice(channels),
                subject=f"Onderwerp {rng.randint(1, 400)}",
                description="Een klacht van de benchmark. " * 20,
                department=rng.choice(departments),
                handler=editor if n % 3 == 0 else None,
                admissible=None if still_open else True,
                answered_on=answered,
                closed_on=answered,
                outcome="" if still_open else rng.choice(outcomes),
                answer="" if still_open else "Antwoord. " * 30,
            )
        )
    Complaint.objects.bulk_create(batch, batch_size=2000)
    Complainant.objects.bulk_create(
        (
            Complainant(
                complaint_id=pk,
                name=f"Indiener {pk}",
                address=f"Straat {pk}, 9999 Benchgem",
                email=f"indiener{pk}@example.org",
                phone="+32 499 00 00 00",
            )
            for pk in Complaint.objects.filter(organisation=organisation).values_list(
                "pk", flat=True
            )
        ),
        batch_size=2000,
    )
    ComplaintSequence.objects.bulk_create(
        ComplaintSequence(organisation=organisation, year=year, last_number=last)
        for year, last in numbers.items()
    )
    own = Complaint.objects.filter(organisation=organisation, handler=editor).first()
    return {
        "users": {"handler": handler_user, "editor": editor_user},
        "department": departments[3],
        "complaint": own,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=50_000)
    parser.add_argument("--plan-actions", type=int, default=1000)
    args = parser.parse_args()
    try:
        call_command("migrate", verbosity=0)
        made, seconds = timed(world, args.complaints, args.plan_actions)
        print(f"{args.complaints} complaints: set up in {seconds:.0f} s", flush=True)
        register = reverse("complaints:list", kwargs={"org": SLUG})
        pages = [
            ("register", register),
            (
                "register filtered",
                f"{register}?status=late&department={made['department'].pk}&year={TODAY.year}",
            ),
            ("register search", f"{register}?q=onderwerp+12"),
            ("register page 400", f"{register}?page=400"),
            (
                "complaint page",
                reverse("complaints:detail", kwargs={"org": SLUG, "pk": made["complaint"].pk}),
            ),
        ]
        print(
            f"\n{'who':8} {'page':20} {'ms':>8} {'hello ms':>8} {'x hello':>8}"
            f" {'queries':>8} {'KB':>7}"
        )
        for role, user in made["users"].items():
            client = Client()
            client.force_login(user)
            hello = measure_page(client, "/bench-hello/")[0]
            for label, url in pages:
                if role == "editor" and label == "register page 400":
                    continue  # the editor's list is a third as long
                ms, queries, size = measure_page(client, url)
                print(
                    f"{role:8} {label:20} {ms:8.0f} {hello:8.1f} {ms / hello:8.0f}"
                    f" {queries:8} {size:7.0f}",
                    flush=True,
                )
        client = Client()
        client.force_login(made["users"]["handler"])
        response, seconds = timed(client.get, reverse("complaints:export", kwargs={"org": SLUG}))
        assert response.status_code == 200
        rows = response.content.count(b"\n") - 1
        print(f"\nCSV download of all {rows} complaints: {seconds:.1f} s, "
              f"{len(response.content) / 1024 / 1024:.1f} MB")  # fmt: skip
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
