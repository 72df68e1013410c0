"""Timing helpers the benchmark scripts share (import after ``django.setup()``)."""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def timed(func, *args):
    start = time.perf_counter()
    result = func(*args)
    return result, time.perf_counter() - start


def measure_page(client: Client, url: str) -> tuple[float, int, float]:
    """Median server time (ms) of 5 GETs after one warm-up, queries and size (KB)."""
    assert client.get(url).status_code == 200, url
    times = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            response, seconds = timed(client.get, url)
        assert response.status_code == 200, url
        times.append(seconds)
    return statistics.median(times) * 1000, len(queries), len(response.content) / 1024
