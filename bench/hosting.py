"""Benchmark: one installation hosting many organisations, on PostgreSQL, under gunicorn.

Run: .venv/bin/python bench/hosting.py [--orgs 300] [--items 5000] [--seconds 60]
     [--clients 50] [--workers CPUS] [--shared-buffers 25%]

1. Starts a throwaway PostgreSQL server (Debian's initdb/pg_ctl in a temporary directory,
   as the test suite does: tests/pg_cluster.py) and migrates it. ``shared_buffers`` is a
   quarter of the memory, as docs/deployment.md recommends (PostgreSQL's own default,
   128 MB, is made for small machines: ``--shared-buffers 128MB``).
2. Builds one organisation as bench/http_load.py does: a synthetic plan of about ``--items``
   items (goals, action plans, actions with milestones, budget lines and Dutch texts),
   a closed and published round whose updates were all approved, the plan published, a
   second open round with a third of the texts rewritten; the history those services
   write. One member (coordinator) is signed in for the app pages and the API.
3. Measures "alone": gunicorn with ``--workers`` sync workers (default: as many as cores),
   ``--clients`` concurrent clients for ``--seconds`` on a mix of pages of that one
   organisation: portal item page, portal plan page, portal search, tree page, round page
   and the API (plan, item). Every page's median and p95. Just before, a Django
   hello-world view for a quarter of ``--seconds``: how fast the machine is right then.
4. Loads the other ``--orgs - 1`` organisations in bulk: each table that belongs to the
   organisation (found through its foreign keys, history tables included) is copied with
   one ``INSERT … SELECT`` over ``generate_series``, one copy after the other (so that an
   organisation's rows lie together, as its services wrote them), ids shifted per copy,
   tree paths under a new root, unique names suffixed; sequences reset, then
   ``VACUUM (ANALYZE)`` (as after a bulk restore, so that autovacuum does not do it while
   measuring). The member belongs to every organisation.
5. Measures "among N": the hello-world view again, the same mix, each request for a
   random organisation; then, in the same run, the portal item page alone against the
   hello-world view (as http_load.py) for a quarter of ``--seconds`` each.

Prints: load time, database size, each page's median and p95 alone vs among N and their
ratio (aim: ≤ 1.2), the throughput alone vs among N, also measured against the
hello-world view just before each (a machine shared with other work is not equally fast
for half an hour), the portal item page's throughput as a share of hello-world (aim:
≥ 30 %), and errors (must be 0). Settings used: KOERS_CACHE_URL=db://koers_cache (one
cache for every process, as docs/deployment.md recommends for several processes), the API
rate limit raised out of the way.
"""

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))  # tests.pg_cluster

from tests import pg_cluster  # noqa: E402

ARGS = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ARGS.add_argument("--orgs", type=int, default=300)
ARGS.add_argument("--items", type=int, default=5000, help="items per plan (about)")
ARGS.add_argument("--seconds", type=float, default=60, help="per measured mix")
ARGS.add_argument("--clients", type=int, default=50)
ARGS.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers")
ARGS.add_argument(
    "--cache-url", default="db://koers_cache", help="KOERS_CACHE_URL of the web processes"
)
ARGS.add_argument(
    "--shared-buffers",
    default="25%",
    help="PostgreSQL's shared_buffers: a size (128MB, 4GB) or a share of the memory (25%%)",
)
ARGS.add_argument("--keep", action="store_true", help="keep the temporary files directory")
ARGS.add_argument(
    "--quiet-file",
    default="/tmp/koers-quiet",
    help="created while measuring, so that other work on the machine can wait for it to go",
)


