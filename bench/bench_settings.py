"""Koers's settings with a hello-world view added (bench/http_load.py)."""

from koers.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
