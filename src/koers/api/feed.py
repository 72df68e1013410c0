"""The BI feed: an organisation's plans, items, updates and indicators as flat tables.

Power BI and Qlik read these tables as CSV or JSON over HTTPS (see docs/bi-feed.md). Each
table has stable column names and one row per record, with ids to join the tables. Rows
come in the order of their id and are read page by page after an id (keyset paging), so a
page costs the same few queries wherever it lies and however many rows it holds; a CSV
download is written in such pages while it is sent, never whole in memory.

What a member sees follows the app: every member reads the organisation's plans, items,
indicators, targets and values (a value typed in a reporting round reaches the
cijferdatabank only when its update is approved); progress updates are approved ones for
readers, and in progress too for the items an editor may change and for coordinators and
administrators (untouched drafts are left out, as on the item page).
"""

import datetime
import html
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.html import strip_tags

from koers.accounts.models import Membership
from koers.accounts.permissions import CHANGE_ITEM, MANAGE_PLANS, can, membership_department_ids
from koers.followup.models import ProgressUpdate
from koers.indicators.models import Indicator, IndicatorTarget, IndicatorValue, ItemIndicator
from koers.plans.models import Plan, PlanItem

PAGE_SIZE = 5000  # rows of a JSON page when the caller asks no limit
MAX_PAGE_SIZE = 10000
CSV_CHUNK = 2000  # rows read per query while a CSV is streamed


@dataclass(frozen=True)
class Table:
    name: str
    # (column name in the feed, field path for QuerySet.values())
    columns: tuple[tuple[str, str], ...]
    rows: Callable[[Membership], QuerySet]
    # Fills the columns that need a look-up per page (parents, departments), in place.
    complete: Callable[[list[dict]], None] | None = None
    extra_columns: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        names = [name for name, _path in self.columns]
        return names + [name for name in self.extra_columns if name not in names]

    @property
    def paths(self) -> list[str]:
        return [path for _name, path in self.columns]


# -- what a member sees -------------------------------------------------------------------


def _plans(membership: Membership) -> QuerySet:
    return Plan.objects.filter(organisation_id=membership.organisation_id)


def _items(membership: Membership) -> QuerySet:
    return PlanItem.objects.filter(plan__organisation_id=membership.organisation_id, depth__gt=1)


def visible_updates(membership: Membership) -> QuerySet:
    """The progress updates this member may read (the rule of ``followup.services.may_read``
    in one query)."""
    updates = ProgressUpdate.objects.filter(
        item__plan__organisation_id=membership.organisation_id
    ).exclude(state=ProgressUpdate.State.DRAFT, version=1)
    if can(membership, MANAGE_PLANS):
        return updates
    approved = Q(state=ProgressUpdate.State.APPROVED)
    if CHANGE_ITEM in _held(membership):  # an editor: their own items and departments
        own = Q(item__owner_id=membership.user_id)
        departments = membership_department_ids(membership)
        if departments:
            covered = PlanItem.objects.filter(departments__in=departments).values("id")
            own |= Q(item_id__in=covered)
        return updates.filter(approved | own)
    return updates.filter(approved)


def _held(membership: Membership) -> frozenset[str]:
    from koers.accounts.permissions import ROLE_CAPABILITIES

    return ROLE_CAPABILITIES[membership.role]


def _indicators(membership: Membership) -> QuerySet:
    return Indicator.objects.filter(organisation_id=membership.organisation_id)


def _targets(membership: Membership) -> QuerySet:
    return IndicatorTarget.objects.filter(indicator__organisation_id=membership.organisation_id)


def _links(membership: Membership) -> QuerySet:
    return ItemIndicator.objects.filter(indicator__organisation_id=membership.organisation_id)


def _values(membership: Membership) -> QuerySet:
    return IndicatorValue.objects.filter(indicator__organisation_id=membership.organisation_id)


# -- look-ups per page --------------------------------------------------------------------


