"""Document families: each knows one kind of plan document.

``FAMILIES`` maps a family key to its parser; :func:`detect` scores the lines
against every family's markers and falls back to the generic outline.
"""

from collections.abc import Callable

from koers.importers.draft import Draft
from koers.importers.families import dutch_programme, flemish_report, outline, policy_note, table
from koers.importers.lines import Line

Parser = Callable[[list[Line]], Draft]

FAMILIES: dict[str, Parser] = {
    "flemish_report": flemish_report.parse,
    "dutch_programme": dutch_programme.parse,
    "policy_note": policy_note.parse,
    "outline": outline.parse,
    "table": table.parse,
}
DOCUMENT_FAMILIES = ("flemish_report", "dutch_programme", "policy_note", "outline")
SCORERS = {
    "flemish_report": flemish_report.score,
    "dutch_programme": dutch_programme.score,
    "policy_note": policy_note.score,
}
MIN_SCORE = 3


def detect(lines: list[Line]) -> tuple[str, dict[str, int]]:
    """The family whose markers the document shows most, with every family's score."""
    scores = {key: scorer(lines) for key, scorer in SCORERS.items()}
    best = max(scores, key=scores.get)
    return (best if scores[best] >= MIN_SCORE else "outline"), scores
