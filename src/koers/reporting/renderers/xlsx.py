"""The report as an Excel workbook (openpyxl): every item with status, progress,
milestones and budget; the milestones and the budget per year on sheets of their own.
Texts stay text: the report is ``richtext.cleaned`` (openpyxl refuses control
characters) and a text that looks like a formula is written as a string."""

from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from koers.plans.services.spreadsheet import FORMULA_START
from koers.reporting.charts import Chart
from koers.reporting.contents import Report
from koers.reporting.richtext import cleaned

EURO = '#,##0.00 "€"'


def _sheet(workbook, title: str, header: list[str], first: bool = False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    return sheet


def _append(sheet, values: list) -> None:
    """Add a row; text that a spreadsheet would take for a formula stays text.
    (The row number is counted here: openpyxl's max_row scans every cell.)"""
    sheet.append(values)
    sheet.rows_written = getattr(sheet, "rows_written", 1) + 1
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) and value.startswith(FORMULA_START):
            sheet.cell(row=sheet.rows_written, column=column).data_type = "s"


def _widths(sheet, widths: list[int]) -> None:
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width


def render(report: Report, charts: list[Chart], out: Path, progress=None) -> Path:
    out = Path(out)
    report = cleaned(report)
    workbook = Workbook()
    items = _sheet(
        workbook,
        _("Items"),
        [
            _("Code"),
            _("Title"),
            _("Level"),
            _("Priority"),
            _("Status"),
            _("Progress (%)"),
            _("Calculated from the items below (%)"),
            _("Owner"),
            _("Departments"),
            _("Milestones done"),
            _("Milestones"),
            _("Initial budget"),
            _("Current budget"),
            _("Actual"),
            _("Remaining"),
        ],
        first=True,
    )
    milestones = _sheet(
        workbook,
        _("Milestones"),
        [_("Code"), _("Item"), _("Milestone"), _("Planned"), _("Done"), _("Done on")],
    )
    budget = _sheet(
        workbook,
        _("Budget"),
        [
            _("Code"),
            _("Item"),
            _("Year"),
            _("Initial budget"),
            _("Current budget"),
            _("Actual"),
            _("Receipts (current)"),
            _("Receipts (actual)"),
        ],
    )
    indicators = _sheet(
        workbook,
        _("Indicators"),
        [
            _("Code"),
            _("Item"),
            _("Indicator"),
            _("Unit"),
            _("Period"),
            _("Value"),
            _("Target"),
            _("Status of the last value"),
        ],
    )
    for number, item in enumerate(report.items):
        total = item.money_total.expense
        for indicator in item.indicators:
            for period in indicator.periods:
                status = indicator.status_label if period is indicator.last else ""
                _append(
                    indicators,
                    [
                        item.code,
                        item.title,
                        f"{indicator.code} {indicator.name}".strip(),
                        indicator.unit,
                        period.period,
                        period.shown if period.value is None else period.value,
                        period.target,
                        status,
                    ],
                )
        _append(
            items,
            [
                item.code,
                item.title,
                item.level_label,
                _("yes") if item.priority else _("no"),
                item.status,
                item.percent,
                item.rollup_percent,
                item.owner,
                ", ".join(item.departments),
                item.milestones_done,
                len(item.milestones),
                total.initial,
                total.current,
                total.actual,
                total.remaining,
            ],
        )
        for milestone in item.milestones:
            _append(
                milestones,
                [
                    item.code,
                    item.title,
                    milestone.title,
                    milestone.planned,
                    _("yes") if milestone.done else _("no"),
                    milestone.done_on,
                ],
            )
        for money in item.money[:-1]:
            _append(
                budget,
                [
                    item.code,
                    item.title,
                    money.year,
                    money.expense.initial,
                    money.expense.current,
                    money.expense.actual,
                    money.receipt.current,
                    money.receipt.actual,
                ],
            )
        if progress:
            progress(number + 1, len(report.items))
    for row in items.iter_rows(min_row=2, min_col=11, max_col=14):
        for cell in row:
            cell.number_format = EURO
    for row in budget.iter_rows(min_row=2, min_col=4, max_col=8):
        for cell in row:
            cell.number_format = EURO
    for row in milestones.iter_rows(min_row=2, min_col=6, max_col=6):
        for cell in row:
            cell.number_format = "dd-mm-yyyy"
    _widths(items, [12, 60, 16, 9, 14, 11, 11, 22, 28, 10, 10, 15, 15, 15, 15])
    _widths(milestones, [12, 50, 50, 16, 8, 12])
    _widths(budget, [12, 50, 8, 15, 15, 15, 15, 15])
    _widths(indicators, [12, 50, 50, 14, 10, 14, 14, 16])
    workbook.save(out)
    return out
