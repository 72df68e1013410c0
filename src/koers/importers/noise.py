"""Page chrome of plan websites and document-sharing sites, dropped before any family reads.

Every rule is about the layout of a page, never about its words alone:

- navigation and widget lines of plan websites and of transcription sites
  (``vocabulary.toml``, ``[chrome]`` and ``[noise]``: "Terug naar navigatie",
  "Download …", "Maat: px", "Transcriptie", "• No results found");
- page markers: "12 / 138", "1 of 138", "P a g i n a 3", "Pagina 3 van 9", "(2)";
- the running header of a transcribed PDF: lines that follow two or more page
  markers in the same words;
- a block of five or more lines that is repeated at once (the KPI widget a
  programme page shows twice), and a title repeated on the next line;
- dotted leaders with a page number at the end of a line of a table of contents
  ("Inleiding ..... 5" → "Inleiding").

:func:`drop_noise` returns the lines that remain and how many were dropped (not
counting plain navigation lines, which were always left out silently); the
sources of the remaining lines are untouched, so locations stay true. The work is
linear in the number of lines (block repeats are only looked for at the top of a
document, where web pages put them).
"""

import re
from collections import Counter
from dataclasses import replace
from functools import cache

from koers.importers.lines import Line
from koers.importers.vocabulary import _chrome, normalise, vocabulary

PAGE_MARKER = re.compile(
    r"^(?:\d{1,4}\s*(?:/|of|van)\s*\d{1,4}"
    r"|\(\d{1,4}\)"
    r"|(?:p\s?a\s?g\s?i\s?n\s?a|page|blz\.?|p\.)\s*\d{1,4}(?:\s*(?:/|of|van)\s*\d{1,4})?)$",
    re.IGNORECASE,
)
LEADER = re.compile(r"\s*(?:\.\s?){3,}\s*\d{1,4}\s*$|\s*…+\s*\d{1,4}\s*$")
WIDGET = re.compile(r"^-?\d{1,4}(?:[.,]\d+)?\s*%\s+(?:complete|voltooid|gereed)$", re.IGNORECASE)
LETTERS = re.compile(r"[^\W\d_]{3}")
BLOCK_MIN, BLOCK_MAX, BLOCK_SCAN = 5, 60, 300
HEADER_LINES = 3


@cache
def _noise() -> tuple[frozenset, tuple]:
    noise = vocabulary()["noise"]
    return frozenset(normalise(p) for p in noise["exact"]), tuple(
        normalise(p) for p in noise["starts"]
    )


def is_noise(text: str, words: str | None = None) -> bool:
    """A line that is chrome wherever it stands (``words``: the text already normalised)."""
    words = normalise(text) if words is None else words
    if _is_navigation(words):
        return True
    stripped = text.strip()
    if PAGE_MARKER.match(stripped) or WIDGET.match(stripped):
        return True
    exact, starts = _noise()
    return words in exact or words.startswith(starts)


def _is_navigation(words: str) -> bool:
    exact, starts = _chrome()
    return words in exact or words.startswith(starts)


def drop_noise(lines: list[Line]) -> tuple[list[Line], int]:
    """The lines without page chrome, and the number of lines dropped."""
    headers = _running_headers(lines)
    kept: list[Line] = []
    texts: list[str] = []
    navigation = 0
    for line in lines:
        words = normalise(line.text)
        if _is_navigation(words):
            navigation += 1
            continue
        if is_noise(line.text, words) or (headers and words in headers):
            continue
        if (
            not line.cells
            and line.text.rstrip()[-1:].isdigit()
            and ("..." in line.text or "…" in line.text or ". . ." in line.text)
            and (match := LEADER.search(line.text))
            and match.start() > 0
        ):
            line = replace(line, text=line.text[: match.start()].rstrip(" .…"))
            words = normalise(line.text)
        kept.append(line)
        texts.append(words)
    kept = _without_repeats(kept, texts)
    return kept, len(lines) - len(kept) - navigation


def _running_headers(lines: list[Line]) -> frozenset:
    """Lines that follow at least two page markers in the same words (a page header)."""
    seen: Counter = Counter()
    for index, line in enumerate(lines):
        if PAGE_MARKER.match(line.text.strip()):
            following = {
                normalise(other.text) for other in lines[index + 1 : index + 1 + HEADER_LINES]
            }
            seen.update(text for text in following if text and LETTERS.search(text))
    return frozenset(text for text, count in seen.items() if count >= 2)


def _without_repeats(lines: list[Line], texts: list[str]) -> list[Line]:
    drop: set[int] = set()
    index = BLOCK_MIN
    limit = min(len(lines), BLOCK_SCAN)
    while index < limit:
        if lines[index].source.page is not None:
            break  # a PDF's pages may repeat each other; its headers are dropped by its reader
        for size in range(BLOCK_MIN, min(BLOCK_MAX, index) + 1):
            start = index - size
            if (
                texts[start] == texts[index]
                and texts[start:index] == texts[index : index + size]
                and not drop.intersection(range(start, index))
            ):
                drop.update(range(index, index + size))
                index += size
                break
        else:
            index += 1
    kept: list[Line] = []
    previous = None
    for position, (line, text) in enumerate(zip(lines, texts, strict=True)):
        if position in drop:
            continue
        if (
            text == previous
            and not line.bullet
            and not line.cells
            and len(text) <= 200
            and LETTERS.search(text)
        ):
            continue
        kept.append(line)
        previous = text
    return kept
