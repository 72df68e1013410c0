"""The importers on documents of other governments: a ratchet on precision and recall.

The 23 excerpts live outside the project in ``../shared/corpus`` (or
``KOERS_CORPUS_DIR``); the expectation files in ``tests/import_expected/corpus``
(format version 2, see docs/import-formats.md) name elements by line, parent,
code, field and amount only, never by their text. The issue's target is 95 %
recall and 95 % precision over the corpus; the floors below are what the
importers reach today, and are raised as rules are added, never lowered.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from koers.importers import import_document
from koers.importers.evaluation import evaluate, load_expectation, overall, total

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("KOERS_CORPUS_DIR", ROOT.parent / "shared" / "corpus"))
EXPECTED = ROOT / "tests" / "import_expected" / "corpus"

# Measured 2026-12-05 before any corpus rule: precision 0.023, recall 0.014 (2 of 140).
# 2026-12-05, page chrome left out: precision 0.024 (84 elements found), recall 0.014.
# 2026-12-05, numbered outlines without seed codes: precision 0.738, recall 0.620 (93 of
# 150 elements; 13 and 20 now also expect the programme rows and one cut-off goal).
# 2026-12-05, field labels, project sheets and list labels: precision 0.908, recall 0.720
# (108 of 150; items 99/110, fields 8/10, amounts 1/25, indicators 0/5).
# 2026-12-05, money tables with one cell per line: precision 0.922, recall 0.867
# (130 of 150; items 99/110, fields 8/10, amounts 23/25, indicators 0/5).
# 2026-12-05, chapters '2. Titel', schema titles and widget labels in plain text:
# precision 0.971, recall 0.907 (136 of 150).
# 2026-12-05, 'Programma 2: Titel' as a top item: precision 0.972, recall 0.913 (137 of
# 150; items 106/110, fields 8/10, amounts 23/25, indicators 0/5). Target 95 % / 95 %:
# precision reached, recall 3.7 points short (indicators are not read yet: 5 of the 13).
# 2026-12-05, a numbered sentence under a theme as its child: precision 0.972, recall 0.920
# (138 of 150; items 107/110, fields 8/10, amounts 23/25, indicators 0/5): recall 3 points
# short of the target.
# 2026-12-05, statuses (phases) expected and read, indicator tables read as indicators:
# precision 0.973, recall 0.947 (144 of 152; items 107/110, fields 8/10, amounts 23/25,
# indicators 4/5, statuses 2/2).
# 2026-12-05, theme words before a title, section labels, a label ending a line, groups
# named by their total row, capitalised category words: precision 1.000, recall 0.980 (149
# of 152; items 110/110, fields 10/10, amounts 23/25, indicators 4/5, statuses 2/2).
# Target reached for both: the test asserts it too.
# 2026-12-05, money tables with a row per line (BBC M2/T1 schemas, key figures); 04 and 11
# now expect their schemas' 72 amounts and 3 items: precision 1.000, recall 0.996 (226 of
# 227; items 113/113, fields 10/10, amounts 97/97, indicators 4/5, statuses 2/2).
FLOOR_PRECISION = 1.000
FLOOR_RECALL = 0.996
TARGET = 0.95

needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(),
    reason=f"the corpus is not here ({CORPUS}); set KOERS_CORPUS_DIR to run these tests",
)


def _evaluations() -> dict:
    found = {}
    for path in sorted(EXPECTED.glob("*.json")):
        expectation = load_expectation(path.read_text(encoding="utf-8"))
        document = CORPUS / expectation["document"]
        result = import_document(document.read_bytes(), document.name)
        found[path.stem] = evaluate(expectation, result.document)
    return found


def test_every_corpus_document_has_an_expectation_file():
    names = sorted(path.stem for path in EXPECTED.glob("*.json"))
    assert len(names) == 23
    for path in EXPECTED.glob("*.json"):
        expectation = load_expectation(path.read_text(encoding="utf-8"))
        assert expectation["version"] == 2
        assert path.stem == Path(expectation["document"]).stem


@needs_corpus
def test_corpus_scores_do_not_fall_below_the_ratchet(capsys):
    call_command("import_eval", str(EXPECTED), corpus=str(CORPUS))
    table = capsys.readouterr().out
    with capsys.disabled():
        print("\n" + table)
    assert "total" in table and "precision" in table
    score = overall(total(_evaluations()))
    print(
        f"corpus: precision {score.precision:.3f}, recall {score.recall:.3f}; "
        f"target {TARGET}: {TARGET - score.precision:.3f} and {TARGET - score.recall:.3f} to go"
    )
    assert round(score.precision, 3) >= FLOOR_PRECISION
    assert round(score.recall, 3) >= FLOOR_RECALL
    assert score.precision >= TARGET and score.recall >= TARGET


def test_version_2_scores_items_fields_and_amounts_without_the_familys_names():
    expectation = {
        "format": "koers.import-expectation",
        "version": 2,
        "elements": [
            {"kind": "item", "line": 1, "parent": None, "code": "1"},
            {"kind": "item", "line": 3, "parent": 1},
            {"kind": "field", "parent": 3, "field": "owner"},
            {"kind": "field", "parent": 3, "field": "planned_end", "value": "2026-12-31"},
            {"kind": "amount", "line": 5, "parent": 3, "year": 2026, "initial": "1000.00"},
            {"kind": "indicator", "line": 7, "parent": 3},
        ],
    }
    document = {
        "plan": {
            "items": [
                {
                    "title": "Programma",
                    "code": "1",
                    "source": {"line": 1, "kind": "heading"},
                    "children": [
                        {
                            "title": "Project",
                            "source": {"line": 3, "kind": "bullet"},
                            "owner": "Wethouder",
                            "planned_end": "2026-06-30",
                            "status": "ongoing",
                            "budget_lines": [
                                {"year": 2026, "initial": "1000.00", "source": {"line": 5}}
                            ],
                        }
                    ],
                }
            ]
        }
    }
    evaluation = evaluate(expectation, document)
    scores = {
        kind: (score.expected, score.extracted, score.correct)
        for kind, score in evaluation.kinds.items()
    }
    assert scores == {
        "item": (2, 2, 2),
        "field": (2, 2, 1),
        "amount": (1, 1, 1),
        "indicator": (1, 0, 0),
        "status": (0, 1, 0),
    }
    ((wrong, _found, keys),) = evaluation.wrong
    assert (wrong["field"], keys) == ("planned_end", ["value"])
