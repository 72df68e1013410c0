"""Indicators in a PlanDocument (version 2): written by export, read by load.

Indicators belong to the organisation (its cijferdatabank), not to one plan. A document
carries, in its top-level ``indicators``, the indicators linked to the plan's items
(with their targets and values); an item names its indicators by code in its own
``indicators``. On load an indicator is matched by its code (either case) within the
organisation: a new code creates the indicator, a known code updates it with what the
document says. Nothing the document does not name is deleted: other indicators, other
years' targets and other periods' values stay as they were (docs/plan-document.md).

Writing goes in bulk, like the items: plain multi-row statements, and a history record
for every row written ('+' new, '~' changed), with the loading user and the reason.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F
from django.utils.translation import gettext as _

from koers.accounts.models import Department, Organisation
from koers.indicators.models import Indicator, IndicatorTarget, IndicatorValue, ItemIndicator
from koers.indicators.periods import parse_period
from koers.plans.document.bulk import adapter, copy_to_history, insert_rows
from koers.plans.document.validation import (
    PlanDocumentError,
    Problem,
    value_problems,
    walk_items,
)

CHUNK = 500
DEFAULTS = {
    "name": "",
    "definition": "",
    "unit": Indicator.Unit.NUMBER,
    "decimals": 0,
    "direction": Indicator.Direction.HIGHER,
    "band_low": None,
    "band_high": None,
    "source": "",
    "frequency": Indicator.Frequency.YEAR,
    "owner_id": None,
    "department_id": None,
    "theme": "",
    "is_public": False,
    "tolerance": None,
    "baseline_value": None,
    "baseline_period": "",
}
FIGURES = ("band_low", "band_high", "tolerance", "baseline_value")
PLAIN = ("name", "definition", "unit", "decimals", "direction", "source", "frequency", "theme")


# Export -----------------------------------------------------------------------------


def figure(value: Decimal | None) -> str | None:
    """A stored figure as the document writes it: '12.5', '1250000', '0'."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def export_indicators(plan) -> list[dict]:
    """The organisation's indicators linked to the plan's items, by code, each with its
    targets by year and its values by period, series and breakdown."""
    linked = Indicator.objects.filter(
        organisation_id=plan.organisation_id, item_links__item__plan=plan
    ).values("id")
    targets = defaultdict(list)
    for indicator_id, year, value in (
        IndicatorTarget.objects.filter(indicator__in=linked)
        .order_by("year")
        .values_list("indicator_id", "year", "value")
    ):
        targets[indicator_id].append({"year": year, "value": figure(value)})
    values = defaultdict(list)
    for indicator_id, period, breakdown, series, value, text, kind, detail in (
        IndicatorValue.objects.filter(indicator__in=linked)
        .order_by("period_start", "period", "series", "breakdown")
        .values_list(
            "indicator_id",
            "period",
            "breakdown",
            "series",
            "value",
            "text",
            "source_kind",
            "source_detail",
        )
    ):
        values[indicator_id].append(
            {
                "period": period,
                "breakdown": breakdown,
                "series": series,
                "value": figure(value),
                "text": text,
                "source_kind": kind,
                "source_detail": detail,
            }
        )
    rows = (
        Indicator.objects.filter(id__in=linked)
        .order_by("code")
        .values(
            "id",
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
            "owner__email",
            "department__name",
            "theme",
            "is_public",
            "tolerance",
            "baseline_value",
            "baseline_period",
        )
    )
    return [
        {
            "code": row["code"],
            "name": row["name"],
            "definition": row["definition"],
            "unit": row["unit"],
            "decimals": row["decimals"],
            "direction": row["direction"],
            "band_low": figure(row["band_low"]),
            "band_high": figure(row["band_high"]),
            "source": row["source"],
            "frequency": row["frequency"],
            "owner": row["owner__email"] or None,
            "department": row["department__name"],
            "theme": row["theme"],
            "public": row["is_public"],
            "tolerance": figure(row["tolerance"]),
            "baseline_value": figure(row["baseline_value"]),
            "baseline_period": row["baseline_period"],
            "targets": targets.get(row["id"], []),
            "values": values.get(row["id"], []),
        }
        for row in rows
    ]


