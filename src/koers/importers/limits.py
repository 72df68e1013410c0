"""Resource limits for reading documents, and the checks that enforce them.

A hostile or broken file must not take the server down: a zip bomb, a sheet
whose one cell sits at ``XFD1048576``, a Word file with millions of paragraphs,
HTML nested thousands of levels deep. :class:`ImportLimits` holds every bound;
the readers check them *while* reading (before a library builds anything big),
and :func:`koers.importers.isolation.import_document_isolated` adds the outer
guard of seconds and memory. A document beyond a limit raises
:class:`~koers.importers.errors.DocumentError` with a code per limit and the
value found, so that the message can name both.

This module has no Django in it: the Django side fills :class:`ImportLimits`
from the ``KOERS_IMPORT_*`` settings.
"""

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from xml.parsers import expat

from koers.importers.errors import DocumentError

MB = 1024 * 1024
# Members smaller than this are not held to the compression ratio: a small, very
# regular XML part (styles, an empty sheet) compresses well and harms nobody.
RATIO_FLOOR = 1 * MB
CHUNK = 64 * 1024


@dataclass(frozen=True)
class ImportLimits:
    """Upper bounds for one document; the defaults suit a plan of a large city."""

    max_bytes: int = 20 * MB  # the uploaded file
    max_unpacked_bytes: int = 100 * MB  # the sum of a zip's (docx, xlsx) members, unpacked
    max_zip_entries: int = 5_000
    max_compression_ratio: int = 200  # unpacked / packed size of one zip member
    max_rows: int = 100_000  # spreadsheet rows (xlsx, csv)
    max_columns: int = 200
    max_cells: int = 2_000_000
    max_cell_length: int = 100_000  # characters in one cell, paragraph or line of text
    max_paragraphs: int = 200_000  # paragraphs (docx) or lines (text, html, pdf)
    max_pages: int = 2_000  # PDF
    max_depth: int = 200  # nesting of HTML elements and of the XML inside docx and xlsx
    max_items: int = 50_000  # items, milestones and budget lines in the result
    max_seconds: int = 120  # wall clock, enforced by the isolated reader
    max_memory_mb: int = 1_024  # extra memory, enforced by the isolated reader

    def but(self, **changes) -> "ImportLimits":
        return replace(self, **changes)


DEFAULT_LIMITS = ImportLimits()

# code → English message; every one names the value found and the limit.
MESSAGES = {
    "too_large": "The file is %(size)s MB; the limit is %(limit)s MB.",
    "too_large_unpacked": "Unpacked, the file holds %(value)s MB; the limit is %(limit)s MB.",
    "unpacks_more": (
        "Unpacked, the file holds more than %(limit)s MB, more than its own table of "
        "contents says; the limit is %(limit)s MB."
    ),
    "too_many_entries": "The file is a package of %(value)s parts; the limit is %(limit)s.",
    "compression_ratio": (
        "A part of the file unpacks to %(value)s times its packed size; the limit is %(limit)s."
    ),
    "too_many_rows": "The sheet has %(value)s rows; the limit is %(limit)s.",
    "too_many_columns": "The sheet has %(value)s columns; the limit is %(limit)s.",
    "too_many_cells": "The sheet has %(value)s cells; the limit is %(limit)s.",
    "cell_too_long": (
        "A cell, paragraph or line holds %(value)s characters; the limit is %(limit)s."
    ),
    "too_many_paragraphs": "The file contains %(value)s paragraphs; the limit is %(limit)s.",
    "too_many_lines": "The file contains %(value)s lines; the limit is %(limit)s.",
    "too_many_pages": "The PDF has %(value)s pages; the limit is %(limit)s.",
    "too_deep": "The document is nested %(value)s levels deep; the limit is %(limit)s.",
    "too_many_items": "The document gives %(value)s items; the limit is %(limit)s.",
    "too_slow": "Reading the file took longer than %(limit)s seconds; it was stopped.",
    "too_much_memory": "Reading the file needed more than %(limit)s MB of memory; it was stopped.",
    "interrupted": "Reading the file was interrupted; try again.",
}


def limit_error(message: str, code: str | None = None, **params) -> DocumentError:
    """The error for a document beyond a limit; ``message`` names one of ``MESSAGES``."""
    return DocumentError(code or message, MESSAGES[message], **params)


