"""Benchmark: the follow-up report of plans of N actions in every format, side by side.

Run: .venv/bin/python bench/reports.py [--sizes 100,1000,10000]
         [--formats html,pdf,pdfua,docx,xlsx] [--slow-max 1000]

Loads synthetic plans (koers.demo.synthetic) into one throwaway SQLite database, opens a
round per plan and approves a progress text for every item (written straight to the
table: this benchmark measures reports, not reviews), then makes each format in a fresh
process and prints the time (and the CPU time, which a busy machine does not stretch),
that process's peak memory and the output's size, one row per plan size.

``pdf`` is the fast PDF (ReportLab, laid out once, untagged), ``pdfua`` the tagged,
accessible one (WeasyPrint), made only up to ``--slow-max`` actions (it takes about 0.25 s
of CPU per page). ``--actions N`` is ``--sizes N``.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA_DIR = Path(os.environ.get("KOERS_BENCH_DIR") or tempfile.mkdtemp(prefix="koers-bench-report-"))
os.environ["KOERS_DATA_DIR"] = str(DATA_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "koers.settings"

import django  # noqa: E402

django.setup()

from datetime import date  # noqa: E402

import unscoped  # noqa: E402, F401  (the operator's view: see bench/unscoped.py)
from django.core.management import call_command  # noqa: E402

from koers.accounts.actor import Actor  # noqa: E402
from koers.accounts.models import Organisation  # noqa: E402
from koers.demo.synthetic import synthetic_plan_document  # noqa: E402
from koers.followup.models import ProgressUpdate  # noqa: E402
from koers.followup.services import open_round  # noqa: E402
from koers.plans.document.load import load_plan_document  # noqa: E402

TEXT = (
    "<p>De werken zijn gestart in het voorjaar. De aannemer werkt volgens de planning; "
    "de tweede fase volgt na de zomer. <strong>Aandachtspunt:</strong> de levering van "
    "materialen loopt enkele weken vertraging op.</p><ul><li>fase 1 klaar</li>"
    "<li>fase 2 in voorbereiding</li></ul>"
)


def prepare(actions: int) -> tuple[int, int]:
    organisation = Organisation.objects.create(slug=f"bench-{actions}", name="Gemeente Bench")
    plan = load_plan_document(
        synthetic_plan_document(actions), organisation, actor=Actor.system()
    ).plan
    round_ = open_round(
        plan,
        {
            "name": "Opvolging 2026",
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 6, 30),
            "deadline": date(2026, 7, 15),
        },
        actor=Actor.system(),
    )
    ProgressUpdate.objects.filter(round=round_).update(narrative=TEXT, state="approved")
    return plan.pk, round_.pk


def make(plan_id: int, round_id: int, fmt: str) -> None:
    """In the child process: make one format, print seconds and peak memory."""
    from koers.followup.models import ReportingRound
    from koers.plans.models import Plan
    from koers.reporting.services import make_report

    plan = Plan.objects.get(pk=plan_id)
    round_ = ReportingRound.objects.get(pk=round_id)
    out = DATA_DIR / ("site" if fmt == "html" else f"report.{fmt}")
    start, cpu = time.perf_counter(), _cpu()
    make_report(plan, round_, fmt, out)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = (
        sum(path.stat().st_size for path in out.rglob("*") if path.is_file())
        if out.is_dir()
        else out.stat().st_size
    )
    print(f"{fmt}\t{seconds:.1f}\t{cpu:.1f}\t{peak:.0f}\t{size / 1024 / 1024:.1f}")


def _cpu() -> float:
    """CPU seconds of this process and of the processes it forked (the website's pages
    are written by a pool): on a busy machine, the time the work itself took."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--actions", type=int, help="one size only")
    parser.add_argument("--formats", default="html,pdf,pdfua,docx,xlsx")
    parser.add_argument("--slow-max", type=int, default=1000, help="largest plan for pdfua")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        make(int(args.child[0]), int(args.child[1]), args.child[2])
        return
    sizes = [args.actions] if args.actions else [int(size) for size in args.sizes.split(",")]
    formats = args.formats.split(",")
    call_command("migrate", verbosity=0)
    plans = {size: prepare(size) for size in sizes}
    print("# Report benchmark: SQLite, one process per format")
    print("# per cell: time (CPU time), peak memory, output size\n")
    print("| actions | " + " | ".join(formats) + " |")
    print("|---|" + "---|" * len(formats))
    env = {**os.environ, "KOERS_BENCH_DIR": str(DATA_DIR)}
    for size, (plan_id, round_id) in plans.items():
        cells = []
        for fmt in formats:
            if fmt == "pdfua" and size > args.slow_max:
                cells.append(f"not run (> {args.slow_max} actions)")
                continue
            result = subprocess.run(
                [sys.executable, __file__, "--child", str(plan_id), str(round_id), fmt],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            _name, seconds, cpu, peak, out = result.stdout.strip().splitlines()[-1].split("\t")
            cells.append(f"{seconds} s ({cpu} s CPU), {peak} MB, {out} MB")
        print(f"| {size:,} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
