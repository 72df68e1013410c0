"""Benchmark: the cijferdatabank at 1,000 indicators x 10 years x 20 breakdowns.

Run: .venv/bin/python bench/indicators.py [--indicators 1000] [--years 10] [--breakdowns 20]

Creates one organisation with the indicators (each with a target per year) in a
throwaway SQLite database, writes a wide-form CSV (one row per indicator and breakdown,
a column per year: indicators x breakdowns rows, indicators x breakdowns x years values),
then times reading and checking it (``read_values``, the file read in a child process
within the import limits) and loading it (``load_values``: bulk inserts with history), a
second load of the same file with every value changed (bulk updates with history), and
the cijferdatabank and indicator pages (median of 5 GETs, with query counts).

Beside the import, the **database floor**: the same number of value rows and history rows,
built beforehand, inserted with the same prepared statements and rolled back. The import
cannot be faster than that; the ratio says what reading, checking and comparing add.
"""

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

DATA_DIR = Path(os.environ.get("KOERS_BENCH_DIR") or tempfile.mkdtemp(prefix="koers-bench-ind-"))
os.environ["KOERS_DATA_DIR"] = str(DATA_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "koers.settings"
# Measured as in production: without DEBUG (which keeps and formats every SQL statement).
os.environ.setdefault("KOERS_DEBUG", "false")
os.environ.setdefault("KOERS_SECRET_KEY", secrets.token_urlsafe(50))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import django  # noqa: E402

django.setup()

from decimal import Decimal  # noqa: E402

import unscoped  # noqa: E402, F401  (the operator's view: see bench/unscoped.py)
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from measure import measure_page  # noqa: E402

from koers.accounts.actor import Actor  # noqa: E402
from koers.accounts.models import Membership, Organisation, Role  # noqa: E402
from koers.indicators.importing import (  # noqa: E402
    HISTORY_COLUMNS,
    VALUE_COLUMNS,
    _insert_many,
    load_values,
    read_values,
)
from koers.indicators.models import (  # noqa: E402
    Indicator,
    IndicatorTarget,
    IndicatorValue,
)


def sheet(indicators: int, years: list[int], breakdowns: int, shift: int) -> bytes:
    lines = [";".join(["Indicator", "Wijk", *map(str, years)])]
    for n in range(indicators):
        for b in range(breakdowns):
            wijk = "" if b == 0 else f"Wijk {b}"
            values = [f"{(n + b + y + shift) % 100},{y % 10}" for y in years]
            lines.append(";".join([f"I{n:04d}", wijk, *values]))
    return "\n".join(lines).encode()


class RolledBack(Exception):
    pass


def database_floor(values: int, indicator_ids: list[int]) -> float:
    """Seconds to insert ``values`` value rows and as many history rows, built beforehand,
    with the import's statements, in a transaction that is rolled back."""
    ops = connection.ops
    when = ops.adapt_datetimefield_value(timezone.now())
    day = ops.adapt_datefield_value(timezone.localdate())
    rows = [
        (indicator_ids[n % len(indicator_ids)], f"F{n // len(indicator_ids)}", day, day,
         "", "", ops.adapt_decimalfield_value(Decimal(n % 100), 20, 6), "", "imported",
         "floor.csv", None, when, 1)
        for n in range(values)
    ]  # fmt: skip
    history = [(n + 10_000_000, *row, when, "floor", "+", None) for n, row in enumerate(rows)]
    start = time.perf_counter()
    try:
        with transaction.atomic():
            _insert_many(IndicatorValue._meta.db_table, VALUE_COLUMNS, rows)
            _insert_many(IndicatorValue.history.model._meta.db_table, HISTORY_COLUMNS, history)
            raise RolledBack
    except RolledBack:
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--indicators", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--breakdowns", type=int, default=20)
    args = parser.parse_args()
    try:
        call_command("migrate", verbosity=0)
        organisation = Organisation.objects.create(name="Benchgem", slug="benchgem")
        user = get_user_model().objects.create_user("bench@example.test", "bench@example.test")
        Membership.objects.create(user=user, organisation=organisation, role=Role.COORDINATOR)
        years = list(range(2016, 2016 + args.years))
        Indicator.objects.bulk_create(
            Indicator(organisation=organisation, code=f"I{n:04d}", name=f"Indicator {n}",
                      unit="percent", decimals=1, tolerance=Decimal(2))
            for n in range(args.indicators)
        )  # fmt: skip
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(indicator=indicator, year=year, value=Decimal(50))
            for indicator in Indicator.objects.all()
            for year in years
        )
        membership = Membership.objects.get(user=user)
        actor = Actor.member(membership)
        rows = []
        for label, shift in (("first load (insert)", 0), ("second load (update)", 1)):
            content = sheet(args.indicators, years, args.breakdowns, shift)
            start = time.perf_counter()
            read = read_values(organisation, content, "bench.csv")
            checked = time.perf_counter() - start
            assert not read.problems, read.problems[:5]
            start = time.perf_counter()
            counts = load_values(organisation, read, actor=actor, filename="bench.csv")
            loaded = time.perf_counter() - start
            values = len(read.values)
            rows.append((label, values, checked, loaded, counts))
        ids = list(Indicator.objects.filter(organisation=organisation).values_list("pk", flat=True))
        floor = database_floor(rows[0][1], ids)
        client = Client()
        client.force_login(user)
        pages = [
            ("cijferdatabank", reverse("indicators:list", kwargs={"org": "benchgem"})),
            (
                "indicator page",
                reverse(
                    "indicators:detail",
                    kwargs={"org": "benchgem", "pk": Indicator.objects.get(code="I0000").pk},
                ),
            ),
        ]
        print(f"\n{args.indicators} indicators x {args.years} years x {args.breakdowns} breakdowns")
        print(f"{'step':24} {'values':>8} {'check s':>8} {'load s':>8} {'values/s':>10}")
        for label, values, checked, loaded, counts in rows:
            rate = values / (checked + loaded)
            print(
                f"{label:24} {values:8} {checked:8.2f} {loaded:8.2f} {rate:10.0f}  {counts}"
                f"  {(checked + loaded) / floor:.1f} x floor"
            )
        values = rows[0][1]
        print(f"{'database floor':24} {values:8} {'':8} {floor:8.2f} {values / floor:10.0f}")
        print(f"\n{'page':24} {'ms':>8} {'queries':>8} {'KB':>8}")
        for label, address in pages:
            ms, queries, size = measure_page(client, address)
            print(f"{label:24} {ms:8.0f} {queries:8} {size:8.0f}")
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
