"""The report as a Word document (python-docx): Word's own heading styles, so that a table
of contents and an organisation's template work; tables; the charts as images.

Texts are written as runs of text (python-docx escapes them), tables as XML whose texts
go through ``richtext.markup``; the report is ``richtext.cleaned`` first, so no text
holds a character XML cannot. Rich text is rebuilt from ``richtext.rich_blocks``: no
links, no images."""

import io
from pathlib import Path

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.blkcntnr import BlockItemContainer
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from koers.plans.templatetags.koers import euro
from koers.reporting.charts import Chart
from koers.reporting.contents import (
    FLEMISH,
    Report,
    ReportItem,
    programme_figure_labels,
    year_figure_labels,
)
from koers.reporting.richtext import cleaned, markup, rich_blocks


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (table of contents, page number) that Word fills in when it opens."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = instruction
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = placeholder
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, code, separate, shown, end):
        run._r.append(element)


def _rich_text(builder, container, html: str) -> None:
    blocks = rich_blocks(html)
    if not blocks:
        container.add_paragraph("–")
    for block in blocks:
        paragraph = builder.paragraph(container, "", "List Bullet" if block.bullet else None)
        for part in block.runs:
            if part.line_break:
                paragraph.add_run().add_break()
            elif part.text:
                run = paragraph.add_run(part.text)
                run.bold, run.italic = part.bold or None, part.italic or None


def _cell(text, width: int, right: bool, bold: bool = False) -> str:
    alignment = '<w:pPr><w:jc w:val="right"/></w:pPr>' if right else ""
    weight = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p>{alignment}'
        f'<w:r>{weight}<w:t xml:space="preserve">{markup(text)}</w:t></w:r></w:p></w:tc>'
    )


def _table(builder, container, header: list, rows: list[list], numeric_from: int = 1) -> None:
    """A table in Word's "Table Grid" style whose header row repeats on every page.
    Written as XML in one go: python-docx's cell by cell API is slow for thousands of
    cells."""
    width = int(builder.width.twips / len(header))
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for _ in header)
    head = "".join(_cell(text, width, False, bold=True) for text in header)
    body = "".join(
        "<w:tr>"
        + "".join(
            _cell(value, width, number >= numeric_from) for number, value in enumerate(values)
        )
        + "</w:tr>"
        for values in rows
    )
    xml = (
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblStyle w:val="{builder.style_id("Table Grid")}"/><w:tblW w:w="0" w:type="auto"/>'
        f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        f'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
        f'<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>{head}</w:tr>{body}</w:tbl>'
    )
    container._element.append(parse_xml(xml))