def exceeded(code: str, value: int, limit: int) -> DocumentError:
    """The error for a document beyond a limit (``value`` found, ``limit`` allowed)."""
    return limit_error(code, value=value, limit=limit)


def check(code: str, value: int, limit: int) -> None:
    if value > limit:
        raise exceeded(code, value, limit)


def megabytes(size: int) -> float:
    return round(size / MB, 1)


# -- zip packages (docx, xlsx) ------------------------------------------------------------


def check_package(data: bytes, fmt: str, limits: ImportLimits) -> None:
    """Check a docx or xlsx package before a library opens it.

    First from the zip directory alone (entries, the sum of the unpacked sizes,
    each member's compression ratio), then again while unpacking every member in
    small chunks: the bytes are counted as they come (the directory can lie) and
    the XML parts are fed to a streaming parser that measures nesting depth,
    text length, paragraphs (docx) and rows, columns and cells (xlsx). Nothing
    is kept; a file that is not a zip is left to the reader to refuse.
    """
    check("too_many_entries", stated_entries(data), limits.max_zip_entries)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return
    check("too_many_entries", len(infos), limits.max_zip_entries)
    declared = sum(info.file_size for info in infos)
    if declared > limits.max_unpacked_bytes:
        raise limit_error(
            "too_large_unpacked",
            value=megabytes(declared),
            limit=megabytes(limits.max_unpacked_bytes),
        )
    for info in infos:
        if info.file_size > RATIO_FLOOR:
            check(
                "compression_ratio",
                info.file_size // max(info.compress_size, 1),
                limits.max_compression_ratio,
            )
    unpacked = UnpackedCount(limits)
    for info in infos:
        if fmt == "docx" and info.filename.lower() == "word/document.xml":
            _count_paragraphs(archive, info, limits, fmt)
        scanner = _scanner(fmt, info.filename, limits)
        try:
            for chunk in member_chunks(archive, info, unpacked):
                if scanner is not None:
                    scanner.feed(chunk)
            if scanner is not None:
                scanner.close()
        except DocumentError:
            raise
        except (zipfile.BadZipFile, zlib.error, expat.ExpatError, EOFError, OSError) as error:
            raise _broken(fmt) from error
        except NotImplementedError as error:  # a compression method zipfile cannot unpack
            raise _broken(fmt) from error


class UnpackedCount:
    """The bytes unpacked so far from one zip, all members together, held to
    ``max_unpacked_bytes`` as they come: the directory's sizes can lie."""

    def __init__(self, limits: ImportLimits):
        self.limit = limits.max_unpacked_bytes
        self.bytes = 0

    def add(self, size: int) -> None:
        self.bytes += size
        if self.bytes > self.limit:
            raise limit_error(
                "unpacks_more", code="too_large_unpacked", limit=megabytes(self.limit)
            )


def member_chunks(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, unpacked: UnpackedCount | None = None
) -> Iterator[bytes]:
    """A zip member's bytes in chunks of ``CHUNK`` as they unpack, each added to
    ``unpacked`` (if given) before it is handed on. zipfile's own errors (a damaged
    member, a compression method it cannot unpack, a password) are left to the caller."""
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            if unpacked is not None:
                unpacked.add(len(chunk))
            yield chunk


