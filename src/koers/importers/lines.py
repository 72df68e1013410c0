"""The common shape every reader produces: a list of :class:`Line`.

A line is one paragraph, heading, bullet or table row of the document, with its
place in the source so that every extracted element can say where it came from.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    """Where something stands in the original file (1-based numbers)."""

    line: int | None = None
    page: int | None = None
    paragraph: int | None = None
    row: int | None = None
    sheet: str | None = None
    file: str | None = None  # the page's name inside a ZIP or folder of pages

    def as_dict(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if value is not None}

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(f"file {self.file}")
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.page:
            parts.append(f"page {self.page}")
        if self.line:
            parts.append(f"line {self.line}")
        if self.paragraph:
            parts.append(f"paragraph {self.paragraph}")
        if self.row:
            parts.append(f"row {self.row}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Line:
    """One unit of text.

    ``heading`` is the heading level when the format says so (HTML ``h2``, a Word
    heading style, Markdown ``##``), else ``None``; plain text has no headings and
    the families recognise them by their words. ``bullet`` is the nesting depth of
    a list item (1 = top level, 0 = not a list item). ``cell`` marks a line that
    begins a table cell in plain text (a leading tab); ``cells`` holds a whole
    table row when the format has real tables.
    """

    text: str
    source: Source
    heading: int | None = None
    bullet: int = 0
    cell: bool = False
    cells: tuple[str, ...] = field(default=())
    blank_before: bool = False
