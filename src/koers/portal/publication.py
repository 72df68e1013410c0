"""What the public may see: the one place that decides it.

- a plan appears when it is published (``Plan.is_published``);
- an item appears when it and every item above it are public (``is_public``), as it is
  now (code, title, texts, place in the tree);
- its figures (status, percentage, milestones, money) and its progress text are those of
  the plan's latest **published snapshot**: taken when a round is published and when the
  plan itself is published (``take_snapshot``). An approval, a ticked milestone or a typed
  amount shows only after the next publication; an item created after the snapshot shows
  no figures until then. The progress text is the approved update of the latest published
  round at the time of the snapshot.

Every portal page, the search and the public API read through these functions, so that
nothing unpublished, nothing of another organisation and no draft can leak.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import fastjsonschema
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from koers.accounts.models import Organisation, OrganisationUnavailable
from koers.accounts.scoping import enter_organisation
from koers.followup.models import ProgressUpdate, ReportingRound
from koers.plans.document.bulk import adapter, insert_rows
from koers.plans.models import BudgetLine, Milestone, Plan, PlanItem, PlanStatus
from koers.plans.services.tree import Figures, TreeRow, pack_amounts, plan_rows, unpack_money
from koers.plans.terminology import use_dutch_of
from koers.portal.models import PublishedItem, PublishedSnapshot
from koers.search.text import matcher

WORD = re.compile(r"\w+", re.UNICODE)


def organisation_or_404(slug: str) -> Organisation:
    """The organisation of a portal page; the page speaks the Dutch of its country."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if organisation.suspended:
        raise OrganisationUnavailable
    enter_organisation(organisation)
    use_dutch_of(organisation.terminology_preset)
    return organisation


def published_plans(organisation: Organisation):
    return Plan.objects.filter(organisation=organisation, is_published=True)


def published_plan_or_404(organisation: Organisation, pk: int) -> Plan:
    return get_object_or_404(published_plans(organisation), pk=pk)


def public_ids(plan: Plan) -> set[int]:
    """Items that are public and have only public items above them."""
    step = PlanItem.steplen
    visible, hidden = set(), set()
    items = PlanItem.objects.filter(plan=plan, depth__gt=1).order_by("path")
    for pk, path, is_public in items.values_list("pk", "path", "is_public"):
        ancestors = (path[:end] for end in range(2 * step, len(path), step))
        if not is_public or any(ancestor in hidden for ancestor in ancestors):
            hidden.add(path)
        else:
            visible.add(pk)
    return visible


def public_rows(plan: Plan, published: "Publication | None" = None) -> list[TreeRow]:
    """The plan's tree rows the public may see, with the figures of the latest published
    snapshot, rolled up over those rows alone: a hidden item's figures do not show through
    its parent. ``published``: the plan's ``read_publication``, when the caller has read it."""
    published = read_publication(plan) if published is None else published
    return plan_rows(plan, only_ids=public_ids(plan), figures=published.figures)


def public_item_or_404(
    organisation: Organisation, pk: int
) -> tuple[PlanItem, TreeRow, list[TreeRow], "Publication"]:
    """The public item, its tree row, all public rows of its plan and the plan's
    publication."""
    item = get_object_or_404(
        PlanItem.objects.select_related("plan"),
        pk=pk,
        plan__organisation=organisation,
        plan__is_published=True,
        is_public=True,
    )
    published = read_publication(item.plan)
    rows = public_rows(item.plan, published)
    row = next((row for row in rows if row.item.pk == item.pk), None)
    if row is None:  # an item above it is not public
        raise Http404
    return item, row, rows, published


# -- the published snapshot ---------------------------------------------------------------


@dataclass
class PublicMilestone:
    title: str
    planned: str
    done: bool
    done_on: date | None


@dataclass
class PublishedEntry:
    """The figures the portal shows of one item, from the snapshot."""

    figures: Figures
    milestone_data: tuple[tuple, ...]  # (title, planned, done, done_on as text or None)

    @property
    def milestones(self) -> list[PublicMilestone]:
        return [
            PublicMilestone(title, planned, done, date.fromisoformat(done_on) if done_on else None)
            for title, planned, done, done_on in self.milestone_data
        ]


