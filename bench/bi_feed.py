"""Benchmark: the BI feed's indicator values table at 200,000 values.

Run: .venv/bin/python bench/bi_feed.py [--indicators 1000] [--values-each 200]

Creates one organisation with the indicators and their values (1,000 x 200 = 200,000) in a
throwaway SQLite database and a feed key of a reader, then reads
``/api/v1/<org>/feed/indicator_values.csv`` whole (streamed) and the JSON pages (10,000
rows each, following ``next``) through Django's test client, with the time, the size,
the queries and the peak of Python memory while the CSV is read chunk by chunk (a second
pass under tracemalloc; nothing is kept).
"""

import argparse
import datetime
import os
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

DATA_DIR = Path(os.environ.get("KOERS_BENCH_DIR") or tempfile.mkdtemp(prefix="koers-bench-bi-"))
os.environ["KOERS_DATA_DIR"] = str(DATA_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "koers.settings"
os.environ.setdefault("KOERS_DEBUG", "true")
os.environ.setdefault("KOERS_API_USER_RATE", "100000/hour")

import django  # noqa: E402

django.setup()

import json  # noqa: E402
from decimal import Decimal  # noqa: E402

import unscoped  # noqa: E402, F401  (the operator's view: see bench/unscoped.py)
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from koers.accounts.actor import Actor  # noqa: E402
from koers.accounts.models import Membership, Organisation, Role  # noqa: E402
from koers.api.feed_tokens import create_feed_token  # noqa: E402
from koers.indicators.models import Indicator, IndicatorValue  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--indicators", type=int, default=1000)
    parser.add_argument("--values-each", type=int, default=200)
    args = parser.parse_args()
    try:
        call_command("migrate", verbosity=0)
        organisation = Organisation.objects.create(name="Benchgem", slug="benchgem")
        User = get_user_model()
        admin = Membership.objects.create(
            user=User.objects.create_user("admin@example.test", "admin@example.test"),
            organisation=organisation,
            role=Role.ADMIN,
        )
        reader = Membership.objects.create(
            user=User.objects.create_user("reader@example.test", "reader@example.test"),
            organisation=organisation,
            role=Role.READER,
        )
        Indicator.objects.bulk_create(
            Indicator(organisation=organisation, code=f"I{n:04d}", name=f"Indicator {n}",
                      unit="percent", decimals=1, frequency="month")
            for n in range(args.indicators)
        )  # fmt: skip
        entered = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
        start = time.perf_counter()
        for indicator in Indicator.objects.filter(organisation=organisation):
            IndicatorValue.objects.bulk_create(
                IndicatorValue(
                    indicator=indicator,
                    period=f"{2000 + m // 12}-{m % 12 + 1:02d}",
                    period_start=datetime.date(2000 + m // 12, m % 12 + 1, 1),
                    period_end=datetime.date(2000 + m // 12, m % 12 + 1, 28),
                    breakdown="Wijk Zuid",
                    value=Decimal(m) + Decimal("0.5"),
                    source_kind="imported",
                    entered_at=entered,
                )
                for m in range(args.values_each)
            )
        total = IndicatorValue.objects.count()
        print(f"\n{total} values created in {time.perf_counter() - start:.1f} s")
        _token, key = create_feed_token(reader, "bench", actor=Actor.member(admin))
        client = Client(HTTP_AUTHORIZATION=f"Token {key}")
        csv_url = "/api/v1/benchgem/feed/indicator_values.csv"

        with CaptureQueriesContext(connection) as queries:
            start, cpu = time.perf_counter(), time.process_time()
            response = client.get(csv_url)
            size = lines = 0
            for chunk in response.streaming_content:
                size += len(chunk)
                lines += chunk.count(b"\r\n")
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert lines == total + 1, (lines, total)
        print(
            f"CSV whole:  {seconds:6.1f} s ({cpu:.1f} s CPU)  {size / 1e6:6.1f} MB"
            f"  {total / seconds:8.0f} rows/s  {len(queries)} queries"
        )

        tracemalloc.start()
        response = client.get(csv_url)
        for _chunk in response.streaming_content:
            pass
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"CSV peak Python memory while streaming: {peak / 1e6:.1f} MB")

        url, rows, pages = "/api/v1/benchgem/feed/indicator_values.json?limit=10000", 0, []
        start, cpu = time.perf_counter(), time.process_time()
        while url:
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                page_start = time.perf_counter()
                body = json.loads(client.get(url).content)
                pages.append((time.perf_counter() - page_start, len(queries)))
            rows += len(body["rows"])
            url = body["next"]
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert rows == total
        slowest = max(ms for ms, _q in pages)
        print(
            f"JSON pages: {seconds:6.1f} s ({cpu:.1f} s CPU)  {len(pages)} pages of 10,000,"
            f" slowest {slowest * 1000:.0f} ms, queries per page {sorted({q for _ms, q in pages})}"
        )
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
