"""Every format gives the same plan; bad input gives a clear error and no data."""

import json

import pytest

from koers.importers import DocumentError, import_document
from koers.plans.document.validation import validate
from tests import import_samples as samples

FORMATS = {
    "verslag.txt": lambda: samples.report_text().encode("utf-8"),
    "verslag.md": lambda: samples.report_markdown().encode("utf-8"),
    "verslag.html": lambda: samples.report_html().encode("utf-8"),
    "verslag.docx": samples.report_docx,
    "verslag.pdf": samples.report_pdf,
}


def _items(document):
    def walk(items):
        for item in items:
            yield item
            yield from walk(item.get("children", []))

    return list(walk(document["plan"]["items"]))


@pytest.mark.parametrize("filename", FORMATS)
def test_every_format_gives_the_same_plan(filename):
    result = import_document(FORMATS[filename](), filename)
    validate(result.document)
    assert result.family == "flemish_report"
    items = _items(result.document)
    assert [item.get("code") for item in items] == samples.EXPECTED_CODES
    for item in items:
        milestones = [
            (m.get("planned_start"), m.get("planned_end"), m.get("done", False))
            for m in item.get("milestones", [])
        ]
        assert milestones == samples.EXPECTED_MILESTONES.get(item["code"], []), item["code"]
        budget = [b["initial"] for b in item.get("budget_lines", [])]
        expected = samples.EXPECTED_BUDGET.get(item["code"])
        assert budget == ([expected] if expected else []), item["code"]
        assert item["source"], "every item says where it came from"
    assert result.document["plan"]["terminology"]["preset"] == "flemish_bbc"


def test_grouped_milestones_carry_their_group():
    result = import_document(samples.report_text().encode(), "verslag.txt")
    panel = next(i for i in _items(result.document) if i.get("code") == "VB1-02")
    assert [m["title"] for m in panel["milestones"]] == [
        "Burgerpanel: eerste panel",
        "Burgerpanel: tweede panel",
    ]
    assert panel["milestones"][1]["planned_text"] == "voorjaar 2026"


def test_html_drops_scripts_navigation_and_chrome():
    result = import_document(samples.report_html().encode(), "pagina.html")
    text = json.dumps(result.document, ensure_ascii=False)
    for unwanted in (
        "alert",
        "steal",
        "onerror",
        "document.write",
        "Publicatiedatum",
        "Terug naar navigatie",
        "Menu",
        "©",
    ):
        assert unwanted not in text
    first = _items(result.document)[1]
    assert first["source"]["line"] > 1  # the line in the HTML source


def test_sources_are_paragraphs_in_word_and_pages_in_pdf():
    docx_item = _items(import_document(samples.report_docx(), "v.docx").document)[1]
    assert "paragraph" in docx_item["source"]
    pdf = import_document(samples.report_pdf(pages=2), "v.pdf")
    pages = {m["source"]["page"] for i in _items(pdf.document) for m in i.get("milestones", [])}
    assert pages == {1, 2}


def test_policy_note_tables_in_word():
    result = import_document(samples.policy_note_docx(), "nota.docx")
    assert result.family == "policy_note"
    goal = result.document["plan"]["items"][0]
    assert (goal["code"], goal["title"]) == ("SD1", "Inwoners beslissen mee.")
    operational = goal["children"][0]
    assert operational["code"] == "OD1.1"
    first, second = operational["children"]
    assert (first["planned_start"], first["planned_end"]) == ("2026-03-01", "2026-05-31")
    assert first["budget_lines"][0]["initial"] == "1500.00"
    assert first["budget_lines"][0]["year"] == 2026
    assert second["timing"] == "juni 2026"
    assert "budget_lines" not in second  # 'regulier' has no amount of its own


def test_spreadsheet_rows_with_parent_codes():
    content = samples.sheet_xlsx(
        [
            [
                "Code",
                "Titel",
                "Bovenliggende code",
                "Eigenaar",
                "Start",
                "Einde",
                "Budget",
                "Status",
            ],
            ["D1", "Veilige wijken", "", "", 2026, 2031, "", "groen"],
            [
                "D1-01",
                "Meer straatverlichting",
                "D1",
                "EDITOR@voorbeeld.be",
                2026,
                2027,
                "€ 120.000",
                "gestart, nog niet gereed",
            ],
            ["D1-02", "Fietsstraten", "D9", "", "", "", "15.770,29", "3/5"],
        ]
    )
    result = import_document(content, "plan.xlsx")
    assert result.family == "table"
    top = result.document["plan"]["items"]
    assert [i["code"] for i in top] == ["D1", "D1-02"]  # D9 is unknown: placed at the top
    child = top[0]["children"][0]
    assert child["owner"] == "editor@voorbeeld.be"
    assert child["budget_lines"][0]["initial"] == "120000.00"
    assert child["status"] == "op-schema"
    assert top[1]["progress"] == 60
    assert any(w.code == "unknown_parent" for w in result.warnings)


