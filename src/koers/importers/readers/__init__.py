"""Readers: bytes of one file format → list of :class:`~koers.importers.lines.Line`.

:func:`read_document` checks the name and the content agree, then dispatches.
"""

from pathlib import PurePath

from koers.importers.errors import DocumentError
from koers.importers.limits import DEFAULT_LIMITS, ImportLimits, check
from koers.importers.lines import Line

FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    ".xlsx": "xlsx",
    ".csv": "csv",
    ".zip": "zip",  # saved pages of one plan website (koers.importers.archive)
}

ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"


def format_of(filename: str) -> str:
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in FORMATS:
        raise DocumentError(
            "unsupported_format",
            "Files of type '%(suffix)s' cannot be imported; use .txt, .md, .html, .docx, "
            ".pdf, .xlsx, .csv or a .zip of pages.",
            suffix=suffix or filename,
        )
    return FORMATS[suffix]


def check_content(fmt: str, data: bytes) -> None:
    """Refuse a file whose content does not match its name."""
    if not data.strip():
        raise DocumentError("empty", "The file is empty.")
    if fmt in ("docx", "xlsx", "zip") and not data.startswith((ZIP_MAGIC, b"PK\x05\x06")):
        raise DocumentError(
            "wrong_content",
            "The file is named .%(fmt)s but its content is not a %(fmt)s document.",
            fmt=fmt,
        )
    if fmt == "pdf" and PDF_MAGIC not in data[:1024]:
        raise DocumentError(
            "wrong_content",
            "The file is named .%(fmt)s but its content is not a %(fmt)s document.",
            fmt=fmt,
        )
    if fmt in ("text", "markdown", "html", "csv") and (data.startswith((ZIP_MAGIC, PDF_MAGIC))):
        raise DocumentError(
            "wrong_content",
            "The file is named .%(fmt)s but contains a Word, Excel or PDF document; "
            "give it its proper extension.",
            fmt=fmt,
        )


def read_document(
    data: bytes,
    filename: str,
    progress=None,
    limits: ImportLimits | None = None,
    notes: list | None = None,
) -> tuple[str, list[Line]]:
    """Return the format and the lines of a document.

    Every failure becomes a :class:`DocumentError`: a damaged file must give a
    message, never a traceback; so does a file beyond one of the ``limits``.
    ``notes``, when given, receives (code, English message, params) of what a reader
    wants said in the preview (a scanned PDF read with text recognition).
    """
    limits = limits or DEFAULT_LIMITS
    fmt = format_of(filename)
    check_content(fmt, data)
    try:
        lines = _read(fmt, data, progress, limits, notes if notes is not None else [])
    except (DocumentError, RecursionError):
        raise
    except MemoryError:
        raise
    except Exception as error:
        raise DocumentError(
            "unreadable",
            "The file cannot be read: it is damaged or not what its name says.",
        ) from error
    # The readers check their own units while reading; this bounds every format.
    check("too_many_lines", len(lines), limits.max_paragraphs)
    check("cell_too_long", max(map(_longest, lines), default=0), limits.max_cell_length)
    return fmt, lines


def _longest(line: Line) -> int:
    return max(map(len, line.cells), default=0) if line.cells else len(line.text)


def _read(fmt: str, data: bytes, progress, limits: ImportLimits, notes: list) -> list[Line]:
    if fmt in ("text", "markdown"):
        from koers.importers.readers.text import read_text

        return read_text(data, markdown=fmt == "markdown", limits=limits)
    if fmt == "html":
        from koers.importers.readers.html import read_html

        return read_html(data, limits=limits)
    if fmt == "docx":
        from koers.importers.readers.docx import read_docx

        return read_docx(data, limits=limits)
    if fmt == "pdf":
        from koers.importers.readers.pdf import read_pdf

        return read_pdf(data, progress=progress, limits=limits, notes=notes)
    if fmt == "zip":
        from koers.importers.archive import read_archive_lines

        return read_archive_lines(data, limits)
    from koers.importers.readers.spreadsheet import read_csv, read_xlsx

    return read_csv(data, limits=limits) if fmt == "csv" else read_xlsx(data, limits=limits)
