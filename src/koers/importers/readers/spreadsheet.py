"""Spreadsheets: CSV and Excel (.xlsx, read with openpyxl), one line per row."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

from koers.importers.errors import DocumentError
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


def read_csv(data: bytes) -> list[Line]:
    text = decode(data)
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t|")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";" if sample.count(";") > sample.count(",") else ","
    lines = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            if (line := _row_line(row, Source(row=number))) is not None:
                lines.append(line)
    except csv.Error as error:
        raise DocumentError(
            "broken_csv", "The CSV file cannot be read: %(error)s", error=str(error)
        ) from error
    return lines


def read_xlsx(data: bytes) -> list[Line]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise DocumentError(
            "broken_xlsx", "The Excel file is damaged and cannot be read."
        ) from error
    except Exception as error:
        raise DocumentError(
            "broken_xlsx", "The Excel file is damaged and cannot be read."
        ) from error
    lines = []
    try:
        for sheet in workbook.worksheets:
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_cell_text(value) for value in row]
                if (line := _row_line(cells, Source(row=number, sheet=sheet.title))) is not None:
                    lines.append(line)
            if lines:  # the first sheet with content holds the items
                break
    finally:
        workbook.close()
    return lines
