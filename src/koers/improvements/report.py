"""The report per source for the audit committee or the council, as PDF and Word.

The web page is a template (``improvements/report.html``); the files are made with the
building blocks of the plan report's renderers: ReportLab with the PDF report's fonts,
styles, tables and escaped paragraphs (``koers.reporting.renderers.pdf``), and the Word
report's house style, headings and tables (``koers.reporting.renderers.docx``). User text
is never read as markup: PDF paragraphs are built from plain text, short PDF cells are
plain strings, and Word's table cells are escaped XML.
"""

import io

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer

from koers.improvements.reading import Outstanding, SourceFigures, SourceReport
from koers.reporting.renderers import docx as report_docx
from koers.reporting.renderers import pdf as report_pdf
from koers.reporting.renderers.docx import TEXT, Column

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS = {"pdf": ("pdf", "application/pdf"), "docx": ("docx", DOCX)}


def title(report: SourceReport) -> str:
    return _("Improvement actions per source")


def summary_header() -> list[str]:
    return [
        _("Source"),
        _("Actions"),
        _("Done"),
        _("Late"),
        _("Open"),
        _("Not accepted"),
        _("Cancelled"),
        _("Implemented"),
    ]


def summary_row(figures: SourceFigures, name: str) -> list[str]:
    return [
        name,
        str(figures.total),
        str(figures.done),
        str(figures.late),
        str(figures.open),
        str(figures.not_accepted),
        str(figures.cancelled),
        f"{figures.share_done} %",
    ]


def outstanding_header() -> list[str]:
    return [_("Ref."), _("Recommendation"), _("Owner"), _("Deadline"), _("State")]


def outstanding_row(action: Outstanding, dates: dict) -> list[str]:
    if action.deadline is not None and action.deadline not in dates:
        dates[action.deadline] = date_format(action.deadline)
    return [
        action.reference or "–",
        action.text,
        action.responsible or "–",
        dates[action.deadline] if action.deadline else "–",
        _("late") if action.late else action.status_label,
    ]


def situation(report: SourceReport) -> str:
    day = _("situation on %(day)s") % {"day": date_format(report.today)}
    return f"{report.organisation.name} · {day}"


def figures_line(figures: SourceFigures) -> str:
    return _("%(done)s of %(total)s actions done (%(share)s %%), %(late)s late, %(open)s open.") % {
        "done": figures.done,
        "total": figures.total,
        "share": figures.share_done,
        "late": figures.late,
        "open": figures.open,
    }


def source_line(figures: SourceFigures) -> str:
    source = figures.source
    parts = [source.get_kind_display()]
    if source.date:
        parts.append(date_format(source.date))
    return " · ".join(parts)


def render(report: SourceReport, fmt: str) -> bytes:
    return render_pdf(report) if fmt == "pdf" else render_docx(report)


def render_pdf(report: SourceReport) -> bytes:
    report_pdf._register_fonts()
    styles = report_pdf._styles()
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title(report),
        author=report.organisation.name,
        lang=translation.get_language() or "nl-be",
    )
    paragraph = report_pdf.text_paragraph
    width = A4[0] - 36 * mm
    story = [
        paragraph(title(report), styles["Title"]),
        paragraph(situation(report), styles["Muted"]),
        Spacer(1, 6 * mm),
    ]
    rows = [summary_header()]
    for figures in report.sources:
        rows.append(summary_row(figures, ""))
        rows[-1][0] = paragraph(figures.source.name, styles["Cell"])
    rows.append(summary_row(report.total, _("Total")))
    columns = [width - 7 * 18 * mm] + [18 * mm] * 7
    story.append(report_pdf._table(rows, columns, total_row=True, text_columns=(0,)))
    dates: dict = {}
    widths = [18 * mm, width - 18 * mm - 38 * mm - 22 * mm - 22 * mm, 38 * mm, 22 * mm, 22 * mm]
    for figures in report.sources:
        story += [
            Spacer(1, 6 * mm),
            paragraph(figures.source.name, styles["Heading2"]),
            paragraph(source_line(figures), styles["Muted"]),
            paragraph(figures_line(figures), styles["Normal"]),
        ]
        if figures.outstanding:
            rows = [outstanding_header()]
            for action in figures.outstanding:
                cells = outstanding_row(action, dates)
                # running texts wrap (paragraphs); the short ones are plain strings
                cells[1] = paragraph(cells[1], styles["Cell"])
                cells[2] = paragraph(cells[2], styles["Cell"])
                cells[0] = report_pdf._fitting(cells[0], widths[0] - 2 * report_pdf.PADDING)
                rows.append(cells)
            story.append(report_pdf._table(rows, widths, text_columns=(0, 1, 2, 3, 4)))
    document.build(story)
    return out.getvalue()


class _WordWriter(report_docx.Builder):
    """The plan report's Word building blocks (house style, language, headings, tables
    written as XML in one go) for this report."""

    def __init__(self):
        self.document = Document()
        self._house_style()
        self._language(translation.get_language() or "nl-be")
        self._style_ids = {}
        self.width = self.document._block_width
        self.headings = []


def render_docx(report: SourceReport) -> bytes:
    writer = _WordWriter()
    properties = writer.document.core_properties
    properties.title = title(report)
    properties.author = report.organisation.name
    body = writer.container()
    writer.heading(body, title(report), 0)
    writer.paragraph(body, situation(report))
    columns = [Column(header) for header in summary_header()]
    columns[1:] = [Column(column.header, report_docx.NUMBER) for column in columns[1:]]
    rows = [summary_row(figures, figures.source.name) for figures in report.sources]
    rows.append(summary_row(report.total, _("Total")))
    report_docx._table(writer, body, columns, rows, total_row=True)
    dates: dict = {}
    for figures in report.sources:
        writer.heading(body, figures.source.name, 1)
        writer.paragraph(body, source_line(figures))
        writer.paragraph(body, figures_line(figures))
        if figures.outstanding:
            header = outstanding_header()
            kinds = (report_docx.SHORT, TEXT, report_docx.SHORT, report_docx.SHORT, TEXT)
            columns = [Column(text, kind) for text, kind in zip(header, kinds, strict=True)]
            rows = [outstanding_row(action, dates) for action in figures.outstanding]
            report_docx._table(writer, body, columns, rows)
    writer.flush(body)
    out = io.BytesIO()
    writer.document.save(out)
    return out.getvalue()
