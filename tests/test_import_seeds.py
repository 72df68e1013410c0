"""Accuracy on real documents, against expectations written by reading them.

The documents live outside the project in ``../shared/seeds`` (or
``KOERS_SEEDS_DIR``); the expectation files in ``tests/import_expected`` name
elements by line number, code, period and amount only, never by their text.
"""

import os
from pathlib import Path

import pytest

from koers.importers import import_document
from koers.importers.evaluation import evaluate, load_expectation
from koers.plans.document.validation import validate

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("KOERS_SEEDS_DIR", ROOT.parent / "shared" / "seeds"))
EXPECTED = ROOT / "tests" / "import_expected"

needs_seeds = pytest.mark.skipif(
    not SEEDS.is_dir(),
    reason=f"the seed documents are not here ({SEEDS}); set KOERS_SEEDS_DIR to run these tests",
)


def _seed(prefix: str) -> Path:
    (path,) = SEEDS.glob(f"{prefix}_*")
    return path


def _import(prefix: str):
    path = _seed(prefix)
    return import_document(path.read_bytes(), path.name)


@needs_seeds
@pytest.mark.parametrize("name", ["000_nazareth", "001_herenthout", "003_dinkelland"])
def test_every_expected_element_is_found_exactly(name):
    expectation = load_expectation((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))
    result = _import(name[:3])
    assert result.family == expectation["family"]
    validate(result.document)
    evaluation = evaluate(expectation, result.document)
    assert evaluation.missing == []
    assert evaluation.wrong == []
    assert evaluation.unexpected == []
    for kind, score in evaluation.kinds.items():
        assert (score.precision, score.recall) == (1.0, 1.0), kind


def _by_kind(expectation: dict, kind: str) -> list[dict]:
    return [element for element in expectation["elements"] if element["kind"] == kind]


@needs_seeds
def test_expectations_cover_what_the_issue_names():
    """The files themselves: 86 actions, seven action lines, every action plan of 000."""
    herenthout = load_expectation((EXPECTED / "001_herenthout.json").read_text())
    assert len(_by_kind(herenthout, "action")) == 86
    dinkelland = load_expectation((EXPECTED / "003_dinkelland.json").read_text())
    lines = _by_kind(dinkelland, "action_line")
    assert [line["code"] for line in lines] == [f"6.{n}" for n in range(1, 8)]
    assert all("budget" in line and "spent" in line and "remaining" in line for line in lines)
    nazareth = load_expectation((EXPECTED / "000_nazareth.json").read_text())
    assert len(_by_kind(nazareth, "action_plan")) == 9
    assert all("period" in m and "done" in m for m in _by_kind(nazareth, "milestone"))


@needs_seeds
def test_programme_report_keeps_context_chapters_out_of_the_tree():
    result = _import("003")
    plan = result.document["plan"]
    assert "Trend" not in " ".join(item["title"] for item in plan["items"])
    assert "Inleiding" in plan["description"]
    (programme,) = plan["items"]
    assert len(programme["children"]) == 7


@needs_seeds
@pytest.mark.parametrize("prefix", ["002", "004"])
def test_other_documents_become_a_draft_tree_with_warnings(prefix):
    result = _import(prefix)
    validate(result.document)
    assert result.family == "outline"
    assert result.document["plan"]["items"]
    assert {w.code for w in result.warnings} >= {"generic"}


@needs_seeds
def test_import_eval_prints_precision_and_recall(capsys):
    from django.core.management import call_command

    call_command("import_eval", str(EXPECTED / "000_nazareth.json"), str(_seed("000")))
    out = capsys.readouterr().out
    assert "precision" in out and "recall" in out
    assert "milestone" in out and "1.000" in out