def stated_entries(data: bytes) -> int:
    """The number of members a zip's end record states (zip64 too), read before the
    directory itself is parsed, which for 100,000 members takes seconds; 0 if not found."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or len(data) < end + 22:
        return 0
    count = struct.unpack_from("<H", data, end + 10)[0]
    locator = end - 20
    if count == 0xFFFF and locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        record = struct.unpack_from("<Q", data, locator + 8)[0]
        if data[record : record + 4] == b"PK\x06\x06" and len(data) >= record + 40:
            count = struct.unpack_from("<Q", data, record + 32)[0]
    return count


PARAGRAPH_STARTS = (b"<w:p>", b"<w:p ", b"<w:p/")


def _count_paragraphs(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits, fmt) -> None:
    """Count a Word document's paragraphs in its bytes as they unpack: far quicker than
    the XML parser for a file of millions (the parser still counts them, whatever
    their namespace prefix)."""
    count, tail = 0, b""
    try:
        for chunk in member_chunks(archive, info):
            window = tail + chunk
            count += sum(window.count(start) for start in PARAGRAPH_STARTS)
            tail = window[-4:]  # shorter than a start: one cut in two counts once
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        raise _broken(fmt) from error
    check("too_many_paragraphs", count, limits.max_paragraphs)


def _broken(fmt: str) -> DocumentError:
    if fmt == "docx":
        return DocumentError("broken_docx", "The Word document is damaged and cannot be read.")
    return DocumentError("broken_xlsx", "The Excel file is damaged and cannot be read.")


def _scanner(fmt: str, name: str, limits: ImportLimits) -> "_XmlScanner | None":
    lower = name.lower()
    if not lower.endswith((".xml", ".rels")):
        return None
    if fmt == "docx" and lower.startswith("word/") and lower.count("/") == 1:
        return _XmlScanner(limits, paragraphs=lower == "word/document.xml")
    if fmt == "xlsx" and lower.startswith("xl/worksheets/") and lower.count("/") == 2:
        return _XmlScanner(limits, sheet=True)
    return _XmlScanner(limits)


class _XmlScanner:
    """Streams one XML part through expat, keeping counts only."""

    TEXT_HOLDERS = {"p", "si", "c", "is"}  # a paragraph, a shared string, a cell

    def __init__(self, limits: ImportLimits, *, paragraphs: bool = False, sheet: bool = False):
        self.limits = limits
        self.count_paragraphs = paragraphs
        self.sheet = sheet
        self.depth = self.max_depth = 0
        self.paragraphs = 0
        self.text = 0  # characters in the current paragraph, string or cell
        self.rows = self.cells = 0
        self.row = 0
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.characters

    def feed(self, chunk: bytes) -> None:
        self.parser.Parse(chunk, False)

    def close(self) -> None:
        self.parser.Parse(b"", True)
        check("too_deep", self.max_depth, self.limits.max_depth)
        if self.count_paragraphs:
            check("too_many_paragraphs", self.paragraphs, self.limits.max_paragraphs)
        if self.sheet:
            check("too_many_cells", self.cells, self.limits.max_cells)

    def start(self, tag: str, attributes: dict) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            self.max_depth = self.depth
            if self.depth > 10 * self.limits.max_depth:  # no need to count further
                raise exceeded("too_deep", self.depth, self.limits.max_depth)
        name = tag.rpartition(":")[2]
        if name in self.TEXT_HOLDERS:
            self.text = 0
            if name == "p":
                self.paragraphs += 1
        if self.sheet:
            self.sheet_element(name, attributes)

    def end(self, tag: str) -> None:
        self.depth -= 1
        if tag.rpartition(":")[2] in self.TEXT_HOLDERS:
            check("cell_too_long", self.text, self.limits.max_cell_length)
            self.text = 0

    def characters(self, data: str) -> None:
        self.text += len(data)
        # Count on to the end of the element for the message, but not without end.
        if self.text > 1000 * self.limits.max_cell_length:
            raise exceeded("cell_too_long", self.text, self.limits.max_cell_length)

    def sheet_element(self, name: str, attributes: dict) -> None:
        limits = self.limits
        if name == "dimension":
            last = (attributes.get("ref") or "").rpartition(":")[2]
            column, row = cell_position(last)
            check("too_many_rows", row, limits.max_rows)
            check("too_many_columns", column, limits.max_columns)
            check("too_many_cells", row * column, limits.max_cells)
        elif name == "row":
            number = attributes.get("r", "")
            self.row = int(number) if number.isdigit() else self.row + 1
            check("too_many_rows", self.row, limits.max_rows)
        elif name == "c":
            self.cells += 1
            column, row = cell_position(attributes.get("r", ""))
            check("too_many_rows", row, limits.max_rows)
            check("too_many_columns", column, limits.max_columns)


def cell_position(reference: str) -> tuple[int, int]:
    """('XFD1048576') → (16384, 1048576); (0, 0) for anything else."""
    reference = reference.replace("$", "").upper()
    letters = reference.rstrip("0123456789")
    digits = reference[len(letters) :]
    if not letters.isalpha() or not letters.isascii() or len(letters) > 4 or not digits:
        return 0, 0
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - ord("A") + 1
    return column, int(digits[:9])
