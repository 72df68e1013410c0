"""The report as PDF (ReportLab), fast and untagged: title page, table of contents,
running header, page numbers "page X of Y", bookmarks for every heading (pointing at its
page), and tables that repeat their header. The tagged, accessible PDF (PDF/UA) is
``pdfua.py``: ReportLab cannot tag a PDF, and WeasyPrint, which can, takes ten times
longer for a large plan.

The document is laid out once. The table of contents has one line per heading, known
before the layout, with room for its page number at the right; the numbers (and "page X
of Y") are small forms that the pages show and that are written when the last page is
done, from the pages the headings landed on. (ReportLab's own table of contents lays the
document out three times to settle its page numbers: 19 s of CPU instead of 7 for 1,000
actions.) Headings (with the line under them) and the labels of an item's sections start
the next page when too little room is left for what follows; a table's total row stays
with the row above it; column headers wrap.

Texts are never read as markup: paragraphs are built from runs of plain text
(``_frags``); rich text is rebuilt from ``richtext.rich_blocks`` (bold, italic, line
breaks, bullets: no links, no images, no fonts). The table of contents' lines are markup
(a link to the heading) with the text escaped by ``_text``. Bookmarks take plain text.
"""

import functools
import io
import re
import threading
from pathlib import Path

import matplotlib
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.paraparser import ParaFrag

from koers.plans.templatetags.koers import euro
from koers.reporting import indicators as report_indicators
from koers.reporting.charts import Chart
from koers.reporting.contents import (
    FLEMISH,
    Report,
    ReportItem,
    programme_figure_labels,
    year_figure_labels,
)
from koers.reporting.richtext import cleaned, markup, plain, rich_blocks, shorten

FONT = "KoersSans"
NUMERIC = ("Number", "TinyNumber")
MARGIN = 20 * mm
OUTLINE_LENGTH = 200  # characters of a heading in the bookmarks and the table of contents
# ReportLab splits a word too long for its line in time that grows with the square of its
# length: a break is offered after every WORD_LENGTH characters of one word instead.
WORD_LENGTH = 60
LONG_WORD = re.compile(rf"\S{{{WORD_LENGTH}}}(?=\S)")
# A table cell shows at most this many characters (no title or name is that long; the
# item's heading above its own tables has the whole text).
CELL_LENGTH = 1000
PAGE_NUMBER_WIDTH = 14 * mm  # room for a page number in the table of contents
# Room a heading needs below it, else it starts the next page: the line under it, a label
# and a few lines of text (plus the heading's own lines, at most HEADING_LINE characters
# each); a label needs room for itself and two lines. A check of the room left, where
# ReportLab's keepWithNext would lay out what follows twice (1.5 s of 8 at 1,000 actions).
HEADING_ROOM = 30 * mm
HEADING_LINE = 55
LABEL_ROOM = 16 * mm


def _text(text) -> str:
    """User text as paragraph markup: escaped, so it shows as typed."""
    return markup(LONG_WORD.sub(lambda match: match[0] + " ", plain(text)))


SPACES = re.compile(r"\s+")


def _frags(runs, style) -> list:
    """A paragraph's fragments made straight from runs of text (text, bold, italic,
    line break): what ReportLab's parser would make of the escaped text, without parsing
    it (parsing took a third of the PDF's time). The text is never read as markup."""
    family, base_bold, base_italic = ps2tt(style.fontName)
    frags = []
    for text, bold, italic, line_break in runs:
        frag = ParaFrag(rise=0, greek=0, link=[], us_lines=[], bold=int(bold), italic=int(italic))
        frag.fontName = tt2ps(family, int(bold or base_bold), int(italic or base_italic))
        frag.fontSize, frag.textColor = style.fontSize, style.textColor
        if line_break:
            frag.text, frag.lineBreak = "", True
        else:
            frag.text = SPACES.sub(" ", LONG_WORD.sub(lambda match: match[0] + " ", plain(text)))
        frags.append(frag)
    return frags


