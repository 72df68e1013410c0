"""Spreadsheets: CSV and Excel (.xlsx, read with openpyxl), one line per row.

Rows, columns, cells and cell length are checked against the limits while
reading: a CSV row by row, an Excel file first in its XML as it streams
(:func:`~koers.importers.limits.check_package`), then by its sheet's stated
dimension, and then row by row within bounds, so that a single cell at
``XFD1048576`` is refused at once instead of padding a billion empty cells.
"""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

from koers.importers.errors import DocumentError
from koers.importers.limits import DEFAULT_LIMITS, ImportLimits, check, check_package
from koers.importers.lines import Line, Source
from koers.importers.readers.text import decode

MAX_COLUMNS = 60


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f") if value == value else ""
    return " ".join(str(value).split())


def _row_line(cells: list[str], source: Source) -> Line | None:
    cells = [cell.strip() for cell in cells[:MAX_COLUMNS]]
    while cells and not cells[-1]:
        cells.pop()
    if not any(cells):
        return None
    return Line(" | ".join(c for c in cells if c), source, cells=tuple(cells))


def read_csv(data: bytes, limits: ImportLimits = DEFAULT_LIMITS) -> list[Line]:
    text = decode(data)
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t|")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";" if sample.count(";") > sample.count(",") else ","
    lines = []
    cells = rows = 0
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            rows = number
            if number > limits.max_rows:
                continue  # counted to the end for the message, not kept
            check("too_many_columns", len(row), limits.max_columns)
            cells += len(row)
            check("too_many_cells", cells, limits.max_cells)
            check("cell_too_long", max(map(len, row), default=0), limits.max_cell_length)
            if (line := _row_line(row, Source(row=number))) is not None:
                lines.append(line)
    except csv.Error as error:
        raise DocumentError(
            "broken_csv", "The CSV file cannot be read: %(error)s", error=str(error)
        ) from error
    check("too_many_rows", rows, limits.max_rows)
    return lines


def read_xlsx(data: bytes, limits: ImportLimits = DEFAULT_LIMITS) -> list[Line]:
    import openpyxl

    check_package(data, "xlsx", limits)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise DocumentError(
            "broken_xlsx", "The Excel file is damaged and cannot be read."
        ) from error
    except MemoryError:  # the memory limit of the isolated reader: not a damaged file
        raise
    except Exception as error:
        raise DocumentError(
            "broken_xlsx", "The Excel file is damaged and cannot be read."
        ) from error
    lines = []
    try:
        for sheet in workbook.worksheets:
            for number, row in enumerate(_rows(sheet, limits), start=1):
                cells = [_cell_text(value) for value in row]
                check("cell_too_long", max(map(len, cells), default=0), limits.max_cell_length)
                if (line := _row_line(cells, Source(row=number, sheet=sheet.title))) is not None:
                    lines.append(line)
            if lines:  # the first sheet with content holds the items
                break
    finally:
        workbook.close()
    return lines


def _rows(sheet, limits: ImportLimits):
    """The sheet's rows, within the limits: its stated dimension is checked before
    anything is read, and rows are never padded beyond the limits."""
    rows, columns = sheet.max_row, sheet.max_column  # from <dimension>, None when absent
    if rows is not None and columns is not None:
        check("too_many_rows", rows, limits.max_rows)
        check("too_many_columns", columns, limits.max_columns)
        check("too_many_cells", rows * columns, limits.max_cells)
    return sheet.iter_rows(
        max_row=min(rows or limits.max_rows, limits.max_rows),
        max_col=min(columns or limits.max_columns, limits.max_columns),
        values_only=True,
    )
