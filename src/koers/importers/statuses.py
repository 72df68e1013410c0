"""Status words → one of six canonical statuses, which the plan's preset names.

A status can be a word or phrase ('gestart, nog niet gereed'), a traffic light
('groen', 'R'), or a score on a numbered scale ('3/5', '3 van 5').
"""

import re
from dataclasses import dataclass
from functools import cache

from koers.importers.vocabulary import normalise, vocabulary

CANONICAL = ("not_started", "running", "delayed", "on_hold", "done", "cancelled")
PRESET_KEYS = {
    "flemish_bbc": {
        "not_started": "niet-gestart",
        "running": "lopend",
        "delayed": "vertraagd",
        "on_hold": "on-hold",
        "done": "gerealiseerd",
        "cancelled": "geannuleerd",
    },
    "default": {
        "not_started": "niet-gestart",
        "running": "op-schema",
        "delayed": "vertraagd",
        "on_hold": "on-hold",
        "done": "gerealiseerd",
        "cancelled": "geannuleerd",
    },
}
SCORE = re.compile(r"^(?P<score>\d{1,2})\s*(?:/|van|op|of)\s*(?P<scale>\d{1,2})$")


@dataclass(frozen=True)
class Status:
    key: str  # canonical
    text: str  # as written
    percent: int | None = None


@cache
def _phrases() -> list[tuple[str, str]]:
    pairs = [
        (normalise(phrase), key)
        for key, phrases in vocabulary()["statuses"].items()
        for phrase in phrases
    ]
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def parse_status(text: str) -> Status | None:
    """The status a text names as a whole ('afgerond', 'G', '4/5')."""
    words = normalise(text)
    if not words:
        return None
    if len(words) == 1 and (key := vocabulary()["traffic_lights"].get(words)):
        return Status(key, text.strip())
    if match := SCORE.match(words):
        score, scale = int(match["score"]), int(match["scale"])
        if 0 < scale <= 20 and score <= scale:
            percent = round(100 * score / scale)
            key = "not_started" if score == 0 else "done" if score == scale else "running"
            return Status(key, text.strip(), percent)
        return None
    for phrase, key in _phrases():
        if words == phrase:
            return Status(key, text.strip())
    return None


def parse_phase(text: str) -> Status | None:
    """The status a project phase implies: 'Nazorgfase' is done, 'Voorbereiding …' running."""
    words = normalise(text).split()
    if not words:
        return None
    first = words[0].removesuffix("fase").rstrip("-")
    names = {words[0], first, first.removesuffix("s")}  # 'uitvoeringsfase'
    for key, phases in vocabulary()["phases"].items():
        if names.intersection(phases):
            return Status(key, text.strip()[:60])
    return parse_status(text)


@cache
def _tail() -> re.Pattern:
    """One pattern for every phrase at the end of a text, longest phrases first."""
    phrases = "|".join(re.escape(phrase) for phrase, _key in _phrases() if len(phrase) > 3)
    return re.compile(r"(?:^|[\s:(\-–])(?P<phrase>" + phrases + r")\b[^a-z]*$")


def find_status(text: str) -> Status | None:
    """A status phrase at the end of a text: '… - in uitvoering', '…: nog op te starten'."""
    match = _tail().search(normalise(text[-300:]))
    if match is None:
        return None
    return Status(dict(_phrases())[match["phrase"]], match["phrase"])


def preset_key(status: str, preset: str) -> str:
    return PRESET_KEYS.get(preset, PRESET_KEYS["default"])[status]
