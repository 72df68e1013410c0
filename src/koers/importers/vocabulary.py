"""The importers' word lists (``vocabulary.toml``) and the normalising they share."""

import re
import tomllib
from functools import cache
from pathlib import Path

_PUNCT_ENDS = re.compile(r"^[\s\-–—:;.,?!*•·]+|[\s\-–—:;.,?!*•·]+$")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    text = text.replace("&", " en ").replace("\u00a0", " ").lower()
    text = text.replace("’", "'")
    return _SPACES.sub(" ", _PUNCT_ENDS.sub("", text)).strip()


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
    words = normalise(re.sub(r"\s+\d+$", "", text))
    return words in vocabulary()["context_chapters"]["titles"]


@cache
def column_fields() -> dict[str, str]:
    return {
        normalise(phrase): field
        for field, phrases in vocabulary()["columns"].items()
        for phrase in phrases
    }
