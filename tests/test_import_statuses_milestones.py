"""Statuses, milestones and level words in documents of any government (invented examples).

Each layout of docs/import-formats.md ("Statuses and milestones in any document") has a
test here; the documents are invented (Gemeente Voorbeeld).
"""

from koers.importers import import_document
from koers.importers.milestones import light_counts, tail_of
from koers.importers.periods import parse_period
from koers.importers.statuses import parse_phase


def _read(text: str, name: str = "voorbeeld.txt") -> dict:
    return import_document(text.encode("utf-8"), name)


def _items(result) -> list[dict]:
    return result.document["plan"]["items"]


def _milestones(item: dict) -> list[tuple]:
    return [
        (
            m["title"],
            m.get("planned_start"),
            m.get("planned_end"),
            m.get("planned_text"),
            m.get("done", False),
        )
        for m in item.get("milestones", [])
    ]


MILESTONE_BULLETS = """Jaaractieplan Gemeente Voorbeeld

Actie 1: Het speelplein in Voorbeeldegem vernieuwen

  • Ontwerp van het speelplein
      ◦ kwartaal 4 (2022)
      ◦ afgerond
  • Aanleg van het speelplein
      ◦ permanent lopende
  • Inspraak bij de buurt - Q3 2024
  • Subsidiedossier indienen (kwartaal 2 2023)
  • Bewegwijzering plaatsen - lopende
  • Oude toestellen afvoeren - afgerond
"""


def test_milestone_bullets_keep_their_period_and_done_flag_and_the_parent_bullet_as_title():
    result = _read(MILESTONE_BULLETS)
    (action,) = _items(result)
    assert action["title"] == "Het speelplein in Voorbeeldegem vernieuwen"
    assert "children" not in action
    assert _milestones(action) == [
        ("Ontwerp van het speelplein", "2022-10-01", "2022-12-31", "kwartaal 4 (2022)", True),
        ("Aanleg van het speelplein", None, None, "permanent lopende", False),
        ("Inspraak bij de buurt", "2024-07-01", "2024-09-30", "Q3 2024", False),
        ("Subsidiedossier indienen", "2023-04-01", "2023-06-30", "kwartaal 2 2023", False),
        ("Bewegwijzering plaatsen", None, None, "lopende", False),
        ("Oude toestellen afvoeren", None, None, None, True),
    ]
    warned = [w for w in result.warnings if w.code == "milestone_bullet"]
    assert [w.source.line for w in warned] == [5, 8, 10, 11, 12, 13]


def test_bullets_without_a_timing_or_state_stay_child_items():
    result = _read(
        "Gemeente Voorbeeld\n\nActie: Fietspaden herstellen\n\n"
        "  • Fietspad langs de Dorpsstraat\n  • Fietspad naar het station\n"
    )
    (action,) = _items(result)
    assert [c["title"] for c in action["children"]] == [
        "Fietspad langs de Dorpsstraat",
        "Fietspad naar het station",
    ]
    assert "milestones" not in action


def test_quarter_periods_in_words_and_numbers():
    assert parse_period("kwartaal 4 (2022)").as_dict() == {
        "start": "2022-10-01",
        "end": "2022-12-31",
    }
    assert parse_period("kwartaal 2 2023").as_dict() == {"start": "2023-04-01", "end": "2023-06-30"}
    assert tail_of("Raadsbesluit - kwartaal 1 (2025)")[0] == "Raadsbesluit"
    assert tail_of("Een zin zonder planning") is None


def test_a_status_word_or_traffic_light_letter_right_below_the_title_is_the_status():
    result = _read(
        "Voortgangsrapport Gemeente Voorbeeld\n\n"
        "Actie 1: Het zwembad renoveren\n\nR\n\nDe aannemer ging failliet.\n\n"
        "Actie 2: Het archief digitaliseren\n\nG\n\nAlle dozen zijn gescand.\n\n"
        "Actie 3: Een jeugdraad oprichten\n\nOp schema\n\nDe eerste vergadering was in maart.\n\n"
        "Actie 4: Bomen planten\n\nDe bomen staan er.\n\nAfgerond\n"
    )
    statuses = [(item["title"], item.get("status")) for item in _items(result)]
    assert statuses == [
        ("Het zwembad renoveren", "vertraagd"),
        ("Het archief digitaliseren", "op-schema"),
        ("Een jeugdraad oprichten", "op-schema"),
        ("Bomen planten", None),  # a status word below the text is not read as the status
    ]
    assert [w.source.line for w in result.warnings if w.code == "status_line"] == [5, 11, 17]