def item_links(items) -> dict[int, list[dict]]:
    """Item id → the indicators of the item's own organisation linked to it, by code."""
    grouped = defaultdict(list)
    for item_id, code, role in (
        ItemIndicator.objects.filter(
            item__in=items, indicator__organisation=F("item__plan__organisation")
        )
        .order_by("indicator__code", "id")
        .values_list("item_id", "indicator__code", "role")
    ):
        grouped[item_id].append({"code": code, "role": role})
    return grouped


# Load -------------------------------------------------------------------------------


def _key(code: str) -> str:
    return code.strip().casefold()


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass
class IndicatorCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    targets: int = 0  # written (new or changed)
    values: int = 0  # written (new or changed)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class _Prepared:
    organisation: Organisation
    entries: list[dict]  # the document's indicators
    stored: dict[str, Indicator]  # casefolded code → the organisation's indicator
    owners: dict[str, int] = field(default_factory=dict)


def check_indicators(document: dict, organisation: Organisation, warnings: list[str]) -> _Prepared:
    """What the database must agree with before anything is written: a known indicator
    keeps its unit while it has values, and every item link names an indicator in the
    document or in the organisation. PlanDocumentError lists every problem."""
    entries = document.get("indicators", [])
    stored = {_key(i.code): i for i in Indicator.objects.filter(organisation=organisation)}
    members = get_user_model().objects.filter(memberships__organisation=organisation)
    owners = {email.lower(): pk for pk, email in members.values_list("pk", "email") if email}
    with_values = set(
        IndicatorValue.objects.filter(indicator__organisation=organisation)
        .values_list("indicator_id", flat=True)
        .distinct()
    )
    problems = []
    for index, entry in enumerate(entries):
        path = f"$.indicators[{index}]"
        known = stored.get(_key(entry["code"]))
        unit = entry.get("unit")
        if known is not None and unit and unit != known.unit and known.pk in with_values:
            problems.append(
                Problem(
                    f"{path}.unit",
                    f"{known.code!r} counts in {known.unit} and has values in the "
                    f"organisation; its unit cannot become {unit}",
                )
            )
        # An absent unit or frequency is the known indicator's, or the default.
        problems += value_problems(
            entry,
            path,
            None if "unit" in entry else (known.unit if known else DEFAULTS["unit"]),
            None if "frequency" in entry else (known.frequency if known else "year"),
        )
        owner = entry.get("owner")
        if owner and owner.lower() not in owners:
            warnings.append(
                _("%(path)s: owner %(owner)s is no member of the organisation; left empty.")
                % {"path": path, "owner": owner}
            )
    named = set(stored) | {_key(entry["code"]) for entry in entries}
    for path, item in walk_items(document["plan"]["items"], "$.plan.items"):
        for index, link in enumerate(item.get("indicators", [])):
            if _key(link["code"]) not in named:
                problems.append(
                    Problem(
                        f"{path}.indicators[{index}].code",
                        f"{link['code']!r} is no indicator of the document or the organisation",
                    )
                )
    if problems:
        raise PlanDocumentError(problems)
    return _Prepared(organisation, entries, stored, owners)


