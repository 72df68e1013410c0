"""User text on its way into a report.

Every renderer treats what people typed as text, never as markup of its own format:

- ``cleaned(report)``: the report with characters no document format can hold (NUL and
  other control characters, lone surrogates) removed from every text, once, before a
  renderer starts;
- ``markup(text)``: plain text escaped for ReportLab's paragraph markup (and XML);
- ``rich_blocks(html)``: stored rich text rebuilt from a whitelist into paragraphs of
  runs (text, bold, italic, line break). Links keep their words but lose their
  address; images, scripts, fonts and every attribute are dropped, whatever the stored
  text contains.
"""

import dataclasses
import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, NavigableString
from bs4.element import CData, Comment, Declaration, Doctype, ProcessingInstruction

# XML 1.0 holds none of these (C1 controls it holds but discourages; no reader wants them).
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
BLOCKS = ["p", "li", "h1", "h2", "h3", "h4", "blockquote", "pre", "div"]
BOLD = {"strong", "b"}
ITALIC = {"em", "i"}
# Elements whose content is no text of the report.
SKIPPED = {"script", "style", "template", "head", "title", "noscript", "iframe", "object"}
NOT_TEXT = (Comment, CData, Declaration, Doctype, ProcessingInstruction)


def plain(text) -> str:
    """``text`` without the characters that no document format can hold."""
    if text is None:
        return ""
    return UNWRITABLE.sub("", str(text))


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters; a cut text ends in '…'."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def markup(text) -> str:
    """Plain text as ReportLab paragraph markup (or XML text): shown as typed."""
    return (
        plain(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def cleaned(report):
    """A copy of the report (any dataclass of ``koers.reporting.contents`` or
    ``.indicators``) with every text, in lists, tuples and dicts too, passed through
    ``plain``."""
    return _clean(report)


def _clean(value):
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, list):
        return [_clean(entry) for entry in value]
    if isinstance(value, tuple):
        return tuple(_clean(entry) for entry in value)
    if isinstance(value, dict):
        return {_clean(key): _clean(entry) for key, entry in value.items()}
    if (
        dataclasses.is_dataclass(value)
        and not isinstance(value, type)
        and type(value).__module__ in ("koers.reporting.contents", "koers.reporting.indicators")
    ):
        changes = {
            spec.name: _clean(getattr(value, spec.name))
            for spec in dataclasses.fields(value)
            if spec.init
        }
        return dataclasses.replace(value, **changes)
    return value


@dataclass
class Run:
    text: str = ""
    bold: bool = False
    italic: bool = False
    line_break: bool = False


@dataclass
class Block:
    bullet: bool  # a list item
    runs: list[Run] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join("\n" if run.line_break else run.text for run in self.runs)


def rich_blocks(html: str) -> list[Block]:
    """The innermost block elements (paragraphs, list items …) of ``html``, or the whole
    fragment when it has none, as runs of plain text; [] for empty text."""
    if not html or not html.strip():
        return []
    soup = BeautifulSoup(plain(html), "html.parser")
    for element in soup.find_all(SKIPPED):
        element.decompose()
    nodes = [block for block in soup.find_all(BLOCKS) if not block.find(["p", "li", "div"])]
    blocks = []
    for node in nodes or [soup]:
        block = Block(bullet=node.name == "li")
        _runs(node, block.runs, bold=False, italic=False)
        if block.text.strip():
            blocks.append(block)
    return blocks


def _runs(node, runs: list[Run], bold: bool, italic: bool) -> None:
    for child in node.children:
        if isinstance(child, NOT_TEXT):
            continue
        if isinstance(child, NavigableString):
            if str(child):
                runs.append(Run(str(child), bold, italic))
        elif child.name == "br":
            runs.append(Run(line_break=True))
        else:
            _runs(child, runs, bold or child.name in BOLD, italic or child.name in ITALIC)
