"""The report as PDF, written by WeasyPrint from the report's own HTML (a print template
over the same ``contents.Report`` as the website): a tagged PDF (PDF/UA-1) with its
structure tree in reading order, headings H1–H6, tables with their header cells, the
charts as figures with their figures as alternative text, the document's language
(nl-BE or nl-NL) and title, a table of contents with page numbers and a bookmark for
every heading.

Why not ReportLab (which wrote the PDF before): it cannot tag a PDF, and public bodies
must publish accessible documents; and its table of contents needs the whole document
laid out two or three times (``multiBuild``). WeasyPrint lays the document out once and
fills in the contents' page numbers from that layout.

Every text goes through Django's escaping; rich text is sanitised again as it is written
(``report_site.rich``). Nothing is fetched: the charts are data URIs, the style sheet is
inline, and the fetcher refuses every other address (a link or image in a text stays a
text). Fonts: DejaVu Sans, installed on the machine (Debian ``fonts-dejavu-core``).
"""

import base64
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.template.loader import get_template, render_to_string
from django.utils.translation import gettext as _

from koers.reporting.charts import Chart
from koers.reporting.contents import (
    FLEMISH,
    Report,
    ReportItem,
    programme_figure_labels,
    year_figure_labels,
)
from koers.reporting.renderers.html import site_words
from koers.reporting.richtext import cleaned, shorten

STYLE = "reporting/print.css"


def css_string(text: str) -> str:
    """A CSS string literal holding ``text`` as it reads."""
    escaped = "".join(
        ch if ch.isalnum() or ch in " .,:;-–()%/" else f"\\{ord(ch):x} " for ch in text
    )
    return f'"{escaped}"'


def running_header_css(report: Report) -> str:
    """The organisation and title, and the round, at the top of every page but the first,
    as literal strings (Chromium has no ``string-set``; WeasyPrint reads them alike)."""
    title = css_string(shorten(f"{report.organisation} · {report.title}", 120))
    subtitle = css_string(shorten(report.subtitle, 80))
    return (
        f"@page {{ @top-left {{ content: {title}; }} @top-right {{ content: {subtitle}; }} }}\n"
        "@page :first { @top-left { content: none; } @top-right { content: none; } }\n"
    )


def page_label_css() -> str:
    """'pagina 3 van 120' in the page's corner: the translated words, with counters."""
    label = _("page %(page)s of %(pages)s")
    parts = []
    for index, piece in enumerate(label.split("%(page)s")):
        if index:
            parts.append("counter(page)")
        for number, words in enumerate(piece.split("%(pages)s")):
            if number:
                parts.append("counter(pages)")
            if words:
                parts.append(css_string(words))
    content = " ".join(parts)
    return f"@page {{ @bottom-right {{ content: {content}; }} }}\n"


def chart_source(chart: Chart) -> str:
    """The chart as an SVG data URI: drawn as vectors, its text in DejaVu Sans."""
    return "data:image/svg+xml;base64," + base64.b64encode(chart.svg.encode()).decode()


def heading_level(item: ReportItem) -> int:
    """Items sit under the chapter's H1: a goal is H2, its action plans H3, and so on."""
    return min(item.level + 1, 6)


CONTENTS_DEPTH = 2  # goals (level 1) and action plans (level 2)


def toc_entries(report: Report) -> list[dict]:
    """The chapters, and the plan's goals and action plans (programmes and goals); every
    item down to the last action has its bookmark. A contents page of every action would
    run to 30 pages at 1,000 actions, and Chromium's printing slows down faster than the
    plan grows with every link in it."""
    entries = [{"key": "summary", "text": _("Summary"), "level": 0}]
    if report.variant == FLEMISH:
        entries += [
            {"key": "priority", "text": _("Priority actions"), "level": 1},
            {
                "key": "finances",
                "text": _("Receipts and expenses in %(year)s: planned and realised")
                % {"year": report.summary.current_year},
                "level": 1,
            },
            {"key": "assumptions", "text": _("Changed assumptions"), "level": 1},
            {"key": "risks", "text": _("Changed financial risks"), "level": 1},
        ]
    else:
        entries.append({"key": "costs", "text": _("Costs per programme"), "level": 1})
    entries.append({"key": "items", "text": _("The plan, item by item"), "level": 0})
    entries += [
        {"key": item.anchor, "text": item.heading, "level": item.level}
        for item in report.items
        if item.level <= CONTENTS_DEPTH
    ]
    return entries


