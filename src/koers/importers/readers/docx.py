"""Word documents (.docx), opened with python-docx and read from their XML.

Headings come from the paragraph styles ('Heading 2', 'Kop 2', 'Title'), list
items from list styles or numbering, tables row by row. Locations are paragraph
numbers (a table counts as one paragraph; its rows are numbered within it).
The package is checked against the limits first (see
:func:`koers.importers.limits.check_package`).

The paragraphs are read from the XML directly: python-docx resolves a
paragraph's style by searching all styles, which made a 1,000-page document
take minutes.
"""

import io
import re

from koers.importers.errors import DocumentError
from koers.importers.limits import DEFAULT_LIMITS, ImportLimits, check_package
from koers.importers.lines import Line, Source

LIST_LEVEL = re.compile(r"\s(\d)$")
HEADING_STYLE = re.compile(r"^(heading|kop|titre|überschrift)\s*(\d)$", re.IGNORECASE)


def read_docx(data: bytes, limits: ImportLimits = DEFAULT_LIMITS) -> list[Line]:
    import docx
    from docx.oxml.ns import qn

    # Size, entries, depth and paragraphs are counted from the XML as it streams,
    # before python-docx builds its tree of the whole document.
    check_package(data, "docx", limits)
    try:
        document = docx.Document(io.BytesIO(data))
        styles = {style.style_id: style.name or "" for style in document.styles}
    except MemoryError:  # the memory limit of the isolated reader: not a damaged file
        raise
    except Exception as error:  # zipfile, lxml and python-docx raise many kinds on broken files
        raise DocumentError(
            "broken_docx", "The Word document is damaged and cannot be read."
        ) from error
    names = _Names(qn)
    lines: list[Line] = []
    for number, child in enumerate(document.element.body.iterchildren(), start=1):
        if child.tag == names.p:
            text = " ".join(_text(child, names).split())
            if text:
                kind = _paragraph_kind(child, styles, names)
                lines.append(Line(text, Source(paragraph=number), **kind))
        elif child.tag == names.tbl:
            for row_number, row in enumerate(child.iterchildren(names.tr), start=1):
                cells = tuple(
                    " ".join(_text(cell, names).split()) for cell in row.iterchildren(names.tc)
                )
                if any(cells):
                    lines.append(
                        Line(
                            " | ".join(c for c in cells if c),
                            Source(paragraph=number, row=row_number),
                            cells=cells,
                        )
                    )
    return lines


class _Names:
    def __init__(self, qn):
        self.p, self.tbl, self.tr, self.tc = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
        self.t, self.tab, self.br = qn("w:t"), qn("w:tab"), qn("w:br")
        self.pPr, self.pStyle, self.numPr, self.ilvl = (
            qn("w:pPr"),
            qn("w:pStyle"),
            qn("w:numPr"),
            qn("w:ilvl"),
        )
        self.val = qn("w:val")


def _text(element, names: _Names) -> str:
    parts = []
    for node in element.iter(names.t, names.tab, names.br):
        parts.append(node.text or "" if node.tag == names.t else " ")
    return "".join(parts)


def _paragraph_kind(paragraph, styles: dict[str, str], names: _Names) -> dict:
    properties = paragraph.find(names.pPr)
    style_id = numbering = None
    if properties is not None:
        style = properties.find(names.pStyle)
        style_id = style.get(names.val) if style is not None else None
        numbering = properties.find(names.numPr)
    style = styles.get(style_id, "") if style_id else ""
    if style.lower() == "title":
        return {"heading": 1}
    if match := HEADING_STYLE.match(style.strip()):
        return {"heading": int(match[2])}
    if numbering is not None or "list" in style.lower() or "lijst" in style.lower():
        level = 0
        indent = numbering.find(names.ilvl) if numbering is not None else None
        if indent is not None:
            value = indent.get(names.val) or "0"
            level = min(int(value), 8) if value.isascii() and value.isdigit() else 0
        elif match := LIST_LEVEL.search(style):  # 'List Bullet 2' is the second level
            level = int(match[1]) - 1
        return {"bullet": level + 1}
    return {}
