"""Writing indicators, targets, values and links: plain functions that take an ``actor``.

Every function checks the actor's permission and the organisation first, writes in one
transaction, tells history who did it, and (for records edited in forms) refuses a save
from an old version (:func:`koers.accounts.locking.claim_version`).

Who may do what: coordinators and administrators (``MANAGE_INDICATORS``) keep the
catalogue, targets, links and imports; the owner of an indicator may also type its
values, when their role lets them change items (editors and up). Everyone in the
organisation reads.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor, attribute
from koers.accounts.locking import claim_version
from koers.accounts.models import Organisation
from koers.accounts.permissions import CHANGE_ITEM, MANAGE_INDICATORS, ROLE_CAPABILITIES, can
from koers.indicators.figures import FigureError, read_figure
from koers.indicators.models import Indicator, IndicatorTarget, IndicatorValue, ItemIndicator
from koers.indicators.periods import PeriodError, parse_period

INDICATOR_FIELDS = (
    "code",
    "name",
    "definition",
    "unit",
    "decimals",
    "direction",
    "band_low",
    "band_high",
    "source",
    "frequency",
    "owner",
    "department",
    "theme",
    "is_public",
    "tolerance",
    "baseline_value",
    "baseline_period",
)
MAX_DECIMALS = 6


def require_organisation(actor: Actor, organisation_id: int) -> None:
    """A member acts only on their own organisation's records."""
    if actor.membership is not None and actor.membership.organisation_id != organisation_id:
        raise PermissionDenied


def require_manage(actor: Actor, organisation_id: int) -> None:
    require_organisation(actor, organisation_id)
    actor.require(MANAGE_INDICATORS)


def may_manage(membership) -> bool:
    return can(membership, MANAGE_INDICATORS)


def may_enter_values(membership, indicator: Indicator) -> bool:
    """Coordinators and administrators; and the indicator's owner if their role changes items."""
    if membership is None or membership.organisation_id != indicator.organisation_id:
        return False
    if can(membership, MANAGE_INDICATORS):
        return True
    return (
        indicator.owner_id is not None
        and indicator.owner_id == membership.user_id
        and CHANGE_ITEM in ROLE_CAPABILITIES[membership.role]
    )


def require_enter_values(actor: Actor, indicator: Indicator) -> None:
    require_organisation(actor, indicator.organisation_id)
    if actor.membership is not None and not may_enter_values(actor.membership, indicator):
        raise PermissionDenied


# Indicators -------------------------------------------------------------------------


def indicator_errors(organisation: Organisation, values: dict, exclude_id=None) -> dict:
    """Field → Dutch message for the values of an indicator that do not hold together."""
    errors = {}
    code = (values.get("code") or "").strip()
    if not code:
        errors["code"] = _("An indicator needs a code.")
    elif (
        Indicator.objects.filter(organisation=organisation, code__iexact=code)
        .exclude(pk=exclude_id)
        .exists()
    ):
        errors["code"] = _("The code %(code)s is already used by another indicator.") % {
            "code": code
        }
    if not (values.get("name") or "").strip():
        errors["name"] = _("An indicator needs a name.")
    decimals = values.get("decimals") or 0
    if not 0 <= decimals <= MAX_DECIMALS:
        errors["decimals"] = _("Between 0 and %(max)s decimals.") % {"max": MAX_DECIMALS}
    low, high = values.get("band_low"), values.get("band_high")
    if values.get("direction") == Indicator.Direction.BAND:
        if low is None and high is None:
            errors["band_low"] = _("A band needs a lower or an upper bound (or both).")
        elif low is not None and high is not None and low > high:
            errors["band_high"] = _("The upper bound lies below the lower bound.")
    tolerance = values.get("tolerance")
    if tolerance is not None and tolerance < 0:
        errors["tolerance"] = _("The tolerance cannot be negative.")
    for name in ("owner", "department"):
        other = values.get(name)
        if other is None:
            continue
        if name == "owner":
            belongs = other.memberships.filter(organisation=organisation).exists()
        else:
            belongs = other.organisation_id == organisation.pk
        if not belongs:
            errors[name] = _("This does not belong to the organisation.")
    baseline = (values.get("baseline_period") or "").strip()
    if baseline:
        try:
            values["baseline_period"] = parse_period(baseline).key
        except PeriodError as error:
            errors["baseline_period"] = str(error)
    return errors


