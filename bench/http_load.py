"""Benchmark: pages served by gunicorn under concurrency, beside a hello-world view.

Run: .venv/bin/python bench/http_load.py [--sizes 100,1000,10000] [--load 1000,10000]
     [--clients 50] [--requests 400] [--pages portal|member|all]

Builds a throwaway SQLite database (a file, in a temporary directory) with one organisation
per size: a synthetic plan of N actions with Dutch descriptions (``koers.demo.synthetic``),
a published round whose approved updates all have a progress text, the plan published, and
a second, open round that carries the texts over and changes a third of them. Then starts
gunicorn (3 sync workers) on a free port of 127.0.0.1 with a hello-world view added to the
URLs, and measures with a bounded client of its own (threads with http.client, only
127.0.0.1, a fixed number of requests, then it stops):

1. single requests: the first (cold: computes and caches) and the median and p95 of 20
   sequential ones (warm), per page and size;
2. throughput: ``--requests`` requests per page with ``--clients`` concurrent clients,
   requests/s, p50 and p95, and the ratio to hello-world in the same run.

Pages: hello-world, portal item page, portal plan page, portal search, member tree page,
round review page.
"""

import argparse
import http.client
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
DATA_DIR = Path(tempfile.mkdtemp(prefix="koers-bench-http-"))
SECRET = secrets.token_urlsafe(40)
ENV = {
    "KOERS_DATA_DIR": str(DATA_DIR),
    "KOERS_SECRET_KEY": SECRET,
    "KOERS_DEBUG": "false",
    "DJANGO_SETTINGS_MODULE": "bench_settings",
    # keep each worker's database connection, as docs/configuration.md suggests for servers
    "KOERS_DATABASE_CONN_MAX_AGE": "60",
}
os.environ.update(ENV)
sys.path.insert(0, str(BENCH))

import django  # noqa: E402

django.setup()

import unscoped  # noqa: E402, F401  (the operator's view: see bench/unscoped.py)
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from koers.accounts.actor import Actor  # noqa: E402
from koers.accounts.models import Membership, Organisation, Role  # noqa: E402
from koers.demo.synthetic import synthetic_plan_document, synthetic_text  # noqa: E402
from koers.followup import services as followup  # noqa: E402
from koers.followup.models import ProgressUpdate, narrative_fingerprint  # noqa: E402
from koers.plans.document.load import load_plan_document  # noqa: E402

PORTAL_PAGES = ("portal item page", "portal plan page", "portal search")
MEMBER_PAGES = ("member tree page", "round review page")
HELLO = "hello-world"


def _round_values(name: str, year: int) -> dict:
    return {
        "name": name,
        "period_start": date(year, 1, 1),
        "period_end": date(year, 6, 30),
        "deadline": date(year, 7, 15),
    }


def _write_texts(round_, seed: int, every: int = 1, approve: bool = False) -> None:
    """Give every ``every``-th update of the round a Dutch progress text (in bulk)."""
    changed = []
    for index, update in enumerate(round_.updates.order_by("item__path")):
        if index % every:
            continue
        update.narrative = synthetic_text(update.item_id, 5, seed=seed)
        update.narrative_fingerprint = narrative_fingerprint(update.narrative)
        update.percent = (update.item_id * 7 + seed) % 101
        if approve:
            update.state = ProgressUpdate.State.APPROVED
        changed.append(update)
    fields = ["narrative", "narrative_fingerprint", "percent", "state"]
    ProgressUpdate.objects.bulk_update(changed, fields, batch_size=1000)