def shared_buffers(wanted: str) -> str:
    """``25%`` → a quarter of this machine's memory, in MB; a size stays as it is."""
    if not wanted.endswith("%"):
        return wanted
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{total * float(wanted[:-1]) / 100 // 2**20:.0f}MB"


if __name__ == "__main__":
    OPTIONS = ARGS.parse_args()
    OPTIONS.shared_buffers = shared_buffers(OPTIONS.shared_buffers)
    _database = pg_cluster.start({"shared_buffers": OPTIONS.shared_buffers})
    import psycopg

    with psycopg.connect(
        host=_database["HOST"],
        port=_database["PORT"],
        user=_database["USER"],
        dbname="postgres",
        autocommit=True,
    ) as _admin:
        _admin.execute(f'CREATE DATABASE "{_database["NAME"]}"')
    os.environ["KOERS_DATABASE_URL"] = (
        f"postgres://{_database['USER']}@{_database['HOST']}:{_database['PORT']}/"
        f"{_database['NAME']}"
    )
    os.environ["KOERS_CACHE_URL"] = OPTIONS.cache_url
    # Sized for the organisations, as docs/deployment.md says for hosting: the default
    # (1,000 entries, 32 kept unpickled per process) evicts the figures of one plan for
    # another's all the time once hundreds of plans are read.
    os.environ.setdefault("KOERS_CACHE_MAX_ENTRIES", str(max(1000, 100 * OPTIONS.orgs)))
    os.environ.setdefault("KOERS_CACHE_MEMO_ENTRIES", str(max(32, 8 * OPTIONS.orgs)))
    os.environ["KOERS_API_USER_RATE"] = "10000000/hour"
    os.environ["KOERS_API_ANON_RATE"] = "10000000/hour"
    os.environ["KOERS_TASK_BACKEND"] = "immediate"

import http_load  # noqa: E402  (sets up Django with bench_settings: hello-world view)
from django.apps import apps  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

import koers  # noqa: E402
from koers.accounts.models import Organisation  # noqa: E402
from koers.followup.models import ProgressUpdate, ReportingRound  # noqa: E402
from koers.plans.models import Plan, PlanItem  # noqa: E402

PAGES = {
    # page: weight in the mix
    "portal item page": 4,
    "portal plan page": 2,
    "portal search": 1,
    "tree page": 2,
    "round page": 2,
    "API plan": 1,
    "API item": 2,
}
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
VISITED = 20  # item pages per organisation read in the warm-up
SINGLE = 40  # requests per page by one client
KOERS_SOURCE = Path(koers.__file__).resolve().parent.parent


# -- building -------------------------------------------------------------------------


def tenant_models() -> list[type[models.Model]]:
    """Every model whose rows belong to an organisation: a foreign key, directly or through
    other such models, to Organisation (history tables and many-to-many tables too)."""
    user_model = get_user_model()
    found = [Organisation]
    changed = True
    everything = apps.get_models(include_auto_created=True)
    while changed:
        changed = False
        for model in everything:
            if model in found or model is user_model or model._meta.proxy:
                continue
            if any(
                field.is_relation and field.many_to_one and field.related_model in found
                for field in model._meta.concrete_fields
            ) or any(
                field.one_to_one and field.related_model in found
                for field in model._meta.concrete_fields
            ):
                found.append(model)
                changed = True
    return found


def _pk_kind(model) -> str:
    pk = model._meta.pk
    if isinstance(pk, models.UUIDField):
        return "uuid"
    if isinstance(pk, models.CharField):
        return "char"
    if isinstance(pk, models.ForeignKey | models.OneToOneField):
        return _pk_kind(pk.related_model)
    return "int"


def _shift(column: str, kind: str, span_param: str) -> str:
    if kind == "uuid":
        return f"md5({column}::text || '-' || g.k)::uuid"
    if kind == "char":
        return f"{column} || '-' || g.k"
    return f"{column} + g.k * {span_param}"


def _encode(number: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = ALPHABET[rest] + digits
    return digits.rjust(PlanItem.steplen, "0")


def clone_organisations(copies: int) -> dict:
    """Copy the one organisation ``copies`` times in bulk; return the id shift per model."""
    tenant = tenant_models()
    spans: dict[type, int] = {}
    with connection.cursor() as cursor:
        for model in tenant:
            if _pk_kind(model) == "int":
                table, column = model._meta.db_table, model._meta.pk.column
                cursor.execute(f'SELECT COALESCE(MAX("{column}"), 0) FROM "{table}"')
                spans[model] = cursor.fetchone()[0]
        # New tree roots: the template's roots shifted per copy, in a small mapping table.
        roots = sorted(PlanItem.objects.get_root_nodes().values_list("path", flat=True))
        highest = max(int(path, 36) for path in roots)
        cursor.execute("CREATE TEMP TABLE bench_roots (k int, old text, new text)")
        rows = [
            (k, path, _encode(int(path, 36) + k * highest))
            for k in range(1, copies + 1)
            for path in roots
        ]
        cursor.executemany("INSERT INTO bench_roots VALUES (%s, %s, %s)", rows)
        cursor.execute("CREATE INDEX ON bench_roots (k, old)")
        with transaction.atomic():
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for model in tenant:
                _clone_table(cursor, model, tenant, spans, copies)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), tenant):
            cursor.execute(statement)
    return spans