def text_paragraph(text, style, bold: bool = False) -> Paragraph:
    """Plain text (its line breaks kept) as a paragraph, shown as typed."""
    lines = plain(text).split("\n")
    runs = []
    for number, line in enumerate(lines):
        if number:
            runs.append(("", False, False, True))
        runs.append((line, bold, False, False))
    return Paragraph(" ".join(lines), style, frags=_frags(runs, style))


_fonts_lock = threading.Lock()


def _register_fonts() -> None:
    """DejaVu Sans, the font matplotlib draws the charts with: the same look, all accents.
    Registered once per process (ReportLab's font registry is global: two threads must
    not each register a font object while a third builds a PDF with the first)."""
    with _fonts_lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            _register_font_files()


def _register_font_files() -> None:
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, folder / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(f"{FONT}-Bold", folder / "DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFont(TTFont(f"{FONT}-Italic", folder / "DejaVuSans-Oblique.ttf"))
    pdfmetrics.registerFont(TTFont(f"{FONT}-BoldItalic", folder / "DejaVuSans-BoldOblique.ttf"))
    pdfmetrics.registerFontFamily(
        FONT,
        normal=FONT,
        bold=f"{FONT}-Bold",
        italic=f"{FONT}-Italic",
        boldItalic=f"{FONT}-BoldItalic",
    )


def _styles():
    base = getSampleStyleSheet()
    styles = {}
    for name in ("Normal", "Title", "Heading1", "Heading2", "Heading3", "Heading4"):
        style = base[name].clone(f"k{name}")
        style.fontName = f"{FONT}-Bold" if name != "Normal" else FONT
        styles[name] = style
    styles["Normal"].fontSize = 9.5
    styles["Normal"].leading = 13
    styles["Small"] = ParagraphStyle("kSmall", parent=styles["Normal"], fontSize=8, leading=10)
    styles["Muted"] = ParagraphStyle("kMuted", parent=styles["Small"], textColor=colors.grey)
    styles["Number"] = ParagraphStyle("kNumber", parent=styles["Small"], alignment=TA_RIGHT)
    styles["Cell"] = ParagraphStyle("kCell", parent=styles["Small"])
    styles["Tiny"] = ParagraphStyle("kTiny", parent=styles["Small"], fontSize=7, leading=8.5)
    styles["TinyNumber"] = ParagraphStyle("kTinyNumber", parent=styles["Tiny"], alignment=TA_RIGHT)
    styles["Heading1"].fontSize = 16
    styles["Heading2"].fontSize = 13
    styles["Heading3"].fontSize = 11
    styles["Heading4"].fontSize = 10
    styles["Label"] = ParagraphStyle("kLabel", parent=styles["Normal"])
    styles["Facts"] = ParagraphStyle("kFacts", parent=styles["Muted"])
    for n in range(5):
        styles[f"Contents{n}"] = ParagraphStyle(
            f"kContents{n}", parent=styles["Small"], leftIndent=8 * n, fontSize=8.5, leading=10.5
        )
    return styles


class Heading(Paragraph):
    """A heading that is also a bookmark and a table-of-contents entry (its first part,
    when a very long heading is split over two pages)."""

    def __init__(self, text, style, level: int | None = None, key: str = "", **split):
        if level is None:  # a part made by split(): ReportLab passes the parsed text
            super().__init__(text, style, **split)
            self.outline_text, self.outline_level, self.outline_key = "", 0, ""
            return
        super().__init__(text, style, frags=_frags([(text, False, False, False)], style))
        self.outline_text = shorten(" ".join(text.split()), OUTLINE_LENGTH)  # plain text
        self.outline_level, self.outline_key = level, key

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        if parts:
            first = parts[0]
            first.outline_text, first.outline_level = self.outline_text, self.outline_level
            first.outline_key = self.outline_key
        return parts


class ContentsEntry(Flowable):
    """One line of the table of contents: the heading (a link to it) and, at the right,
    room for its page number, written in when the document is done."""

    def __init__(self, text: str, key: str, style):
        super().__init__()
        self.key = key
        self.paragraph = Paragraph(f'<a href="#{key}">{_text(text)}</a>', style)
        self.style = style

    def wrap(self, availWidth, availHeight):
        self.number_x = availWidth
        _width, height = self.paragraph.wrap(availWidth - PAGE_NUMBER_WIDTH, availHeight)
        self.width, self.height = availWidth, height
        return availWidth, height

    def split(self, availWidth, availHeight):
        return []  # one entry is a few lines: it moves to the next page whole

    def drawOn(self, canvas, x, y, _sW=0):
        # The page number sits on the baseline of the entry's last line.
        baseline = y + self.style.leading - self.style.fontSize
        canvas._doctemplate.contents_numbers[self.key] = (x + self.number_x, baseline)
        canvas.doForm(f"koers-contents-{self.key}")  # written when the document is done
        self.paragraph.drawOn(canvas, x, y, _sW)

    def draw(self):  # drawOn does the work
        pass


class ReportDocument(BaseDocTemplate):
    def __init__(self, target, report: Report, progress=None, total: int = 0):
        super().__init__(
            target,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + 5 * mm,
            bottomMargin=MARGIN,
            title=report.title,
            author=report.organisation,
            subject=report.subtitle,
        )
        self.report, self.progress, self.total, self.done = report, progress, total, 0
        self.heading_pages: dict[str, int] = {}  # heading key -> page number
        # Where the table of contents wants a heading's page number: key -> right x, baseline.
        self.contents_numbers: dict[str, tuple[float, float]] = {}
        width = A4[0] - 2 * MARGIN  # the running header, cut to fit one line
        self.header_right = _fitting(report.subtitle, width / 3)
        left = f"{report.organisation} · {report.title}"
        self.header_left = _fitting(left, width - _width(self.header_right) - 6 * mm)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates(
            [
                PageTemplate(id="title", frames=[frame]),
                PageTemplate(id="page", frames=[frame], onPage=self._header),
            ]
        )

    def _header(self, canvas, document):
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.grey)
        top = A4[1] - MARGIN + 2 * mm
        canvas.drawString(MARGIN, top, self.header_left)
        canvas.drawRightString(A4[0] - MARGIN, top, self.header_right)
        canvas.restoreState()

    def afterFlowable(self, flowable):
        if isinstance(flowable, Heading) and flowable.outline_key:
            key = flowable.outline_key
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.outline_text, key, flowable.outline_level, False)
            self.heading_pages[key] = self.page
            if self.progress and flowable.outline_level >= 1:
                self.done += 1
                self.progress(min(self.done, self.total), self.total)


