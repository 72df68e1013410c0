"""The public portal's view of a plan, computed once per content version of the plan.

``publication`` decides what the public may see; this module keeps its answer for a plan
(the public rows with their rolled-up published figures, the publication, departments and
SDGs of the rows and the public JSON) in the cache of
``koers.plans.content``, so that a portal page reads one item, not the whole plan. Every
write that changes any of it gives the plan a new content version (``koers.plans.receivers``):
items, milestones, budget lines, statuses, links, the plan's settings, publication
(snapshots), the organisation's name, colour and logo.
"""

import html
import json
import re
from collections import defaultdict
from collections.abc import Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404

from koers.accounts.models import Organisation
from koers.plans.content import PlanVersion, cached
from koers.plans.models import Plan, PlanItem
from koers.plans.services.tree import PackedRows, TreeRow
from koers.portal import publication
from koers.search.queries import published_items

TAG = re.compile(r"<[^>]*>")


def _plain(html_text: str) -> str:
    """The text of sanitised rich text (tags off, entities read), for snippets."""
    return html.unescape(TAG.sub(" ", html_text))


class PublicPlan:
    """What the portal shows of one plan. Shared between requests: read only.

    Its rows are packed (``tree.PackedRows``), so that a process reads a large plan back
    from the cache in milliseconds: every read of a row makes a new :class:`TreeRow`, which
    the page may change. The indexes hold plain values only."""

    def __init__(self, rows: list[TreeRow], published, departments, sdgs):
        self.rows = PackedRows(rows)
        self.publication: publication.Publication = published
        self.departments: dict[int, tuple[str, ...]] = departments  # item id -> names
        self.sdgs: dict[int, tuple[int, ...]] = sdgs  # item id -> SDG numbers
        self.position = {row.item.pk: index for index, row in enumerate(rows)}
        self.by_path = {row.item.path: index for index, row in enumerate(rows)}
        children: dict[int, list[int]] = defaultdict(list)  # item id -> positions
        for index, row in enumerate(rows):
            parent = self.by_path.get(row.item.path[: -PlanItem.steplen])
            if parent is not None:
                children[rows[parent].item.pk].append(index)
        self.children = {item_id: tuple(found) for item_id, found in children.items()}
        self._goals = tuple(index for index, row in enumerate(rows) if row.level == 1)

    def row(self, item_id: int) -> TreeRow | None:
        position = self.position.get(item_id)
        return None if position is None else self.rows[position]

    def children_of(self, item_id: int) -> list[TreeRow]:
        return [self.rows[position] for position in self.children.get(item_id, ())]

    def ancestors_of(self, row: TreeRow) -> list[TreeRow]:
        path, step = row.item.path, PlanItem.steplen
        above = (self.by_path.get(path[:end]) for end in range(2 * step, len(path), step))
        return [self.rows[position] for position in above if position is not None]

    @property
    def goals(self) -> list[TreeRow]:
        return [self.rows[position] for position in self._goals]

    @property
    def summary(self) -> dict:
        top = self.goals
        measured = [row.progress for row in top if row.progress is not None]
        return {
            "goals": top,
            "items": len(self.rows),
            "progress": round(sum(measured) / len(measured)) if measured else None,
        }

    def search(self, rows: Sequence[TreeRow], query: str, plan: Plan) -> Sequence[TreeRow]:
        """Those of ``rows`` (rows of this plan, or all of them: ``self.rows``) whose code,
        title, description or published progress text match the query, searched in the
        database (one query; ``koers.search``)."""
        snapshot = self.publication.snapshot
        found = published_items(plan.pk, snapshot.pk if snapshot else None, query).ids()
        if found is None:
            return rows
        if rows is self.rows:  # make only the rows found
            positions = sorted(self.position[pk] for pk in found if pk in self.position)
            return [self.rows[position] for position in positions]
        return [row for row in rows if row.item.pk in found]


def compute_public_plan(plan: Plan) -> PublicPlan:
    published = publication.read_publication(plan)
    rows = publication.public_rows(plan, published)
    shown = {row.item.pk for row in rows}
    departments, sdgs = defaultdict(list), defaultdict(list)
    for item_id, name in PlanItem.departments.through.objects.filter(
        planitem__plan=plan
    ).values_list("planitem_id", "department__name"):
        if item_id in shown:
            departments[item_id].append(name)
    for item_id, number in PlanItem.sdg_goals.through.objects.filter(
        planitem__plan=plan
    ).values_list("planitem_id", "sdggoal__number"):
        if item_id in shown:
            sdgs[item_id].append(number)
    return PublicPlan(
        rows,
        published,
        departments={item_id: tuple(names) for item_id, names in departments.items()},
        sdgs={item_id: tuple(numbers) for item_id, numbers in sdgs.items()},
    )


