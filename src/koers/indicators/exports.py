"""An indicator's values as CSV and Excel, in the long form the import reads back.

Cells that a spreadsheet program would take for a formula are written as text (the same
guard as the plan sheet)."""

import csv
import io

from django.utils.text import slugify

from koers.indicators.models import Indicator
from koers.plans.services.spreadsheet import FORMULA_START

HEADINGS = (
    "Indicator",
    "Naam",
    "Periode",
    "Opsplitsing",
    "Reeks",
    "Waarde",
    "Eenheid",
    "Bron",
    "Ingevoerd op",
)


def value_rows(indicator: Indicator) -> list[list]:
    values = indicator.values.order_by("series", "breakdown", "period_start")
    return record_rows(values.select_related("indicator"))


def record_rows(records) -> list[list]:
    """Headings and a row per value; ``records``: values with their indicator."""
    rows = [list(HEADINGS)]
    for record in records:
        indicator = record.indicator
        shown = record.text if indicator.unit == Indicator.Unit.TEXT else record.value
        entered = record.entered_at
        rows.append(
            [
                indicator.code,
                indicator.name,
                record.period,
                record.breakdown,
                record.series,
                shown,
                indicator.unit,
                record.source_detail or record.source_kind,
                entered.date().isoformat() if entered else "",
            ]
        )
    return rows


def _guarded(value):
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _cell(value):
    """Text guarded against formulas; numbers with a decimal comma (read back exactly)."""
    if hasattr(value, "as_tuple"):
        return format(value.normalize(), "f").replace(".", ",")
    return _guarded(value)


def values_csv(indicator: Indicator) -> bytes:
    return _csv(value_rows(indicator))


def records_csv(records) -> bytes:
    return _csv(record_rows(records))


def _csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def values_xlsx(indicator: Indicator) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Waarden"
    for row in value_rows(indicator):
        sheet.append([float(v) if hasattr(v, "as_tuple") else v for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.data_type = "s"  # text, never a formula
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def file_name(indicator: Indicator, fmt: str) -> str:
    return f"indicator-{slugify(indicator.code) or indicator.pk}.{fmt}"