def _apply(indicator: Indicator, values: dict) -> None:
    for name in INDICATOR_FIELDS:
        if name in values:
            value = values[name]
            setattr(indicator, name, value.strip() if isinstance(value, str) else value)
    if indicator.direction != Indicator.Direction.BAND:
        indicator.band_low = indicator.band_high = None


@transaction.atomic
def create_indicator(organisation: Organisation, values: dict, *, actor: Actor) -> Indicator:
    require_manage(actor, organisation.pk)
    values = dict(values)
    if errors := indicator_errors(organisation, values):
        raise ValidationError(errors)
    indicator = Indicator(organisation=organisation)
    _apply(indicator, values)
    attribute(indicator, actor)
    indicator.save()
    return indicator


@transaction.atomic
def update_indicator(
    indicator: Indicator,
    values: dict,
    *,
    actor: Actor,
    reason: str = "",
    expected_version: int | None = None,
) -> Indicator:
    """Change an indicator; EditConflict when it was saved since ``expected_version``."""
    require_manage(actor, indicator.organisation_id)
    claim_version(indicator, expected_version)
    values = {**{name: getattr(indicator, name) for name in INDICATOR_FIELDS}, **values}
    if errors := indicator_errors(indicator.organisation, values, exclude_id=indicator.pk):
        raise ValidationError(errors)
    unit_changes = "unit" in values and values["unit"] != _stored_unit(indicator)
    if unit_changes and indicator.values.exists():
        raise ValidationError({"unit": _("The unit cannot change while the indicator has values.")})
    _apply(indicator, values)
    attribute(indicator, actor, reason)
    indicator.save()
    return indicator


def _stored_unit(indicator: Indicator) -> str:
    return Indicator.objects.values_list("unit", flat=True).get(pk=indicator.pk)


@transaction.atomic
def delete_indicator(
    indicator: Indicator, *, actor: Actor, expected_version: int | None = None
) -> None:
    require_manage(actor, indicator.organisation_id)
    claim_version(indicator, expected_version)
    attribute(indicator, actor)
    indicator.delete()


# Targets ----------------------------------------------------------------------------


@transaction.atomic
def save_target(
    indicator: Indicator,
    year: int,
    value: Decimal,
    *,
    actor: Actor,
    target: IndicatorTarget | None = None,
    expected_version: int | None = None,
) -> IndicatorTarget:
    """Add or change the target of ``year``; EditConflict when ``target`` was saved since
    ``expected_version``."""
    require_manage(actor, indicator.organisation_id)
    if target is not None:
        if target.indicator_id != indicator.pk:
            raise PermissionDenied
        claim_version(target, expected_version)
    clash = IndicatorTarget.objects.filter(indicator=indicator, year=year)
    if target is not None:
        clash = clash.exclude(pk=target.pk)
    if clash.exists():
        raise ValidationError(
            {"year": _("There is already a target for %(year)s.") % {"year": year}}
        )
    if target is None:
        target = IndicatorTarget(indicator=indicator)
    target.year, target.value = year, value
    attribute(target, actor)
    target.save()
    return target


@transaction.atomic
def delete_target(
    target: IndicatorTarget, *, actor: Actor, expected_version: int | None = None
) -> None:
    require_manage(actor, target.indicator.organisation_id)
    claim_version(target, expected_version)
    attribute(target, actor)
    target.delete()


# Values -----------------------------------------------------------------------------