def public_plan(plan: Plan) -> PublicPlan:
    """The plan as the portal shows it, for the plan's current content version."""
    return cached(plan, "portal", lambda: compute_public_plan(plan))


def published_item_or_404(organisation: Organisation, pk: int) -> PlanItem:
    """The item, if it is public in a published plan of the organisation (its ancestors
    are checked by :func:`public_row_or_404`)."""
    return get_object_or_404(
        PlanItem.objects.select_related("plan"),
        pk=pk,
        plan__organisation=organisation,
        plan__is_published=True,
        is_public=True,
    )


def public_row_or_404(item: PlanItem) -> tuple[TreeRow, PublicPlan]:
    """The item's public row and its plan as the portal shows it; 404 when an item above
    it is not public."""
    public = public_plan(item.plan)
    row = public.row(item.pk)
    if row is None:
        raise Http404
    return row, public


def public_item_or_404(organisation: Organisation, pk: int) -> tuple[PlanItem, TreeRow, PublicPlan]:
    """The public item (as ``publication.public_item_or_404`` finds it), its row and its
    plan as the portal shows it."""
    item = published_item_or_404(organisation, pk)
    row, public = public_row_or_404(item)
    return item, row, public


def published_item_version_or_404(organisation_slug: str, pk: int) -> PlanVersion:
    """The plan version of the item, if it is public in a published plan of the
    organisation: enough to find the item's page in the cache (its ancestors are checked
    when the page is made)."""
    return _published_version(
        "i.plan_id",
        "{item} i JOIN {plan} p ON p.id = i.plan_id",
        "i.id = %s AND i.is_public",
        [pk, organisation_slug],
    )


def published_plan_version_or_404(organisation_slug: str, pk: int) -> PlanVersion:
    """The version of a published plan of the organisation."""
    return _published_version("p.id", "{plan} p", "p.id = %s", [pk, organisation_slug])


def _published_version(plan_id: str, tables: str, where: str, params: list) -> PlanVersion:
    """One query, written out: it runs on every public page, and composing it with the ORM
    costs more than running it. ``tables`` names them ``{item}``/``{plan}`` (the plan as
    ``p``); the organisation's slug (the last parameter) and publication are checked here."""
    quote = connection.ops.quote_name
    models = {"item": PlanItem, "plan": Plan, "organisation": Organisation}
    names = {key: quote(model._meta.db_table) for key, model in models.items()}
    sql = (
        f"SELECT {plan_id}, p.content_version FROM {tables.format(**names)}"
        f" JOIN {names['organisation']} o ON o.id = p.organisation_id"
        f" WHERE {where} AND o.slug = %s AND p.is_published"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise Http404
    return PlanVersion(*row)


def cached_page(plan: Plan | PlanVersion, name: str, render) -> str:
    """A page's HTML that shows nothing of the visitor, until the plan changes; kept in
    the cache only (one per item: too many for each process's memory)."""
    return cached(plan, name, render, memo=False)


def public_json(plan: Plan, organisation: Organisation, build) -> bytes:
    """The public JSON of the plan, encoded once per content version; ``build(public)``
    makes the data."""

    def encode() -> bytes:
        data = build(public_plan(plan))
        return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).encode()

    return cached(plan, f"portal-json:{organisation.pk}", encode)


def published_changes(plan: Plan, public: PublicPlan) -> list["publication.Change"]:
    """The public items whose status or percentage changed in the plan's latest
    publication (``publication.snapshot_changes``), in the order of the tree, once per
    content version."""

    def compute():
        changes = publication.snapshot_changes(plan, public.publication)
        shown = [change for change in changes if change.item_id in public.position]
        return sorted(shown, key=lambda change: public.position[change.item_id])  # tree order

    return cached(plan, "portal-changes", compute)


def plain_texts(item_ids: list[int], public: PublicPlan) -> dict[int, str]:
    """Per item: its description and published progress text as plain text (for the
    snippets of search results), in two queries."""
    texts = dict(PlanItem.objects.filter(pk__in=item_ids).values_list("pk", "description"))
    progress = {pk: found.text for pk, found in public.publication.texts(item_ids).items()}
    return {
        item_id: " ".join(_plain(f"{texts.get(item_id, '')} {progress.get(item_id, '')}").split())
        for item_id in item_ids
    }