@dataclass
class PublishedText:
    """An item's published progress text (sanitised HTML) and the round it came from."""

    text: str
    round_name: str


class Publication:
    """A plan's latest published snapshot (``snapshot`` is None before any publication).

    Kept in the cache with the portal's view of the plan, so its items are packed as
    tuples of plain values (as ``tree.PackedRows``, for the same reasons): a
    :class:`PublishedEntry` is made when read. The progress texts, most of a snapshot's
    size, are not kept: a page reads the texts it shows (:meth:`texts`)."""

    def __init__(self, snapshot: PublishedSnapshot | None, stored: list | None = None):
        """``stored``: (item id, figures as stored) per item."""
        self.snapshot = snapshot
        self._statuses: dict[int, PlanStatus] = {}
        self._entries: dict[int, tuple] = {}
        plan_id = snapshot.plan_id if snapshot else None
        for item_id, figures in stored or ():
            status, money = figures["status"], figures["money"]
            if status is not None and status["id"] not in self._statuses:
                self._statuses[status["id"]] = PlanStatus(plan_id=plan_id, **status)
            self._entries[item_id] = (
                status["id"] if status is not None else None,
                figures["percent"],
                pack_amounts(money.get("expense", {}), money.get("receipt", {})),
                tuple(
                    (m["title"], m["planned"], m["done"], m["done_on"])
                    for m in figures["milestones"]
                ),
            )

    def entry(self, item_id: int) -> PublishedEntry | None:
        packed = self._entries.get(item_id)
        if packed is None:
            return None
        status_id, percent, money, milestones = packed
        figures = Figures(
            status=self._statuses.get(status_id),
            progress=percent,
            money=unpack_money(money),
            milestones_done=sum(1 for milestone in milestones if milestone[2]),
            milestones_total=len(milestones),
        )
        return PublishedEntry(figures, milestones)

    def item_ids(self) -> list[int]:
        """The items of the snapshot, in the order they were read."""
        return list(self._entries)

    @property
    def figures(self) -> dict[int, Figures]:
        return {item_id: self.entry(item_id).figures for item_id in self._entries}

    def texts(self, item_ids: Iterable[int] | None = None) -> dict[int, PublishedText]:
        """The published progress texts of ``item_ids`` (of every item: None) that have
        one, in one query."""
        if self.snapshot is None:
            return {}
        stored = PublishedItem.objects.filter(snapshot=self.snapshot).exclude(progress_text="")
        if item_ids is not None:
            stored = stored.filter(item_id__in=list(item_ids))
        return {
            item_id: PublishedText(text, round_name)
            for item_id, text, round_name in stored.values_list(
                "item_id", "progress_text", "progress_round"
            )
        }


def latest_snapshot(plan: Plan) -> PublishedSnapshot | None:
    return PublishedSnapshot.objects.filter(plan=plan).order_by("-taken_at", "-id").first()


def read_publication(plan: Plan) -> Publication:
    """The plan's latest snapshot and its items' figures, in two queries."""
    snapshot = latest_snapshot(plan)
    if snapshot is None:
        return Publication(None)
    stored = PublishedItem.objects.filter(snapshot=snapshot).values_list("item_id", "figures")
    return Publication(snapshot, list(stored))


