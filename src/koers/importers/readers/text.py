"""Plain text and Markdown.

Plain text has no markup, so this reader only recognises what the characters
show: list bullets (``•``, ``·``, ``-`` …) with their nesting by indentation, a
leading tab that starts a table cell (text copied from a table), and, for
Markdown, ``#`` headings.
"""

import re
import unicodedata
from collections import Counter

from koers.importers.errors import DocumentError
from koers.importers.limits import DEFAULT_LIMITS, ImportLimits, check
from koers.importers.lines import Line, Source

BULLET = re.compile(r"^(?P<marker>[•·◦▪●○■□➢➤►▸‣⁃∙*›]|-(?:\s*›)?|–|o(?=\s))\s+(?P<text>.*)$")
NUMBERED = re.compile(r"^(?P<marker>\d{1,2}[.)])\s+(?P<text>\S.*)$")
MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s(?P<text>.*)$")
MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def decode(data: bytes) -> str:
    """Text in UTF-8 (with or without BOM), else Windows-1252; refuse binary data."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    sample = text[:200_000]
    # Each distinct character looked up once: a document has a few hundred at most.
    controls = sum(
        count
        for char, count in Counter(sample).items()
        if unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and char not in "\t\n\r\f\v"
    )
    replaced = sample.count("\ufffd")
    if sample and (controls + replaced) / len(sample) > 0.02:
        raise DocumentError(
            "binary", "The file does not contain readable text (is it a binary file?)."
        )
    return text.replace("\x00", "")


def indentation(raw: str) -> int:
    return len(raw) - len(raw.lstrip(" \u00a0"))


def read_text(
    data: bytes, *, markdown: bool = False, limits: ImportLimits = DEFAULT_LIMITS
) -> list[Line]:
    text = decode(data)
    check_text(text, limits)
    return lines_from_text(text, markdown=markdown)


def check_text(text: str, limits: ImportLimits) -> None:
    """Refuse text with more lines, or a longer line, than the limits allow."""
    count = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    check("too_many_lines", count, limits.max_paragraphs)
    if len(text) > limits.max_cell_length:
        longest = max(map(len, text.splitlines()), default=0)
        check("cell_too_long", longest, limits.max_cell_length)


def lines_from_text(text: str, *, markdown: bool = False, page: int | None = None) -> list[Line]:
    lines: list[Line] = []
    indents: list[int] = []  # indentation of the open bullet levels
    blank = False
    for number, raw in enumerate(text.splitlines(), start=1):
        source = Source(line=number, page=page)
        stripped = raw.strip()
        if not stripped:
            blank = True
            continue
        if markdown and (match := MD_HEADING.match(stripped)):
            lines.append(
                Line(
                    clean(match["text"].rstrip("# \t")),
                    source,
                    heading=len(match["hashes"]),
                    blank_before=blank,
                )
            )
            indents, blank = [], False
            continue
        cell = raw.startswith("\t")
        indent = indentation(raw.lstrip("\t"))
        match = BULLET.match(stripped)
        if match is None and indent > 0:
            match = NUMBERED.match(stripped)
        if match is not None and not cell:
            while indents and indent < indents[-1]:
                indents.pop()
            if not indents or indent > indents[-1]:
                indents.append(indent)
            text_ = clean(match["text"]) if markdown else match["text"].strip()
            if text_:
                lines.append(Line(text_, source, bullet=len(indents), blank_before=blank))
            blank = False
            continue
        indents = []
        content = clean(stripped) if markdown else stripped
        lines.append(Line(content, source, cell=cell, blank_before=blank))
        blank = False
    return lines


def clean(text: str) -> str:
    return MD_EMPHASIS.sub(r"\2", text).strip()
