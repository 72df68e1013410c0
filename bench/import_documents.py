"""Benchmark: reading documents into PlanDocuments, and loading them.

Run: .venv/bin/python bench/import_documents.py [--pages 1000] [--formats txt,html,docx,pdf,zip]
     [--no-load] [--repeat 3]

Prints, for every seed document (``../shared/seeds`` or ``KOERS_SEEDS_DIR``) the
time to read it into a PlanDocument and to load that into a fresh database; for
every corpus document (``../shared/corpus`` or ``KOERS_CORPUS_DIR``) the time to
read it, against the aim of 0.1 s a document (the best of ``--repeat`` reads);
and for a synthetic report of N pages (about 50 lines a page, a Flemish progress
report of invented action plans) the time per format, ``zip`` being the same
report as one saved page per goal. Uses its own throwaway SQLite database in a
temporary directory.
"""

import argparse
import io
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(tempfile.mkdtemp(prefix="koers-bench-import-"))
os.environ["KOERS_DATA_DIR"] = str(DATA_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "koers.settings"
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

import unscoped  # noqa: E402, F401  (the operator's view: see bench/unscoped.py)
from django.core.management import call_command  # noqa: E402

from koers.accounts.models import Organisation  # noqa: E402
from koers.importers import import_document  # noqa: E402
from koers.plans.document.load import load_plan_document  # noqa: E402

SEEDS = Path(os.environ.get("KOERS_SEEDS_DIR", ROOT.parent / "shared" / "seeds"))
CORPUS = Path(os.environ.get("KOERS_CORPUS_DIR", ROOT.parent / "shared" / "corpus"))
AIM_SECONDS = 0.1  # per seed or corpus document
LINES_PER_PAGE = 50


def synthetic_report_lines(pages: int) -> list[tuple[str, int, str]]:
    """(kind, level, text) blocks of an invented Flemish report of about ``pages`` pages."""
    blocks: list[tuple[str, int, str]] = []
    goal = plan = 0
    while len(blocks) < pages * LINES_PER_PAGE:
        if plan % 8 == 0:
            goal += 1
            blocks += [
                ("heading", 1, f"Doelstelling {goal} van Gemeente Voorbeeld"),
                ("text", 0, "Actieplannen"),
            ]
        plan += 1
        code = f"VB{goal}-{plan % 8 + 1:02d}"
        blocks += [
            ("heading", 2, f"{code} Actieplan nummer {plan} voor een betere dienstverlening"),
            ("heading", 3, "Ons plan"),
            *[
                ("text", 0, f"Zin {n} over wat het bestuur met dit actieplan wil bereiken.")
                for n in range(8)
            ],
            ("heading", 3, "Stand van zaken"),
            *[
                ("bullet", 1, f"Realisatie {n} werd afgerond in het voorjaar van 2024.")
                for n in range(12)
            ],
            ("heading", 3, "Tijdspad en mijlpalen"),
            ("bullet", 1, "Startnota - gerealiseerd 2023"),
            ("bullet", 1, "Uitvoering (2024-2026)"),
            ("bullet", 1, "Evaluatie (vanaf 2027)"),
            ("heading", 3, "Wat kost het"),
            ("text", 0, f"Er is {plan * 250}.000 euro voorzien ({code}-01)."),
        ]
    return blocks


def as_text(blocks) -> bytes:
    out = []
    for kind, level, text in blocks:
        out.append("  " * level + "• " + text if kind == "bullet" else f"\n{text}\n")
    return "\n".join(out).encode()


def as_html(blocks) -> bytes:
    out = ["<html><body><nav>Menu</nav><main>"]
    for kind, level, text in blocks:
        if kind == "heading":
            out.append(f"<h{level + 1}>{text}</h{level + 1}>")
        elif kind == "bullet":
            out.append(f"<ul><li>{text}</li></ul>")
        else:
            out.append(f"<p>{text}</p>")
    out.append("</main></body></html>")
    return "\n".join(out).encode()


def as_docx(blocks) -> bytes:
    import docx

    document = docx.Document()
    for kind, level, text in blocks:
        if kind == "heading":
            document.add_heading(text, level=level)
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def as_pdf(blocks) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_font("helvetica", size=9)
    pdf.add_page()
    for kind, _level, text in blocks:
        pdf.cell(0, 5, ("- " + text) if kind == "bullet" else text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def as_zip(blocks) -> bytes:
    """The report as a saved plan website: one HTML page per goal, in one ZIP file."""
    import zipfile

    pages: list[list] = []
    for block in blocks:
        if (block[0] == "heading" and block[1] == 1) or not pages:
            pages.append([])
        pages[-1].append(block)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, page in enumerate(pages, start=1):
            archive.writestr(f"site/doel-{number}.html", as_html(page))
    return out.getvalue()


WRITERS = {"txt": as_text, "html": as_html, "docx": as_docx, "pdf": as_pdf, "zip": as_zip}


def best_read(content: bytes, name: str, repeat: int):
    """The result and the best time of ``repeat`` reads."""
    best = None
    for _ in range(max(1, repeat)):
        result, seconds = timed(import_document, content, name)
        best = seconds if best is None else min(best, seconds)
    return result, best


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--formats", default="txt,html,docx,pdf,zip")
    parser.add_argument("--no-load", action="store_true", help="read only, load nothing")
    parser.add_argument("--repeat", type=int, default=3, help="reads per seed or corpus file")
    args = parser.parse_args()
    organisation = None
    if not args.no_load:
        call_command("migrate", verbosity=0)
        organisation = Organisation.objects.create(name="Bench", slug="bench")
    print(f"# Koers import benchmark — Python {platform.python_version()}, {os.cpu_count()} cores")
    print()
    if SEEDS.is_dir():
        print("| seed | family | items | milestones | read (s) | load (s) |")
        print("|---|---|---|---|---|---|")
        for path in sorted(SEEDS.iterdir()):
            content = path.read_bytes()
            result, read = best_read(content, path.name, args.repeat)
            counts = result.counts
            load = 0.0
            if not args.no_load:
                _loaded, load = timed(load_plan_document, result.document, organisation)
            items = sum(v for k, v in counts.items() if k not in ("milestone", "budget_line"))
            print(
                f"| {path.name[:3]} | {result.family} | {items} | {counts.get('milestone', 0)} "
                f"| {read:.3f} | {load:.3f} |"
            )
    else:
        print(f"(no seed documents at {SEEDS})")
    print()
    if CORPUS.is_dir():
        documents = [p for p in sorted(CORPUS.iterdir()) if p.name != "README.md" and p.is_file()]
        print(f"Corpus: {len(documents)} documents, read time each (aim: < {AIM_SECONDS} s)")
        print()
        print("| document | family | items | read (s) | within aim |")
        print("|---|---|---|---|---|")
        slowest = 0.0
        for path in documents:
            result, read = best_read(path.read_bytes(), path.name, args.repeat)
            slowest = max(slowest, read)
            items = sum(
                v for k, v in result.counts.items() if k not in ("milestone", "budget_line")
            )
            within = "yes" if read < AIM_SECONDS else "NO"
            print(f"| {path.name[:40]} | {result.family} | {items} | {read:.3f} | {within} |")
        print()
        print(f"Slowest corpus document: {slowest:.3f} s")
    else:
        print(f"(no corpus documents at {CORPUS})")
    print()
    blocks = synthetic_report_lines(args.pages)
    print(f"Synthetic report: {args.pages} pages of {LINES_PER_PAGE} lines ({len(blocks)} blocks)")
    print()
    print("| format | size (MB) | read (s) | process peak RSS so far (MB) | items | load (s) |")
    print("|---|---|---|---|---|---|")
    for fmt in args.formats.split(","):
        content = WRITERS[fmt](blocks)
        result, read = timed(import_document, content, f"rapport.{fmt}", max_bytes=1 << 30)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        load = 0.0
        if not args.no_load:
            _loaded, load = timed(load_plan_document, result.document, organisation)
        items = sum(v for k, v in result.counts.items() if k not in ("milestone", "budget_line"))
        print(
            f"| {fmt} | {len(content) / 1e6:.1f} | {read:.2f} | {peak:.0f} | {items} | {load:.2f} |"
        )


if __name__ == "__main__":
    main()
