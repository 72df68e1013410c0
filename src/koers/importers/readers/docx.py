"""Word documents (.docx), read with python-docx.

Headings come from the paragraph styles ('Heading 2', 'Kop 2', 'Title'), list
items from list styles or numbering, tables row by row. Locations are paragraph
numbers (tables count as one paragraph each, their rows are numbered within).
"""

import io
import re
import zipfile

from koers.importers.errors import DocumentError
from koers.importers.lines import Line, Source

LIST_LEVEL = re.compile(r"\s(\d)$")
HEADING_STYLE = re.compile(r"^(heading|kop|titre|überschrift)\s*(\d)$", re.IGNORECASE)


def read_docx(data: bytes) -> list[Line]:
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise DocumentError(
            "broken_docx", "The Word document is damaged and cannot be read."
        ) from error
    except Exception as error:  # lxml and python-docx raise many kinds on broken parts
        raise DocumentError(
            "broken_docx", "The Word document is damaged and cannot be read."
        ) from error
    lines: list[Line] = []
    body = document.element.body
    for number, child in enumerate(body.iterchildren(), start=1):
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, document)
            text = " ".join(paragraph.text.split())
            if not text:
                continue
            lines.append(Line(text, Source(paragraph=number), **_paragraph_kind(paragraph, qn)))
        elif child.tag == qn("w:tbl"):
            table = Table(child, document)
            for row_number, row in enumerate(table.rows, start=1):
                cells: list[str] = []
                previous = None
                for cell in row.cells:
                    if cell._tc is previous:  # a merged cell repeats itself
                        continue
                    previous = cell._tc
                    cells.append(" ".join(cell.text.split()))
                if any(cells):
                    lines.append(
                        Line(
                            " | ".join(c for c in cells if c),
                            Source(paragraph=number, row=row_number),
                            cells=tuple(cells),
                        )
                    )
    return lines


def _paragraph_kind(paragraph, qn) -> dict:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.lower() == "title":
        return {"heading": 1}
    if match := HEADING_STYLE.match(style.strip()):
        return {"heading": int(match[2])}
    properties = paragraph._p.pPr
    numbering = properties.numPr if properties is not None else None
    if numbering is not None or "list" in style.lower() or "lijst" in style.lower():
        level = 0
        if numbering is not None and numbering.ilvl is not None:
            level = int(numbering.ilvl.get(qn("w:val"), 0) or 0)
        elif match := LIST_LEVEL.search(style):  # 'List Bullet 2' is the second level
            level = int(match[1]) - 1
        return {"bullet": level + 1}
    return {}
