"""The Word report: A4, the plan's Dutch, a table of contents with its entries, headings
kept with what follows, and tables whose columns fit their content."""

import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from docx import Document
from docx.shared import Cm

from koers.plans.models import PlanItem
from koers.plans.templatetags.koers import euro
from koers.reporting.contents import build_report
from koers.reporting.renderers.docx import (
    AMOUNT,
    CELL_PADDING,
    NUMBER,
    SHORT,
    TEXT,
    Column,
    column_widths,
    text_twips,
)
from koers.reporting.services import make_report

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_WIDTH = Cm(21 - 2 * 2.2).twips  # A4 less the left and right margins (within a twip)


def _round(demo):
    return demo.plan.rounds.get(name="Opvolging voorjaar 2026")


@pytest.fixture
def word(demo, tmp_path):
    """The demo follow-up report as a Word file."""
    return make_report(demo.plan, _round(demo), "docx", tmp_path / "report.docx")


def _part(path, name: str):
    with zipfile.ZipFile(path) as archive:
        return ElementTree.fromstring(archive.read(name))


def _text(paragraph) -> str:
    return "".join(node.text or "" for node in paragraph.iter(f"{W}t"))


def _style(paragraph) -> str:
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val") if style is not None else ""


def test_the_page_is_a4_with_margins_and_the_title_is_in_the_properties(demo, word):
    document = Document(word)
    section = document.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin)
    assert [round(margin.mm) for margin in margins] == [22, 22, 25, 25]
    assert document.core_properties.title == "Opvolgingsrapportering Meerjarenplan 2026-2031"
    assert document.core_properties.subject == "Opvolging voorjaar 2026"
    assert document.core_properties.author == "Gemeente Voorbeeld"


@pytest.mark.parametrize(("which", "language"), [("plan", "nl-BE"), ("dutch_plan", "nl-NL")])
def test_the_document_language_is_the_plans_dutch(demo, tmp_path, which, language):
    path = make_report(getattr(demo, which), None, "docx", tmp_path / "r.docx")
    styles = _part(path, "word/styles.xml")
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert default.get(f"{W}val") == language
    assert {node.get(f"{W}val") for node in styles.iter(f"{W}lang")} == {language}
    assert Document(path).core_properties.language == language
    # Word's mark that the spelling was checked already would keep it from checking.
    assert _part(path, "word/settings.xml").find(f"{W}proofState") is None


def test_the_table_of_contents_is_a_field_word_updates_written_with_its_entries(demo, word):
    settings = _part(word, "word/settings.xml")
    assert settings.find(f"{W}updateFields").get(f"{W}val") == "true"
    tags = [child.tag for child in settings]  # in the schema's order: before w:compat
    assert tags.index(f"{W}updateFields") < tags.index(f"{W}compat")
    body = _part(word, "word/document.xml").find(f"{W}body")
    paragraphs = list(body.iter(f"{W}p"))
    entries = [p for p in paragraphs if _style(p).startswith("TOC") and _style(p) != "TOCHeading"]
    first = entries[0]
    begin = first.find(f"{W}r/{W}fldChar")
    assert begin.get(f"{W}fldCharType") == "begin" and begin.get(f"{W}dirty") == "true"
    assert first.find(f"{W}r/{W}instrText").text.strip() == 'TOC \\o "1-4" \\h \\z \\u'
    assert entries[-1].findall(f"{W}r/{W}fldChar")[-1].get(f"{W}fldCharType") == "end"
    # One entry per heading of levels 1 to 4, in the order of the document.
    headings = [
        (f"TOC{_style(p)[-1]}", _text(p))
        for p in paragraphs
        if re.fullmatch(r"Heading[1-4]", _style(p))
    ]
    assert [(_style(p), _text(p)) for p in entries] == headings
    items = PlanItem.objects.filter(plan=demo.plan, depth__gt=1, depth__lte=4)
    assert len(headings) == items.count() + 10  # and the chapters: 2 + 5 + 3 charts
    assert ("TOC2", "BD1 Een warme en inclusieve gemeente waar iedereen meetelt") in headings
    styles = {
        style.get(f"{W}styleId"): style
        for style in _part(word, "word/styles.xml").findall(f"{W}style")
    }
    for level in range(1, 5):
        assert styles[f"TOC{level}"].find(f"{W}name").get(f"{W}val") == f"toc {level}"


