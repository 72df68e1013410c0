"""PDF: the text layer, page by page, read with pypdf.

Encrypted files are refused (unless they open with an empty password); a PDF
without a text layer (a scan) is read by text recognition when tesseract is
installed (:mod:`koers.importers.readers.ocr`), else it yields no lines and a
note says why.
Page numbers and running headers that repeat on most pages are dropped.
The page count is checked against the limit before any text is extracted.
"""

import io
import logging
import re
from collections import Counter

from koers.importers.errors import DocumentError
from koers.importers.limits import DEFAULT_LIMITS, ImportLimits, check
from koers.importers.lines import Line
from koers.importers.readers.text import lines_from_text

PAGE_NUMBER = re.compile(r"^(pagina|page|p\.)?\s*\d{1,4}(\s*(van|of|/)\s*\d{1,4})?$", re.I)


def read_pdf(
    data: bytes, progress=None, limits: ImportLimits = DEFAULT_LIMITS, notes: list | None = None
) -> list[Line]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except MemoryError:  # the memory limit of the isolated reader: not a damaged file
                raise
            except Exception:
                opened = 0
            if not opened:
                raise DocumentError(
                    "encrypted",
                    "The PDF is protected with a password; save an unprotected copy and "
                    "import that.",
                )
        check("too_many_pages", _stated_pages(reader), limits.max_pages)
        pages = reader.pages
        count = len(pages)  # the page tree walked, but nothing extracted yet
        check("too_many_pages", count, limits.max_pages)
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise DocumentError("broken_pdf", "The PDF is damaged and cannot be read.") from error
    except MemoryError:  # the memory limit of the isolated reader: not a damaged file
        raise
    except Exception as error:
        raise DocumentError("broken_pdf", "The PDF is damaged and cannot be read.") from error
    per_page: list[list[Line]] = []
    for number in range(count):
        try:
            text = pages[number].extract_text() or ""
        except MemoryError:  # the memory limit of the isolated reader: not a damaged file
            raise
        except Exception:  # one bad page must not lose the others
            text = ""
        per_page.append(lines_from_text(text, page=number + 1))
        if progress is not None:
            progress(number + 1, count)
    if count and not any(per_page) and any(_has_image(page) for page in pages):
        # no text layer at all, but pictures: a scan (a page without pictures has nothing
        # to recognise, however large its drawing)
        from koers.importers.readers.ocr import recognise

        texts = recognise(data, count, limits, notes if notes is not None else [])
        per_page = [lines_from_text(text, page=n) for n, text in enumerate(texts, start=1)]
    return _without_running_lines(per_page)


def _has_image(page, depth: int = 0) -> bool:
    """Whether a page (or a form it draws, two levels down) holds an image."""
    try:
        objects = page["/Resources"]["/XObject"]
        for name in objects:
            drawn = objects[name].get_object()
            if drawn.get("/Subtype") == "/Image":
                return True
            if drawn.get("/Subtype") == "/Form" and depth < 2 and _has_image(drawn, depth + 1):
                return True
    except MemoryError:  # the memory limit of the isolated reader: not a damaged file
        raise
    except Exception:  # no resources, no pictures: nothing to recognise
        return False
    return False


def _stated_pages(reader) -> int:
    """The page count the document states (/Count of its page tree), 0 when absent."""
    try:
        count = reader.trailer["/Root"]["/Pages"]["/Count"]
    except MemoryError:  # the memory limit of the isolated reader: not a damaged file
        raise
    except Exception:
        return 0
    return count if isinstance(count, int) else 0


def _without_running_lines(per_page: list[list[Line]]) -> list[Line]:
    edges = Counter()
    for lines in per_page:
        for line in {*(each.text for each in lines[:2]), *(each.text for each in lines[-2:])}:
            edges[line] += 1
    running = {
        text for text, seen in edges.items() if len(per_page) >= 4 and seen > len(per_page) / 2
    }
    return [
        line
        for lines in per_page
        for line in lines
        if line.text not in running and not PAGE_NUMBER.match(line.text)
    ]
