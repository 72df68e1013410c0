"""Benchmark: one CBS StatLine feed at its largest sensible size, from recorded-style answers.

Run: .venv/bin/python bench/indicator_feeds.py [--regions 200] [--years 30]

A monthly indicator with a total and ``--regions`` breakdowns (buurten) over ``--years``
years: (regions + 1) x years x 12 observations, in pages of 10,000 as CBS sends them
(``@odata.nextLink``), generated in memory (no network). Times reading and checking the
pages (``CbsStatLine.fetch``: JSON with exact decimals, every observation checked) and the
whole ``run_feed`` (fetch, then writing all values with history in one transaction): a
first fetch (insert), a second with the same figures (nothing written) and a third with
every figure changed (replace). Prints the peak memory of the process.
"""

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

DATA_DIR = Path(os.environ.get("KOERS_BENCH_DIR") or tempfile.mkdtemp(prefix="koers-bench-feed-"))
os.environ["KOERS_DATA_DIR"] = str(DATA_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "koers.settings"
os.environ.setdefault("KOERS_DEBUG", "true")

import django  # noqa: E402

django.setup()

import unscoped  # noqa: E402, F401  (the operator's view: see bench/unscoped.py)
from django.core.management import call_command  # noqa: E402

from koers.accounts.actor import Actor  # noqa: E402
from koers.accounts.models import Organisation  # noqa: E402
from koers.indicators import connectors, feeds, services  # noqa: E402
from koers.indicators.models import IndicatorValue  # noqa: E402

PAGE = 10_000
BASE = "https://datasets.cbs.nl/odata/v1/CBS/83765NED/Observations"


def pages(regions: list[str], years: int, shift: int) -> list[bytes]:
    observations = [
        {"Id": 0, "Measure": "M000001", "ValueAttribute": "None",
         "Value": round(1000 + r * 3.5 + y + m / 10 + shift, 1), "StringValue": None,
         "Perioden": f"{1995 + y}MM{m:02d}", "RegioS": region}
        for r, region in enumerate(regions)
        for y in range(years)
        for m in range(1, 13)
    ]  # fmt: skip
    answers = []
    for start in range(0, len(observations), PAGE):
        document = {"value": observations[start : start + PAGE]}
        if start + PAGE < len(observations):
            document["@odata.nextLink"] = f"{BASE}?$skip={start + PAGE}"
        answers.append(json.dumps(document).encode())
    return answers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=200)
    parser.add_argument("--years", type=int, default=30)
    args = parser.parse_args()
    try:
        call_command("migrate", verbosity=0)
        organisation = Organisation.objects.create(name="Benchgem", slug="benchgem")
        actor = Actor.system()
        indicator = services.create_indicator(
            organisation,
            {"code": "BEN", "name": "Bench", "frequency": "month", "decimals": 1},
            actor=actor,
        )
        buurten = [f"BU0153{n:04d}" for n in range(args.regions)]
        parameters = {
            "table": "83765NED",
            "measure": "M000001",
            "region": "GM0153",
            "breakdowns": "\n".join(f"{code} = Buurt {n}" for n, code in enumerate(buurten)),
        }
        feed = feeds.create_feed(indicator, "cbs_statline", parameters, actor=actor)
        regions = ["GM0153", *buurten]
        cbs = connectors.connector("cbs_statline")
        limits = connectors.limits()
        print(f"\n{len(regions)} regions x {args.years} years x 12 months")
        print(f"{'step':28} {'rows':>8} {'pages':>6} {'MB':>6} {'s':>7} {'rows/s':>8}")
        answers = pages(regions, args.years, 0)
        size = sum(map(len, answers)) / 1024 / 1024
        queue = list(answers)
        start = time.perf_counter()
        fetched = cbs.fetch(
            cbs.clean(parameters, indicator), indicator, lambda u: queue.pop(0), limits
        )
        took = time.perf_counter() - start
        rows = len(fetched.rows)
        line = f"{rows:8} {fetched.pages:6} {size:6.1f}"
        print(f"{'read and check only':28} {line} {took:7.2f} {rows / took:8.0f}")
        for label, shift in (("fetch 1 (insert)", 0), ("fetch 2 (same figures)", 0),
                             ("fetch 3 (all changed)", 1)):  # fmt: skip
            queue = pages(regions, args.years, shift)
            feeds.GETTER = lambda connector, limits, queue=queue: lambda url: queue.pop(0)
            start = time.perf_counter()
            outcome = feeds.run_feed(feed.pk, asked=False)
            took = time.perf_counter() - start
            assert outcome.ok, outcome.message
            print(f"{label:28} {line} {took:7.2f} {rows / took:8.0f}  {outcome.counts}")
        assert IndicatorValue.objects.filter(indicator=indicator).count() == rows
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\npeak memory of the process: {peak:.0f} MB")
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