def write_indicators(prepared: _Prepared, *, user, reason: str, now) -> IndicatorCounts:
    """Create or update the document's indicators, then their targets and values."""
    counts = IndicatorCounts()
    if not prepared.entries:
        return counts
    organisation = prepared.organisation
    departments = {d.name: d.pk for d in Department.objects.filter(organisation=organisation)}
    for entry in prepared.entries:
        name = entry.get("department")
        if name and name not in departments:
            departments[name] = Department.objects.create(organisation=organisation, name=name).pk
    history = {"user": user, "reason": reason, "when": now}

    new_rows, changed = [], []
    for entry in prepared.entries:
        known = prepared.stored.get(_key(entry["code"]))
        given = _fields(entry, prepared.owners, departments)
        if known is None:
            values = {**DEFAULTS, **given}
            if values["direction"] != Indicator.Direction.BAND:
                values["band_low"] = values["band_high"] = None
            new_rows.append((entry["code"].strip(), values))
            continue
        values = {**{name: getattr(known, name) for name in DEFAULTS}, **given}
        if values["direction"] != Indicator.Direction.BAND:
            values["band_low"] = values["band_high"] = None
        if any(values[name] != getattr(known, name) for name in DEFAULTS):
            changed.append((known.pk, values))
        else:
            counts.unchanged += 1
    columns = ("organisation_id", "code", *DEFAULTS, "version")
    prep = {name: adapter(Indicator, name) for name in (*FIGURES, "code")}
    insert_rows(
        Indicator,
        columns,
        [
            (
                organisation.pk,
                code,
                *(prep[n](v) if n in prep else v for n, v in values.items()),
                1,
            )
            for code, values in new_rows
        ],
    )
    for pk, values in changed:
        Indicator.objects.filter(pk=pk).update(**values, version=F("version") + 1)
    ids = {
        _key(code): pk
        for code, pk in Indicator.objects.filter(organisation=organisation).values_list(
            "code", "id"
        )
    }
    _history(Indicator, [ids[_key(code)] for code, _values in new_rows], "+", **history)
    _history(Indicator, [pk for pk, _values in changed], "~", **history)
    counts.created, counts.updated = len(new_rows), len(changed)
    by_entry = [(ids[_key(entry["code"])], entry) for entry in prepared.entries]
    counts.targets = _write_targets(by_entry, history)
    counts.values = _write_values(by_entry, organisation.pk, user=user, history=history)
    return counts


def _fields(entry: dict, owners: dict[str, int], departments: dict[str, int]) -> dict:
    """The model fields the document gives for an indicator (absent ones are not given)."""
    given = {name: entry[name] for name in PLAIN if name in entry}
    for name in ("name", "source", "theme"):
        if name in given:
            given[name] = given[name].strip()
    for name in FIGURES:
        if name in entry:
            given[name] = _number(entry[name])
    if "public" in entry:
        given["is_public"] = entry["public"]
    if "baseline_period" in entry:
        given["baseline_period"] = entry["baseline_period"]
    if "owner" in entry:
        owner = (entry["owner"] or "").lower()
        if not owner:
            given["owner_id"] = None
        elif owner in owners:
            given["owner_id"] = owners[owner]
    if "department" in entry:
        given["department_id"] = departments.get(entry["department"] or "")
    return given


def _write_targets(by_entry, history) -> int:
    ids = [pk for pk, _entry in by_entry]
    stored = {
        (i, year): (pk, value, version)
        for pk, i, year, value, version in IndicatorTarget.objects.filter(
            indicator_id__in=ids
        ).values_list("pk", "indicator_id", "year", "value", "version")
    }
    money = adapter(IndicatorTarget, "value")
    new, changed = [], []
    for indicator_id, entry in by_entry:
        for target in entry.get("targets", []):
            value = _number(target["value"])
            before = stored.get((indicator_id, target["year"]))
            if before is None:
                new.append((indicator_id, target["year"], money(value), 1))
            elif before[1] != value:
                changed.append(
                    (before[0], indicator_id, target["year"], money(value), before[2] + 1)
                )
    fields = ("indicator", "year", "value", "version")
    _replace(IndicatorTarget, [row[0] for row in changed])
    insert_rows(IndicatorTarget, ("id", *fields), changed)
    insert_rows(IndicatorTarget, fields, new)
    keys = {(row[0], row[1]) for row in new}
    new_ids = [
        pk
        for pk, i, year in IndicatorTarget.objects.filter(indicator_id__in=ids).values_list(
            "pk", "indicator_id", "year"
        )
        if (i, year) in keys
    ]
    _history(IndicatorTarget, new_ids, "+", **history)
    _history(IndicatorTarget, [row[0] for row in changed], "~", **history)
    return len(new) + len(changed)