def _width(text: str, size: float = 8) -> float:
    return stringWidth(text, FONT, size)


def _fitting(text: str, width: float) -> str:
    """One line of the running header: the text, cut to fit ``width``."""
    text = " ".join(text.split())[:OUTLINE_LENGTH]
    if _width(text) <= width:
        return text
    short, long = 0, len(text)  # the longest start that fits with '…'
    while short < long:
        middle = (short + long + 1) // 2
        if _width(text[:middle] + "…") <= width:
            short = middle
        else:
            long = middle - 1
    return text[:short] + "…"


def numbered_canvas(label: str, document: "ReportDocument"):
    """A canvas that writes 'page X of Y' and the page numbers of the table of contents
    once it knows them (after the last page): each is a small form (a PDF XObject) that
    the page shows where the number goes and that is written at the end. The pages
    themselves are written as they are done, so bookmarks and links point at them."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._doctemplate = document

        def showPage(self):
            if self._pageNumber > 1:
                self.doForm(f"koers-page-{self._pageNumber}")
            super().showPage()

        def save(self):
            total = self._pageNumber - 1  # it stands on the page after the last one
            for number in range(2, total + 1):
                self.beginForm(f"koers-page-{number}")
                self.setFont(FONT, 8)
                self.setFillColor(colors.grey)
                text = label % {"page": number, "pages": total}
                self.drawRightString(A4[0] - MARGIN, MARGIN - 8 * mm, text)
                self.endForm()
            for key, (x, y) in document.contents_numbers.items():
                self.beginForm(f"koers-contents-{key}")
                self.setFont(FONT, 8.5)
                self.setFillColor(colors.black)
                self.drawRightString(x, y, str(document.heading_pages.get(key, "")))
                self.endForm()
            super().save()

    return NumberedCanvas


def rich_paragraphs(html: str, style) -> list[Paragraph]:
    """Rich text as ReportLab paragraphs: blocks, bullets, bold, italic, line breaks,
    written from the runs of text only (nothing of the stored markup passes)."""
    found = []
    for block in rich_blocks(html):
        runs = [("• ", False, False, False)] if block.bullet else []
        runs += [(run.text, run.bold, run.italic, run.line_break) for run in block.runs]
        found.append(Paragraph(block.text, style, frags=_frags(runs, style)))
    return found


PADDING = 6  # ReportLab's padding of a table cell, left and right


@functools.lru_cache(maxsize=512)
def _header_lines(text: str, width: float, font_size: float) -> str:
    """A column header broken between words into lines that fit ``width``: headers
    never run into each other (a plain string, many times faster than a paragraph)."""
    return "\n".join(simpleSplit(" ".join(text.split()), FONT, font_size, width))


def _table(
    rows: list[list],
    widths,
    header_rows: int = 1,
    total_row: bool = False,
    font_size=8,
    text_columns=(),
) -> Table:
    """Repeats its header on every page; ReportLab breaks tables only between rows.
    Plain-string cells (figures) are right-aligned, but in ``text_columns``; header
    texts wrap to their column's width."""
    for column, text in enumerate(rows[0]):
        if isinstance(text, str):
            rows[0][column] = _header_lines(text, widths[column] - 2 * PADDING, font_size)
    # splitInRow: a row taller than a page (a very long title) goes on over the next.
    table = Table(rows, colWidths=widths, repeatRows=header_rows, hAlign="LEFT", splitInRow=1)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), font_size),
        ("LEADING", (0, 0), (-1, -1), font_size + 1.5),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        *[("ALIGN", (column, 0), (column, -1), "LEFT") for column in text_columns],
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#f1f3f6")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d0d4da")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if total_row:  # the total row never starts a page on its own
        style += [
            ("LINEABOVE", (0, -1), (-1, -1), 1, colors.black),
            ("NOSPLIT", (0, -2), (-1, -1)),
        ]
    table.setStyle(TableStyle(style))
    return table