def test_headings_labels_and_short_tables_stay_with_what_follows(demo, word):
    document = Document(word)
    paragraphs = document.paragraphs
    for number, paragraph in enumerate(paragraphs):
        if paragraph.style.name.startswith("Heading"):
            assert paragraph.paragraph_format.keep_with_next, paragraph.text
            following = paragraphs[number + 1]
            if following.style.name == "Caption":  # an item's facts under its heading
                assert following.paragraph_format.keep_with_next, following.text
    names = set(build_report(demo.plan).labels.values())  # "Ons plan", "Wat kost het", ...
    labels = [p for p in paragraphs if len(p.runs) == 1 and p.runs[0].bold and p.text in names]
    assert len(labels) > 100
    assert all(label.paragraph_format.keep_with_next for label in labels)
    body = _part(word, "word/document.xml").find(f"{W}body")
    for table in body.iter(f"{W}tbl"):
        rows = table.findall(f"{W}tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None  # repeats on every page
        assert all(row.find(f"{W}trPr/{W}cantSplit") is not None for row in rows)
        kept = [row.find(f"{W}tc/{W}p/{W}pPr/{W}keepNext") is not None for row in rows]
        if len(rows) <= 13:  # a short table stays together: every row but the last
            assert kept == [True] * (len(rows) - 1) + [False]
        else:  # a long one: its header with two rows, its last two rows together
            assert kept[:3] == [True, True, True] and kept[-2:] == [True, False]


def test_chapters_start_a_page_with_their_heading_not_with_an_empty_page_break(demo, word):
    document = Document(word)
    starts = [p.text for p in document.paragraphs if p.paragraph_format.page_break_before]
    assert starts == ["Inhoud", "Samenvatting", "Het plan, onderdeel per onderdeel"]
    body = _part(word, "word/document.xml").find(f"{W}body")
    assert [br for br in body.iter(f"{W}br") if br.get(f"{W}type") == "page"] == []


def _tables(path):
    body = _part(path, "word/document.xml").find(f"{W}body")
    return list(body.iter(f"{W}tbl"))


def _text_width(path) -> int:
    section = Document(path).sections[0]
    return (section.page_width - section.left_margin - section.right_margin) // 635


def test_every_table_fits_the_page_and_amounts_never_wrap(demo, word):
    text_width = _text_width(word)
    assert abs(text_width - TEXT_WIDTH) <= 1
    amounts = 0
    for table in _tables(word):
        assert table.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
        grid = [int(col.get(f"{W}w")) for col in table.iter(f"{W}gridCol")]
        assert sum(grid) <= text_width
        for row in table.findall(f"{W}tr")[1:]:
            for cell, width in zip(row.findall(f"{W}tc"), grid, strict=True):
                assert int(cell.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) == width
                lines = [node.text for node in cell.iter(f"{W}t")]
                if not any(line.startswith("€") for line in lines):
                    continue
                amounts += 1
                assert cell.find(f"{W}tcPr/{W}noWrap") is not None
                assert cell.find(f"{W}p/{W}pPr/{W}jc").get(f"{W}val") == "right"
                for line in lines:  # a no-break space after the euro sign, fits one line
                    assert re.fullmatch(r"€\u00a0-?\d{1,3}(\.\d{3})*", line), line
                    assert text_twips(line, bold=True) + CELL_PADDING <= width
    assert amounts > 500


def test_the_budget_per_goal_and_year_is_split_into_tables_that_fit(demo, word):
    document = Document(word)
    years = [str(year) for year in build_report(demo.plan, _round(demo)).summary.years]
    assert len(years) == 6
    parts = [
        [cell.text for cell in table.rows[0].cells]
        for table in document.tables
        if table.rows[0].cells[0].text == "Doelstelling" and table.rows[0].cells[1].text in years
    ]
    assert len(parts) == 2
    assert [header[0] for header in parts] == ["Doelstelling", "Doelstelling"]
    assert [column for header in parts for column in header[1:]] == [*years, "Totaal"]
    assert [len(header) for header in parts] == [5, 4]  # as many years in each table
    goal = build_report(demo.plan, _round(demo)).summary.goals[0]
    last = next(
        table
        for table in document.tables
        if [cell.text for cell in table.rows[0].cells] == parts[-1]
    )
    assert last.rows[1].cells[0].text == goal.heading
    assert last.rows[1].cells[-1].text == f"{euro(goal.total.current)}\n{euro(goal.total.actual)}"


def test_column_widths_follow_the_kind_of_column():
    columns = [
        Column("Jaar", SHORT),
        Column("Omschrijving", TEXT),
        Column("Aantal", NUMBER),
        Column("Budget", AMOUNT),
    ]
    rows = [["2026", "kort", "7", euro(Decimal("123456789012"))], ["Totaal", "x", "12", "–"]]
    widths = column_widths(columns, rows, TEXT_WIDTH, bold=True)  # (as a total row shows it)
    year, text, number, amount = widths
    assert amount == text_twips("€\u00a0123.456.789.012", bold=True) + CELL_PADDING + 40
    assert number == text_twips("Aantal", bold=True) + CELL_PADDING + 40
    assert year == text_twips("Totaal", bold=True) + CELL_PADDING + 40
    assert text == Cm(3).twips + CELL_PADDING + 40  # short texts: no wider than needed
    long_text = ["een heel lange omschrijving " * 20] * 2
    widths = column_widths(columns, [[*rows[0][:1], long_text[0], *rows[0][2:]]], TEXT_WIDTH)
    assert TEXT_WIDTH - len(columns) < sum(widths) <= TEXT_WIDTH  # running text takes the rest
    # Even the smallest amount column holds € 12.345.678 on one line.
    small = column_widths([Column("B", AMOUNT)], [["€\u00a01"]], TEXT_WIDTH)
    assert small == [text_twips("€\u00a012.345.678") + CELL_PADDING + 40]
    bold = column_widths([Column("B", AMOUNT)], [["€\u00a01"]], TEXT_WIDTH, bold=True)
    assert bold == [text_twips("€\u00a012.345.678", bold=True) + CELL_PADDING + 40]


def test_a_template_keeps_its_own_page(demo, tmp_path, settings):
    template = Document()  # python-docx's own template: US Letter
    template.save(tmp_path / "huisstijl.docx")
    settings.KOERS_REPORT_DOCX_TEMPLATE = str(tmp_path / "huisstijl.docx")
    document = Document(make_report(demo.plan, None, "docx", tmp_path / "r.docx"))
    assert document.sections[0].page_width == template.sections[0].page_width
    assert document.core_properties.language == "nl-BE"


def test_four_years_and_the_total_fit_in_one_table(demo, tmp_path):
    document = Document(make_report(demo.dutch_plan, None, "docx", tmp_path / "r.docx"))
    years = [str(year) for year in build_report(demo.dutch_plan).summary.years]
    assert len(years) == 4
    headers = [[cell.text for cell in table.rows[0].cells] for table in document.tables]
    assert [header[1:] for header in headers if header[1:2] == years[:1]] == [[*years, "Totaal"]]
