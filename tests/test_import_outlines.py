"""Outlines numbered without the seeds' codes become a tree of the numbered lines only."""

from koers.importers import import_document
from koers.importers.lines import Line, Source
from koers.importers.outlines import coded_lines


def _lines(*texts: str) -> list[Line]:
    return [Line(text, Source(line=number)) for number, text in enumerate(texts, start=1)]


def _tree(text: str) -> list[tuple]:
    """(line, code, parent line) of every item, in order."""
    result = import_document(text.encode(), "voorbeeld.txt")
    found = []

    def visit(item, parent):
        found.append((item["source"]["line"], item.get("code"), parent))
        for child in item.get("children") or []:
            visit(child, item["source"]["line"])

    for item in result.document["plan"]["items"]:
        visit(item, None)
    return found


def test_a_sitemap_with_page_links_and_dotted_codes():
    text = "\n".join(
        [
            "1. Blz. 1 Meerjarenplan Gemeente Voorbeeld",
            "  1. Blz. 2 Programma 1 Veilig Voorbeeld",
            "    1. Blz. 3 Inleiding",
            "    2. Blz. 4 1.1.1. We maken de dorpskern veiliger",
            "      1. Blz. 5 1.1.1.1 Extra verlichting op het Dorpsplein.",
            "      2. Blz. 6 1.1.1.2 Camera's aan de sporthal",
            "    3. Blz. 7 1.1.2. We verminderen inbraken",
        ]
    )
    assert _tree(text) == [
        (2, "1", None),
        (4, "1.1.1", 2),
        (5, "1.1.1.1", 4),
        (6, "1.1.1.2", 4),
        (7, "1.1.2", 2),
    ]
    result = import_document(text.encode(), "voorbeeld.txt")
    skipped = [w for w in result.warnings if w.code == "level_skipped"]
    assert [(w.source.line, w.params["code"]) for w in skipped] == [(4, "1.1.1"), (7, "1.1.2")]


def test_level_codes_on_one_line_nest_by_the_order_of_their_prefixes():
    line = (
        "3 Inhoud Prioritair Beleid 1 BD-1: Voorbeeld is financieel gezond 1 AP-12: We "
        "beheren de schuld actief 2 ACT-5: Leningen herzien 2 ACT-6: Thesaurie opvolgen 3 "
        "AP-13: We innen sneller 3 ACT-7: Digitale facturen 4 en een lange staart van tekst "
        "die er bij een inhoudstafel op een regel nog achteraan komt"
    )
    coded = coded_lines(_lines("Gemeente Voorbeeld", line))
    assert [(c.code, c.level) for c in coded] == [
        ("BD-1", 1),
        ("AP-12", 2),
        ("ACT-5", 3),
        ("ACT-6", 3),
        ("AP-13", 2),
        ("ACT-7", 3),
    ]
    assert coded[2].title == "Leningen herzien"


def test_goal_codes_after_chapter_numbers_and_glued_to_page_numbers():
    text = "\n".join(
        [
            "VR 2024 1234 VOORBEELD",
            "1. Inleiding ... 3",
            "1.2. SD 1 Voorbeeld is een veilige gemeente ... 4",
            "OD 1.1 We verlichten de straten ... 4",
            "1.3. SD 2 Voorbeeld is groen ... 5",
            "OD 2.1 We planten bomen5 OD 2.2 We leggen parken aan ... 6",
        ]
    )
    assert _tree(text) == [
        (3, "SD 1", None),
        (4, "OD 1.1", 3),
        (5, "SD 2", None),
        (6, "OD 2.1", 5),
        (6, "OD 2.2", 5),
    ]


def test_programmes_with_task_fields_and_table_names_that_are_no_items():
    text = "\n".join(
        [
            "M2 - Staat van het financieel evenwicht",
            "T1: Tabel | 2024 | 2025 |",
            "1 Ruimte en wonen",
            "0.10  Mutaties reserves",
            "120",
            "8.3  Wonen en bouwen",
            "1.040",
            "2 Beheer openbare ruimte",
            "2.1  Verkeer en vervoer",
            "3 Voorbeeld is een gemeente waar het goed wonen is en dat blijft zo, zegt het "
            "bestuur in een lange zin die geen titel is maar gewone tekst",
        ]
    )
    assert _tree(text) == [
        (3, "1", None),
        (4, "0.10", 3),
        (6, "8.3", 3),
        (8, "2", None),
        (9, "2.1", 8),
    ]


def test_one_numbered_line_is_no_outline():
    assert coded_lines(_lines("Doel", "1. Wij betrekken de inwoners van Voorbeeld.")) is None


def test_plain_text_chapters_schema_titles_and_widget_labels():
    text = "\n\n".join(
        [
            "M2 - Staat van het financieel evenwicht",
            "Lasten",
            "12,5%",
            "3. Veilig en gezond Voorbeeld",
            "Buurtpreventie",
            "Samen met de buurten van Voorbeeld zetten we in op preventie en toezicht.",
            "Gezonde scholen",
            "Elke school van Voorbeeld krijgt een plan voor gezonde voeding en meer beweging.",
        ]
    )
    result = import_document(text.encode(), "voorbeeld.txt")
    assert _tree(text) == [(7, "3", None), (9, None, 7), (13, None, 7)]
    assert result.document["plan"]["items"][0]["title"] == "Veilig en gezond Voorbeeld"


def test_a_level_word_with_a_number_is_a_top_item_in_plain_text():
    text = "\n\n".join(
        [
            "Programma 2: Voorbeeld werkt",
            "Lokale economie",
            "We ondersteunen de winkels en de markt van Voorbeeld met een nieuw centrumplan.",
        ]
    )
    assert _tree(text) == [(1, "2", None), (3, None, 1)]
    result = import_document(text.encode(), "voorbeeld.txt")
    assert result.document["plan"]["items"][0]["title"] == "Voorbeeld werkt"


def test_a_numbered_sentence_under_a_theme_is_its_child_with_a_warning():
    text = "\n\n".join(
        [
            "Wat gaan we daarvoor doen?",
            "Bestuur",
            "1.   Inwoners van Voorbeeld betrekken bij elk nieuw plan van de gemeente en de buurt.",
        ]
    )
    assert _tree(text) == [(3, None, None), (5, "1", 3)]
    result = import_document(text.encode(), "voorbeeld.txt")
    (warning,) = [w for w in result.warnings if w.code == "numbered_line"]
    assert (warning.source.line, warning.params["parent"]) == (5, "Bestuur")
