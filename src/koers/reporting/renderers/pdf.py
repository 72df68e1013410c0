"""The report as PDF (ReportLab): title page, table of contents, running header, page
numbers "page X of Y", bookmarks for every heading, and tables that repeat their header
and break only between rows."""

import io
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
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
from reportlab.platypus.tableofcontents import TableOfContents

from koers.plans.templatetags.koers import euro
from koers.reporting.charts import Chart
from koers.reporting.contents import (
    FLEMISH,
    Report,
    ReportItem,
    programme_figure_labels,
    year_figure_labels,
)
from koers.reporting.richtext import text_blocks

FONT = "KoersSans"
NUMERIC = ("Number", "TinyNumber")
MARGIN = 20 * mm


def _register_fonts() -> None:
    """DejaVu Sans, the font matplotlib draws the charts with: the same look, all accents."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
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
    return styles


class Heading(Paragraph):
    """A heading that is also a bookmark and a table-of-contents entry."""

    def __init__(self, text: str, style, level: int, key: str):
        super().__init__(escape(text), style)
        self.outline_text, self.outline_level, self.outline_key = text, level, key


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
        canvas.drawString(MARGIN, top, f"{self.report.organisation} · {self.report.title}")
        canvas.drawRightString(A4[0] - MARGIN, top, self.report.subtitle)
        canvas.restoreState()

    def afterFlowable(self, flowable):
        if isinstance(flowable, Heading):
            key = flowable.outline_key
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.outline_text, key, flowable.outline_level, False)
            self.notify("TOCEntry", (flowable.outline_level, flowable.outline_text, self.page, key))
            if self.progress and flowable.outline_level >= 1:
                self.done += 1
                self.progress(min(self.done, self.total), self.total)


def numbered_canvas(label: str):
    """A canvas that writes 'page X of Y' once it knows Y (after the last page)."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                if self._pageNumber > 1:
                    self.setFont(FONT, 8)
                    self.setFillColor(colors.grey)
                    text = label % {"page": self._pageNumber, "pages": total}
                    self.drawRightString(A4[0] - MARGIN, MARGIN - 8 * mm, text)
                super().showPage()
            super().save()

    return NumberedCanvas


def rich_paragraphs(html: str, style) -> list[Paragraph]:
    """Sanitised rich text as ReportLab paragraphs: blocks, lists, bold, italic."""
    found = []
    for block in text_blocks(html):
        text = _inline(block)
        if text.strip():
            bullet = "• " if block.name == "li" else ""
            found.append(Paragraph(bullet + text, style))
    return found


def _inline(node) -> str:
    parts = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(escape(str(child)))
        elif child.name in ("strong", "b"):
            parts.append(f"<b>{_inline(child)}</b>")
        elif child.name in ("em", "i"):
            parts.append(f"<i>{_inline(child)}</i>")
        elif child.name == "br":
            parts.append("<br/>")
        else:
            parts.append(_inline(child))
    return "".join(parts)


def _table(
    rows: list[list], widths, header_rows: int = 1, total_row: bool = False, font_size=8
) -> Table:
    """Repeats its header on every page; ReportLab breaks tables only between rows.
    Plain-string cells (figures) are right-aligned."""
    table = Table(rows, colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), font_size),
        ("LEADING", (0, 0), (-1, -1), font_size + 1.5),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#f1f3f6")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d0d4da")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if total_row:
        style += [("LINEABOVE", (0, -1), (-1, -1), 1, colors.black)]
    table.setStyle(TableStyle(style))
    return table