def vacuum() -> None:
    """``VACUUM (ANALYZE)``, as after a bulk restore: statistics for the planner, and the
    fresh rows marked visible and frozen now, not by autovacuum while measuring."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def autovacuum_workers() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
        )
        return cursor.fetchone()[0]


def _clone_table(cursor, model, tenant, spans, copies) -> None:
    meta = model._meta
    instance = getattr(model, "instance_type", None)  # a history table: its model
    tree = model is PlanItem or instance is PlanItem
    columns, values, owners = [], [], []
    params: dict[str, int] = {}

    def span_of(target) -> str:
        name = f"span_{target._meta.db_table}"
        params[name] = spans[target]
        return f"%({name})s"

    for field in meta.concrete_fields:
        if getattr(field, "generated", False):  # computed by the database
            continue
        column = f't."{field.column}"'
        expression = column
        if field.primary_key and not field.is_relation:
            expression = _shift(column, _pk_kind(model), span_of(model) if model in spans else "0")
        elif field.is_relation and field.related_model in tenant:
            target = field.related_model
            expression = _shift(
                column, _pk_kind(target), span_of(target) if target in spans else "0"
            )
            owners.append(column)
        elif instance is not None and instance in tenant and field.name == instance._meta.pk.name:
            expression = _shift(
                column, _pk_kind(instance), span_of(instance) if instance in spans else "0"
            )
        elif tree and field.name == "path":
            expression = f"r.new || substr({column}, {PlanItem.steplen + 1})"
        elif field.unique and isinstance(field, models.CharField | models.SlugField):
            expression = f"left({column}, {field.max_length - 6}) || '-' || g.k"
        columns.append(f'"{field.column}"')
        values.append(expression)
    if model is Organisation:
        owners = ["TRUE"]
    if not owners:
        return
    join = (
        f'JOIN bench_roots r ON r.k = g.k AND r.old = substr(t."path", 1, {PlanItem.steplen})'
        if tree
        else ""
    )
    where = " OR ".join(f"{owner} IS NOT NULL" for owner in owners)
    # One copy after the other, each in the template's order: an organisation's rows lie
    # together, as when its services wrote them (a plan imported, a round opened). Without
    # the ORDER BY, PostgreSQL writes each template row's copies side by side, and one
    # round's 5,000 updates end up on 5,000 different pages.
    cursor.execute(
        f'INSERT INTO "{meta.db_table}" ({", ".join(columns)}) '
        f'SELECT {", ".join(values)} FROM "{meta.db_table}" t '
        f"CROSS JOIN generate_series(1, {copies}) AS g(k) {join} WHERE {where} "
        "ORDER BY g.k, t.ctid",
        params,
    )


# -- measuring ------------------------------------------------------------------------


def start_server(port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "python:koers.gunicorn_conf",
            "koers.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "300",
        ],
        # bench_settings from here; koers from wherever this process found it
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(BENCH), str(KOERS_SOURCE)])},
        start_new_session=True,
    )
    for _ in range(300):
        try:
            if http_load.get(port, "/bench-hello/", "")[0] == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=60)


class Urls:
    """The pages of organisation ``k`` (0: the one built; k: its k-th copy).

    An item page of the mix is a first visit, alone and among N alike: each organisation's
    actions are drawn in a shuffled order without repeats (per page kind), so that one
    organisation's pages do not turn into cache hits that hundreds of organisations' never
    become; ``--items`` 5,000 gives each organisation more actions than a minute's mix
    asks for."""

    def __init__(self, template: dict, spans: dict):
        self.template = template
        self.spans = spans
        self._unvisited: dict[tuple[str, int], list[int]] = {}
        self._lock = threading.Lock()

    def first_visit(self, page: str, k: int, rng: random.Random) -> int:
        """An action of organisation ``k`` not yet drawn for ``page`` (a new round of all
        of them once every one was)."""
        with self._lock:
            left = self._unvisited.get((page, k))
            if not left:
                left = list(self.template["items"][VISITED:])  # not the warmed ones
                rng.shuffle(left)
                self._unvisited[(page, k)] = left
            return self.shift(PlanItem, left.pop(), k)

    def shift(self, model, pk: int, k: int) -> int:
        return pk + k * self.spans.get(model, 0)

    def items_of(self, k: int, count: int) -> list[str]:
        """The portal pages of the first ``count`` actions of organisation ``k``."""
        slug = self.slug(k)
        return [
            reverse("portal:item", kwargs={"org": slug, "pk": self.shift(PlanItem, pk, k)})
            for pk in self.template["items"][:count]
        ]

    def slug(self, k: int) -> str:
        keep = Organisation._meta.get_field("slug").max_length - 6
        return self.template["slug"] if k == 0 else f"{self.template['slug'][:keep]}-{k}"

    def pick(self, page: str, k: int, rng: random.Random) -> str:
        t = self.template
        slug = self.slug(k)
        plan = self.shift(Plan, t["plan"], k)
        if page == "portal item page":
            item = self.first_visit(page, k, rng)
            return reverse("portal:item", kwargs={"org": slug, "pk": item})
        if page == "portal plan page":
            return reverse("portal:plan", kwargs={"org": slug, "pk": plan})
        if page == "portal search":
            return reverse("portal:plan", kwargs={"org": slug, "pk": plan}) + "?q=fietspaden"
        if page == "tree page":
            return reverse("plans:plan_tree", kwargs={"org": slug, "pk": plan})
        if page == "round page":
            round_ = self.shift(ReportingRound, t["round"], k)
            return reverse("followup:round", kwargs={"org": slug, "pk": round_})
        if page == "API plan":
            return reverse("api-plan", kwargs={"org": slug, "pk": plan})
        if page == "API item":
            item = self.first_visit(page, k, rng)
            return reverse("api-item", kwargs={"org": slug, "pk": item})
        raise KeyError(page)


def run_mix(port, urls: Urls, cookie, orgs: list[int], seconds: float, clients: int) -> dict:
    """``clients`` threads for ``seconds``: each request a page drawn by weight, for a
    random organisation of ``orgs``. Times per page and the failures."""
    names = list(PAGES)
    weights = [PAGES[name] for name in names]
    times: dict[str, list[float]] = {name: [] for name in names}
    failures: list[tuple[str, int, str]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            page = rng.choices(names, weights)[0]
            path = urls.pick(page, rng.choice(orgs), rng)
            try:
                status, elapsed = http_load.get(port, path, cookie)
            except OSError as error:
                status, elapsed = -1, 0.0
                path = f"{path} ({error})"
            with lock:
                if status == 200:
                    times[page].append(elapsed)
                else:
                    failures.append((page, status, path))

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"times": times, "failures": failures}


def one_at_a_time(port, urls: Urls, cookie, orgs: list[int], requests: int) -> dict:
    """Each page ``requests`` times by one client, for random organisations of ``orgs``:
    what a request costs the server without waiting behind others (under 50 clients
    every page waits in the same queue, so their medians say the queue, not the page)."""
    rng = random.Random(1)
    times: dict[str, list[float]] = {}
    for page in PAGES:
        times[page] = []
        for _ in range(requests):
            status, elapsed = http_load.get(port, urls.pick(page, rng.choice(orgs), rng), cookie)
            if status == 200:
                times[page].append(elapsed)
    return times


def answered(mix: dict) -> int:
    """How many requests a mix made, every page together."""
    return sum(map(len, mix["times"].values()))


def warm(port, urls: Urls, cookie, orgs: list[int], clients: int) -> float:
    """Every page once per organisation (the plan's figures computed into the shared
    cache): the first request after a change, not what is measured."""
    start = time.perf_counter()
    rng = random.Random(0)
    paths = [urls.pick(page, k, rng) for k in orgs for page in PAGES]
    http_load.hammer(port, paths, cookie, len(paths), clients)
    return time.perf_counter() - start


def hello(rng: random.Random) -> str:
    """The Django hello-world view (bench_settings): the floor every page stands on."""
    return "/bench-hello/"


def throughput(port, paths_for, cookie, seconds: float, clients: int) -> tuple[float, int]:
    done = 0
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(seed: int) -> None:
        nonlocal done, errors
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            status, _ = http_load.get(port, paths_for(rng), cookie)
            with lock:
                done += 1
                errors += status != 200

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done / (time.perf_counter() - start), errors


class Quiet:
    """While measuring: ``--quiet-file`` exists (other work on a shared machine waits for it
    to disappear), and the measuring starts once the load average has fallen below the
    cores' count or after five minutes; the load is printed with the figures."""

    def __init__(self, path: str):
        self.path = Path(path) if path else None

    def __enter__(self):
        if self.path:
            self.path.touch()
        return self

    def settle(self, most: float = 300) -> str:
        deadline = time.monotonic() + most
        while os.getloadavg()[0] > (os.cpu_count() or 1) and time.monotonic() < deadline:
            time.sleep(5)
        return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())

    def __exit__(self, *exc):
        if self.path:
            self.path.unlink(missing_ok=True)


