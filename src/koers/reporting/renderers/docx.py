"""The report as a Word document (python-docx): A4, in the plan's Dutch (nl-BE or nl-NL),
Word's own heading styles, so that the table of contents, the navigation pane and an
organisation's template work; tables whose columns fit their content; the charts as images.

Texts are written as runs of text (python-docx escapes them), tables and the table of
contents as XML whose texts go through ``richtext.markup``; the report is
``richtext.cleaned`` first, so no text holds a character XML cannot. Rich text is rebuilt
from ``richtext.rich_blocks``: no links, no images."""

import io
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib
from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.blkcntnr import BlockItemContainer
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, Twips
from PIL import ImageFont

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
from koers.reporting.richtext import cleaned, markup, rich_blocks

# A4 (210 by 297 mm, in Word's own twips) with margins that leave 16.6 cm of text width:
# the page of a document in Belgium or the Netherlands (python-docx's template is US Letter).
PAGE_WIDTH, PAGE_HEIGHT = Twips(11906), Twips(16838)
MARGIN_TOP = MARGIN_BOTTOM = Cm(2.5)
MARGIN_LEFT = MARGIN_RIGHT = Cm(2.2)
TOC_LEVELS = 4  # headings up to this level are in the table of contents
TABLE_FONT_PT = 9
CELL_PADDING = 2 * 108  # twips: Word's default left and right cell margin
WIDEST_AMOUNT = 12_345_678  # every amount column is at least as wide as this amount
TEXT_MIN = Cm(3).twips  # a column of wrapping text is never narrower
SHORT_MAX = Cm(4.5).twips  # a column of short texts (status, date) wraps beyond this


# Column kinds: how a column is sized and aligned.
TEXT = "text"  # wraps; the columns of this kind share the width the others leave
SHORT = "short"  # as wide as its longest text, up to SHORT_MAX
NUMBER = "number"  # right-aligned, never wraps
AMOUNT = "amount"  # right-aligned, never wraps, at least as wide as WIDEST_AMOUNT


@dataclass
class Column:
    header: str
    kind: str = TEXT

    @property
    def right(self) -> bool:
        return self.kind in (NUMBER, AMOUNT)


@lru_cache(maxsize=2)
def _font(bold: bool):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name), 100)


@lru_cache(maxsize=8192)
def text_twips(text: str, bold: bool = False) -> int:
    """The width of ``text`` on one line in a table cell (DejaVu Sans, the report's font,
    at the tables' size), in twips."""
    return math.ceil(_font(bold).getlength(text) / 100 * TABLE_FONT_PT * 20)


def _lines(value) -> list[str]:
    """A cell holds one text, or several lines (a list)."""
    if isinstance(value, list | tuple):
        return [str(line) for line in value]
    return [str(value)]