_AMOUNT = {"type": "string", "pattern": r"^-?\d{1,12}\.\d{2}$"}
FIGURES_SCHEMA = {
    "type": "object",
    "required": ["status", "percent", "milestones", "money"],
    "additionalProperties": False,
    "properties": {
        "status": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["id", "name", "colour", "default_percent", "counts_in_progress"],
                    "additionalProperties": False,
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "colour": {"type": "string"},
                        "default_percent": {"type": ["integer", "null"]},
                        "counts_in_progress": {"type": "boolean"},
                    },
                },
            ]
        },
        "percent": {"type": ["integer", "null"], "minimum": 0, "maximum": 100},
        "milestones": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["title", "planned", "done", "done_on"],
                "additionalProperties": False,
                "properties": {
                    "title": {"type": "string"},
                    "planned": {"type": "string"},
                    "done": {"type": "boolean"},
                    "done_on": {"type": ["string", "null"], "format": "date"},
                },
            },
        },
        "money": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                direction: {
                    "type": "object",
                    "propertyNames": {"pattern": r"^\d{4}$"},
                    "additionalProperties": {
                        "type": "array",
                        "items": _AMOUNT,
                        "minItems": 3,
                        "maxItems": 3,
                    },
                }
                for direction in ("expense", "receipt")
            },
        },
    },
}
check_figures = fastjsonschema.compile(FIGURES_SCHEMA)
"""Raises ``fastjsonschema.JsonSchemaException`` for a document that is not figures."""


def _amount(value) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01")))


def snapshot_figures(plan: Plan) -> dict[int, tuple[dict, str, str]]:
    """Per item of the plan: (figures, progress text, round of the text) as they are now.

    Status and percentage are those of the item's approved update in the latest published
    round where it set them, else the item's own; milestones and money are the item's own.
    Five queries, every one naming its columns."""
    statuses = {
        values["id"]: values
        for values in PlanStatus.objects.filter(plan_id=plan.pk).values(
            "id", "name", "colour", "default_percent", "counts_in_progress"
        )
    }
    published = {}
    updates = (
        ProgressUpdate.objects.filter(
            round__plan_id=plan.pk,
            round__state=ReportingRound.State.PUBLISHED,
            state=ProgressUpdate.State.APPROVED,
        )
        .order_by("round__period_end", "round_id")
        .values_list("item_id", "status_id", "percent", "narrative", "round__name")
    )
    for item_id, *values in updates:
        published[item_id] = values
    milestones = defaultdict(list)
    rows = (
        Milestone.objects.filter(item__plan_id=plan.pk)
        .order_by("item_id", "position", "id")
        .values_list(
            "item_id", "title", "planned_start", "planned_end", "planned_text", "done", "done_on"
        )
    )
    shown = Milestone.planned_display.fget  # reads only these three attributes
    for item_id, title, start, end, text, done, done_on in rows:
        planned = SimpleNamespace(planned_start=start, planned_end=end, planned_text=text)
        milestones[item_id].append(
            {
                "title": title,
                "planned": shown(planned),
                "done": done,
                "done_on": done_on.isoformat() if done and done_on else None,
            }
        )
    money = defaultdict(lambda: {"expense": {}, "receipt": {}})
    sums = (
        BudgetLine.objects.filter(item__plan_id=plan.pk)
        .values("item_id", "year", "direction")
        .annotate(initial=Sum("initial"), current=Sum("current"), actual=Sum("actual"))
        .order_by("item_id", "year", "direction")
    )
    for entry in sums:
        money[entry["item_id"]][entry["direction"]][str(entry["year"])] = [
            _amount(entry["initial"]),
            _amount(entry["current"]),
            _amount(entry["actual"]),
        ]
    result = {}
    items = PlanItem.objects.filter(plan_id=plan.pk, depth__gt=1)
    for item_id, status_id, progress in items.values_list("id", "status_id", "progress"):
        text, round_name = "", ""
        if item_id in published:
            update_status, percent, text, round_name = published[item_id]
            status_id = update_status if update_status is not None else status_id
            progress = percent if percent is not None else progress
        figures = {
            "status": statuses.get(status_id),
            "percent": progress,
            "milestones": milestones.get(item_id, []),
            "money": money.get(item_id, {}),
        }
        result[item_id] = (check_figures(figures), text, round_name)
    return result


def take_snapshot(plan: Plan, round_: ReportingRound | None = None, user=None) -> PublishedSnapshot:
    """Store what the portal shows of every item of the plan from now on (until the next
    publication). Called when a round is published and when the plan is published."""
    snapshot = PublishedSnapshot.objects.create(
        plan=plan,
        round=round_,
        round_name=round_.name if round_ is not None else "",
        taken_at=timezone.now(),
        taken_by=user,
    )
    store_items(PublishedItem, snapshot.pk, snapshot_figures(plan))
    return snapshot


