"""Benchmark: the dashboard of a large plan with a large cijferdatabank.

Run: .venv/bin/python bench/dashboard.py [--actions 1000,10000] [--indicators 1000]
     [--years 10] [--breakdowns 20] [--rounds 4]

Per size, one organisation in a throwaway SQLite database: a Flemish plan of that many
actions (two milestones and two budget lines each; a third delayed, a third in one of
three departments), ``--rounds`` closed rounds with every update approved (their status
copied from the items), and ``--indicators`` indicators linked to the plan's actions, each
with a target per year and values for ``--years`` years x (1 total + ``--breakdowns`` - 1
parts): 200,000 values by default. Times the dashboard for a coordinator and a reader,
unfiltered and filtered on a department and priority policy: the first GET after a
change (the figures computed) and the median of 5 GETs after it (the figures kept, with
the indicator tiles read), beside a hello-world view through the same middleware.
"""

import argparse
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

DATA_DIR = Path(os.environ.get("KOERS_BENCH_DIR") or tempfile.mkdtemp(prefix="koers-bench-dash-"))
os.environ["KOERS_DATA_DIR"] = str(DATA_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"  # Koers plus a hello-world view
# Measured as in production: without DEBUG (which keeps and formats every SQL statement).
os.environ.setdefault("KOERS_DEBUG", "false")
os.environ.setdefault("KOERS_SECRET_KEY", secrets.token_urlsafe(50))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402
from decimal import Decimal  # noqa: E402

import unscoped  # noqa: E402, F401  (the operator's view: see bench/unscoped.py)
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import OuterRef, Subquery  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from measure import measure_page, timed  # noqa: E402

from koers.accounts.actor import Actor  # noqa: E402
from koers.accounts.models import Department, Membership, Organisation, Role  # noqa: E402
from koers.demo.synthetic import synthetic_plan_document  # noqa: E402
from koers.followup.models import ProgressUpdate, ReportingRound  # noqa: E402
from koers.followup.services import open_round  # noqa: E402
from koers.indicators.models import (  # noqa: E402
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    ItemIndicator,
)
from koers.plans.content import plan_changed  # noqa: E402
from koers.plans.document.load import load_plan_document  # noqa: E402
from koers.plans.models import PlanItem, PlanStatus  # noqa: E402


def world(slug: str, actions: int, args) -> dict:
    organisation = Organisation.objects.create(name=f"Bench {slug}", slug=slug)
    users = {}
    for role in (Role.COORDINATOR, Role.READER):
        user = get_user_model().objects.create_user(f"{role}@{slug}.test", f"{role}@{slug}.test")
        Membership.objects.create(user=user, organisation=organisation, role=role)
        users[role] = user
    plan = load_plan_document(
        synthetic_plan_document(actions), organisation, actor=Actor.system()
    ).plan
    departments = [
        Department.objects.create(organisation=organisation, name=f"Dienst {n}") for n in range(3)
    ]
    leaves = list(PlanItem.objects.filter(plan=plan, depth=4).order_by("path"))
    Link = PlanItem.departments.through
    Link.objects.bulk_create(
        Link(planitem_id=item.pk, department_id=departments[n % 3].pk)
        for n, item in enumerate(leaves)
    )
    delayed = PlanStatus.objects.get(plan=plan, key="vertraagd")
    PlanItem.objects.filter(pk__in=[item.pk for item in leaves[::3]]).update(status=delayed)
    coordinator = Actor.member(Membership.objects.get(user=users[Role.COORDINATOR]))
    for number in range(args.rounds):
        year = 2026 + number // 2
        half = (datetime.date(year, 1, 1), datetime.date(year, 6, 30))
        if number % 2:
            half = (datetime.date(year, 7, 1), datetime.date(year, 12, 31))
        round_ = open_round(
            plan,
            {"name": f"Ronde {number + 1}", "period_start": half[0], "period_end": half[1],
             "deadline": half[1] + datetime.timedelta(days=15)},
            actor=coordinator,
        )  # fmt: skip
        round_.updates.update(
            state=ProgressUpdate.State.APPROVED,
            narrative="<p>Loopt, met enige vertraging door personeelstekort.</p>",
            version=2,
        )
        ReportingRound.objects.filter(pk=round_.pk).update(state=ReportingRound.State.CLOSED)
    item_status = PlanItem.objects.filter(pk=OuterRef("item_id")).values("status_id")[:1]
    ProgressUpdate.objects.filter(round__plan=plan).update(status=Subquery(item_status))
    years = list(range(2027 - args.years, 2027))
    Indicator.objects.bulk_create(
        Indicator(organisation=organisation, code=f"I{n:04d}", name=f"Indicator {n}",
                  unit="percent", decimals=1, tolerance=Decimal(2))
        for n in range(args.indicators)
    )  # fmt: skip
    indicators = list(Indicator.objects.filter(organisation=organisation).order_by("code"))
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(indicator=indicator, year=year, value=Decimal(50))
        for indicator in indicators
        for year in years
    )
    ItemIndicator.objects.bulk_create(
        ItemIndicator(item=leaves[n % len(leaves)], indicator=indicator, role="output")
        for n, indicator in enumerate(indicators)
    )
    now = timezone.now()
    for chunk in range(0, len(indicators), 100):
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                indicator=indicator, period=str(year), period_start=datetime.date(year, 1, 1),
                period_end=datetime.date(year, 12, 31), breakdown="" if b == 0 else f"Wijk {b}",
                value=Decimal((n + b + year) % 100), entered_at=now,
            )
            for n, indicator in enumerate(indicators[chunk : chunk + 100])
            for year in years
            for b in range(args.breakdowns)
        )  # fmt: skip
    return {"users": users, "department": departments[0], "plan": plan}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", default="1000,10000")
    parser.add_argument("--indicators", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--breakdowns", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    rows = []
    try:
        call_command("migrate", verbosity=0)
        for actions in (int(size) for size in args.actions.split(",")):
            slug = f"bench-{actions}"
            made, seconds = timed(world, slug, actions, args)
            values = IndicatorValue.objects.filter(indicator__organisation__slug=slug).count()
            print(f"{actions} actions, {values} values: set up in {seconds:.0f} s", flush=True)
            address = reverse("dashboard:dashboard", kwargs={"org": slug})
            filtered = f"{address}?department={made['department'].pk}&policy=priority"
            for role, user in made["users"].items():
                client = Client()
                client.force_login(user)
                hello = measure_page(client, "/bench-hello/")[0]
                for label, url in (("all", address), ("filtered", filtered)):
                    plan_changed(made["plan"].pk)  # the kept figures are of an older version
                    response, first = timed(client.get, url)
                    assert response.status_code == 200, url
                    ms, queries, size = measure_page(client, url)
                    rows.append(
                        (actions, values, role, label, first * 1000, ms, hello, queries, size)
                    )
        heading = (
            "actions",
            "values",
            "member",
            "page",
            "first ms",
            "kept ms",
            "hello",
            "x hello",
            "queries",
            "KB",
        )
        print("\n{:>8} {:>8} {:12} {:9} {:>9} {:>8} {:>6} {:>8} {:>8} {:>6}".format(*heading))
        for actions, values, role, label, first, ms, hello, queries, size in rows:
            print(
                f"{actions:8} {values:8} {role:12} {label:9} {first:9.0f} {ms:8.0f} {hello:6.1f}"
                f" {ms / hello:8.0f} {queries:8} {size:6.0f}"
            )
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
