"""Indicator values in the reporting round.

The owner of a plan item types the values of the item's indicators in the item's progress
update, beside its state of progress; they follow the update's review (draft → submitted →
approved) and reach the cijferdatabank only when the update is approved: then each value
becomes the indicator's value for its period (the total, without breakdown or series),
added or replaced, with history, typed by the owner, brought by the round.

What the update holds (``ProgressUpdate.indicator_values``), per indicator id:
``{"period": "2026", "value": "12.5", "text": ""}`` — the value read for the indicator's
unit, the text of a text indicator.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor, attribute
from koers.indicators.figures import FigureError, read_figure, separators, show_figure
from koers.indicators.models import Indicator, IndicatorValue
from koers.indicators.periods import PeriodError, make_period, parse_period
from koers.indicators.services import check_period

PERIODS_PER_YEAR = {"year": 1, "half_year": 2, "quarter": 4, "month": 12}


def value_field(indicator_id: int) -> str:
    return f"indicator_{indicator_id}"


def period_field(indicator_id: int) -> str:
    return f"indicator_period_{indicator_id}"


def reportable_indicators(update) -> list[Indicator]:
    """The indicators linked to the update's item, in code order."""
    return list(
        Indicator.objects.filter(
            item_links__item_id=update.item_id,
            organisation_id=update.item.plan.organisation_id,
        )
        .distinct()
        .order_by("code")
    )


def round_period(indicator: Indicator, round_) -> str:
    """The period of the indicator's frequency in which the round's period ends: what the
    owner most likely reports (a yearly indicator in a round up to 30 June 2026: 2026)."""
    end = round_.period_end
    per_year = PERIODS_PER_YEAR[indicator.frequency]
    number = (end.month - 1) // (12 // per_year) + 1
    return make_period(indicator.frequency, end.year, number).key


def read_reported(indicators: dict[int, Indicator], entries: dict, round_) -> dict:
    """What the owner typed, ``{indicator id: {"period": written, "value": written}}``,
    as the update stores it. An empty value reports nothing. ValidationError with a
    message per form field (:func:`value_field`, :func:`period_field`)."""
    unknown = set(entries) - set(indicators)
    if unknown:
        raise ValidationError(_("An indicator is not linked to this item."))
    stored, errors = {}, {}
    for pk, entry in entries.items():
        written = " ".join(str(entry.get("value") or "").split())
        if not written:
            continue
        indicator = indicators[pk]
        try:
            period = check_period(indicator, entry.get("period") or round_period(indicator, round_))
        except PeriodError as error:
            errors[period_field(pk)] = str(error)
        try:
            number, text = read_figure(indicator.unit, written)
        except FigureError as error:
            errors[value_field(pk)] = str(error)
        if errors:
            continue
        stored[str(pk)] = {
            "period": period,
            "value": None if number is None else str(number),
            "text": text,
        }
    if errors:
        raise ValidationError(errors)
    return stored


def check_reported(update, entries: dict | None) -> dict:
    """The service's own check of what the owner reports (None: keep what is stored)."""
    if entries is None:
        return update.indicator_values
    indicators = {indicator.pk: indicator for indicator in reportable_indicators(update)}
    return read_reported(indicators, entries, update.round)


@dataclass
class ReportedValue:
    indicator: Indicator
    period: str
    shown: str  # as a person reads it: "12,5 %"


def reported_values(update) -> list[ReportedValue]:
    """What the update reports, for reading it (the reviewer's view)."""
    reported = update.indicator_values
    if not reported:
        return []
    indicators = Indicator.objects.filter(
        pk__in=[int(pk) for pk in reported],
        organisation_id=update.item.plan.organisation_id,
    ).order_by("code")
    rows = []
    for indicator in indicators:
        entry = reported[str(indicator.pk)]
        value = None if entry.get("value") is None else Decimal(entry["value"])
        shown = show_figure(value, indicator.unit, indicator.decimals, entry.get("text", ""))
        rows.append(ReportedValue(indicator, entry["period"], shown))
    return rows


def apply_approved(update, reason: str, actor: Actor) -> int:
    """On approval: every value the update reports becomes the indicator's value for its
    period (added, or the stored one replaced), with history. Indicators deleted or
    unlinked since are left out. The number of values written."""
    reported = update.indicator_values
    if not reported:
        return 0
    indicators = {
        indicator.pk: indicator
        for indicator in Indicator.objects.filter(
            pk__in=[int(pk) for pk in reported],
            item_links__item_id=update.item_id,
            organisation_id=update.item.plan.organisation_id,
        ).distinct()
    }
    written = 0
    for key, entry in reported.items():
        indicator = indicators.get(int(key))
        if indicator is None:
            continue
        period = parse_period(entry["period"])
        record = (
            IndicatorValue.objects.select_for_update()
            .filter(indicator=indicator, period=period.key, breakdown="", series="")
            .first()
        )
        if record is None:
            record = IndicatorValue(indicator=indicator, breakdown="", series="")
        else:
            record.version += 1
        record.period, record.period_start, record.period_end = (
            period.key,
            period.start,
            period.end,
        )
        record.value = None if entry.get("value") is None else Decimal(entry["value"])
        record.text = entry.get("text") or ""
        record.source_kind = IndicatorValue.SourceKind.TYPED
        record.source_detail = update.round.name
        record.round = update.round
        record.entered_by = update.updated_by  # the owner typed it; the reviewer approved
        record.entered_at = timezone.now()
        attribute(record, actor, reason)
        record.save()
        written += 1
    return written


def as_typed(indicator: Indicator, entry: dict) -> str:
    """A reported value as the owner would type it again ('12,5', 'ja', the text)."""
    if entry.get("value") is None:
        return entry.get("text", "")
    value = Decimal(entry["value"])
    if indicator.unit == "yes_no":
        return _("yes") if value else _("no")
    decimal_sign, _thousands = separators()
    return format(value.normalize(), "f").replace(".", decimal_sign)


def last_values(indicators: list[Indicator]) -> dict[int, str]:
    """Each indicator's latest stored total, as '2025: 12,5 %', in one query."""
    latest: dict[int, str] = {}
    signs = separators()
    rows = (
        IndicatorValue.objects.filter(indicator__in=indicators, breakdown="", series="")
        .order_by("indicator_id", "-period_start")
        .values_list("indicator_id", "period", "value", "text")
    )
    units = {indicator.pk: indicator for indicator in indicators}
    for indicator_id, period, value, text in rows:
        if indicator_id not in latest:
            indicator = units[indicator_id]
            shown = show_figure(value, indicator.unit, indicator.decimals, text, signs)
            latest[indicator_id] = f"{period}: {shown}"
    return latest
