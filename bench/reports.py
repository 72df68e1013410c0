"""Benchmark: the follow-up report of a plan of N actions in every format.

Run: .venv/bin/python bench/reports.py [--actions 1000] [--formats html,pdf,docx,xlsx]

Loads a synthetic plan (koers.demo.synthetic) into a throwaway SQLite database, opens a
round and approves a progress text for every item (written straight to the table: this
benchmark measures reports, not reviews), then makes each format in a fresh process and
prints the time and that process's peak memory.
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
    call_command("migrate", verbosity=0)
    organisation = Organisation.objects.create(slug="bench", name="Gemeente Bench")
    plan = load_plan_document(synthetic_plan_document(actions), organisation).plan
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
    start = time.perf_counter()
    make_report(plan, round_, fmt, out)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = (
        sum(path.stat().st_size for path in out.rglob("*") if path.is_file())
        if out.is_dir()
        else out.stat().st_size
    )
    print(f"{fmt}\t{seconds:.1f}\t{peak:.0f}\t{size / 1024 / 1024:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--formats", default="html,pdf,docx,xlsx")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        make(int(args.child[0]), int(args.child[1]), args.child[2])
        return
    plan_id, round_id = prepare(args.actions)
    print(f"# Report benchmark: {args.actions} actions, SQLite, one process per format\n")
    print("| format | time | peak memory | output |")
    print("|---|---|---|---|")
    env = {**os.environ, "KOERS_BENCH_DIR": str(DATA_DIR)}
    for fmt in args.formats.split(","):
        result = subprocess.run(
            [sys.executable, __file__, "--child", str(plan_id), str(round_id), fmt],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        name, seconds, peak, size = result.stdout.strip().splitlines()[-1].split("\t")
        print(f"| {name} | {seconds} s | {peak} MB | {size} MB |")


if __name__ == "__main__":
    main()