def _write_values(by_entry, organisation_id: int, *, user, history) -> int:
    ids = [pk for pk, _entry in by_entry]
    stored = {
        (i, period, breakdown, series): (pk, value, text, kind, detail, version)
        for pk, i, period, breakdown, series, value, text, kind, detail, version in (
            IndicatorValue.objects.filter(indicator_id__in=ids).values_list(
                "pk",
                "indicator_id",
                "period",
                "breakdown",
                "series",
                "value",
                "text",
                "source_kind",
                "source_detail",
                "version",
            )
        )
    }
    # The database's own adapters, called directly: a field's get_db_prep_save costs
    # more than the insert itself at 100,000 values.
    ops = connection.ops
    field = IndicatorValue._meta.get_field("value")

    def number(value):
        if value is None:
            return None
        return ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)

    stamp = adapter(IndicatorValue, "entered_at")(history["when"])
    user_id = user.pk if user is not None else None
    periods = {}
    new, changed = [], []
    for indicator_id, entry in by_entry:
        for data in entry.get("values", []):
            key = (
                indicator_id,
                data["period"],
                data.get("breakdown", "").strip(),
                data.get("series", "").strip(),
            )
            value = _number(data.get("value"))
            text = data.get("text", "")
            kind = data.get("source_kind", IndicatorValue.SourceKind.IMPORTED)
            detail = data.get("source_detail", "")
            before = stored.get(key)
            if before is not None and before[1:5] == (value, text, kind, detail):
                continue
            dates = periods.get(key[1])
            if dates is None:
                period = parse_period(key[1])
                dates = periods[key[1]] = (
                    ops.adapt_datefield_value(period.start),
                    ops.adapt_datefield_value(period.end),
                )
            row = (
                *key,
                *dates,
                number(value),
                text,
                kind,
                detail,
                user_id,
                stamp,
            )
            if before is None:
                new.append((*row, 1))
            else:
                changed.append((before[0], *row, before[5] + 1))
    fields = (
        "indicator",
        "period",
        "breakdown",
        "series",
        "period_start",
        "period_end",
        "value",
        "text",
        "source_kind",
        "source_detail",
        "entered_by",
        "entered_at",
        "version",
    )
    _replace(IndicatorValue, [row[0] for row in changed])
    insert_rows(IndicatorValue, ("id", *fields), changed, large=True)
    insert_rows(IndicatorValue, fields, new, large=True)
    # The new rows in one statement: written now, at version 1 (a changed row was
    # written now as well, at its next version, so at least 2).
    quote = connection.ops.quote_name
    written_now = (
        f"{quote('indicator_id')} IN (SELECT {quote('id')} "
        f"FROM {quote(Indicator._meta.db_table)} WHERE {quote('organisation_id')} = %s) "
        f"AND {quote('entered_at')} = %s AND {quote('version')} = 1"
    )
    if new:
        copy_to_history(
            IndicatorValue, written_now, [organisation_id, stamp], history_type="+", **history
        )
    _history(IndicatorValue, [row[0] for row in changed], "~", **history)
    return len(new) + len(changed)


def _replace(model, pks: list[int]) -> None:
    """Delete rows that are inserted again with the same primary key and the next version
    (cheaper than an UPDATE per row); no signals, their history gets a '~' record."""
    for start in range(0, len(pks), CHUNK):
        rows = model.objects.filter(pk__in=pks[start : start + CHUNK])
        rows._raw_delete(rows.db)


def _history(model, pks: list[int], kind: str, *, user, reason, when) -> None:
    quote = connection.ops.quote_name
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        where = f"{quote('id')} IN ({', '.join(['%s'] * len(chunk))})"
        copy_to_history(model, where, chunk, user=user, reason=reason, when=when, history_type=kind)
