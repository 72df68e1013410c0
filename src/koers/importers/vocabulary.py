"""The importers' word lists (``vocabulary.toml``) and the normalising they share."""

import tomllib
from functools import cache
from pathlib import Path

_PUNCT_ENDS = " \t\r\n\f\v-–—:;.,?!*•·"


def normalise(text: str) -> str:
    """Lower case, '&' as 'en', punctuation at the ends and repeated spaces removed.

    Written with ``str`` methods, not regular expressions: a line of many
    thousands of spaces must not take quadratic time.
    """
    text = text.replace("&", " en ").replace("\u00a0", " ").replace("’", "'").lower()
    return " ".join(text.strip(_PUNCT_ENDS).split())


@cache
def vocabulary() -> dict:
    with (Path(__file__).parent / "vocabulary.toml").open("rb") as handle:
        return tomllib.load(handle)


@cache
def section_of_heading() -> dict[str, str]:
    return {
        normalise(phrase): key
        for key, phrases in vocabulary()["sections"].items()
        for phrase in phrases
    }


def section_key(text: str) -> str | None:
    """'Tijdpad & mijlpalen' → 'milestones'; None when the text is no section heading."""
    return section_of_heading().get(normalise(text))


@cache
def _chrome() -> tuple[frozenset, tuple]:
    chrome = vocabulary()["chrome"]
    return frozenset(chrome["exact"]), tuple(chrome["starts"])


def is_chrome(text: str) -> bool:
    exact, starts = _chrome()
    words = normalise(text)
    return words in exact or words.startswith(starts)


def is_context_chapter(text: str) -> bool:
    words = normalise(text)
    if words[-1:].isdigit():  # 'Trend 1'
        words = words.rstrip("0123456789").rstrip()
    return words in vocabulary()["context_chapters"]["titles"]


@cache
def column_fields() -> dict[str, str]:
    return {
        normalise(phrase): field
        for field, phrases in vocabulary()["columns"].items()
        for phrase in phrases
    }
