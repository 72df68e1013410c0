"""The report as a static website: a folder with an index page, one page per item, a
search page that works offline (its index is a script, not fetched), and no outside
resources. It opens from disk and works on any web server.

Django escapes every text of the pages; rich text is sanitised again as it is written
(``templatetags/report_site.rich``), colours must be '#rrggbb', and the search index is
JSON that cannot end its script early (``<``, ``>``, ``&`` and line separators are
written as JSON escapes)."""

import json
import multiprocessing
import os
import re
import shutil
import threading
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from koers.reporting import indicators as report_indicators
from koers.reporting.charts import Chart
from koers.reporting.contents import Report
from koers.reporting.richtext import cleaned

ASSETS = ("reporting/report.css", "reporting/search.js")


def site_words() -> dict[str, str]:
    """The fixed words of the pages, translated once instead of on each of a thousand pages."""
    return {
        "priority_policy": _("Priority policy"),
        "owner": _("Owner"),
        "timing": _("Timing"),
        "milestone": _("Milestone"),
        "planned": _("Planned"),
        "done": _("Done"),
        "yes": _("yes"),
        "no": _("no"),
        "no_milestones": _("No milestones."),
        "year": _("Year"),
        "initial_budget": _("Initial budget"),
        "current_budget": _("Current budget"),
        "actual": _("Actual"),
        "remaining": _("Remaining"),
        "receipts_current": _("Receipts (current)"),
        "receipts_actual": _("Receipts (actual)"),
        "total": _("Total"),
        "no_budget": _("No budget."),
        "sdgs": _("SDGs"),
        "previous_and_next_item": _("Previous and next item"),
        "description": _("Description"),
        "progress": _("Progress"),
        "no_progress_reported": _("No progress reported."),
        "milestones": _("Milestones"),
        "cost": _("Cost"),
        "skip_to_content": _("Skip to content"),
        "contents": _("Contents"),
        "search": _("Search"),
        "report": _("Report"),
        "indicators": _("Indicators of this item"),
        "indicator_columns": report_indicators.columns(),
    }


def inline_svg(chart: Chart) -> str:
    """The chart's SVG for inside a page: without its XML prologue, hidden from assistive
    technology (the surrounding element carries the text alternative)."""
    svg = chart.svg[chart.svg.index("<svg") :]
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def item_file(item) -> str:
    return f"items/{item.anchor}.html"


def render(report: Report, charts: list[Chart], out: Path, progress=None) -> Path:
    out = Path(out)
    report = cleaned(report)
    (out / "items").mkdir(parents=True, exist_ok=True)
    (out / "assets").mkdir(exist_ok=True)
    for asset in ASSETS:
        shutil.copyfile(finders.find(asset), out / "assets" / Path(asset).name)
    figures = [(chart, inline_svg(chart)) for chart in charts]
    shown = report.items
    words = site_words()
    context = {"report": report, "figures": figures, "items": shown, "root": "", "words": words}
    (out / "index.html").write_text(
        render_to_string("reporting/site/index.html", context), encoding="utf-8"
    )
    (out / "search.html").write_text(
        render_to_string(
            "reporting/site/search.html", {"report": report, "root": "", "words": words}
        ),
        encoding="utf-8",
    )
    pages = _ItemPages(report, words, out, translation.get_language())
    chunks = [range(start, min(start + CHUNK, len(shown))) for start in range(0, len(shown), CHUNK)]
    index: list[dict] = []
    workers = min(os.cpu_count() or 1, len(chunks))
    forkable = "fork" in multiprocessing.get_all_start_methods()
    if workers > 1 and forkable and may_fork():
        # Rendering a thousand pages is template work only (no database): forked
        # processes share the report and each write their own pages.
        global _PAGES
        _PAGES = pages
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.imap(_render_chunk, chunks)
            index = _collect(results, index, progress, len(shown))
        _PAGES = None
    else:
        index = _collect(map(pages.render, chunks), index, progress, len(shown))
    script = "window.KOERS_SEARCH_INDEX = " + script_json(index) + ";\n"
    (out / "assets" / "search-index.js").write_text(script, encoding="utf-8")
    return out


CHUNK = 100
_PAGES = None  # the pages being written, read by the forked processes


def may_fork() -> bool:
    """Whether this process may fork: only when it runs one thread. A thread of the web
    server, or a job worker whose heartbeat thread may hold a lock (logging, the database
    driver) at the moment of the fork, would leave the child with that lock held for
    ever; those write the pages themselves, one after the other."""
    return threading.current_thread() is threading.main_thread() and threading.active_count() == 1


class _ItemPages:
    """Writes the pages of a range of items; returns their search index entries."""

    def __init__(self, report: Report, words: dict, out: Path, language: str):
        self.report, self.words, self.out, self.language = report, words, out, language

    def render(self, numbers: range) -> list[dict]:
        items = self.report.items
        template = get_template("reporting/site/item.html")
        entries = []
        with translation.override(self.language):
            for number in numbers:
                item = items[number]
                context = {
                    "report": self.report,
                    "item": item,
                    "root": "../",
                    "words": self.words,
                    "previous": items[number - 1] if number else None,
                    "next": items[number + 1] if number + 1 < len(items) else None,
                }
                page = template.render(context)
                (self.out / item_file(item)).write_text(page, encoding="utf-8")
                text = " ".join((item.description, item.progress, item.intent))
                entries.append(
                    {
                        "url": item_file(item),
                        "code": item.code,
                        "title": item.title,
                        "text": _plain(text),
                    }
                )
        return entries


SCRIPT_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value) -> str:
    """JSON for inside a script: no '</script>', '<!--' or line separator can appear in
    it, whatever the texts hold; it reads back as the same value."""
    text = json.dumps(value, ensure_ascii=False)
    return re.sub("[<>&\u2028\u2029]", lambda match: SCRIPT_UNSAFE[match[0]], text)


def _render_chunk(numbers: range) -> list[dict]:
    return _PAGES.render(numbers)


def _collect(results, index: list, progress, total: int) -> list[dict]:
    for entries in results:
        index += entries
        if progress:
            progress(len(index), total)
    return index


def _plain(html: str) -> str:
    return re.sub(r"\s+", " ", strip_tags(html)).strip()[:2000]
