"""Every hostile file of tests/hostile_files.py through the isolated reader, with the
default limits: outcome, wall time and the reading process's peak memory.

    .venv/bin/python bench/hostile_imports.py            # default limits
    .venv/bin/python bench/hostile_imports.py --unguarded NAME   # what happens without limits

No database is needed. Peak memory is the child process's largest resident size
(it starts as a copy of this process: "base" is this process's size at the fork).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from koers.importers import DEFAULT_LIMITS, DocumentError, import_document_isolated
from tests.hostile_files import CATALOGUE

UNGUARDED = DEFAULT_LIMITS.but(
    max_unpacked_bytes=10**12,
    max_zip_entries=10**9,
    max_compression_ratio=10**9,
    max_rows=10**9,
    max_columns=10**9,
    max_cells=10**12,
    max_cell_length=10**12,
    max_paragraphs=10**9,
    max_pages=10**9,
    max_depth=10**9,
    max_items=10**9,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--unguarded",
        metavar="NAME",
        help="read the files whose name contains NAME with only the time and memory limits",
    )
    parser.add_argument(
        "--defaults",
        action="store_true",
        help="use the default limits for every file (some files lift one limit, marked *)",
    )
    parser.add_argument("--seconds", type=int, default=DEFAULT_LIMITS.max_seconds)
    parser.add_argument("--memory", type=int, default=DEFAULT_LIMITS.max_memory_mb)
    options = parser.parse_args()
    limits = (UNGUARDED if options.unguarded else DEFAULT_LIMITS).but(
        max_seconds=options.seconds, max_memory_mb=options.memory
    )
    print(f"{'file':52} {'size':>9} {'expected':20} {'outcome':20} {'s':>6} {'peak MB':>8}")
    for hostile in CATALOGUE:
        if options.unguarded and options.unguarded not in hostile.name:
            continue
        data = hostile.build()
        own = limits if options.defaults or not hostile.limits else limits.but(**hostile.limits)
        stats: dict = {}
        started = time.monotonic()
        try:
            result = import_document_isolated(data, hostile.filename, limits=own, stats=stats)
            outcome = f"read: {sum(result.counts.values())} items"
        except DocumentError as error:
            outcome = error.code
        seconds = time.monotonic() - started
        peak = stats.get("peak_mb")
        mark = "" if outcome == (hostile.code or outcome) or hostile.code is None else "  !!"
        name = hostile.name + (" *" if own is not limits else "")
        print(
            f"{name:52} {len(data):>9} {hostile.code or '(read)':20} {outcome:20} "
            f"{seconds:6.2f} {peak if peak is not None else '-':>8}{mark}"
        )
    print(f"(base: this process was {stats.get('baseline_mb')} MB resident at the last fork)")


if __name__ == "__main__":
    main()
