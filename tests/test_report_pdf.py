"""The report as PDF: the accessible one (tagged PDF/UA, WeasyPrint) read back for its
structure, language, title, alternative texts, contents and bookmarks; the fast one
(ReportLab) laid out once, with its contents' page numbers right, column headers that
fit, headings and total rows kept with what follows; charts that count in whole numbers."""

import io
import itertools
import re
import unicodedata
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Spacer, Table

from koers.reporting.charts import report_charts, status_chart
from koers.reporting.contents import build_report
from koers.reporting.renderers import pdf as fast_pdf
from koers.reporting.renderers import pdfua
from koers.reporting.renderers.chromium import chromium_binary
from koers.reporting.services import make_report
from tests.test_report_escaping import PAYLOADS, _report, _texts, hostile, shown  # noqa: F401

BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _round(demo):
    return demo.plan.rounds.get(name="Opvolging voorjaar 2026")


def _elements(node, found: list) -> list:
    """The structure tree's elements in document order: (type, element)."""
    node = node.get_object()
    if isinstance(node, list):
        for kid in node:
            _elements(kid, found)
        return found
    if not hasattr(node, "get"):
        return found  # a marked-content number
    if "/S" in node:
        found.append((str(node["/S"]), node))
    kids = node.get("/K")
    if kids is not None:
        _elements(kids, found)
    return found


def _outline_titles(reader) -> list[tuple[str, int]]:
    flat = []

    def walk(entries):
        for entry in entries:
            if isinstance(entry, list):
                walk(entry)
            else:
                flat.append((entry.title, reader.get_destination_page_number(entry) + 1))

    walk(reader.outline)
    return flat


ENGINES = [
    "weasyprint",
    pytest.param(
        "chromium",
        marks=pytest.mark.skipif(
            chromium_binary() is None,
            reason="Debian's chromium is not installed (scripts/install-debian-packages adds it)",
        ),
    ),
]


@pytest.fixture(params=ENGINES)
def engine(request, settings):
    settings.KOERS_REPORT_PDF_ENGINE = request.param
    return request.param


def test_the_accessible_pdf_is_tagged_with_language_title_and_chart_texts(demo, tmp_path, engine):
    plan, round_ = demo.plan, _round(demo)
    report = build_report(plan, round_)
    charts = report_charts(report.summary)
    reader = PdfReader(make_report(plan, round_, "pdfua", tmp_path / "report.pdf"))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a PDF boolean)
    assert root["/Lang"] == "nl-BE"  # a Flemish (BBC) plan
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    assert reader.metadata.title == report.title == "Opvolgingsrapportering Meerjarenplan 2026-2031"
    if engine == "weasyprint":
        assert "pdfuaid" in reader.xmp_metadata.stream.get_data().decode()  # declared PDF/UA-1

    elements = _elements(root["/StructTreeRoot"]["/K"], [])
    kinds = [kind for kind, _element in elements]
    # Every chart is a figure whose alternative text is its title and every figure.
    alts = [
        element["/Alt"] for kind, element in elements if kind == "/Figure" and "/Alt" in element
    ]
    assert alts == [f"{chart.title}: {chart.text}" for chart in charts]
    assert len(alts) == 3
    # Reading order: contents, summary (H1) and its sections (H2), then the items under
    # their chapter, a goal as H2, an action plan H3, an action H4, in the plan's order.
    headings = [kind for kind in kinds if re.fullmatch(r"/H\d", kind)]
    expected = ["/H1", "/H1"] + ["/H2"] * 5 + ["/H1"]
    expected += [f"/H{min(item.level + 1, 6)}" for item in report.items]
    assert headings == expected
    # The summary's tables stay tables, with their header cells; an item's milestones and
    # amounts are lists, a line each.
    assert kinds.count("/Table") >= 3
    assert kinds.count("/TH") > kinds.count("/Table")
    with_lists = [item for item in report.items if item.milestones or len(item.money) > 1]
    assert kinds.count("/L") >= len(with_lists)

    # The contents list the goals and action plans with the page they start on; every
    # item, down to the last action, has a bookmark.
    outline = _outline_titles(reader)
    # (Chromium loses the space where a long heading wraps: compared without spaces.)
    titles = {re.sub(r"\s+", "", title) for title, _page in outline}
    for item in report.items:
        assert re.sub(r"\s+", "", item.heading) in titles
    # As laid out on the page: each entry on a line with its page number at the right
    # (WeasyPrint: target-counter with a leader; Chromium: numbers written after printing).
    contents = "\n".join(page.extract_text(extraction_mode="layout") for page in reader.pages[1:4])
    contents = unicodedata.normalize("NFKC", contents)  # "ﬁ" is "fi"
    listed = [item for item in report.items if item.level <= pdfua.CONTENTS_DEPTH]
    assert listed and len(listed) < len(report.items)
    pages = {re.sub(r"\s+", "", title): page for title, page in outline}
    for item in listed:
        page = pages[re.sub(r"\s+", "", item.heading)]
        line = re.escape(item.heading).replace("\\ ", r"\s*") + r"[\s.]*" + str(page) + r"\n"
        assert re.search(line, contents + "\n"), (item.heading, page)
    for item in report.items:
        if item.level > pdfua.CONTENTS_DEPTH:
            assert item.heading.replace(" ", "") not in contents.replace(" ", "")