def column_widths(
    columns: list[Column], rows: list[list], total: int, bold: bool = False
) -> list[int]:
    """Twips per column: numbers and amounts as wide as their widest value (never
    wrapped), short texts as wide as their longest (up to SHORT_MAX), and the columns of
    running text share what is left, in proportion to their longest text. The sum is
    never more than ``total`` (the text width). ``bold``: values of the narrow kinds are
    measured in bold, as a table with a total row shows them."""

    def longest(index: int, bold: bool = bold) -> int:
        lines = (line for row in rows for line in _lines(row[index]))
        return max((text_twips(line, bold) for line in lines), default=0)

    def longest_word(index: int) -> int:
        words = [word for row in rows for line in _lines(row[index]) for word in line.split()]
        return max((text_twips(word, bold) for word in words), default=0)

    widths: list[int | None] = []
    for index, column in enumerate(columns):
        header = max((text_twips(word, bold=True) for word in column.header.split()), default=0)
        if column.kind == AMOUNT:
            width = max(longest(index), text_twips(euro(WIDEST_AMOUNT), bold), header)
        elif column.kind == NUMBER:
            width = max(longest(index), header)
        elif column.kind == SHORT:
            width = max(min(longest(index), SHORT_MAX), longest_word(index), header)
        else:
            widths.append(None)
            continue
        widths.append(width + CELL_PADDING + 40)
    fixed = sum(width for width in widths if width is not None)
    texts = [index for index, width in enumerate(widths) if width is None]
    if texts:
        wanted = {index: max(longest(index, bold=False), TEXT_MIN) for index in texts}
        left = max(total - fixed, TEXT_MIN * len(texts))
        if sum(wanted.values()) + CELL_PADDING * len(texts) <= left:
            for index in texts:  # all on one line: no wider than that
                widths[index] = wanted[index] + CELL_PADDING + 40
        else:
            share = sum(wanted.values())
            for index in texts:
                widths[index] = max(TEXT_MIN, left * wanted[index] // share)
    if sum(widths) > total:  # too many columns: narrow them all alike (callers avoid this)
        widths = [width * total // sum(widths) for width in widths]
    return widths


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (page number) that Word fills in when it opens."""
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


def _cell(
    value, width: int, column: Column, *, header: bool = False, bold: bool = False, keep=False
) -> str:
    keep_next = "<w:keepNext/>" if keep else ""
    alignment = '<w:jc w:val="right"/>' if column.right else ""
    shading = '<w:shd w:val="clear" w:color="auto" w:fill="E7E9EE"/>' if header else ""
    # An amount or number is never broken across lines (the euro sign is followed by a
    # no-break space already); the column is made wide enough for it.
    no_wrap = "<w:noWrap/>" if column.right and not header else ""
    weight = "<w:b/>" if header or bold else ""
    size = TABLE_FONT_PT * 2
    run_properties = f'<w:rPr>{weight}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
    runs = "<w:r><w:br/></w:r>".join(
        f'<w:r>{run_properties}<w:t xml:space="preserve">{markup(line)}</w:t></w:r>'
        for line in _lines(value)
    )
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}{no_wrap}</w:tcPr>'
        f'<w:p><w:pPr>{keep_next}<w:spacing w:before="20" w:after="20" w:line="240" '
        f'w:lineRule="auto"/>{alignment}</w:pPr>{runs}</w:p></w:tc>'
    )


KEEP_WHOLE = 12  # a table of at most this many rows is kept on one page


def _table(
    builder, container, columns: list[Column], rows: list[list], total_row: bool = False
) -> None:
    """A table in Word's "Table Grid" style with a width per column (``column_widths``)
    and a fixed layout, whose header row repeats on every page and whose rows never break
    across pages. A short table stays on one page with what comes before it; a long one
    keeps its header with its first rows and its last row (a total) with the one before.
    Written as XML in one go: python-docx's cell by cell API is slow for thousands of
    cells. ``total_row``: the last row is a total, in bold."""
    widths = column_widths(columns, rows, builder.width.twips, bold=total_row)
    last = len(rows) - 1

    def kept(number: int) -> bool:  # this row's paragraphs keep with the next row
        if number == last:
            return False
        return len(rows) <= KEEP_WHOLE or number < 2 or number == last - 1

    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    head = "".join(
        _cell(column.header, width, column, header=True, keep=True)
        for column, width in zip(columns, widths, strict=True)
    )
    body = "".join(
        "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        + "".join(
            _cell(value, width, column, bold=total_row and number == last, keep=kept(number))
            for value, width, column in zip(values, widths, columns, strict=True)
        )
        + "</w:tr>"
        for number, values in enumerate(rows)
    )
    xml = (
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblStyle w:val="{builder.style_id("Table Grid")}"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        f'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
        f'<w:tr><w:trPr><w:cantSplit/><w:tblHeader w:val="true"/></w:trPr>{head}</w:tr>'
        f"{body}</w:tbl>"
    )
    container._element.append(parse_xml(xml))


def _toc_paragraph(style_id: str, text: str, first: bool, last: bool) -> str:
    """One line of the table of contents: the heading's text in Word's "toc N" style. The
    first line opens the TOC field (marked dirty: Word rebuilds it, with page numbers, when
    it opens the document), the last one closes it. A reader that does not update fields
    (LibreOffice converting to PDF) shows these lines, without page numbers: those only
    layout knows."""
    begin = (
        '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u '
        '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        if first
        else ""
    )
    end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if last else ""
    return (
        f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>{begin}'
        f'<w:r><w:t xml:space="preserve">{markup(text)}</w:t></w:r>{end}</w:p>'
    )


def _toc_style(level: int, width: int) -> str:
    """Word's built-in "toc N" paragraph style: indented per level, the page number (that
    Word writes when it updates the table) at the right margin after a dotted leader."""
    return (
        f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="TOC{level}">'
        f'<w:name w:val="toc {level}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>'
        '<w:uiPriority w:val="39"/><w:unhideWhenUsed/><w:pPr>'
        f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{width}"/></w:tabs>'
        f'<w:spacing w:after="60"/><w:ind w:left="{220 * (level - 1)}"/></w:pPr></w:style>'
    )


def _property(text: str) -> str:
    """A core property (title, subject, author) holds at most 255 characters."""
    return text if len(text) <= 255 else text[:254] + "…"


class Builder:
    """Writes into small detached containers that are moved into the document body at
    once: python-docx looks for the section properties after every added block, which
    makes adding to a large document slow (quadratic)."""

    def __init__(self, report: Report, charts: list[Chart], progress=None):
        self.report, self.charts, self.progress = report, charts, progress
        template = settings.KOERS_REPORT_DOCX_TEMPLATE
        # The organisation's own Word template (its styles, page, header, first pages) when set.
        self.document = Document(str(template) if template else None)
        if not template:
            self._house_style()
        self._language(report.language)
        self._style_ids: dict[str, str] = {}
        self.width = self.document._block_width
        self.headings: list[tuple[int, str]] = []  # (level, text) for the table of contents

    def _house_style(self) -> None:
        """A4, DejaVu Sans (the charts' font) for the text and the headings."""
        section = self.document.sections[0]
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.header_distance = section.footer_distance = Cm(1.2)
        style = self.document.styles["Normal"]
        style.font.name = "DejaVu Sans"
        style.font.size = Pt(10)
        for name in ("Title", "Subtitle", "TOC Heading", *(f"Heading {n}" for n in range(1, 10))):
            style = self.document.styles[name]
            style.font.name = "DejaVu Sans"
            fonts = style.element.rPr.rFonts
            for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(theme), None)

    def _language(self, language: str) -> None:
        """The document's language in the default run properties (and every style that
        names one), so that Word checks the spelling in this Dutch; the core properties
        say it too. Word's note that the spelling was checked already is dropped."""
        styles = self.document.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is None:
            defaults = OxmlElement("w:docDefaults")
            styles.insert(0, defaults)
        run_defaults = defaults.find(qn("w:rPrDefault"))
        if run_defaults is None:
            run_defaults = OxmlElement("w:rPrDefault")
            defaults.insert(0, run_defaults)
        properties = run_defaults.find(qn("w:rPr"))
        if properties is None:
            properties = OxmlElement("w:rPr")
            run_defaults.append(properties)
        if properties.find(qn("w:lang")) is None:
            properties.append(OxmlElement("w:lang"))
        for element in styles.iter(qn("w:lang")):
            element.set(qn("w:val"), language)
        settings_xml = self.document.settings.element
        for element in settings_xml.findall(qn("w:proofState")):
            settings_xml.remove(element)
        self.document.core_properties.language = language

    def _fields_update_on_open(self) -> None:
        """settings.xml ``updateFields``: Word updates the table of contents (and its page
        numbers) when it opens the document."""
        settings_xml = self.document.settings.element
        update = settings_xml.find(qn("w:updateFields"))
        if update is None:
            update = OxmlElement("w:updateFields")
            later = ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat")
            following = next(
                (found for tag in later if (found := settings_xml.find(qn(tag))) is not None),
                None,
            )
            if following is not None:
                following.addprevious(update)
            else:
                settings_xml.append(update)
        update.set(qn("w:val"), "true")

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

    def paragraph(self, container, text: str = "", style: str | None = None, keep: bool = False):
        paragraph = container.add_paragraph(text)
        if style:
            paragraph._p.style = self.style_id(style)
        if keep:
            paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def heading(self, container, text: str, level: int, new_page: bool = False):
        """A paragraph in Word's heading style of ``level`` (0: the title), kept with what
        follows; listed in the table of contents up to TOC_LEVELS."""
        paragraph = self.paragraph(container, text, "Title" if level == 0 else f"Heading {level}")
        paragraph.paragraph_format.keep_with_next = True
        if new_page:
            paragraph.paragraph_format.page_break_before = True
        paragraph.paragraph_format.keep_together = True
        if 1 <= level <= TOC_LEVELS:
            self.headings.append((level, text))
        return paragraph

    def bold(self, container, text: str) -> None:
        """A label kept with what follows, with room above it (it may follow a table)."""
        paragraph = self.paragraph(container, keep=True)
        paragraph.paragraph_format.space_before = Pt(10)
        paragraph.add_run(text).bold = True

    def after_table(self, container, text: str) -> None:
        self.paragraph(container, text).paragraph_format.space_before = Pt(6)

    def build(self):
        report = self.report
        properties = self.document.core_properties
        properties.title = _property(report.title)
        properties.subject = _property(report.subtitle)
        properties.author = properties.last_modified_by = _property(report.organisation)
        properties.created = properties.modified = report.generated_at
        properties.comments = properties.keywords = ""
        section = self.document.sections[0]
        section.header.paragraphs[0].text = f"{report.organisation} · {report.title}"
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        footer.add_run(_("page") + " ")
        _field(footer, "PAGE", "1")
        body = self.container()
        self.paragraph(body, report.organisation, "Subtitle")
        self.heading(body, report.title, 0)
        self.paragraph(body, report.subtitle, "Subtitle")
        if report.period:
            start, end = (date_format(day, "j F Y") for day in report.period)
            self.paragraph(body, f"{start} – {end}")
        if report.filters:
            self.paragraph(body, report.filters)
        self.paragraph(
            body, _("made on %(when)s") % {"when": date_format(report.generated_at, "j F Y")}
        )
        # New pages start with a heading ("page break before"), not with an empty paragraph
        # holding a page break, which makes an empty page when it falls on a page's end.
        toc = self.paragraph(body, _("Contents"), "TOC Heading")
        toc.paragraph_format.page_break_before = True
        contents = self.paragraph(body)._p  # replaced by the table of contents at the end
        self.summary(body)
        self.heading(body, _("The plan, item by item"), 1, new_page=True)
        self.flush(body)
        for number, item in enumerate(report.items):
            block = self.container()
            self.item(block, item)
            self.flush(block)
            if self.progress:
                self.progress(number + 1, len(report.items))
        self.table_of_contents(contents)
        self._fields_update_on_open()
        return self.document

    def table_of_contents(self, placeholder) -> None:
        """The TOC field written with its entries, so that a reader that does not update
        fields (LibreOffice converting to PDF, a viewer) shows them too."""
        styles = self.document.styles.element
        known = {style.get(qn("w:styleId")) for style in styles.findall(qn("w:style"))}
        for level in range(1, TOC_LEVELS + 1):
            if f"TOC{level}" not in known:
                styles.append(parse_xml(_toc_style(level, self.width.twips)))
        last = len(self.headings) - 1
        for number, (level, text) in enumerate(reversed(self.headings)):
            paragraph = _toc_paragraph(f"TOC{level}", text, first=number == last, last=number == 0)
            placeholder.addnext(parse_xml(paragraph))
        placeholder.getparent().remove(placeholder)

    def summary(self, body) -> None:
        report, summary = self.report, self.report.summary
        self.heading(body, _("Summary"), 1, new_page=True)
        rows = [[name, count] for name, _colour, count in summary.status_counts]
        rows.append([_("Total"), summary.items_counted])
        _table(self, body, [Column(_("Status")), Column(_("Items"), NUMBER)], rows, True)
        self.after_table(
            body,
            _("%(done)s of %(total)s milestones done.")
            % {"done": summary.milestones_done, "total": summary.milestones_total},
        )
        self.heading(body, _("Budget (current) and actual per goal and year"), 2)
        self.goal_years(body)
        for chart in self.charts:
            self.heading(body, chart.title, 3)
            picture = self.paragraph(body, keep=True)
            picture.add_run().add_picture(io.BytesIO(chart.png), width=Cm(15))
            self.paragraph(body, chart.text, "Caption")
        if report.variant == FLEMISH:
            self.flemish_chapters(body)
        else:
            self.dutch_costs(body)

    def goal_years(self, body) -> None:
        """Per goal and year the current budget with the actual below it, and the total;
        in as many tables, each with the goals, as the years need to fit the page."""
        summary = self.report.summary
        legend = _("In each cell: the current budget, with the actual below it.")
        self.paragraph(body, legend, keep=True)
        rows = []
        for goal in summary.goals:
            row = [goal.heading]
            for year in summary.years:
                money = goal.years.get(year)
                row.append([euro(money.current), euro(money.actual)] if money else "–")
            row.append([euro(goal.total.current), euro(goal.total.actual)])
            rows.append(row)
        columns = [Column(str(year), AMOUNT) for year in summary.years]
        columns.append(Column(_("Total"), AMOUNT))
        widths = column_widths(columns, [row[1:] for row in rows], 10**9)
        room = self.width.twips - TEXT_MIN  # the goal column keeps its least width
        tables = math.ceil(len(columns) / max(1, room // max(widths)))
        per_table = math.ceil(len(columns) / tables)  # as many columns in each table
        for start in range(0, len(columns), per_table):
            part = range(start, min(start + per_table, len(columns)))
            _table(
                self,
                body,
                [Column(_("Goal")), *(columns[index] for index in part)],
                [[row[0], *(row[index + 1] for index in part)] for row in rows],
            )
            if part.stop < len(columns):
                self.paragraph(body, keep=True)

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
        columns = [Column(_("Item")), Column(_("Status"), SHORT), Column(_("Progress"))]
        _table(self, body, columns, rows)
        year = summary.current_year
        self.heading(
            body, _("Receipts and expenses in %(year)s: planned and realised") % {"year": year}, 2
        )
        rows = [
            [goal.heading, *(euro(value) for value in goal.year_figures(year))]
            for goal in summary.goals
        ]
        columns = [Column(_("Goal")), *(Column(label, AMOUNT) for label in year_figure_labels())]
        _table(self, body, columns, rows)
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
        columns = [
            Column(_("Programme")),
            *(Column(label, AMOUNT) for label in programme_figure_labels()),
        ]
        _table(self, body, columns, rows)
        self.after_table(body, _("Difference: amended budget minus actual."))

    def item(self, block, item: ReportItem) -> None:
        labels = self.report.labels
        self.heading(block, item.heading, min(item.level + 1, 9))
        self.paragraph(block, " · ".join(item.facts), "Caption", keep=True)
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
                self.paragraph(block, item.timing, keep=bool(item.milestones))
            rows = []
            for milestone in item.milestones:
                done = _("yes") if milestone.done else _("no")
                if milestone.done and milestone.done_on:
                    done += ", " + date_format(milestone.done_on)
                rows.append([milestone.title, milestone.planned or "–", done])
            if rows:
                columns = [
                    Column(_("Milestone")),
                    Column(_("Planned"), SHORT),
                    Column(_("Done"), SHORT),
                ]
                _table(self, block, columns, rows)
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
            columns = [
                Column(_("Year"), SHORT),
                Column(_("Initial budget"), AMOUNT),
                Column(_("Current budget"), AMOUNT),
                Column(_("Actual"), AMOUNT),
                Column(_("Remaining"), AMOUNT),
            ]
            _table(self, block, columns, rows, total_row=True)
        if item.indicators:
            self.bold(block, _("Indicators of this item"))
            headings = report_indicators.columns()
            kinds = (TEXT, SHORT, SHORT, SHORT, SHORT, TEXT)
            columns = [Column(heading, kind) for heading, kind in zip(headings, kinds, strict=True)]
            rows = [report_indicators.row(indicator) for indicator in item.indicators]
            _table(self, block, columns, rows)


def render(report: Report, charts: list[Chart], out: Path, progress=None) -> Path:
    out = Path(out)
    Builder(cleaned(report), charts, progress).build().save(str(out))
    return out