class Builder:
    def __init__(self, report: Report, charts: list[Chart]):
        self.report, self.charts, self.styles = report, charts, _styles()
        self.story: list = []
        self.keys = 0

    def heading(self, text: str, level: int) -> None:
        self.keys += 1
        style = self.styles[f"Heading{min(level + 1, 4)}"]
        self.story.append(Heading(text, style, level, f"h{self.keys}"))

    def para(self, text: str, style: str = "Normal") -> None:
        self.story.append(Paragraph(escape(text), self.styles[style]))

    def cell(self, text, style: str = "Cell"):
        """A table cell: text that may need wrapping is a Paragraph; figures are plain
        strings, which ReportLab lays out many times faster (alignment from the table)."""
        if style in NUMERIC:
            return str(text)
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), self.styles[style])

    def build(self) -> list:
        report = self.report
        styles = self.styles
        self.story += [
            Spacer(1, 60 * mm),
            Paragraph(escape(report.organisation), styles["Heading2"]),
            Paragraph(escape(report.title), styles["Title"]),
            Paragraph(escape(report.subtitle), styles["Heading2"]),
        ]
        if report.period:
            start, end = (date_format(day, "j F Y") for day in report.period)
            self.para(f"{start} – {end}")
        if report.filters:
            self.para(report.filters)
        self.para(_("made on %(when)s") % {"when": date_format(report.generated_at, "j F Y")})
        self.story += [NextPageTemplate("page"), PageBreak()]
        toc = TableOfContents()
        toc.levelStyles = [
            ParagraphStyle(f"toc{n}", parent=styles["Small"], leftIndent=8 * n, fontSize=8.5)
            for n in range(6)
        ]
        self.story += [Paragraph(escape(_("Contents")), styles["Heading1"]), toc, PageBreak()]
        self.summary()
        self.story.append(PageBreak())
        self.heading(_("The plan, item by item"), 0)
        for item in report.items:
            self.item(item)
        return self.story

    def summary(self) -> None:
        report, summary = self.report, self.report.summary
        self.heading(_("Summary"), 0)
        rows = [[self.cell(_("Status")), self.cell(_("Items"), "Number")]]
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
                        Paragraph(escape(chart.title), self.styles["Heading4"]),
                        image,
                        Paragraph(escape(chart.text), self.styles["Muted"]),
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
                self.cell(_("Goal"), "Tiny"),
                *[self.cell(year, "TinyNumber") for year in years],
                self.cell(_("Total"), "TinyNumber"),
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
        rows = [[self.cell(_("Item")), self.cell(_("Status")), self.cell(_("Progress"), "Number")]]
        for item in summary.priority_items:
            percent = item.percent_text or "–"
            rows.append(
                [
                    self.cell(item.heading),
                    self.cell(item.status or "–"),
                    self.cell(percent, "Number"),
                ]
            )
        self.story.append(_table(rows, [110 * mm, 35 * mm, 25 * mm]))
        year = summary.current_year
        self.heading(
            _("Receipts and expenses in %(year)s: planned and realised") % {"year": year}, 1
        )
        rows = [
            [self.cell(_("Goal"))] + [self.cell(label, "Number") for label in year_figure_labels()]
        ]
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
                Paragraph(escape(_("No changes.")), self.styles["Normal"])
            ]

    def dutch_costs(self) -> None:
        self.heading(_("Costs per programme"), 1)
        labels = programme_figure_labels()
        rows = [[self.cell(_("Programme"))] + [self.cell(label, "Number") for label in labels]]
        for goal in self.report.summary.goals:
            figures = goal.programme_figures
            rows.append([self.cell(goal.heading)] + [self.cell(euro(v), "Number") for v in figures])
        self.story.append(_table(rows, [50 * mm] + [30 * mm] * 4))
        self.para(_("Difference: amended budget minus actual."), "Muted")

    def item(self, item: ReportItem) -> None:
        labels, styles = self.report.labels, self.styles
        self.heading(item.heading, min(item.level, 4))
        self.para(" · ".join(item.facts), "Muted")
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
            self.story.append(Paragraph(f"<b>{escape(title)}</b>", styles["Normal"]))
            self.story += rich_paragraphs(text, styles["Normal"]) or [
                Paragraph("–", styles["Normal"])
            ]
        if item.milestones or item.timing:
            self.story.append(
                Paragraph(
                    f"<b>{escape(labels.get('milestones') or _('Milestones'))}</b>",
                    styles["Normal"],
                )
            )
            if item.timing:
                self.para(item.timing)
            rows = [[self.cell(_("Milestone")), self.cell(_("Planned")), self.cell(_("Done"))]]
            for milestone in item.milestones:
                done = _("yes") if milestone.done else _("no")
                if milestone.done and milestone.done_on:
                    done += ", " + milestone.done_on.strftime("%d-%m-%Y")
                rows.append(
                    [
                        self.cell(milestone.title),
                        self.cell(milestone.planned or "–"),
                        self.cell(done),
                    ]
                )
            if len(rows) > 1:
                self.story.append(_table(rows, [100 * mm, 35 * mm, 35 * mm]))
        if len(item.money) > 1:
            self.story.append(
                Paragraph(f"<b>{escape(labels.get('cost') or _('Cost'))}</b>", styles["Normal"])
            )
            header = [
                _("Year"),
                _("Initial budget"),
                _("Current budget"),
                _("Actual"),
                _("Remaining"),
            ]
            rows = [[self.cell(header[0])] + [self.cell(h, "Number") for h in header[1:]]]
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
        self.story.append(Spacer(1, 4 * mm))


def render(report: Report, charts: list[Chart], out: Path, progress=None) -> Path:
    _register_fonts()
    out = Path(out)
    story = Builder(report, charts).build()
    total = len(report.items) * 2  # two passes: one to number the pages, one to write
    document = ReportDocument(str(out), report, progress, total)
    document.multiBuild(story, canvasmaker=numbered_canvas(_("page %(page)s of %(pages)s")))
    return out
