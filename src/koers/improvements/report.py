"""The report per source for the audit committee or the council, as PDF and Word.

The web page is a template (``improvements/report.html``); the files are made with the
building blocks of the plan report's renderers: ReportLab with the PDF report's fonts,
styles, tables and escaped paragraphs (``koers.reporting.renderers.pdf``), and python-docx
for Word. User text is never read as markup: PDF paragraphs are built from escaped plain
text, and Word runs hold plain text.
"""

import io

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer

from koers.improvements.reading import SourceFigures, SourceReport
from koers.reporting.renderers import pdf as report_pdf

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
        f"{figures.share_done} %",
    ]


def outstanding_header() -> list[str]:
    return [_("Ref."), _("Recommendation"), _("Owner"), _("Deadline"), _("State")]


def outstanding_row(action) -> list[str]:
    owner = action.owner.user.get_full_name() if action.owner else ""
    owner = owner or (action.department.name if action.department else "–")
    return [
        action.reference or "–",
        action.recommendation or action.finding,
        owner,
        date_format(action.deadline) if action.deadline else "–",
        _("late") if action.late else action.get_status_display(),
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
        lang="nl-BE",
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
    columns = [width - 6 * 19 * mm] + [19 * mm] * 6
    story.append(report_pdf._table(rows, columns, total_row=True, text_columns=(0,)))
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
                rows.append([paragraph(text, styles["Cell"]) for text in outstanding_row(action)])
            widths = [
                16 * mm,
                width - 16 * mm - 38 * mm - 22 * mm - 22 * mm,
                38 * mm,
                22 * mm,
                22 * mm,
            ]
            story.append(report_pdf._table(rows, widths, text_columns=(0, 1, 2, 3, 4)))
    document.build(story)
    return out.getvalue()


def render_docx(report: SourceReport) -> bytes:
    document = Document()
    document.styles["Normal"].font.size = Pt(10)
    document.core_properties.title = title(report)
    document.core_properties.author = report.organisation.name
    document.add_heading(title(report), level=0)
    document.add_paragraph(situation(report))
    rows = [summary_header()]
    rows += [summary_row(figures, figures.source.name) for figures in report.sources]
    rows.append(summary_row(report.total, _("Total")))
    _docx_table(document, rows)
    for figures in report.sources:
        document.add_heading(figures.source.name, level=1)
        document.add_paragraph(source_line(figures))
        document.add_paragraph(figures_line(figures))
        if figures.outstanding:
            rows = [outstanding_header()]
            rows += [outstanding_row(action) for action in figures.outstanding]
            _docx_table(document, rows)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_table(document, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for cells, row in zip(table.rows, rows, strict=True):
        for cell, text in zip(cells.cells, row, strict=True):
            cell.text = text
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