def print_html(report: Report, charts: list[Chart], progress=None) -> str:
    """The whole report as one HTML page for print (escaped by Django's templates)."""
    report = cleaned(report)
    words = site_words()
    template = get_template("reporting/print/item.html")
    parts = []
    total = len(report.items)
    for number, item in enumerate(report.items, start=1):
        context = {"report": report, "item": item, "words": words}
        parts.append(template.render({**context, "heading_level": heading_level(item)}))
        if progress and number % 100 == 0:
            progress(number // 2, total)
    summary = report.summary
    if report.variant == FLEMISH:
        labels = year_figure_labels()
        rows = [(goal.heading, goal.year_figures(summary.current_year)) for goal in summary.goals]
    else:
        labels = programme_figure_labels()
        rows = [(goal.heading, goal.programme_figures) for goal in summary.goals]
    css = Path(finders.find(STYLE)).read_text(encoding="utf-8")
    css += running_header_css(report) + page_label_css()
    return render_to_string(
        "reporting/print/report.html",
        {
            "report": report,
            "language": report.language,  # nl-BE or nl-NL, by the plan's preset
            "css": css,
            "toc": toc_entries(report),
            "figures": [(chart, chart_source(chart)) for chart in charts],
            "figure_labels": labels,
            "figure_rows": rows,
            "items_html": "".join(parts),
        },
    )


class _NoFetching:
    """Refuses every address but the document's own data URIs: no network, no files."""

    def __new__(cls):
        from weasyprint.urls import URLFetcher

        return URLFetcher(allowed_protocols=("data",), timeout=1, allow_redirects=False)


def check_size(report: Report) -> None:
    """Refuse a report larger than ``KOERS_REPORT_PDFUA_MAX_ITEMS`` before any work:
    WeasyPrint keeps every page in memory (about 2 GB for 1,120 items)."""
    limit = settings.KOERS_REPORT_PDFUA_MAX_ITEMS
    if limit and len(report.items) > limit:
        raise ValidationError(
            _(
                "The accessible PDF holds at most %(limit)s items and this report has "
                "%(count)s. Choose one part of the plan, or the website or the fast PDF."
            )
            % {"limit": limit, "count": len(report.items)}
        )


def engine() -> str:
    """``chromium`` (fast, tagged) where Chromium is installed, else ``weasyprint`` (tagged
    PDF/UA-1 with page numbers in the contents, slow); ``KOERS_REPORT_PDF_ENGINE`` chooses."""
    from koers.reporting.renderers.chromium import chromium_binary

    chosen = settings.KOERS_REPORT_PDF_ENGINE
    if chosen == "auto":
        return "chromium" if chromium_binary() else "weasyprint"
    return chosen


def render(report: Report, charts: list[Chart], out: Path, progress=None) -> Path:
    out = Path(out)
    if engine() == "chromium":
        from koers.reporting.renderers.chromium import print_to_pdf
        from koers.reporting.renderers.contents_pages import number_contents

        html = print_html(report, charts, progress)
        print_to_pdf(html, out)
        number_contents(out)  # Chromium prints the contents without page numbers
        return out
    return render_with_weasyprint(report, charts, out, progress)


def render_with_weasyprint(report: Report, charts: list[Chart], out: Path, progress=None):
    from weasyprint import HTML

    check_size(report)
    out = Path(out)
    html = print_html(report, charts, progress)
    document = HTML(string=html, base_url="about:blank", url_fetcher=_NoFetching())
    total = len(report.items)
    if progress:
        progress(total // 2, total)
    document.write_pdf(out, pdf_variant="pdf/ua-1", uncompressed_pdf=False)
    if progress:
        progress(total, total)
    return out