def database_size() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return cursor.fetchone()[0]


def count_rows() -> str:
    history = PlanItem.history.model.objects.count() + ProgressUpdate.history.model.objects.count()
    return (
        f"{Organisation.objects.count():,} organisations, {PlanItem.objects.count():,} items, "
        f"{ReportingRound.objects.count():,} rounds, {ProgressUpdate.objects.count():,} "
        f"updates, {history:,} history rows (items and updates)"
    )


def main(options) -> None:
    actions = max(10, round(options.items / 1.12))  # goals and action plans: 12 % more
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    user = get_user_model().objects.create_user("bench@example.test", password=http_load.SECRET)
    start = time.perf_counter()
    built = http_load.build(actions, user)
    organisation = Organisation.objects.get()
    plan = Plan.objects.get()
    template = {
        "slug": organisation.slug,
        "plan": plan.pk,
        "round": ReportingRound.objects.filter(plan=plan).order_by("-pk").first().pk,
        "items": list(plan.items.filter(depth=4).values_list("pk", flat=True)),
        "size": plan.items.exclude(depth=1).count(),
    }
    build_seconds = time.perf_counter() - start
    vacuum()  # as after the bulk copy
    assert built["portal plan page"][0] == reverse(
        "portal:plan", kwargs={"org": template["slug"], "pk": template["plan"]}
    )
    print(f"one organisation built in {build_seconds:.0f} s: {count_rows()}", flush=True)
    browser = Client()
    browser.force_login(user)
    cookie = f"sessionid={browser.cookies['sessionid'].value}"
    connection.close()

    port = http_load.free_port()
    quarter = max(options.seconds / 4, 5)
    alone_urls = Urls(template, {})
    with Quiet(options.quiet_file) as quiet:
        alone_load = f"{quiet.settle()}, autovacuum workers {autovacuum_workers()}"
        server = start_server(port, options.workers)
        try:
            warm(port, alone_urls, cookie, [0], options.clients)
            alone_hello, _ = throughput(port, hello, "", quarter, options.clients)
            alone = run_mix(port, alone_urls, cookie, [0], options.seconds, options.clients)
            alone_load += f"; after the mix {autovacuum_workers()}"
            alone_single = one_at_a_time(port, alone_urls, cookie, [0], SINGLE)
        finally:
            stop_server(server)
    print(
        f"alone: {answered(alone):,} requests, hello-world just before {alone_hello:,.0f} "
        f"requests/s (before: {alone_load})",
        flush=True,
    )

    start = time.perf_counter()
    spans = clone_organisations(options.orgs - 1)
    clone_seconds = time.perf_counter() - start
    print(f"{options.orgs - 1} copies loaded in {clone_seconds:.0f} s", flush=True)
    start = time.perf_counter()
    vacuum()
    vacuum_seconds = time.perf_counter() - start
    size = database_size()
    rows = count_rows()
    connection.close()

    urls = Urls(template, spans)
    everyone = list(range(options.orgs))
    # the item pages a visitor read before: VISITED per organisation, read in the warm-up
    visited = {k: urls.items_of(k, VISITED) for k in everyone}
    with Quiet(options.quiet_file) as quiet:
        server = start_server(port, options.workers)
        try:
            warm_seconds = warm(port, urls, cookie, everyone, options.clients)
            read_before = [path for k in everyone for path in visited[k]]
            http_load.hammer(port, read_before, "", len(read_before), options.clients)
            among_load = f"{quiet.settle()}, autovacuum workers {autovacuum_workers()}"
            among_hello, _ = throughput(port, hello, "", quarter, options.clients)
            among = run_mix(port, urls, cookie, everyone, options.seconds, options.clients)
            among_load += f"; after the mix {autovacuum_workers()}"
            among_single = one_at_a_time(port, urls, cookie, everyone, SINGLE)
            hello_rps, hello_errors = throughput(port, hello, "", quarter, options.clients)
            item_rps, item_errors = throughput(
                port,
                lambda rng: rng.choice(visited[rng.choice(everyone)]),
                "",
                quarter,
                options.clients,
            )
            first_rps, first_errors = throughput(
                port,
                lambda rng: urls.pick("portal item page", rng.choice(everyone), rng),
                "",
                quarter,
                options.clients,
            )
        finally:
            stop_server(server)

    errors = alone["failures"] + among["failures"]
    print(
        f"\n## {options.orgs:,} organisations x {template['size']:,} items "
        f"(PostgreSQL {connection.pg_version // 10000}, gunicorn {options.workers} sync "
        f"workers, {options.clients} clients, {options.seconds:.0f} s per mix, "
        f"{os.cpu_count()} CPUs, shared_buffers {options.shared_buffers}, "
        f"cache {options.cache_url}, "
        f"{os.environ['KOERS_CACHE_MAX_ENTRIES']} entries, "
        f"{os.environ['KOERS_CACHE_MEMO_ENTRIES']} kept per process)\n"
    )
    print(f"- rows: {rows}")
    print(
        f"- load time: {build_seconds:.0f} s for the first organisation (services), "
        f"{clone_seconds:.0f} s for the other {options.orgs - 1} (bulk), "
        f"then VACUUM (ANALYZE) {vacuum_seconds:.0f} s"
    )
    print(f"- database size: {size}")
    print(f"- warm-up (every page of every organisation once): {warm_seconds:.0f} s")
    print(f"- before measuring: alone {alone_load}; among N {among_load}\n")
    print(
        "| page | alone: requests | median ms | p95 ms | among N: requests | median ms "
        "| p95 ms | median x | p95 x |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for page in PAGES:
        a, b = sorted(alone["times"][page]), sorted(among["times"][page])
        if not a or not b:
            print(f"| {page} | {len(a)} | – | – | {len(b)} | – | – | – | – |")
            continue
        am, ap = http_load.percentile(a, 0.5) * 1000, http_load.percentile(a, 0.95) * 1000
        bm, bp = http_load.percentile(b, 0.5) * 1000, http_load.percentile(b, 0.95) * 1000
        print(
            f"| {page} | {len(a):,} | {am:.0f} | {ap:.0f} | {len(b):,} | {bm:.0f} | {bp:.0f} "
            f"| {bm / am:.2f} | {bp / ap:.2f} |"
        )
    a, b = answered(alone), answered(among)
    print(
        f"\n- throughput: alone {a:,} requests, among {options.orgs:,} {b:,}: "
        f"**{a / b:.2f}x** fewer; hello-world just before each: {alone_hello:,.0f} and "
        f"{among_hello:,.0f} requests/s, so against the machine's speed then: "
        f"**{(a / alone_hello) / (b / among_hello):.2f}x**"
    )
    print(
        f"\nOne client at a time ({SINGLE} requests per page, random organisation): what a "
        "page costs without a queue\n"
    )
    print("| page | alone: median ms | p95 ms | among N: median ms | p95 ms | median x |")
    print("|---|---:|---:|---:|---:|---:|")
    for page in PAGES:
        a, b = sorted(alone_single[page]), sorted(among_single[page])
        if not a or not b:
            print(f"| {page} | – | – | – | – | – |")
            continue
        am, ap = http_load.percentile(a, 0.5) * 1000, http_load.percentile(a, 0.95) * 1000
        bm, bp = http_load.percentile(b, 0.5) * 1000, http_load.percentile(b, 0.95) * 1000
        print(f"| {page} | {am:.0f} | {ap:.0f} | {bm:.0f} | {bp:.0f} | {bm / am:.2f} |")
    print(
        f"\n- throughput, {options.clients} clients, {quarter:.0f} s each, random "
        f"organisation: hello-world {hello_rps:.0f} requests/s; portal item page read before "
        f"({VISITED} per organisation, kept in the cache) {item_rps:.0f} requests/s = "
        f"**{100 * item_rps / hello_rps:.0f} %** of hello-world; portal item page of a random "
        f"item never read before (a first visit: rendered and kept) {first_rps:.0f} requests/s = "
        f"{100 * first_rps / hello_rps:.0f} %"
    )
    total_errors = len(errors) + hello_errors + item_errors + first_errors
    print(f"- errors: {total_errors}")
    for page, status, path in errors[:10]:
        print(f"  - {page}: {status} {path}")
    if total_errors:
        raise SystemExit(1)


if __name__ == "__main__":
    try:
        # building and copying crosses organisations on purpose; the pages it measures run
        # in gunicorn, scoped to their organisation as always
        with scopes_disabled():
            main(OPTIONS)
    finally:
        if not OPTIONS.keep:
            shutil.rmtree(http_load.DATA_DIR, ignore_errors=True)