def check_period(indicator: Indicator, written) -> str:
    """The normal form of a period for ``indicator``; PeriodError if it cannot be read or
    is of another frequency than the indicator's (a yearly indicator takes years only)."""
    period = parse_period(written)
    if period.frequency != indicator.frequency:
        raise PeriodError(
            _("'%(period)s' is a %(kind)s, but %(code)s is measured %(frequency)s.")
            % {
                "period": period.key,
                "kind": frequency_noun(period.frequency),
                "code": indicator.code,
                "frequency": Indicator.Frequency(indicator.frequency).label,
            }
        )
    return period.key


def frequency_noun(frequency: str) -> str:
    return {
        "year": _("year"),
        "half_year": _("half year"),
        "quarter": _("quarter"),
        "month": _("month"),
    }[frequency]


@transaction.atomic
def save_value(
    indicator: Indicator,
    values: dict,
    *,
    actor: Actor,
    record: IndicatorValue | None = None,
    expected_version: int | None = None,
    source_kind: str = IndicatorValue.SourceKind.TYPED,
    source_detail: str = "",
) -> IndicatorValue:
    """Add or change one value. ``values``: ``period`` (as written), ``value`` (as
    written, read for the indicator's unit), optional ``breakdown`` and ``series``.
    ValidationError with Dutch messages per field; EditConflict when ``record`` was
    saved since ``expected_version``."""
    require_enter_values(actor, indicator)
    if record is not None:
        if record.indicator_id != indicator.pk:
            raise PermissionDenied
        claim_version(record, expected_version)
    errors = {}
    try:
        period = parse_period(check_period(indicator, values.get("period")))
    except PeriodError as error:
        errors["period"] = str(error)
    try:
        number, text = read_figure(indicator.unit, values.get("value"))
    except FigureError as error:
        errors["value"] = str(error)
    if errors:
        raise ValidationError(errors)
    breakdown = (values.get("breakdown") or "").strip()
    series = (values.get("series") or "").strip()
    clash = IndicatorValue.objects.filter(
        indicator=indicator, period=period.key, breakdown=breakdown, series=series
    )
    if record is not None:
        clash = clash.exclude(pk=record.pk)
    if clash.exists():
        raise ValidationError(
            {"period": _("There is already a value for %(period)s.") % {"period": period.key}}
        )
    if record is None:
        record = IndicatorValue(indicator=indicator)
    record.period, record.period_start, record.period_end = period.key, period.start, period.end
    record.breakdown, record.series = breakdown, series
    record.value, record.text = number, text
    record.source_kind, record.source_detail = source_kind, source_detail
    record.entered_by = actor.user
    record.entered_at = timezone.now()
    attribute(record, actor)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:  # the same value was saved meanwhile
        raise ValidationError(
            {"period": _("There is already a value for %(period)s.") % {"period": period.key}}
        ) from None
    return record


@transaction.atomic
def delete_value(
    record: IndicatorValue, *, actor: Actor, expected_version: int | None = None
) -> None:
    require_enter_values(actor, record.indicator)
    claim_version(record, expected_version)
    attribute(record, actor)
    record.delete()


# Links to plan items ----------------------------------------------------------------


@transaction.atomic
def link_indicator(item, indicator: Indicator, role: str, *, actor: Actor) -> ItemIndicator:
    """Link ``indicator`` to the plan item (or change the role of the link)."""
    require_manage(actor, indicator.organisation_id)
    if item.plan.organisation_id != indicator.organisation_id:
        raise PermissionDenied
    if role not in ItemIndicator.Role.values:
        raise ValidationError({"role": _("Choose effect or output.")})
    link = ItemIndicator.objects.filter(item=item, indicator=indicator).first()
    if link is None:
        link = ItemIndicator(item=item, indicator=indicator)
    elif link.role == role:
        return link
    link.role = role
    attribute(link, actor)
    link.save()
    return link


@transaction.atomic
def unlink_indicator(link: ItemIndicator, *, actor: Actor) -> None:
    require_manage(actor, link.indicator.organisation_id)
    attribute(link, actor)
    link.delete()