class Builder:
    """Writes into small detached containers that are moved into the document body at
    once: python-docx looks for the section properties after every added block, which
    makes adding to a large document slow (quadratic)."""

    def __init__(self, report: Report, charts: list[Chart], progress=None):
        self.report, self.charts, self.progress = report, charts, progress
        template = settings.KOERS_REPORT_DOCX_TEMPLATE
        # The organisation's own Word template (its styles, header, first pages) when set.
        self.document = Document(str(template) if template else None)
        if not template:
            style = self.document.styles["Normal"]
            style.font.name = "DejaVu Sans"
            style.font.size = Pt(10)
        self.width = self.document._block_width
        self._style_ids: dict[str, str] = {}

    def style_id(self, name: str) -> str:
        if name not in self._style_ids:
            self._style_ids[name] = self.document.styles[name].style_id
        return self._style_ids[name]

    def container(self) -> BlockItemContainer:
        return BlockItemContainer(OxmlElement("w:body"), self.document._body)

    def flush(self, container: BlockItemContainer) -> None:
        end = self.document.element.body.sectPr
        for element in list(container._element):
            end.addprevious(element)

    def paragraph(self, container, text: str = "", style: str | None = None):
        paragraph = container.add_paragraph(text)
        if style:
            paragraph._p.style = self.style_id(style)
        return paragraph

    def heading(self, container, text: str, level: int):
        return self.paragraph(container, text, "Title" if level == 0 else f"Heading {level}")

    def bold(self, container, text: str) -> None:
        self.paragraph(container).add_run(text).bold = True

    def build(self):
        report = self.report
        section = self.document.sections[0]
        section.header.paragraphs[0].text = f"{report.organisation} · {report.title}"
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        footer.add_run(_("page") + " ")
        _field(footer, "PAGE", "1")
        body = self.container()
        self.paragraph(body, report.organisation, "Subtitle")
        self.paragraph(body, report.title, "Title")
        self.paragraph(body, report.subtitle, "Subtitle")
        if report.period:
            start, end = (date_format(day, "j F Y") for day in report.period)
            self.paragraph(body, f"{start} – {end}")
        if report.filters:
            self.paragraph(body, report.filters)
        self.paragraph(
            body, _("made on %(when)s") % {"when": date_format(report.generated_at, "j F Y")}
        )
        self.paragraph(body).add_run().add_break(WD_BREAK.PAGE)
        self.paragraph(body, _("Contents"), "TOC Heading")
        _field(
            self.paragraph(body),
            'TOC \\o "1-4" \\h \\z \\u',
            _("Right-click and choose 'Update field' to show the table of contents."),
        )
        self.paragraph(body).add_run().add_break(WD_BREAK.PAGE)
        self.summary(body)
        self.paragraph(body).add_run().add_break(WD_BREAK.PAGE)
        self.heading(body, _("The plan, item by item"), 1)
        self.flush(body)
        for number, item in enumerate(report.items):
            block = self.container()
            self.item(block, item)
            self.flush(block)
            if self.progress:
                self.progress(number + 1, len(report.items))
        return self.document

    def summary(self, body) -> None:
        report, summary = self.report, self.report.summary
        self.heading(body, _("Summary"), 1)
        rows = [[name, count] for name, _colour, count in summary.status_counts]
        rows.append([_("Total"), summary.items_counted])
        _table(self, body, [_("Status"), _("Items")], rows)
        self.paragraph(
            body,
            _("%(done)s of %(total)s milestones done.")
            % {"done": summary.milestones_done, "total": summary.milestones_total},
        )
        self.heading(body, _("Budget (current) and actual per goal and year"), 2)
        rows = []
        for goal in summary.goals:
            row = [f"{goal.code} {goal.title}"]
            for year in summary.years:
                money = goal.years.get(year)
                row.append(f"{euro(money.current)} / {euro(money.actual)}" if money else "–")
            row.append(f"{euro(goal.total.current)} / {euro(goal.total.actual)}")
            rows.append(row)
        _table(self, body, [_("Goal"), *summary.years, _("Total")], rows)
        for chart in self.charts:
            self.heading(body, chart.title, 3)
            self.paragraph(body).add_run().add_picture(io.BytesIO(chart.png), width=Cm(15))
            self.paragraph(body, chart.text, "Caption")
        if report.variant == FLEMISH:
            self.flemish_chapters(body)
        else:
            self.dutch_costs(body)

    def flemish_chapters(self, body) -> None:
        summary = self.report.summary
        self.heading(body, _("Priority actions"), 2)
        rows = [
            [
                item.heading,
                item.status or "–",
                item.percent_text or "–",
            ]
            for item in summary.priority_items
        ]
        _table(self, body, [_("Item"), _("Status"), _("Progress")], rows, numeric_from=2)
        year = summary.current_year
        self.heading(
            body, _("Receipts and expenses in %(year)s: planned and realised") % {"year": year}, 2
        )
        rows = [
            [goal.heading, *(euro(value) for value in goal.year_figures(year))]
            for goal in summary.goals
        ]
        _table(self, body, [_("Goal"), *year_figure_labels()], rows)
        self.heading(body, _("Changed assumptions"), 2)
        _rich_text(self, body, self.report.changed_assumptions or _("No changes."))
        self.heading(body, _("Changed financial risks"), 2)
        _rich_text(self, body, self.report.changed_risks or _("No changes."))

    def dutch_costs(self, body) -> None:
        self.heading(body, _("Costs per programme"), 2)
        rows = [
            [goal.heading, *(euro(value) for value in goal.programme_figures)]
            for goal in self.report.summary.goals
        ]
        _table(self, body, [_("Programme"), *programme_figure_labels()], rows)
        self.paragraph(body, _("Difference: amended budget minus actual."))

    def item(self, block, item: ReportItem) -> None:
        labels = self.report.labels
        self.heading(block, item.heading, min(item.level + 1, 9))
        self.paragraph(block, " · ".join(item.facts), "Caption")
        if item.context_only:
            return
        for title, text in (
            (labels.get("description") or _("Description"), item.description),
            (labels.get("intent"), item.intent),
            (labels.get("progress") or _("Progress"), item.progress),
        ):
            if title:
                self.bold(block, title)
                _rich_text(self, block, text)
        if item.milestones or item.timing:
            self.bold(block, labels.get("milestones") or _("Milestones"))
            if item.timing:
                self.paragraph(block, item.timing)
            rows = []
            for milestone in item.milestones:
                done = _("yes") if milestone.done else _("no")
                if milestone.done and milestone.done_on:
                    done += ", " + milestone.done_on.strftime("%d-%m-%Y")
                rows.append([milestone.title, milestone.planned or "–", done])
            if rows:
                header = [_("Milestone"), _("Planned"), _("Done")]
                _table(self, block, header, rows, numeric_from=9)
        if len(item.money) > 1:
            self.bold(block, labels.get("cost") or _("Cost"))
            rows = [
                [
                    _("Total") if money.year is None else money.year,
                    euro(money.expense.initial),
                    euro(money.expense.current),
                    euro(money.expense.actual),
                    euro(money.expense.remaining),
                ]
                for money in item.money
            ]
            header = [
                _("Year"),
                _("Initial budget"),
                _("Current budget"),
                _("Actual"),
                _("Remaining"),
            ]
            _table(self, block, header, rows)


def render(report: Report, charts: list[Chart], out: Path, progress=None) -> Path:
    out = Path(out)
    Builder(cleaned(report), charts, progress).build().save(str(out))
    return out