def _complete_items(rows: list[dict]) -> None:
    """Parent ids (the hidden root is no parent), department names and the latest
    approved update (what the dashboard shows readers): three queries."""
    parent_paths = {row["path"][: -PlanItem.steplen] for row in rows}
    parents = dict(
        PlanItem.objects.filter(path__in=parent_paths, depth__gt=1).values_list("path", "id")
    )
    departments: dict[int, list[str]] = {}
    through = PlanItem.departments.through.objects.filter(
        planitem_id__in=[row["item_id"] for row in rows]
    ).order_by("department__name")
    for item_id, name in through.values_list("planitem_id", "department__name"):
        departments.setdefault(item_id, []).append(name)
    latest: dict[int, tuple] = {}
    approved = (
        ProgressUpdate.objects.filter(
            item_id__in=[row["item_id"] for row in rows], state=ProgressUpdate.State.APPROVED
        )
        .order_by("item_id", "-round__period_end", "-round_id")
        .values_list("item_id", "round_id", "status__key", "percent")
    )
    for item_id, *found in approved:
        latest.setdefault(item_id, tuple(found))
    for row in rows:
        row["parent_id"] = parents.get(row["path"][: -PlanItem.steplen])
        row["level"] = row["level"] - 1
        row["departments"] = "; ".join(departments.get(row["item_id"], []))
        round_id, status_key, percent = latest.get(row["item_id"], (None, None, None))
        row["approved_round_id"] = round_id
        row["approved_status_key"] = status_key
        row["approved_percent"] = percent


def _complete_updates(rows: list[dict]) -> None:
    for row in rows:
        row["narrative"] = plain_text(row["narrative"])


def plain_text(markup: str) -> str:
    """The words of a rich text, without mark-up, on one line."""
    text = strip_tags(markup.replace("</p>", " </p>").replace("<br>", " "))
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Table(
            "plans",
            (
                ("plan_id", "id"),
                ("title", "title"),
                ("description", "description"),
                ("first_year", "first_year"),
                ("last_year", "last_year"),
                ("is_published", "is_published"),
                ("created_at", "created_at"),
                ("updated_at", "updated_at"),
            ),
            _plans,
        ),
        Table(
            "items",
            (
                ("item_id", "id"),
                ("plan_id", "plan_id"),
                ("path", "path"),
                ("level", "depth"),
                ("code", "code"),
                ("title", "title"),
                ("policy", "policy"),
                ("owner_email", "owner__email"),
                ("status_key", "status__key"),
                ("status_name", "status__name"),
                ("progress", "progress"),
                ("weight", "weight"),
                ("start_year", "start_year"),
                ("end_year", "end_year"),
                ("planned_start", "planned_start"),
                ("planned_end", "planned_end"),
                ("is_public", "is_public"),
                ("updated_at", "updated_at"),
            ),
            _items,
            _complete_items,
            extra_columns=(
                "parent_id",
                "departments",
                "approved_round_id",
                "approved_status_key",
                "approved_percent",
            ),
        ),
        Table(
            "updates",
            (
                ("update_id", "id"),
                ("item_id", "item_id"),
                ("plan_id", "item__plan_id"),
                ("round_id", "round_id"),
                ("round_name", "round__name"),
                ("round_period_start", "round__period_start"),
                ("round_period_end", "round__period_end"),
                ("round_state", "round__state"),
                ("state", "state"),
                ("status_key", "status__key"),
                ("status_name", "status__name"),
                ("percent", "percent"),
                ("narrative", "narrative"),
                ("submitted_at", "submitted_at"),
                ("reviewed_at", "reviewed_at"),
                ("updated_at", "updated_at"),
            ),
            visible_updates,
            _complete_updates,
        ),
        Table(
            "indicators",
            (
                ("indicator_id", "id"),
                ("code", "code"),
                ("name", "name"),
                ("definition", "definition"),
                ("unit", "unit"),
                ("decimals", "decimals"),
                ("direction", "direction"),
                ("band_low", "band_low"),
                ("band_high", "band_high"),
                ("tolerance", "tolerance"),
                ("baseline_value", "baseline_value"),
                ("baseline_period", "baseline_period"),
                ("source", "source"),
                ("frequency", "frequency"),
                ("owner_email", "owner__email"),
                ("department", "department__name"),
                ("theme", "theme"),
                ("is_public", "is_public"),
            ),
            _indicators,
        ),
        Table(
            "indicator_targets",
            (
                ("target_id", "id"),
                ("indicator_id", "indicator_id"),
                ("year", "year"),
                ("target", "value"),
            ),
            _targets,
        ),
        Table(
            "item_indicators",
            (
                ("link_id", "id"),
                ("item_id", "item_id"),
                ("indicator_id", "indicator_id"),
                ("role", "role"),
            ),
            _links,
        ),
        Table(
            "indicator_values",
            (
                ("value_id", "id"),
                ("indicator_id", "indicator_id"),
                ("indicator_code", "indicator__code"),
                ("period", "period"),
                ("period_start", "period_start"),
                ("period_end", "period_end"),
                ("breakdown", "breakdown"),
                ("series", "series"),
                ("value", "value"),
                ("text", "text"),
                ("source_kind", "source_kind"),
                ("source_detail", "source_detail"),
                ("round_id", "round_id"),
                ("entered_at", "entered_at"),
            ),
            _values,
        ),
    )
}


