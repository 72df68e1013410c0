"""Readers: bytes of one file format → list of :class:`~koers.importers.lines.Line`.

:func:`read_document` checks the name and the content agree, then dispatches.
"""

from pathlib import PurePath

from koers.importers.errors import DocumentError
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
}

ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"


def format_of(filename: str) -> str:
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in FORMATS:
        raise DocumentError(
            "unsupported_format",
            "Files of type '%(suffix)s' cannot be imported; use .txt, .md, .html, .docx, "
            ".pdf, .xlsx or .csv.",
            suffix=suffix or filename,
        )
    return FORMATS[suffix]


def check_content(fmt: str, data: bytes) -> None:
    """Refuse a file whose content does not match its name."""
    if not data.strip():
        raise DocumentError("empty", "The file is empty.")
    if fmt in ("docx", "xlsx") and not data.startswith(ZIP_MAGIC):
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


def read_document(data: bytes, filename: str, progress=None) -> tuple[str, list[Line]]:
    """Return the format and the lines of a document.

    Every failure becomes a :class:`DocumentError`: a damaged file must give a
    message, never a traceback.
    """
    fmt = format_of(filename)
    check_content(fmt, data)
    try:
        return fmt, _read(fmt, data, progress)
    except (DocumentError, RecursionError):
        raise
    except Exception as error:
        raise DocumentError(
            "unreadable",
            "The file cannot be read: it is damaged or not what its name says.",
        ) from error


def _read(fmt: str, data: bytes, progress) -> list[Line]:
    if fmt in ("text", "markdown"):
        from koers.importers.readers.text import read_text

        return read_text(data, markdown=fmt == "markdown")
    if fmt == "html":
        from koers.importers.readers.html import read_html

        return read_html(data)
    if fmt == "docx":
        from koers.importers.readers.docx import read_docx

        return read_docx(data)
    if fmt == "pdf":
        from koers.importers.readers.pdf import read_pdf

        return read_pdf(data, progress=progress)
    from koers.importers.readers.spreadsheet import read_csv, read_xlsx

    return read_csv(data) if fmt == "csv" else read_xlsx(data)
