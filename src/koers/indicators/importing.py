"""Indicator values from a spreadsheet (CSV or Excel): read, previewed, loaded whole.

Two layouts, told apart by the header row:

* **long**: one value per row, with the columns indicator (code or name), period and
  value, and optionally breakdown and series;
* **wide**: one row per indicator (and breakdown and series), with one column per
  period ("2019", "2020", … or "2024-Q1", …); an empty cell is no value.

The file is read within the import limits in a child process, like every upload
(:func:`koers.importers.read_document_isolated`). :func:`read_values` reads it and
checks every row without writing: a wrong period, an unknown indicator, text in a number
column, a duplicate row or a value in another unit than the indicator's is a problem
with its row number. :func:`load_values` writes the values of a sheet without problems
in one transaction with bulk inserts and updates (each with its history record); a sheet
with problems is refused whole.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from koers.accounts.actor import Actor, short_reason
from koers.accounts.models import Organisation
from koers.importers import DocumentError, read_document_isolated
from koers.indicators.figures import FigureError, read_figure
from koers.indicators.models import Indicator, IndicatorValue
from koers.indicators.periods import PeriodError, parse_period
from koers.indicators.services import check_period, require_manage

LONG, WIDE = "long", "wide"
HEADINGS = {
    "indicator": ("code", "indicatorcode", "indicator", "indicatornaam", "naam", "name"),
    "period": ("periode", "period", "tijdvak", "jaar", "year"),
    "value": ("waarde", "value", "cijfer", "score", "resultaat"),
    "breakdown": (
        "opsplitsing",
        "breakdown",
        "uitsplitsing",
        "deelgemeente",
        "wijk",
        "gebied",
        "deelgebied",
        "kern",
        "area",
    ),
    "series": ("reeks", "series", "benchmark", "vergelijking"),
}
MAX_PROBLEMS = 200
BATCH = 2_000


@dataclass
class SheetValue:
    row: int
    indicator: Indicator
    period: str
    start: object
    end: object
    breakdown: str
    series: str
    value: Decimal | None
    text: str


@dataclass
class ValueSheet:
    """What a file would load: its values and the problems that stop it."""

    layout: str = ""
    values: list[SheetValue] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    per_indicator: list[tuple[Indicator, int]] = field(default_factory=list)
    hidden_problems: int = 0
    periods: dict = field(default_factory=dict, repr=False)

    def problem(self, row: int | None, text: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.hidden_problems += 1
            return
        if row is None:
            self.problems.append(text)
        else:
            self.problems.append(_("Row %(row)s: %(problem)s") % {"row": row, "problem": text})


def _key(heading: str) -> str:
    return re.sub(r"[^a-z0-9]", "", heading.lower())


def _columns(cells: tuple[str, ...]) -> dict[str, list[int]]:
    """Field → the positions of the columns with one of its headings, best first."""
    found: dict[str, list[tuple[int, int]]] = {}
    for position, heading in enumerate(cells):
        key = _key(heading)
        for name, words in HEADINGS.items():
            if key in words:
                found.setdefault(name, []).append((words.index(key), position))
                break
    return {name: [p for _rank, p in sorted(places)] for name, places in found.items()}


def _period_columns(cells, taken: set[int]) -> dict[int, str]:
    columns = {}
    for position, heading in enumerate(cells):
        if position in taken or not heading.strip():
            continue
        try:
            columns[position] = parse_period(heading).key
        except PeriodError:
            continue
    return columns


def read_values(organisation: Organisation, content: bytes, filename: str) -> ValueSheet:
    """Read and check a file of values; nothing is written."""
    from koers.plans.import_messages import error_text
    from koers.plans.services.document_import import import_limits

    sheet = ValueSheet()
    try:
        _format, lines = read_document_isolated(content, filename, limits=import_limits())
    except DocumentError as error:
        sheet.problem(None, error_text(error))
        return sheet
    if _format not in ("csv", "xlsx"):
        sheet.problem(None, _("Indicator values are imported from a CSV or Excel file."))
        return sheet
    rows = [line for line in lines if line.cells]
    first_sheet = rows[0].source.sheet if rows else None
    rows = [line for line in rows if line.source.sheet == first_sheet]
    header_at = next(
        (i for i, line in enumerate(rows[:10]) if "indicator" in _columns(line.cells)), None
    )
    if header_at is None:
        sheet.problem(
            None,
            _(
                "The file has no header row with a column 'Indicator' (or 'Code'). "
                "Write the headings in the first row."
            ),
        )
        return sheet
    header = rows[header_at].cells
    columns = _columns(header)
    taken = {p for places in columns.values() for p in places}
    periods = {} if "period" in columns else _period_columns(header, taken)
    if "period" in columns and "value" in columns:
        sheet.layout = LONG
    elif periods:
        sheet.layout = WIDE
    else:
        sheet.problem(
            None,
            _(
                "The header row has neither the columns 'Periode' and 'Waarde' (one value "
                "per row) nor a column per period such as '2023', '2024' (one row per "
                "indicator)."
            ),
        )
        return sheet
    used = taken | set(periods)
    sheet.ignored_columns = [h for p, h in enumerate(header) if p not in used and h.strip()]
    indicators = _Indicators(organisation)
    seen: dict[tuple, int] = {}
    for line in rows[header_at + 1 :]:
        number = line.source.row or 0
        cells = line.cells

        def cell(position, cells=cells):
            return cells[position].strip() if position < len(cells) else ""

        def first(name, cell=cell):
            return next((cell(p) for p in columns.get(name, []) if cell(p)), "")

        written = first("indicator")
        if not written:
            sheet.problem(number, _("the indicator is empty."))
            continue
        indicator = indicators.find(written)
        if indicator is None:
            sheet.problem(
                number, _("there is no indicator with code or name '%(name)s'.") % {"name": written}
            )
            continue
        breakdown, series = first("breakdown"), first("series")
        if sheet.layout == LONG:
            entries = [(first("period"), first("value"), True)]
        else:
            entries = [(periods[p], cell(p), False) for p in sorted(periods)]
        for period_written, value_written, required in entries:
            if not value_written and not required:
                continue
            _read_one(
                sheet,
                seen,
                number,
                indicator,
                period_written,
                (value_written, _format == "xlsx"),
                breakdown,
                series,
            )
    if sheet.hidden_problems:
        sheet.problems.append(
            _("… and %(count)s more problems.") % {"count": sheet.hidden_problems}
        )
    if not sheet.problems and not sheet.values:
        sheet.problem(None, _("The file holds no values."))
    if not sheet.problems:
        _compare(sheet)
    return sheet


def _read_one(sheet, seen, number, indicator, period_written, written, breakdown, series):
    value_written, point_is_decimal = written
    problems = []
    period = None
    try:
        period = _period(sheet, indicator, period_written)
    except PeriodError as error:
        problems.append(str(error))
    try:
        value, text = read_figure(indicator.unit, value_written, point_is_decimal)
    except FigureError as error:
        problems.append(str(error))
    if problems:
        for problem in problems:
            sheet.problem(number, problem)
        return
    key = (indicator.pk, period.key, breakdown, series)
    if key in seen:
        sheet.problem(
            number,
            _("%(code)s %(period)s occurs twice (also in row %(other)s).")
            % {"code": indicator.code, "period": period.key, "other": seen[key]},
        )
        return
    seen[key] = number
    sheet.values.append(
        SheetValue(
            number, indicator, period.key, period.start, period.end, breakdown, series, value, text
        )
    )


def _period(sheet: "ValueSheet", indicator: Indicator, written: str):
    """The period written, read once per distinct text (a wide sheet repeats its columns'
    periods on every row)."""
    found = sheet.periods.get(written)
    if found is None:
        try:
            found = parse_period(written)
        except PeriodError as error:
            found = error
        sheet.periods[written] = found
    if isinstance(found, PeriodError):
        raise found
    if found.frequency != indicator.frequency:
        check_period(indicator, written)  # raises the message that names the frequency
    return found


class _Indicators:
    """The organisation's indicators by code, then by name (either case)."""

    def __init__(self, organisation: Organisation):
        self.by_code, self.by_name = {}, {}
        for indicator in Indicator.objects.filter(organisation=organisation):
            self.by_code[indicator.code.casefold()] = indicator
            self.by_name.setdefault(" ".join(indicator.name.split()).casefold(), indicator)

    def find(self, written: str) -> Indicator | None:
        key = " ".join(written.split()).casefold()
        return self.by_code.get(key) or self.by_name.get(key)