def page(table: Table, membership: Membership, after: int = 0, limit: int = PAGE_SIZE):
    """Up to ``limit`` rows with an id above ``after``, in id order, and whether more
    follow. Two to four queries, whatever ``limit`` is."""
    found = list(
        table.rows(membership)
        .filter(id__gt=after)
        .order_by("id")
        .values_list(*table.paths)[: limit + 1]
    )
    more = len(found) > limit
    names = [name for name, _path in table.columns]
    rows = [dict(zip(names, record, strict=True)) for record in found[:limit]]
    if table.complete is not None and rows:
        table.complete(rows)
    return rows, more


def all_rows(table: Table, membership: Membership, after: int = 0, limit: int | None = None):
    """Every row after ``after`` (at most ``limit``), read ``CSV_CHUNK`` at a time."""
    key = table.columns[0][0]
    left = limit
    while left is None or left > 0:
        size = CSV_CHUNK if left is None else min(CSV_CHUNK, left)
        rows, more = page(table, membership, after, size)
        yield rows
        if not rows or not more:
            return
        after = rows[-1][key]
        if left is not None:
            left -= len(rows)


# -- writing cells ------------------------------------------------------------------------


def plain_decimal(number: Decimal) -> str:
    """A decimal with a point, without exponent and trailing zeros: 41.5, 100, -0.25."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def iso_datetime(moment: datetime.datetime) -> str:
    """In UTC, to the second: 2026-10-15T08:00:00Z."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC)
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


# How a cell of each type is written in CSV (looked up by exact type: a row has many cells).
_CSV_TEXT = {
    type(None): lambda value: "",
    bool: lambda value: "true" if value else "false",
    Decimal: plain_decimal,
    datetime.datetime: iso_datetime,
    datetime.date: datetime.date.isoformat,
    str: str,
    int: str,
}


def csv_cell(value) -> str:
    write = _CSV_TEXT.get(type(value), str)
    return write(value)


def csv_rows(rows: list[dict], columns: list[str]) -> list[list[str]]:
    lookup = _CSV_TEXT.get
    return [[lookup(type(cell), str)(cell) for cell in map(row.get, columns)] for row in rows]


_text = json.JSONEncoder(ensure_ascii=False).encode
# How a cell of each type is written in JSON; decimals as exact JSON numbers.
_JSON_TEXT = {
    type(None): lambda value: "null",
    bool: lambda value: "true" if value else "false",
    int: str,
    str: _text,
    Decimal: plain_decimal,
    datetime.datetime: lambda value: '"' + iso_datetime(value) + '"',
    datetime.date: lambda value: '"' + value.isoformat() + '"',
}


def json_cell(value) -> str:
    """The JSON text of one cell."""
    return _JSON_TEXT.get(type(value), _text)(value)


def json_rows(rows: list[dict], columns: list[str]) -> Iterator[str]:
    lookup = _JSON_TEXT.get
    keys = [json.dumps(name) + ":" for name in columns]
    for row in rows:
        cells = [lookup(type(cell), _text)(cell) for cell in map(row.get, columns)]
        yield "{" + ",".join(map(str.__add__, keys, cells)) + "}"