def test_the_accessible_pdf_of_a_dutch_plan_says_it_is_netherlands_dutch(demo, tmp_path, engine):
    reader = PdfReader(make_report(demo.dutch_plan, None, "pdfua", tmp_path / "nl.pdf"))
    assert reader.trailer["/Root"]["/Lang"] == "nl-NL"


def test_the_accessible_pdf_fetches_nothing_but_its_own_data():
    fetcher = pdfua._NoFetching()
    for address in ("http://evil.example/x.png", "https://evil.example/", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(address)
    assert fetcher.fetch("data:text/plain;base64,aGFsbG8=").read() == b"hallo"


def test_the_accessible_pdf_shows_every_payload_as_text(hostile, tmp_path, engine):  # noqa: F811
    reader = PdfReader(_report(hostile, tmp_path, "pdfua"))
    text = shown(" ".join(page.extract_text() for page in reader.pages))
    for payload in PAYLOADS:  # headings and rich text: every payload whole, as text
        if BIDI.search(payload):  # shown as a reader sees it: the override applied
            continue
        if set(payload) == {"x"}:  # 10,000 x's run over pages: the page's header and
            runs = re.findall("x{100,}", text)  # footer come in between; none lost
            assert sum(len(run) for run in runs) >= len(payload)
            continue
        assert shown(payload) in text, payload[:80]
    assert "RTLexe.pngtekst" in text  # 'RTL \u202egnp.exe\u202c tekst', as displayed
    assert shown("rijke link") in text and "lettertype" in text
    assert "alert(4)" not in text
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            assert "/URI" not in action  # no link leads out of the document
        resources = page.get("/Resources") or {}
        for xobject in (resources.get("/XObject") or {}).values():
            assert xobject.get_object().get("/Subtype") != "/Image"  # charts are vectors


def test_the_fast_pdf_is_laid_out_once_and_its_contents_show_the_right_pages(
    demo, tmp_path, monkeypatch
):
    placed = []
    after = fast_pdf.ReportDocument.afterFlowable

    def counting(document, flowable):
        if isinstance(flowable, fast_pdf.Heading) and flowable.outline_key:
            placed.append(flowable.outline_key)
        return after(document, flowable)

    monkeypatch.setattr(fast_pdf.ReportDocument, "afterFlowable", counting)
    reader = PdfReader(make_report(demo.plan, _round(demo), "pdf", tmp_path / "fast.pdf"))
    assert len(placed) == len(set(placed))  # every heading laid out once: one pass
    outline = _outline_titles(reader)
    assert len(outline) == len(placed)
    # Every line of the contents shows the page its heading (and bookmark) is on.
    pages = dict(outline)
    checked = 0
    for page in reader.pages[1:4]:
        lines = [line.strip() for line in page.extract_text().split("\n")]
        for number, entry in itertools.pairwise(lines):
            if number.isdigit() and entry in pages:
                assert int(number) == pages[entry], entry
                checked += 1
    assert checked >= 20
    assert len(set(pages.values())) > 10  # each bookmark at its own page, not all at page 1


def _tables(story) -> list[Table]:
    found = []
    for flowable in story:
        if isinstance(flowable, Table):
            found.append(flowable)
        found += _tables(getattr(flowable, "_content", []))
    return found


def test_the_fast_pdfs_column_headers_fit_their_columns(demo):
    report = build_report(demo.plan, _round(demo))
    story = fast_pdf.Builder(report, []).build()
    fast_pdf._register_fonts()
    tables = _tables(story)
    assert len(tables) > 20
    for table in tables:
        size = table._cellStyles[0][0].fontsize
        for column, cell in enumerate(table._cellvalues[0]):
            width = table._colWidths[column] - 2 * fast_pdf.PADDING
            for line in str(cell).split("\n"):
                assert stringWidth(line, fast_pdf.FONT, size) <= width, (line, width)


def test_the_fast_pdf_keeps_a_total_row_with_the_row_above_it():
    rows = [["Jaar", "Bedrag"]] + [[str(year), "€ 1.000"] for year in range(2020, 2030)]
    rows.append(["Totaal", "€ 10.000"])
    table = fast_pdf._table(rows, [40 * mm, 40 * mm], total_row=True)
    table.wrap(80 * mm, 1000)
    heights = table._rowHeights
    # Room for every row but the total: the table breaks before the last year instead.
    top, rest = table.split(80 * mm, sum(heights[:-1]) + 1)
    assert [row[0] for row in rest._cellvalues] == ["Jaar", "2029", "Totaal"]
    assert [row[0] for row in top._cellvalues][-1] == "2028"


def test_the_fast_pdf_keeps_headings_with_what_follows(demo, monkeypatch):
    report = build_report(demo.plan, _round(demo))
    fast_pdf._register_fonts()
    placed = []
    after = fast_pdf.ReportDocument.afterFlowable

    def recording(document, flowable):
        placed.append((flowable, document.page))
        return after(document, flowable)

    monkeypatch.setattr(fast_pdf.ReportDocument, "afterFlowable", recording)
    height = fast_pdf.ReportDocument(io.BytesIO(), report).height
    # Push an item's heading down the page a little further each time: at some point
    # only the heading (and its line) would fit at the foot of the page.
    for space in range(int(height) - 120, int(height) - 12, 3):  # (the frame pads 6 pt)
        builder = fast_pdf.Builder(report, [])
        builder.heading("BD1 Een warme en inclusieve gemeente", 0)
        builder.para("Beleidsdoelstelling · lopend · 40 %", "Facts")
        builder.label("Ons plan")
        builder.para("Een tekst van enkele regels. " * 30)
        placed.clear()
        document = fast_pdf.ReportDocument(io.BytesIO(), report)
        document.build([Spacer(1, space), *builder.story])
        shown = [flowable for flowable in builder.story if isinstance(flowable, Paragraph)]
        heading, facts, label, text = shown
        page = {id(flowable): number for flowable, number in placed}
        first_text = min(number for flowable, number in placed if flowable.__class__ is type(text))
        # The heading, its line, the label and the start of the text: on one page.
        assert page[id(heading)] == page[id(facts)] == page[id(label)] == first_text, space


def test_charts_that_count_items_count_in_whole_numbers(demo):
    summary = build_report(demo.plan, _round(demo)).summary
    summary.status_counts = [("lopend", "#1d4f91", 2), ("vertraagd", "#c00000", 1)]
    chart = status_chart(summary)
    ticks = chart.figure.axes[0].get_xticks()
    assert list(ticks) == [int(tick) for tick in ticks]
    assert 1 in list(ticks) and 0.5 not in list(ticks)
    chart.close()


def test_an_accessible_pdf_too_large_for_memory_is_refused_with_the_reason(
    demo, settings, tmp_path
):
    from koers.reporting import jobs
    from koers.reporting.models import ReportJob

    settings.KOERS_REPORT_PDF_ENGINE = "weasyprint"  # Chromium needs no such limit
    settings.KOERS_REPORT_PDFUA_MAX_ITEMS = 10
    settings.KOERS_REPORT_DIR = tmp_path
    items = len(build_report(demo.plan).items)
    with pytest.raises(ValidationError) as refused:
        make_report(demo.plan, None, "pdfua", tmp_path / "big.pdf")
    assert refused.value.messages == [
        f"Het toegankelijke PDF-bestand bevat ten hoogste 10 onderdelen en dit rapport heeft "
        f"er {items}. Kies een deel van het plan, of de website of de snelle PDF."
    ]
    assert not (tmp_path / "big.pdf").exists()
    job = ReportJob.objects.create(plan=demo.plan, format="pdfua")
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == ReportJob.State.FAILED
    assert job.error.endswith(refused.value.messages[0])  # the message, not its list
    settings.KOERS_REPORT_PDFUA_MAX_ITEMS = items  # a report of the limit is made, as .pdf
    job = ReportJob.objects.create(plan=demo.plan, format="pdfua")
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == ReportJob.State.DONE, job.error
    assert job.file_name.endswith(".pdf")
    assert jobs.file_of(job).read_bytes()[:5] == b"%PDF-"


def _page_of(document, word: str) -> int:
    def holds(box) -> bool:
        text = getattr(box, "text", None)
        return bool(text and word in text) or any(holds(c) for c in getattr(box, "children", []))

    return next(n for n, page in enumerate(document.pages) if holds(page._page_box))


def test_the_accessible_pdf_keeps_headings_and_total_rows_with_what_belongs_to_them():
    from django.contrib.staticfiles import finders
    from weasyprint import HTML

    css = Path(finders.find(pdfua.STYLE)).read_text(encoding="utf-8")
    rows = "".join(f"<tr><th scope=row>{year}</th><td class=num>1</td></tr>" for year in range(10))
    seen = set()
    # Push a heading, its line and a table with a total row down the page, 2 mm at a time.
    for space in range(150, 250, 2):
        document = HTML(
            string=f"""<html lang="nl-BE"><head><title>t</title><style>{css}</style></head>
            <body><div style="height: {space}mm"></div><h2>Kop</h2><p class="facts">Feiten</p>
            <table class="money"><thead><tr><th>Jaar</th><th class="num">Bedrag</th></tr>
            </thead><tbody>{rows}<tr class="total"><th scope="row">Totaal</th>
            <td class="num">10</td></tr></tbody></table></body></html>"""
        ).render()
        heading, facts = _page_of(document, "Kop"), _page_of(document, "Feiten")
        header, last, total = (_page_of(document, word) for word in ("Jaar", "9", "Totaal"))
        assert heading == facts == header, space  # a heading never alone at a page's foot
        assert last == total, space  # nor a total row alone at a page's head
        seen.add((heading, total))
    assert seen == {(0, 0), (0, 1), (1, 1)}  # whole, broken, moved on with its heading
