"""The yearly complaints report as a file: a web page (HTML), the accessible PDF (printed
from that page by Chromium, tagged, or by WeasyPrint as PDF/UA), the fast PDF
(ReportLab) and Word, made with the building blocks of ``koers.reporting.renderers``:
the same fonts, tables, running header, page numbers, contents and escaping.

Every text passes ``richtext.plain`` first (``cleaned``); the HTML is escaped by
Django's templates, the fast PDF is built from runs of text (never parsed), Word's
tables are XML with ``markup`` escaping, and the chart's labels are literal."""

import dataclasses
import io
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from matplotlib.ticker import MaxNLocator
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, NextPageTemplate, PageBreak, Paragraph, Spacer

from koers.complaints_public.yearly_report import YearlyReport
from koers.reporting import charts as report_charts
from koers.reporting.charts import ACTUAL, BUDGET, FONT, Chart, as_label
from koers.reporting.renderers import docx as docx_renderer
from koers.reporting.renderers import pdf as pdf_renderer
from koers.reporting.renderers import pdfua
from koers.reporting.renderers.html import inline_svg
from koers.reporting.richtext import plain

FORMATS = {
    "html": ("html", "text/html; charset=utf-8"),
    "pdfua": ("pdf", "application/pdf"),
    "pdf": ("pdf", "application/pdf"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


def format_labels() -> dict[str, str]:
    return {
        "html": _("Web page (HTML)"),
        "pdfua": _("PDF, accessible (tagged)"),
        "pdf": _("PDF, fast (not tagged)"),
        "docx": _("Word (DOCX)"),
    }


def cleaned(report: YearlyReport) -> YearlyReport:
    """A copy with every text passed through ``plain`` (no control characters)."""

    def clean(value):
        if isinstance(value, str):
            return plain(value)
        if isinstance(value, list):
            return [clean(entry) for entry in value]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return dataclasses.replace(
                value, **{f.name: clean(getattr(value, f.name)) for f in dataclasses.fields(value)}
            )
        return value

    return clean(report)


def trend_chart(report: YearlyReport) -> Chart:
    """Complaints received per year, beside those answered within the deadline."""
    figure, axes = report_charts._figure(6, 3)
    years = [str(entry.year) for entry in report.trend]
    positions = list(range(len(years)))
    received = [entry.received for entry in report.trend]
    within = [entry.within_deadline for entry in report.trend]
    bars = axes.bar([p - 0.2 for p in positions], received, width=0.4, color=BUDGET)
    on_time = axes.bar([p + 0.2 for p in positions], within, width=0.4, color=ACTUAL)
    axes.bar_label(bars, padding=2, fontsize=FONT["size"], fontfamily=FONT["family"])
    axes.bar_label(on_time, padding=2, fontsize=FONT["size"], fontfamily=FONT["family"])
    axes.set_xticks(positions, [as_label(year) for year in years])
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, max([*received, 1]) * 1.15)  # room for the figures above the bars
    axes.legend(  # below the bars, never over them
        [bars, on_time],
        [_("received"), _("answered within the deadline")],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=2,
        frameon=False,
        prop=FONT,
    )
    return Chart("trend", _("Complaints per year"), report.trend_text, figure)


def tables(report: YearlyReport) -> list[dict]:
    """The report's count tables: id, heading, first column's header, rows."""
    return [
        {
            "key": key,
            "heading": heading,
            "column": column,
            "rows": [(row.label, row.count, f"{row.share} %") for row in rows],
        }
        for key, heading, column, rows in (
            ("departments", _("By department"), _("Department"), report.by_department),
            ("subjects", _("By subject"), _("Subject"), report.by_subject),
            ("channels", _("By channel"), _("Channel"), report.by_channel),
            ("outcomes", _("By outcome"), _("Outcome"), report.by_outcome),
        )
    ]


def days(value) -> str:
    if value is None:
        return "–"
    return (f"{value:.1f}" if value % 1 else f"{value:.0f}").replace(".", ",")


def percent(value) -> str:
    return "–" if value is None else f"{value} %"


def trend_rows(report: YearlyReport) -> list[list[str]]:
    return [
        [
            str(entry.year),
            str(entry.received),
            str(entry.answered),
            days(entry.median_days),
            percent(entry.within_share),
            str(entry.founded),
            str(entry.open),
        ]
        for entry in report.trend
    ]


def trend_headers() -> list[str]:
    return [
        _("Year"),
        _("Received"),
        _("Answered"),
        _("Median days to answer"),
        _("Answered within the deadline"),
        _("Founded or partly founded"),
        _("Not handled yet"),
    ]


def key_figures(report: YearlyReport) -> list[tuple[str, str]]:
    current = report.current
    return [
        (_("Complaints received"), str(report.received)),
        (_("Answered"), str(current.answered)),
        (_("Median days from receipt to answer"), days(current.median_days)),
        (_("Answered within the deadline"), percent(current.within_share)),
        (_("Founded or partly founded"), str(current.founded)),
        (_("Not handled yet"), str(current.open)),
        (_("Complaints that led to an improvement"), str(report.improvements_total)),
    ]


def improvement_headers() -> list[str]:
    return [_("Reference"), _("Department"), _("Outcome"), _("Improvement")]


def contents(report: YearlyReport) -> list[dict]:
    entries = [{"key": "figures", "text": _("Key figures"), "level": 0}]
    entries += [{"key": t["key"], "text": t["heading"], "level": 0} for t in tables(report)]
    entries.append({"key": "trend", "text": _("Trend over the years"), "level": 0})
    entries.append({"key": "improvements", "text": _("Improvements"), "level": 0})
    return entries


def page_html(report: YearlyReport, chart: Chart, *, for_print: bool) -> str:
    """The whole report as one page (escaped by Django's templates)."""
    report = cleaned(report)
    css = Path(finders.find(pdfua.STYLE)).read_text(encoding="utf-8")
    if for_print:
        css += pdfua.running_header_css(report) + pdfua.page_label_css()
        picture = pdfua.chart_source(chart)  # a data URI
    else:
        css = "body { max-width: 60rem; margin: 1rem auto; padding: 0 1rem; }\n" + css
        picture = inline_svg(chart)
    return render_to_string(
        "complaints_public/report_document.html",
        {
            "report": report,
            "css": css,
            "for_print": for_print,
            "toc": contents(report),
            "key_figures": key_figures(report),
            "tables": tables(report),
            "trend_headers": trend_headers(),
            "trend_rows": trend_rows(report),
            "chart": chart,
            "picture": picture,
            "improvement_headers": improvement_headers(),
            "improvement_lines": improvements_lines(report),
        },
    )


def _accessible_pdf(report: YearlyReport, chart: Chart, out: Path) -> Path:
    html = page_html(report, chart, for_print=True)
    if pdfua.engine() == "chromium":
        from koers.reporting.renderers.chromium import print_to_pdf
        from koers.reporting.renderers.contents_pages import number_contents

        print_to_pdf(html, out)
        number_contents(out)
        return out
    from weasyprint import HTML

    document = HTML(string=html, base_url="about:blank", url_fetcher=pdfua._NoFetching())
    document.write_pdf(out, pdf_variant="pdf/ua-1")
    return out


class PdfBuilder(pdf_renderer.Builder):
    """The fast PDF: the plan report's title page, headings, tables and page numbers."""

    def __init__(self, report: YearlyReport, chart: Chart):
        super().__init__(report, [chart])
        self.chart = chart

    def table(self, headers, rows, widths, text_columns=()):
        table_rows = [[self.header(text) for text in headers]]
        for row in rows:
            table_rows.append(
                [
                    self.cell(value, "Cell" if n == 0 or n in text_columns else "Number")
                    for n, value in enumerate(row)
                ]
            )
        self.story.append(pdf_renderer._table(table_rows, widths, text_columns=text_columns))

    def build(self) -> list:
        report, styles = self.report, self.styles
        text = pdf_renderer._text
        self.story += [
            Spacer(1, 60 * mm),
            Paragraph(text(report.organisation), styles["Heading2"]),
            Paragraph(text(report.title), styles["Title"]),
            Paragraph(text(report.subtitle), styles["Heading2"]),
        ]
        self.para(_("made on %(when)s") % {"when": date_format(report.generated, "j F Y")})
        self.story += [NextPageTemplate("page"), PageBreak()]
        self.story.append(Paragraph(text(_("Contents")), styles["Heading1"]))
        contents_at = len(self.story)
        self.story.append(PageBreak())
        self.heading(_("Key figures"), 0)
        self.table([_("Figure"), _("Value")], key_figures(report), [110 * mm, 40 * mm])
        for entry in tables(report):
            self.heading(entry["heading"], 0)
            self.table(
                [entry["column"], _("Complaints"), _("Share")],
                entry["rows"],
                [100 * mm, 30 * mm, 25 * mm],
            )
            if not entry["rows"]:
                self.para(_("No complaints."))
        self.heading(_("Trend over the years"), 0)
        self.table(trend_headers(), trend_rows(report), [18 * mm] + [24 * mm] * 6)
        image = Image(io.BytesIO(self.chart.png))
        scale = min(1.0, 170 * mm / image.drawWidth)
        image.drawWidth *= scale
        image.drawHeight *= scale
        self.story.append(
            KeepTogether(
                [
                    Paragraph(text(self.chart.title), styles["Heading4"]),
                    image,
                    Paragraph(text(self.chart.text), styles["Muted"]),
                ]
            )
        )
        self.heading(_("Improvements"), 0)
        self.improvements_text()
        if report.improvements:
            rows = [
                [entry.reference, entry.department, entry.outcome, entry.led_to]
                for entry in report.improvements
            ]
            self.table(
                improvement_headers(),
                rows,
                [26 * mm, 36 * mm, 28 * mm, 80 * mm],
                text_columns=(1, 2, 3),
            )
        self.story[contents_at:contents_at] = self.contents
        return self.story

    def improvements_text(self) -> None:
        for line in improvements_lines(self.report):
            self.para(line)


def improvements_lines(report: YearlyReport) -> list[str]:
    if not report.improvements_total:
        return [_("No complaint of this year led to an improvement action or plan item yet.")]
    lines = [
        _("%(count)s complaints of this year led to an improvement action or to a plan item.")
        % {"count": report.improvements_total}
    ]
    if report.improvements_total > len(report.improvements):
        lines.append(_("The first %(shown)s are listed.") % {"shown": len(report.improvements)})
    return lines


def _fast_pdf(report: YearlyReport, chart: Chart, out: Path) -> Path:
    pdf_renderer._register_fonts()
    report = cleaned(report)
    story = PdfBuilder(report, chart).build()
    document = pdf_renderer.ReportDocument(str(out), report)
    document.build(
        story,
        canvasmaker=pdf_renderer.numbered_canvas(_("page %(page)s of %(pages)s"), document),
    )
    return out


class WordBuilder(docx_renderer.Builder):
    def __init__(self, report: YearlyReport, chart: Chart):
        super().__init__(report, [chart])
        self.chart = chart

    def table(self, body, headers, rows, kinds) -> None:
        columns = [
            docx_renderer.Column(header, kind) for header, kind in zip(headers, kinds, strict=True)
        ]
        docx_renderer._table(self, body, columns, rows)

    def build(self):
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm

        report = self.report
        properties = self.document.core_properties
        properties.title = docx_renderer._property(report.title)
        properties.subject = docx_renderer._property(report.subtitle)
        properties.author = properties.last_modified_by = docx_renderer._property(
            report.organisation
        )
        properties.created = properties.modified = report.generated
        properties.comments = properties.keywords = ""
        section = self.document.sections[0]
        section.header.paragraphs[0].text = f"{report.organisation} · {report.title}"
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        footer.add_run(_("page") + " ")
        docx_renderer._field(footer, "PAGE", "1")
        body = self.container()
        self.paragraph(body, report.organisation, "Subtitle")
        self.heading(body, report.title, 0)
        self.paragraph(body, report.subtitle, "Subtitle")
        self.paragraph(
            body, _("made on %(when)s") % {"when": date_format(report.generated, "j F Y")}
        )
        toc = self.paragraph(body, _("Contents"), "TOC Heading")
        toc.paragraph_format.page_break_before = True
        placeholder = self.paragraph(body)._p
        self.heading(body, _("Key figures"), 1, new_page=True)
        short, number, text = docx_renderer.SHORT, docx_renderer.NUMBER, docx_renderer.TEXT
        self.table(body, [_("Figure"), _("Value")], key_figures(report), [text, number])
        for entry in tables(report):
            self.heading(body, entry["heading"], 1)
            if entry["rows"]:
                headers = [entry["column"], _("Complaints"), _("Share")]
                self.table(body, headers, entry["rows"], [text, number, number])
            else:
                self.paragraph(body, _("No complaints."))
        self.heading(body, _("Trend over the years"), 1)
        self.table(body, trend_headers(), trend_rows(report), [short] + [number] * 6)
        self.heading(body, self.chart.title, 2)
        picture = self.paragraph(body, keep=True)
        picture.add_run().add_picture(io.BytesIO(self.chart.png), width=Cm(15))
        self.paragraph(body, self.chart.text, "Caption")
        self.heading(body, _("Improvements"), 1)
        for line in improvements_lines(report):
            self.paragraph(body, line)
        if report.improvements:
            rows = [
                [entry.reference, entry.department, entry.outcome, entry.led_to]
                for entry in report.improvements
            ]
            self.table(body, improvement_headers(), rows, [short, text, short, text])
        self.flush(body)
        self.table_of_contents(placeholder)
        self._fields_update_on_open()
        return self.document


def render(report: YearlyReport, fmt: str, out: Path) -> Path:
    """Write the report in ``fmt`` (html, pdfua, pdf, docx) to the file ``out``."""
    if fmt not in FORMATS:
        raise ValidationError(_("Unknown report format: %(fmt)s") % {"fmt": fmt})
    out = Path(out)
    chart = trend_chart(cleaned(report))
    try:
        if fmt == "html":
            out.write_text(page_html(report, chart, for_print=False), encoding="utf-8")
        elif fmt == "pdfua":
            _accessible_pdf(report, chart, out)
        elif fmt == "pdf":
            _fast_pdf(report, chart, out)
        else:
            WordBuilder(cleaned(report), chart).build().save(str(out))
    finally:
        chart.close()
    return out
