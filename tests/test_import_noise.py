"""Page chrome of plan websites and document-sharing sites never becomes an item."""

from koers.importers import import_document
from koers.importers.lines import Line, Source
from koers.importers.noise import drop_noise, is_noise


def _lines(*texts: str) -> list[Line]:
    return [Line(text, Source(line=number)) for number, text in enumerate(texts, start=1)]


def _titles(document: dict) -> list[str]:
    found = []

    def visit(item):
        found.append(item["title"])
        for child in item.get("children") or []:
            visit(child)

    for item in document["plan"]["items"]:
        visit(item)
    return found


def test_navigation_and_transcription_frames_are_noise():
    for text in (
        "Terug naar navigatie - 3. Veilig Voorbeeld",
        "Download",
        'Download "Gemeente Voorbeeld meerjarenplan"',
        "Maat: px",
        "Weergave met pagina beginnen:",
        "Transcriptie",
        "No results found",
        "12 / 138",
        "1 of 138",
        "P a g i n a 3",
        "Pagina 4 van 9",
        "(2)",
        "42,5% Complete",
    ):
        assert is_noise(text), text
    for text in ("Download-app voor de bib", "12 fietspaden", "2024", "Veilig Voorbeeld"):
        assert not is_noise(text), text


def test_dotted_leaders_lose_their_page_number_and_sources_stay():
    kept, dropped = drop_noise(_lines("Inhoud", "1. Wonen ....... 4", "2. Werken … 12"))
    assert [(line.text, line.source.line) for line in kept] == [
        ("Inhoud", 1),
        ("1. Wonen", 2),
        ("2. Werken", 3),
    ]
    assert dropped == 0


def test_a_widget_block_shown_twice_and_a_repeated_title_are_dropped_once():
    widget = ("Lasten", "€ 1.234", "x € 1.000", "Baten", "€ 567", "x € 1.000")
    lines = _lines(*widget, "3. Veilig Voorbeeld", *widget, "3. Veilig Voorbeeld", "Buurt")
    kept, dropped = drop_noise(lines)
    assert [line.source.line for line in kept] == [1, 2, 3, 4, 5, 6, 7, 15]
    assert dropped == 7
    kept, dropped = drop_noise(_lines("Sporthal Voorbeeld", "Sporthal Voorbeeld", "Tekst"))
    assert [line.source.line for line in kept] == [1, 3]


def test_table_cells_that_repeat_are_kept():
    kept, _ = drop_noise(_lines("Nulmeting", "80%", "80%", "80%", "Bron"))
    assert len(kept) == 5


def test_running_headers_after_page_markers_are_dropped():
    lines = _lines(
        "1 / 3",
        "Dorpsplein 1 - 9999 Voorbeeld",
        "Inleiding",
        "2 / 3",
        "Dorpsplein 1 - 9999 Voorbeeld",
        "1. Wonen",
        "3 / 3",
        "Dorpsplein 1 - 9999 Voorbeeld",
        "2. Werken",
    )
    kept, dropped = drop_noise(lines)
    assert [line.text for line in kept] == ["Inleiding", "1. Wonen", "2. Werken"]
    assert dropped == 6


def test_a_transcribed_page_gives_no_chrome_items_and_says_what_it_left_out():
    text = "\n".join(
        [
            "Gemeente Voorbeeld meerjarenplan",
            "",
            "Maat: px",
            "Weergave met pagina beginnen:",
            "",
            'Download "Gemeente Voorbeeld meerjarenplan"',
            "",
            "Transcriptie",
            "",
            "1 / 2",
            "",
            "Download",
            "",
            "Terug naar navigatie",
            "",
            "Een lange alinea over het plan van de Gemeente Voorbeeld die geen titel is.",
        ]
    )
    result = import_document(text.encode(), "voorbeeld.txt")
    titles = _titles(result.document)
    assert not {"Transcriptie", "Download", "Maat: px", "1 / 2"} & set(titles)
    (warning,) = [w for w in result.warnings if w.code == "noise_dropped"]
    assert warning.params == {"count": 6}  # navigation was always left out