def build(actions: int, user) -> dict[str, list[str]]:
    """One organisation with a plan of ``actions`` actions; the URLs of its pages."""
    slug = f"bench{actions}"
    organisation = Organisation.objects.create(slug=slug, name=f"Gemeente Bench {actions}")
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=Role.COORDINATOR
    )
    actor = Actor.member(membership)
    plan = load_plan_document(
        synthetic_plan_document(actions, texts=True), organisation, actor=Actor.system()
    ).plan
    first = followup.open_round(plan, _round_values("Voorjaar", 2026), actor=actor)
    _write_texts(first, seed=0, approve=True)
    followup.close_round(first, actor=actor)
    followup.publish_round(first, actor=actor)
    plan.is_published = True
    plan.save()
    second = followup.open_round(plan, _round_values("Najaar", 2027), actor=actor)
    _write_texts(second, seed=5, every=3)  # a third rewritten, the rest unchanged
    items = list(
        plan.items.filter(depth=4)
        .order_by("path")
        .values_list("pk", flat=True)[:: max(1, actions // 100)]
    )
    portal_plan = reverse("portal:plan", kwargs={"org": slug, "pk": plan.pk})
    return {
        "portal item page": [
            reverse("portal:item", kwargs={"org": slug, "pk": pk}) for pk in items
        ],
        "portal plan page": [portal_plan],
        "portal search": [portal_plan + "?q=fietspaden"],
        "member tree page": [reverse("plans:plan_tree", kwargs={"org": slug, "pk": plan.pk})],
        "round review page": [reverse("followup:round", kwargs={"org": slug, "pk": second.pk})],
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    env = {**os.environ, **ENV, "PYTHONPATH": str(BENCH)}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "koers.wsgi:application",
            "--workers",
            "3",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            # the first request after a change computes a large plan's figures (cold)
            "--timeout",
            "300",
        ],
        env=env,
        start_new_session=True,
    )
    for _ in range(200):
        try:
            status, _ = get(port, "/bench-hello/", "")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def get(port: int, path: str, cookie: str) -> tuple[int, float]:
    """One GET on a new connection (gunicorn's sync workers close each one): status and
    seconds until the whole body was read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.perf_counter()
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - start
    finally:
        connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def hammer(port: int, paths: list[str], cookie: str, total: int, clients: int) -> dict:
    """``total`` GETs over ``paths`` (round robin) by ``clients`` threads; then it stops."""
    times: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    issued = 0

    def client() -> None:
        nonlocal issued
        while True:
            with lock:
                if issued >= total:
                    return
                path = paths[issued % len(paths)]
                issued += 1
            status, seconds = get(port, path, cookie)
            with lock:
                times.append(seconds)
                if status != 200:
                    failures.append(status)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise SystemExit(f"{len(failures)} requests failed (statuses {sorted(set(failures))})")
    return {
        "rps": total / elapsed,
        "p50": percentile(times, 0.5) * 1000,
        "p95": percentile(times, 0.95) * 1000,
    }


def single(port: int, paths: list[str], cookie: str) -> dict:
    """The first request (cold cache in the worker that takes it), a warm-up that reaches
    every worker, then 20 sequential requests."""
    status, cold = get(port, paths[0], cookie)
    assert status == 200, (paths[0], status)
    warm_up = [paths[i % len(paths)] for i in range(12)]
    threads = [threading.Thread(target=get, args=(port, path, cookie)) for path in warm_up]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = [get(port, paths[i % len(paths)], cookie)[1] for i in range(20)]
    return {
        "cold": cold * 1000,
        "p50": statistics.median(times) * 1000,
        "p95": percentile(times, 0.95) * 1000,
    }


def main(default_pages: str = "all") -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="actions, single requests")
    parser.add_argument("--load", default="1000,10000", help="actions, under concurrency")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=400, help="per page (hello: 5x)")
    parser.add_argument("--pages", default=default_pages, choices=["portal", "member", "all"])
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args()
    sizes = sorted({int(n) for n in args.sizes.split(",") + args.load.split(",") if n})
    loaded = [int(n) for n in args.load.split(",") if n]
    pages = {"portal": PORTAL_PAGES, "member": MEMBER_PAGES, "all": PORTAL_PAGES + MEMBER_PAGES}[
        args.pages
    ]
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench@example.test", password=SECRET)
    urls = {}
    for n in sizes:
        start = time.perf_counter()
        urls[n] = build(n, user)
        print(f"built {n} actions in {time.perf_counter() - start:.0f} s", flush=True)
    browser = Client()
    browser.force_login(user)
    cookie = f"sessionid={browser.cookies['sessionid'].value}"
    connection.close()
    port = free_port()
    server = start_server(port)
    try:
        print(f"\nMachine: {platform.platform()}, Python {platform.python_version()}, ", end="")
        print(f"{os.cpu_count()} CPUs; gunicorn 3 sync workers on 127.0.0.1:{port}; SQLite file\n")
        print("## Single requests (ms): cold = first request, then median / p95 of 20\n")
        print("| page | " + " | ".join(f"{n:,} actions" for n in sizes) + " |")
        print("|---|" + "---|" * len(sizes))
        for page in pages:
            cells = []
            for n in sizes:
                result = single(port, urls[n][page], cookie)
                cells.append(
                    f"{result['cold']:.0f} cold, {result['p50']:.0f} / {result['p95']:.0f}"
                )
            print(f"| {page} | " + " | ".join(cells) + " |", flush=True)
        for n in loaded:
            print(f"\n## {args.clients} concurrent clients, {n:,} actions\n")
            print("| page | requests | requests/s | p50 ms | p95 ms | share of hello-world |")
            print("|---|---|---|---|---|---|")
            hello = hammer(port, ["/bench-hello/"], "", args.requests * 5, args.clients)
            print(
                f"| {HELLO} | {args.requests * 5} | {hello['rps']:.0f} | {hello['p50']:.0f} "
                f"| {hello['p95']:.0f} | 100 % |",
                flush=True,
            )
            for page in pages:
                # every worker warm for every path (the item pages rotate over 100 items)
                hammer(port, urls[n][page], cookie, len(urls[n][page]) * 6, args.clients)
                result = hammer(port, urls[n][page], cookie, args.requests, args.clients)
                share = 100 * result["rps"] / hello["rps"]
                print(
                    f"| {page} | {args.requests} | {result['rps']:.0f} | {result['p50']:.0f} "
                    f"| {result['p95']:.0f} | {share:.0f} % |",
                    flush=True,
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