ITEM_FIELDS = ("snapshot", "item", "figures", "progress_text", "progress_round")


def store_items(model, snapshot_id: int, figures: dict[int, tuple[dict, str, str]]) -> None:
    """The snapshot's rows in multi-row INSERTs (``model``: PublishedItem, or a migration's)."""
    as_json = adapter(model, "figures")
    rows = [
        (snapshot_id, item_id, as_json(document), text, round_name)
        for item_id, (document, text, round_name) in figures.items()
    ]
    insert_rows(model, ITEM_FIELDS, rows)


# -- search -------------------------------------------------------------------------------


def _matches(query: str):
    """A test for one word of a text: does it match a word of the query as the database
    search does (``koers.search.text.matcher``)? None: no words typed."""
    return matcher(query)


def highlight(text: str, query: str) -> str:
    """Plain ``text`` as HTML, escaped, with the words that match the query (as ``search``
    matches them) in <mark>."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    test = _matches(query)
    if test is None:
        return escape(text)
    parts, done = [], 0
    for found in WORD.finditer(text):
        if test(found.group()):
            parts.append(escape(text[done : found.start()]))
            parts.append(f"<mark>{escape(found.group())}</mark>")
            done = found.end()
    parts.append(escape(text[done:]))
    return mark_safe("".join(parts))


SNIPPET_CHARS = 160


def snippet(text: str, query: str, width: int = SNIPPET_CHARS) -> str:
    """Why a text matched: about ``width`` characters of plain ``text`` around its first
    word that matches the query, escaped, the matches in <mark>; "" when no word matches."""
    test = _matches(query)
    if test is None:
        return ""
    first = next((found for found in WORD.finditer(text) if test(found.group())), None)
    if first is None:
        return ""
    start = max(0, first.start() - width // 3)
    end = min(len(text), start + width)
    if start > 0:  # begin and end on a word boundary
        space = text.find(" ", start, first.start())
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", first.end(), end)
        end = space if space != -1 else end
    from django.utils.safestring import mark_safe

    shown = highlight(text[start:end].strip(), query)  # escaped
    return mark_safe(("… " if start > 0 else "") + shown + (" …" if end < len(text) else ""))


# -- what changed in the last publication -------------------------------------------------


@dataclass(frozen=True)
class Change:
    """An item whose status or percentage differs between the two latest snapshots."""

    item_id: int
    status_before: str | None
    status_now: str | None
    percent_before: int | None
    percent_now: int | None


def previous_snapshot(plan: Plan, latest: PublishedSnapshot) -> PublishedSnapshot | None:
    """The snapshot of the plan before ``latest``."""
    from django.db.models import Q

    earlier = Q(taken_at__lt=latest.taken_at) | Q(taken_at=latest.taken_at, id__lt=latest.id)
    return PublishedSnapshot.objects.filter(earlier, plan=plan).order_by("-taken_at", "-id").first()


def snapshot_changes(plan: Plan, published: Publication) -> list[Change]:
    """Items whose published status or percentage changed from the plan's previous snapshot
    to its latest (``published``), in the order of ``published.item_ids()``. Items that are
    new in the latest snapshot are no change; nothing before a second publication."""
    if published.snapshot is None:
        return []
    previous = previous_snapshot(plan, published.snapshot)
    if previous is None:
        return []
    before = dict(PublishedItem.objects.filter(snapshot=previous).values_list("item_id", "figures"))
    changes = []
    for item_id in published.item_ids():
        if item_id not in before:
            continue
        entry = published.entry(item_id)
        old = before[item_id]
        old_status = old["status"]["name"] if old["status"] else None
        new_status = entry.figures.status.name if entry.figures.status else None
        if old_status != new_status or old["percent"] != entry.figures.progress:
            changes.append(
                Change(item_id, old_status, new_status, old["percent"], entry.figures.progress)
            )
    return changes