def test_csv_with_semicolons_and_codes_as_tree():
    content = "Nr;Naam;Niveau\n1;Wonen;1\n1.1;Betaalbaar wonen;2\n1.1.1;Starterslening;3\n".encode(
        "cp1252"
    )
    result = import_document(content, "plan.csv")
    (top,) = result.document["plan"]["items"]
    assert top["children"][0]["children"][0]["title"] == "Starterslening"


@pytest.mark.parametrize(
    ("filename", "content", "code"),
    [
        ("leeg.txt", b"", "empty"),
        ("leeg.docx", b"   \n", "empty"),
        ("rommel.txt", bytes(range(256)) * 40, "binary"),
        ("plan.exe", b"MZ\x90\x00", "unsupported_format"),
        ("plan", b"tekst", "unsupported_format"),
        ("nep.docx", b"%PDF-1.4 eigenlijk een pdf", "wrong_content"),
        ("nep.pdf", b"gewoon tekst", "wrong_content"),
        ("nep.txt", b"PK\x03\x04zip", "wrong_content"),
        ("kapot.docx", b"PK\x03\x04" + b"\x00" * 200, "broken_docx"),
        ("kapot.xlsx", b"PK\x03\x04" + b"\x00" * 200, "broken_xlsx"),
        ("kapot.pdf", b"%PDF-1.7\n" + b"\x00" * 500, "broken_pdf"),
    ],
)
def test_bad_files_give_a_clear_error(filename, content, code):
    with pytest.raises(DocumentError) as raised:
        import_document(content, filename)
    assert raised.value.code == code
    assert raised.value.message


def test_encrypted_pdf_is_refused():
    with pytest.raises(DocumentError) as raised:
        import_document(samples.encrypted_pdf(), "geheim.pdf")
    assert raised.value.code == "encrypted"


def test_a_50_mb_file_is_refused_before_reading():
    with pytest.raises(DocumentError) as raised:
        import_document(b"a" * (50 * 1024 * 1024), "groot.txt", max_bytes=20 * 1024 * 1024)
    assert raised.value.code == "too_large"
    assert raised.value.params == {"size": 50.0, "limit": 20.0}


def test_a_family_can_be_chosen_and_unknown_families_are_refused():
    content = samples.report_text().encode()
    assert import_document(content, "v.txt", family="outline").family == "outline"
    with pytest.raises(DocumentError):
        import_document(content, "v.txt", family="tarot")


def test_plain_text_without_structure_becomes_a_draft_with_warnings():
    result = import_document(b"Gewoon een zin.\nNog een zin.", "notitie.txt")
    validate(result.document)
    assert result.family == "outline"
    assert result.document["plan"]["items"] == []
    assert {w.code for w in result.warnings} == {"no_items"}


def test_deeply_nested_html_is_refused_clearly():
    html = ("<div>" * 5000 + "tekst" + "</div>" * 5000).encode()
    with pytest.raises(DocumentError) as raised:
        import_document(html, "diep.html")
    assert raised.value.code == "too_deep"


def test_progress_is_reported_per_step_and_per_pdf_page():
    steps = []
    import_document(samples.report_text().encode(), "v.txt", progress=lambda *a: steps.append(a))
    assert steps == [(1, 3), (2, 3), (3, 3)]
    pages = []
    import_document(samples.report_pdf(pages=3), "v.pdf", progress=lambda *a: pages.append(a))
    assert pages == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.parametrize(
    ("filename", "line"),
    [
        ("a.md", "# a" + " " * 50_000 + "x"),
        ("b.txt", "Doelstelling 1: " + " " * 50_000 + "x"),
        ("c.txt", "Tijdspad en mijlpalen\n  • Mijlpaal" + " " * 50_000 + "(2021)"),
    ],
)
def test_very_long_lines_are_read_in_linear_time(filename, line):
    result = import_document(line.encode(), filename)  # seconds to minutes when quadratic
    validate(result.document)
