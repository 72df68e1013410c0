"""HTML: a page saved from an online plan.

Scripts, styles, navigation, headers, footers and forms are dropped before any
text is read; headings keep their level, list items their nesting, table rows
their cells. Locations are the line numbers of the HTML source.
"""

import warnings
from html.parser import HTMLParser

from bs4 import BeautifulSoup, Comment, MarkupResemblesLocatorWarning, NavigableString, Tag

from koers.importers.errors import DocumentError
from koers.importers.limits import DEFAULT_LIMITS, ImportLimits, check
from koers.importers.lines import Line, Source
from koers.importers.readers.text import decode

DROPPED = {
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "svg",
    "canvas",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "input",
    "textarea",
    "head",
    "title",
    "meta",
    "link",
    "dialog",
    "menu",
}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
LISTS = {"ul", "ol"}
BREAKS = {"br"}
BLOCKS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "body",
    "html",
    "blockquote",
    "pre",
    "dl",
    "dt",
    "dd",
    "figure",
    "figcaption",
    "address",
    "details",
    "summary",
    "center",
    "fieldset",
}


def read_html(data: bytes, limits: ImportLimits = DEFAULT_LIMITS) -> list[Line]:
    text = decode(data)
    check("too_deep", nesting_depth(text), limits.max_depth)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        try:
            soup = BeautifulSoup(text, "html.parser")
        except MemoryError:  # the memory limit of the isolated reader: not a damaged file
            raise
        except Exception as error:  # html.parser gives up on very broken markup
            raise DocumentError(
                "broken_html", "The HTML cannot be read: %(error)s", error=str(error)
            ) from error
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()
    for tag in soup.find_all(DROPPED):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": ["navigation", "banner", "contentinfo", "search"]}):
        tag.decompose()
    for tag in soup.find_all(attrs={"hidden": True}):
        tag.decompose()
    walker = _Walker()
    walker.walk(soup, list_depth=0)
    walker.flush()
    return walker.lines


VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr", "basefont", "bgsound", "frame", "keygen", "spacer",
}  # fmt: skip


class _Depth(HTMLParser):
    """Measures how deep elements nest, the way the tree that BeautifulSoup builds
    nests them (an end tag closes up to its start tag; void elements hold nothing)."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.counts: dict[str, int] = {}  # open elements per tag, for a quick lookup
        self.deepest = 0

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append(tag)
            self.counts[tag] = self.counts.get(tag, 0) + 1
            self.deepest = max(self.deepest, len(self.open))

    def handle_endtag(self, tag):
        if self.counts.get(tag):
            while (closed := self.open.pop()) != tag:
                self.counts[closed] -= 1
            self.counts[tag] -= 1


def nesting_depth(text: str) -> int:
    """The deepest nesting of elements in an HTML text, without building a tree."""
    parser = _Depth()
    parser.feed(text)
    parser.close()
    return parser.deepest


class _Walker:
    def __init__(self):
        self.lines: list[Line] = []
        self.buffer: list[str] = []
        self.buffer_line: int | None = None

    def text_of(self, tag: Tag) -> str:
        return " ".join(tag.get_text(" ").split())

    def emit(self, text: str, line: int | None, **kwargs) -> None:
        text = " ".join(text.split())
        if text:
            self.lines.append(Line(text, Source(line=line), **kwargs))

    def flush(self, **kwargs) -> None:
        if self.buffer:
            self.emit(" ".join(self.buffer), self.buffer_line, **kwargs)
        self.buffer, self.buffer_line = [], None

    def walk(self, node: Tag, list_depth: int) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if child.strip():
                    if self.buffer_line is None:
                        self.buffer_line = getattr(node, "sourceline", None)
                    self.buffer.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name in HEADINGS:
                self.flush()
                self.emit(self.text_of(child), child.sourceline, heading=HEADINGS[name])
            elif name in LISTS:
                self.flush()
                self.walk(child, list_depth + 1)
            elif name == "li":
                self.flush()
                self.list_item(child, max(list_depth, 1))
            elif name == "table":
                self.flush()
                self.table(child)
            elif name in BREAKS:
                self.flush()
            elif name in BLOCKS:
                self.flush()
                self.walk(child, list_depth)
                self.flush()
            else:  # inline element
                if self.buffer_line is None:
                    self.buffer_line = child.sourceline
                self.walk_inline(child, list_depth)

    def walk_inline(self, tag: Tag, list_depth: int) -> None:
        if tag.find(list(HEADINGS) + list(LISTS) + ["table", "p", "div", "li"]):
            self.walk(tag, list_depth)
        else:
            text = tag.get_text(" ")
            if text.strip():
                self.buffer.append(text)

    def list_item(self, item: Tag, depth: int) -> None:
        line = item.sourceline
        parts: list[str] = []
        nested: list[Tag] = []
        for child in item.children:
            if (isinstance(child, Tag) and child.name in LISTS) or (
                isinstance(child, Tag) and child.name == "table"
            ):
                nested.append(child)
            elif isinstance(child, Tag):
                parts.append(child.get_text(" "))
            elif isinstance(child, NavigableString):
                parts.append(str(child))
        self.emit(" ".join(parts), line, bullet=depth)
        for sub in nested:
            if sub.name == "table":
                self.table(sub)
            else:
                self.walk(sub, depth + 1)

    def table(self, table: Tag) -> None:
        for row in table.find_all("tr"):
            if row.find_parent("table") is not table:
                continue
            cells = tuple(
                " ".join(cell.get_text(" ").split())
                for cell in row.find_all(["td", "th"])
                if cell.find_parent("tr") is row
            )
            if any(cells):
                self.lines.append(
                    Line(
                        " | ".join(c for c in cells if c), Source(line=row.sourceline), cells=cells
                    )
                )