def test_traffic_light_counts_are_no_items_and_give_a_status_only_of_one_colour():
    result = _read(
        "Voortgang Gemeente Voorbeeld\n\n"
        "Programma 1: Wonen\n\nDe prestaties van dit programma:\n\nGroen 12\nOranje 0\nRood 0\n\n"
        "Programma 2: Werken\n\nDe prestaties van dit programma:\n\nGroen 7\nOranje 2\nRood 1\n"
    )
    wonen, werken = _items(result)
    assert (wonen["title"], wonen.get("status"), "children" in wonen) == (
        "Wonen",
        "op-schema",
        False,
    )
    assert (werken["title"], werken.get("status"), "children" in werken) == ("Werken", None, False)
    assert werken["progress_note"] == "<p>Groen 7</p><p>Oranje 2</p><p>Rood 1</p>"
    assert light_counts("3 rood (10 %)") == {"rood": 3}
    assert light_counts("Het licht sprong op rood 3 keer") is None


def test_a_project_phase_gives_the_status_and_stays_in_the_description():
    result = _read(
        "Projecten Gemeente Voorbeeld\n\nSporthal De Voorbeeld\n\n"
        "Project: Nieuwbouw sporthal.\nFase: Realisatiefase sinds maart.\n"
        "Doel: Een sporthal voor alle clubs.\n"
    )
    (project,) = _items(result)
    assert project["status"] == "op-schema"
    assert "Fase: Realisatiefase sinds maart." in project["description"]
    (warning,) = [w for w in result.warnings if w.code == "phase_as_status"]
    assert warning.source.line == 6
    assert parse_phase("Nazorgfase").key == "done"
    assert parse_phase("Uitvoeringsfase").key == "running"
    assert parse_phase("Nog onbekend") is None


def test_level_words_without_codes_make_a_tree():
    result = _read(
        "Meerjarenplan Gemeente Voorbeeld\n\n"
        "Beleidsdoelstelling: Een veilige gemeente voor iedereen\n\n"
        "We willen dat iedereen zich veilig voelt.\n\n"
        "Actieplan: Verkeersveiligheid rond scholen\n\n"
        "Rond elke school komt een zone 30.\n\n"
        "Actie: Schoolstraten invoeren\n\nElke school krijgt een schoolstraat.\n\n"
        "Actie: Oversteekplaatsen verlichten\n\nDe oversteekplaatsen krijgen ledverlichting.\n"
    )
    (goal,) = _items(result)
    assert goal["title"] == "Een veilige gemeente voor iedereen"
    (plan,) = goal["children"]
    assert plan["title"] == "Verkeersveiligheid rond scholen"
    assert [a["title"] for a in plan["children"]] == [
        "Schoolstraten invoeren",
        "Oversteekplaatsen verlichten",
    ]
    assert [a["source"]["line"] for a in plan["children"]] == [11, 15]


def test_a_sentence_that_starts_with_a_level_word_is_no_item():
    result = _read(
        "Rapport Gemeente Voorbeeld\n\nActie 1: De markt verplaatsen\n\n"
        "Project: de markt komt op het plein.\n"
    )
    (action,) = _items(result)
    assert "children" not in action


def test_a_year_grid_of_milestones_gives_each_row_the_years_it_marks():
    result = import_document(
        (
            b"# Jaarplan Gemeente Voorbeeld\n\n## Actie 4: Het stadhuis verduurzamen\n\n"
            b"Het stadhuis krijgt zonnepanelen.\n\n"
            b"| Mijlpaal | 2025 | 2026 | 2027 |\n|---|---|---|---|\n"
            b"| Studie | x | | |\n| Aanbesteding | | x | |\n| Werken | | x | x |\n"
        ),
        "voorbeeld.md",
    )
    (action,) = _items(result)
    assert _milestones(action) == [
        ("Studie", "2025-01-01", "2025-12-31", "2025", False),
        ("Aanbesteding", "2026-01-01", "2026-12-31", "2026", False),
        ("Werken", "2026-01-01", "2027-12-31", "2026 – 2027", False),
    ]
    assert action["description"] == "<p>Het stadhuis krijgt zonnepanelen.</p>"
    (warning,) = [w for w in result.warnings if w.code == "milestone_grid"]
    assert (warning.source.line, warning.params["count"]) == (7, 3)


def test_a_year_grid_of_figures_is_no_milestone_grid():
    result = _read(
        "Rapport Gemeente Voorbeeld\n\nActie 5: Meer kinderopvang\n\n"
        "Plaatsen | 2025 | 2026 |\nVoorbeeld | 120 | 140 |\n"
    )
    (action,) = _items(result)
    assert "milestones" not in action


def test_a_status_at_the_end_of_a_heading_is_the_items_status():
    result = _read(
        "Jaaractieplan Gemeente Voorbeeld\n\n"
        "Actie 1: Het plein heraanleggen - afgerond\n\nDe werken zijn klaar.\n\n"
        "Actie 2: Een nieuwe sporthal (in uitvoering)\n\nDe ruwbouw staat.\n"
    )
    assert [(i["title"], i.get("status")) for i in _items(result)] == [
        ("Het plein heraanleggen", "gerealiseerd"),
        ("Een nieuwe sporthal", "op-schema"),
    ]
    assert [w.source.line for w in result.warnings if w.code == "status_line"] == [3, 7]
