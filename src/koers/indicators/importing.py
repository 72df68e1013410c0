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
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor, short_reason
from koers.accounts.models import Organisation
from koers.audit.services import log_action
from koers.importers import DocumentError, read_document_isolated
from koers.indicators.figures import FigureError, read_figure
from koers.indicators.models import Indicator, IndicatorValue, ValueImport
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
KEEP_UPLOADS = timedelta(days=7)
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

    @property
    def indicator_id(self) -> int:
        return self.indicator.id  # the attribute itself: ``pk`` looks up the primary key


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


def keep_upload(organisation: Organisation, user, filename: str, content: bytes) -> ValueImport:
    """Keep an uploaded file until its preview is confirmed or discarded; uploads of the
    organisation left alone for a week are deleted here."""
    ValueImport.objects.filter(
        organisation=organisation, created_at__lt=timezone.now() - KEEP_UPLOADS
    ).delete()
    draft = ValueImport(organisation=organisation, created_by=user, filename=filename[:255])
    draft.save_with_file(content)
    return draft


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
    ids = {v.indicator_id for v in values}
    rows = IndicatorValue.objects.filter(indicator_id__in=ids).values_list(
        "indicator_id",
        "period",
        "breakdown",
        "series",
        "pk",
        "value",
        "text",
        "version",
        "source_kind",
    )
    return {
        (i, p, b, s): (pk, value, text, version, kind)
        for i, p, b, s, pk, value, text, version, kind in rows
    }


def _compare(sheet: ValueSheet) -> None:
    stored = _stored(sheet.values)
    counts: dict[int, int] = {}
    indicators = {}
    for value in sheet.values:
        key = (value.indicator_id, value.period, value.breakdown, value.series)
        before = stored.get(key)
        if before is None:
            sheet.new += 1
        elif _same(before, value):
            sheet.unchanged += 1
        else:
            sheet.changed += 1
        counts[value.indicator_id] = counts.get(value.indicator_id, 0) + 1
        indicators[value.indicator_id] = value.indicator
    sheet.per_indicator = sorted(
        ((indicators[pk], n) for pk, n in counts.items()), key=lambda pair: pair[0].code
    )


def _same(before: tuple, value: SheetValue) -> bool:
    _pk, number, text, _version, _kind = before
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
    reason = _("Imported from %(file)s") % {"file": filename}
    return write_values(sheet.values, actor=actor, reason=reason, source=filename)


def write_values(
    values: list[SheetValue],
    *,
    actor: Actor,
    reason: str,
    source: str,
    kind: str = IndicatorValue.SourceKind.IMPORTED,
    keep_typed: bool = False,
) -> dict:
    """Write checked values (the import's and the connectors' write path): new ones
    inserted, changed ones replaced, unchanged ones left alone, each written one with a
    history record giving ``reason``; provenance ``kind`` and ``source``. With
    ``keep_typed`` a value typed by a person is left as it is (counted as ``kept``).
    Call inside a transaction; ValidationError when a value was saved meanwhile."""
    now = timezone.now()
    stored = _stored(values)
    new, changed, unchanged, kept = [], [], 0, 0
    for value in values:
        before = stored.get((value.indicator_id, value.period, value.breakdown, value.series))
        if before is None:
            new.append(value)
        elif _same(before, value):
            unchanged += 1
        elif keep_typed and before[4] == IndicatorValue.SourceKind.TYPED:
            kept += 1
        else:
            changed.append((value, before[0], before[3] + 1))
    try:
        with transaction.atomic():
            _write(
                new,
                changed,
                source=source[:300],
                actor=actor,
                reason=short_reason(reason),
                now=now,
                kind=kind,
            )
    except IntegrityError:
        raise ValidationError(
            _("Values were saved meanwhile for the same periods; nothing was loaded. Try again.")
        ) from None
    counts = {"new": len(new), "changed": len(changed), "unchanged": unchanged}
    if keep_typed:
        counts["kept"] = kept
    if new or changed:
        log_action(
            values[0].indicator.organisation_id,
            "indicators.indicatorvalue.imported",
            user=actor.user,
            label=source[:300],
            data={**counts, "reason": reason},
        )
    return counts


VALUE_COLUMNS = (
    "indicator_id",
    "period",
    "period_start",
    "period_end",
    "breakdown",
    "series",
    "value",
    "text",
    "source_kind",
    "source_detail",
    "entered_by_id",
    "entered_at",
    "version",
)
HISTORY_COLUMNS = (
    "id",
    *VALUE_COLUMNS,
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
)


def _write(
    new: list,
    changed: list,
    *,
    source: str,
    actor: Actor,
    reason: str,
    now,
    kind: str = IndicatorValue.SourceKind.IMPORTED,
) -> None:
    """Insert the new values, replace the changed ones (same primary key, version + 1) and
    write a history record for each, with one prepared statement per table run over all
    rows (``executemany``): building a model instance and a historical instance per value
    costs more than the database does. A changed value is deleted and inserted again with
    its primary key, since Django's ``bulk_update`` builds a CASE expression per row and
    field. Each row is built once, and each period's dates are adapted once."""
    ops = connection.ops
    when = ops.adapt_datetimefield_value(now)
    user = actor.user.pk if actor.user is not None else None
    dates: dict[str, tuple] = {}
    amounts: dict[Decimal, object] = {}

    def row(value: SheetValue, version: int) -> tuple:
        period = dates.get(value.period)
        if period is None:
            period = dates[value.period] = (
                ops.adapt_datefield_value(value.start),
                ops.adapt_datefield_value(value.end),
            )
        number = value.value
        if number is not None:
            stored = amounts.get(number)
            if stored is None:
                stored = amounts[number] = ops.adapt_decimalfield_value(number, 20, 6)
            number = stored
        return (
            value.indicator_id,
            value.period,
            *period,
            value.breakdown,
            value.series,
            number,
            value.text,
            kind,
            source,
            user,
            when,
            version,
        )

    table = IndicatorValue._meta.db_table
    history = IndicatorValue.history.model._meta.db_table
    ids = [pk for _value, pk, _version in changed]
    for start in range(0, len(ids), BATCH):
        rows = IndicatorValue.objects.filter(pk__in=ids[start : start + BATCH])
        rows._raw_delete(rows.db)  # no signals: the history gets its "~" records below
    inserted = [(pk, *row(value, version)) for value, pk, version in changed]
    _insert_many(table, ("id", *VALUE_COLUMNS), inserted)
    added = [row(value, 1) for value in new]
    _insert_many(table, VALUE_COLUMNS, added)
    new_ids = _ids_of(new)
    records = [(*values, when, reason, "~", user) for values in inserted]
    records += [
        (
            new_ids[(v.indicator_id, v.period, v.breakdown, v.series)],
            *values,
            when,
            reason,
            "+",
            user,
        )
        for v, values in zip(new, added, strict=True)
    ]
    _insert_many(history, HISTORY_COLUMNS, records)


def _insert_many(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """One prepared INSERT run over every row: the database driver binds each row's
    parameters in C (a multi-row VALUES statement would have its whole text rewritten and
    parsed per batch)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    sql = f"INSERT INTO {quote(table)} ({names}) VALUES (" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH * 10):
            cursor.executemany(sql, rows[start : start + BATCH * 10])


def _ids_of(values: list[SheetValue]) -> dict[tuple, int]:
    if not values:
        return {}
    indicators = {v.indicator_id for v in values}
    rows = IndicatorValue.objects.filter(indicator_id__in=indicators).values_list(
        "pk", "indicator_id", "period", "breakdown", "series"
    )
    return {(i, p, b, s): pk for pk, i, p, b, s in rows}