def _stored(values: list[SheetValue]) -> dict[tuple, tuple]:
    ids = {v.indicator.pk for v in values}
    rows = IndicatorValue.objects.filter(indicator_id__in=ids).values_list(
        "indicator_id", "period", "breakdown", "series", "pk", "value", "text"
    )
    return {(i, p, b, s): (pk, value, text) for i, p, b, s, pk, value, text in rows}


def _compare(sheet: ValueSheet) -> None:
    stored = _stored(sheet.values)
    counts: dict[int, int] = {}
    indicators = {}
    for value in sheet.values:
        key = (value.indicator.pk, value.period, value.breakdown, value.series)
        before = stored.get(key)
        if before is None:
            sheet.new += 1
        elif _same(before, value):
            sheet.unchanged += 1
        else:
            sheet.changed += 1
        counts[value.indicator.pk] = counts.get(value.indicator.pk, 0) + 1
        indicators[value.indicator.pk] = value.indicator
    sheet.per_indicator = sorted(
        ((indicators[pk], n) for pk, n in counts.items()), key=lambda pair: pair[0].code
    )


def _same(before: tuple, value: SheetValue) -> bool:
    _pk, number, text = before
    return number == value.value and text == value.text


@transaction.atomic
def load_values(
    organisation: Organisation, sheet: ValueSheet, *, actor: Actor, filename: str
) -> dict:
    """Write the sheet's values: new ones inserted, changed ones updated, unchanged ones
    left alone; every written value gets a history record. A sheet with problems is
    refused whole (ValidationError); so is one that clashes with a value saved meanwhile.
    Returns the counts ``new``, ``changed`` and ``unchanged``."""
    require_manage(actor, organisation.pk)
    if sheet.problems:
        raise ValidationError(sheet.problems)
    if any(v.indicator.organisation_id != organisation.pk for v in sheet.values):
        raise ValidationError(_("The file names indicators of another organisation."))
    now = timezone.now()
    reason = short_reason(_("Imported from %(file)s") % {"file": filename})
    stored = _stored(sheet.values)
    new, changed, unchanged = [], [], 0
    for value in sheet.values:
        before = stored.get((value.indicator.pk, value.period, value.breakdown, value.series))
        if before is not None and _same(before, value):
            unchanged += 1
            continue
        record = IndicatorValue(
            indicator=value.indicator,
            period=value.period,
            period_start=value.start,
            period_end=value.end,
            breakdown=value.breakdown,
            series=value.series,
            value=value.value,
            text=value.text,
            source_kind=IndicatorValue.SourceKind.IMPORTED,
            source_detail=filename[:300],
            entered_by=actor.user,
            entered_at=now,
        )
        if before is None:
            new.append(record)
        else:
            record.pk = before[0]
            changed.append(record)
    try:
        with transaction.atomic():
            if new:
                bulk_create_with_history(
                    new,
                    IndicatorValue,
                    batch_size=BATCH,
                    default_user=actor.user,
                    default_change_reason=reason,
                    default_date=now,
                )
            if changed:
                _update(changed, actor, reason, now)
    except IntegrityError:
        raise ValidationError(
            _("Values were saved meanwhile for the same periods; nothing was loaded. Try again.")
        ) from None
    return {"new": len(new), "changed": len(changed), "unchanged": unchanged}


def _update(records: list[IndicatorValue], actor: Actor, reason: str, now) -> None:
    """Replace the stored rows of ``records`` (same primary keys, version + 1) and record
    the change in their history. A delete and a bulk insert in the caller's transaction:
    Django's ``bulk_update`` builds one CASE expression per row and field, which takes
    seconds per thousand rows."""
    ids = [r.pk for r in records]
    versions = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        versions.update(IndicatorValue.objects.filter(pk__in=chunk).values_list("pk", "version"))
        rows = IndicatorValue.objects.filter(pk__in=chunk)
        rows._raw_delete(rows.db)  # no signals: the history gets its "~" records below
    for record in records:
        record.version = versions[record.pk] + 1
    IndicatorValue.objects.bulk_create(records, batch_size=BATCH)
    IndicatorValue.history.bulk_history_create(
        records,
        update=True,
        batch_size=BATCH,
        default_user=actor.user,
        default_change_reason=reason,
        default_date=now,
    )