class Builder:
    def __init__(self, report: Report, charts: list[Chart]):
        self.report, self.charts, self.styles = report, charts, _styles()
        self.story: list = []
        self.keys = 0
        self.contents: list[ContentsEntry] = []

    def heading(self, text: str, level: int) -> None:
        self.keys += 1
        key = f"h{self.keys}"
        style = self.styles[f"Heading{min(level + 1, 4)}"]
        lines = 1 + len(text) // HEADING_LINE  # a long heading needs the room of its lines
        self.story.append(CondPageBreak(HEADING_ROOM + lines * style.leading))
        self.story.append(Heading(text, style, level, key))
        outline = shorten(" ".join(text.split()), OUTLINE_LENGTH)
        self.contents.append(ContentsEntry(outline, key, self.styles[f"Contents{min(level, 4)}"]))

    def para(self, text: str, style: str = "Normal") -> None:
        self.story.append(text_paragraph(text, self.styles[style]))

    def header(self, text) -> str:
        """A column header: plain text, broken into lines to fit its column by ``_table``."""
        return str(text)

    def label(self, text: str) -> None:
        """The bold label of an item's section, kept with the text under it."""
        self.story.append(CondPageBreak(LABEL_ROOM))
        self.story.append(text_paragraph(text, self.styles["Label"], bold=True))

    def cell(self, text, style: str = "Cell"):
        """A table cell: text that may need wrapping is a Paragraph; figures are plain
        strings, which ReportLab lays out many times faster (alignment from the table)."""
        if style in NUMERIC:
            return str(text)
        text = shorten(str(text), CELL_LENGTH)
        return text_paragraph(text, self.styles[style])

    def build(self) -> list:
        report = self.report
        styles = self.styles
        self.story += [
            Spacer(1, 60 * mm),
            Paragraph(_text(report.organisation), styles["Heading2"]),
            Paragraph(_text(report.title), styles["Title"]),
            Paragraph(_text(report.subtitle), styles["Heading2"]),
        ]
        if report.period:
            start, end = (date_format(day, "j F Y") for day in report.period)
            self.para(f"{start} – {end}")
        if report.filters:
            self.para(report.filters)
        self.para(_("made on %(when)s") % {"when": date_format(report.generated_at, "j F Y")})
        self.story += [NextPageTemplate("page"), PageBreak()]
        self.story.append(Paragraph(_text(_("Contents")), styles["Heading1"]))
        contents_at = len(self.story)  # the entries go here once every heading is known
        self.story.append(PageBreak())
        self.summary()
        self.story.append(PageBreak())
        self.heading(_("The plan, item by item"), 0)
        for item in report.items:
            self.item(item)
        self.story[contents_at:contents_at] = self.contents
        return self.story

    def summary(self) -> None:
        report, summary = self.report, self.report.summary
        self.heading(_("Summary"), 0)
        rows = [[self.header(_("Status")), self.header(_("Items"))]]
        rows += [
            [self.cell(name), self.cell(count, "Number")]
            for name, _c, count in summary.status_counts
        ]
        rows.append([self.cell(_("Total")), self.cell(summary.items_counted, "Number")])
        self.story += [_table(rows, [100 * mm, 30 * mm], total_row=True), Spacer(1, 3 * mm)]
        self.para(
            _("%(done)s of %(total)s milestones done.")
            % {"done": summary.milestones_done, "total": summary.milestones_total}
        )
        self.budget_per_goal()
        for chart in self.charts:
            image = Image(io.BytesIO(chart.png))
            scale = min(1.0, (A4[0] - 2 * MARGIN) / image.drawWidth, 200 * mm / image.drawHeight)
            image.drawWidth *= scale
            image.drawHeight *= scale
            self.story.append(
                KeepTogether(
                    [
                        Paragraph(_text(chart.title), self.styles["Heading4"]),
                        image,
                        Paragraph(_text(chart.text), self.styles["Muted"]),
                    ]
                )
            )
        if report.variant == FLEMISH:
            self.flemish_chapters()
        else:
            self.dutch_costs()

    def budget_per_goal(self) -> None:
        summary = self.report.summary
        years = summary.years
        rows = [
            [
                self.header(_("Goal")),
                *[self.header(year) for year in years],
                self.header(_("Total")),
            ]
        ]
        for goal in summary.goals:
            row = [self.cell(f"{goal.code} {goal.title}", "Tiny")]
            for year in years:
                money = goal.years.get(year)
                text = f"{euro(money.current)}\n{euro(money.actual)}" if money else "–"
                row.append(self.cell(text, "TinyNumber"))
            total = f"{euro(goal.total.current)}\n{euro(goal.total.actual)}"
            row.append(self.cell(total, "TinyNumber"))
            rows.append(row)
        width = (A4[0] - 2 * MARGIN - 36 * mm) / (len(years) + 1)
        self.heading(_("Budget (current) and actual per goal and year"), 1)
        self.story.append(_table(rows, [36 * mm] + [width] * (len(years) + 1), font_size=7))
        self.para(_("Per cell: the current budget, and below it the actual amount."), "Muted")

    def flemish_chapters(self) -> None:
        summary = self.report.summary
        self.heading(_("Priority actions"), 1)
        rows = [
            [
                self.header(_("Item")),
                self.header(_("Status")),
                self.header(_("Progress")),
            ]
        ]
        for item in summary.priority_items:
            percent = item.percent_text or "–"
            rows.append(
                [
                    self.cell(item.heading),
                    self.cell(item.status or "–"),
                    # "60 % (own estimate) · 33 % (calculated ...)" wraps in its column.
                    Paragraph(_text(percent), self.styles["Number"]),
                ]
            )
        self.story.append(_table(rows, [110 * mm, 35 * mm, 25 * mm], text_columns=(1,)))
        year = summary.current_year
        self.heading(
            _("Receipts and expenses in %(year)s: planned and realised") % {"year": year}, 1
        )
        rows = [[self.header(_("Goal"))] + [self.header(label) for label in year_figure_labels()]]
        for goal in summary.goals:
            figures = goal.year_figures(year)
            rows.append([self.cell(goal.heading)] + [self.cell(euro(v), "Number") for v in figures])
        self.story.append(_table(rows, [50 * mm] + [30 * mm] * 4))
        for title, text in (
            (_("Changed assumptions"), self.report.changed_assumptions),
            (_("Changed financial risks"), self.report.changed_risks),
        ):
            self.heading(title, 1)
            self.story += rich_paragraphs(text, self.styles["Normal"]) or [
                Paragraph(_text(_("No changes.")), self.styles["Normal"])
            ]

    def dutch_costs(self) -> None:
        self.heading(_("Costs per programme"), 1)
        labels = programme_figure_labels()
        rows = [[self.header(_("Programme"))] + [self.header(label) for label in labels]]
        for goal in self.report.summary.goals:
            figures = goal.programme_figures
            rows.append([self.cell(goal.heading)] + [self.cell(euro(v), "Number") for v in figures])
        self.story.append(_table(rows, [50 * mm] + [30 * mm] * 4))
        self.para(_("Difference: amended budget minus actual."), "Muted")

    def item(self, item: ReportItem) -> None:
        labels, styles = self.report.labels, self.styles
        self.heading(item.heading, min(item.level, 4))
        self.para(" · ".join(item.facts), "Facts")
        if item.context_only:
            return
        sections = [
            (labels.get("description") or _("Description"), item.description),
            (labels.get("intent"), item.intent),
            (labels.get("progress") or _("Progress"), item.progress),
        ]
        for title, text in sections:
            if not title:
                continue
            self.label(title)
            self.story += rich_paragraphs(text, styles["Normal"]) or [
                Paragraph("–", styles["Normal"])
            ]
        if item.milestones or item.timing:
            self.label(labels.get("milestones") or _("Milestones"))
            if item.timing:
                self.para(item.timing)
            rows = [
                [self.header(_("Milestone")), self.header(_("Planned")), self.header(_("Done"))]
            ]
            for milestone in item.milestones:
                done = _("yes") if milestone.done else _("no")
                if milestone.done and milestone.done_on:
                    done += ", " + milestone.done_on.strftime("%d-%m-%Y")
                rows.append(
                    [
                        self.cell(milestone.title),
                        self.cell(milestone.planned or "–"),
                        done,  # a word and a date: plain text, left (a text column)
                    ]
                )
            if len(rows) > 1:
                self.story.append(_table(rows, [100 * mm, 35 * mm, 35 * mm], text_columns=(1, 2)))
        if len(item.money) > 1:
            self.label(labels.get("cost") or _("Cost"))
            header = [
                _("Year"),
                _("Initial budget"),
                _("Current budget"),
                _("Actual"),
                _("Remaining"),
            ]
            rows = [[self.header(header[0])] + [self.header(h) for h in header[1:]]]
            for money in item.money:
                year = _("Total") if money.year is None else money.year
                values = (
                    money.expense.initial,
                    money.expense.current,
                    money.expense.actual,
                    money.expense.remaining,
                )
                rows.append(
                    [self.cell(year, "Number")] + [self.cell(euro(v), "Number") for v in values]
                )
            self.story.append(_table(rows, [25 * mm] + [36 * mm] * 4, total_row=True))
        if item.indicators:
            self.label(_("Indicators of this item"))
            rows = [[self.header(heading) for heading in report_indicators.columns()]]
            for indicator in item.indicators:
                rows.append([self.cell(text) for text in report_indicators.row(indicator)])
            widths = [36 * mm, 19 * mm, 26 * mm, 26 * mm, 22 * mm, 41 * mm]
            self.story.append(_table(rows, widths, text_columns=(1, 2, 3, 4, 5)))
        self.story.append(Spacer(1, 4 * mm))


def render(report: Report, charts: list[Chart], out: Path, progress=None) -> Path:
    _register_fonts()
    out = Path(out)
    report = cleaned(report)
    story = Builder(report, charts).build()
    document = ReportDocument(str(out), report, progress, len(report.items))
    label = _("page %(page)s of %(pages)s")
    document.build(story, canvasmaker=numbered_canvas(label, document))  # one layout
    return out
