"""Benchmark: a PlanDocument carrying 1,000 indicators x 10 years x 20 breakdowns.

Run: .venv/bin/python bench/plan_document_indicators.py [--indicators 1000] [--years 10]
     [--breakdowns 20]

Builds a version 2 PlanDocument with that many indicators (a target per year, a value per
year and breakdown: indicators x years x breakdowns values) and one goal per 10
indicators linking them, in a throwaway SQLite database, then times the checks
(``validate``), a load into a new organisation (checks included), the export of the
loaded plan, and a second load of that export into the same organisation (every
indicator matched by code and unchanged: nothing written).
"""

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

DATA_DIR = Path(os.environ.get("KOERS_BENCH_DIR") or tempfile.mkdtemp(prefix="koers-bench-pd-"))
os.environ["KOERS_DATA_DIR"] = str(DATA_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "koers.settings"
os.environ.setdefault("KOERS_DEBUG", "false")
os.environ.setdefault("KOERS_SECRET_KEY", secrets.token_urlsafe(50))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import django  # noqa: E402

django.setup()

import unscoped  # noqa: E402, F401  (the operator's view: see bench/unscoped.py)
from django.core.management import call_command  # noqa: E402

from koers.accounts.actor import Actor  # noqa: E402
from koers.accounts.models import Organisation  # noqa: E402
from koers.plans.document.export import export_plan  # noqa: E402
from koers.plans.document.load import load_plan_document  # noqa: E402
from koers.plans.document.validation import validate  # noqa: E402


def document(indicators: int, years: list[int], breakdowns: int) -> dict:
    entries, goals = [], []
    for n in range(indicators):
        values = [
            {
                "period": str(year),
                "breakdown": f"Wijk {b}" if b else "",
                "value": f"{(n + b + year) % 100}.{year % 10}",
                "source_kind": "imported",
                "source_detail": "bench",
            }
            for year in years
            for b in range(breakdowns)
        ]
        entries.append(
            {
                "code": f"I{n:04d}",
                "name": f"Indicator {n}",
                "unit": "percent",
                "decimals": 1,
                "targets": [{"year": year, "value": "50"} for year in years],
                "values": values,
            }
        )
        if n % 10 == 0:
            links = [{"code": f"I{m:04d}"} for m in range(n, min(n + 10, indicators))]
            goals.append({"title": f"Doel {n // 10 + 1}", "indicators": links})
    plan = {"title": "Bench", "first_year": 2026, "last_year": 2031, "items": goals}
    return {"format": "koers.plan-document", "version": 2, "plan": plan, "indicators": entries}


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--indicators", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--breakdowns", type=int, default=20)
    args = parser.parse_args()
    try:
        call_command("migrate", verbosity=0)
        years = list(range(2016, 2016 + args.years))
        doc = document(args.indicators, years, args.breakdowns)
        values = args.indicators * args.years * args.breakdowns
        organisation = Organisation.objects.create(name="Benchgem", slug="benchgem")
        _none, checked = timed(lambda: validate(doc))
        result, loaded = timed(lambda: load_plan_document(doc, organisation, actor=Actor.system()))
        exported, export_time = timed(lambda: export_plan(result.plan))
        again, reloaded = timed(
            lambda: load_plan_document(exported, organisation, actor=Actor.system())
        )
        print(f"\n{args.indicators} indicators x {args.years} years x {args.breakdowns} breakdowns")
        print(f"{'step':34} {'s':>7} {'values/s':>10}")
        print(f"{'check (validate)':34} {checked:7.2f} {values / checked:10.0f}")
        print(f"{'load, new organisation':34} {loaded:7.2f} {values / loaded:10.0f}")
        print(f"{'export':34} {export_time:7.2f} {values / export_time:10.0f}")
        print(f"{'load again, same organisation':34} {reloaded:7.2f} {values / reloaded:10.0f}")
        print(f"\nfirst load: {result.indicators}\nsecond load: {again.indicators}")
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
