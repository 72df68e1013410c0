"""Items and fields of pages that scored nothing before (invented examples, Gemeente Voorbeeld)."""

from koers.importers import import_document


def _read(text: str) -> dict:
    return import_document(text.encode("utf-8"), "voorbeeld.txt").document


def test_a_theme_word_before_a_title_is_an_item_and_its_section_labels_fill_it():
    document = _read(
        "Programma 2: Voorbeeld werkt\n\nOpgave Werk voor iedereen\n\nCoalitieprogramma\n\n"
        "Het college wil dat iedereen werk vindt in of rond Voorbeeld.\n\n"
        "Wat hebben we tot dusver bereikt\n"
        "Veertig inwoners vonden werk via het werkplein.\n\n"
        "Ontwikkelingen\nDe arbeidsmarkt blijft krap.\n"
    )
    (programme,) = document["plan"]["items"]
    assert (programme["code"], programme["title"]) == ("2", "Voorbeeld werkt")
    (task,) = programme["children"]
    assert task["title"] == "Opgave Werk voor iedereen"
    assert task["source"]["line"] == 3
    assert task["progress_note"] == "<p>Veertig inwoners vonden werk via het werkplein.</p>"
    assert task["description"] == (
        "<p>Het college wil dat iedereen werk vindt in of rond Voorbeeld.</p>"
        "<p>De arbeidsmarkt blijft krap.</p>"
    )
    assert "children" not in task


def test_a_label_at_the_end_of_a_line_ending_in_a_colon_takes_the_next_line():
    document = _read(
        "Projectenboek Gemeente Voorbeeld\n\nHaven van Voorbeeld\n\n"
        "Stand van zaken per: Maart 2026 Algemene info\n\n"
        "Doel / Realisatie Doel van het programma:\n\n"
        "De haven wordt weer een plek om te wonen en te werken.\n"
    )
    (project,) = document["plan"]["items"]
    assert project["title"] == "Haven van Voorbeeld"
    assert project["intended_result"] == (
        "<p>De haven wordt weer een plek om te wonen en te werken.</p>"
    )
    assert "children" not in project


def test_a_group_of_a_table_named_by_its_total_row_is_an_item():
    document = _read(
        "Afwijkingen Gemeente Voorbeeld\n\n01 Bestuur\n\nVerkiezingen\n\n120\n\n"
        "Totaal 01 Bestuur\n\n120\n\n02 Veiligheid\n\nBrandweer\n\n80\n\n"
        "Totaal 02 Veiligheid\n\n80\n\nAM Algemene middelen\n\nDividend\n\n-40\n\n"
        "Totaal AM Algemene middelen\n\n-40\n\nEindtotaal\n\n160\n"
    )
    assert [(i["code"], i["title"]) for i in document["plan"]["items"]] == [
        ("01", "Bestuur"),
        ("02", "Veiligheid"),
        ("AM", "Algemene middelen"),
    ]


def test_a_capitalised_category_word_above_a_heading_is_no_item():
    document = _read(
        "Programma 3: Voorbeeld leeft\n\nALGEMEEN\n\nSport en bewegen\n\n"
        "Iedereen in Voorbeeld beweegt minstens een uur per week.\n"
    )
    (programme,) = document["plan"]["items"]
    assert [child["title"] for child in programme["children"]] == ["Sport en bewegen"]
