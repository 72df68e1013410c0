"""What the public may see: the one place that decides it.

- a plan appears when it is published (``Plan.is_published``);
- an item appears when it and every item above it are public (``is_public``);
- progress text appears when its update is approved in a published round.

Every portal page, the search and the public API read through these functions, so that
nothing unpublished, nothing of another organisation and no draft can leak.
"""

import re
import unicodedata
from functools import lru_cache

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.html import strip_tags
from snowballstemmer import stemmer

from koers.accounts.models import Organisation
from koers.followup.models import ProgressUpdate, ReportingRound
from koers.plans.models import Plan, PlanItem
from koers.plans.services.tree import TreeRow, plan_rows

_DUTCH = stemmer("dutch")
WORD = re.compile(r"\w+", re.UNICODE)


def organisation_or_404(slug: str) -> Organisation:
    return get_object_or_404(Organisation, slug=slug)


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


def public_rows(plan: Plan, updates: dict[int, ProgressUpdate] | None = None) -> list[TreeRow]:
    """The plan's tree rows the public may see, with money, milestones and progress rolled
    up over those rows alone: a hidden item's figures do not show through its parent.
    An item with a published update shows that update's status and percentage, so the
    figure matches the published text (a later approval waits for its round).
    ``updates``: the plan's ``published_updates``, when the caller has read them already."""
    published = {
        item_id: (update.status_id, update.percent)
        for item_id, update in (published_updates(plan) if updates is None else updates).items()
        if update.status_id is not None or update.percent is not None
    }
    return plan_rows(plan, only_ids=public_ids(plan), states=published)


def published_updates(plan: Plan) -> dict[int, ProgressUpdate]:
    """Per item, the approved update of the latest published round."""
    updates = (
        ProgressUpdate.objects.filter(
            round__plan=plan,
            round__state=ReportingRound.State.PUBLISHED,
            state=ProgressUpdate.State.APPROVED,
        )
        .select_related("round", "status")
        .order_by("round__period_end", "round_id")
    )
    latest = {}
    for update in updates:
        latest[update.item_id] = update
    return latest


def public_item_or_404(
    organisation: Organisation, pk: int
) -> tuple[PlanItem, TreeRow, list[TreeRow], dict[int, ProgressUpdate]]:
    """The public item, its tree row, all public rows of its plan and the plan's published
    updates."""
    item = get_object_or_404(
        PlanItem.objects.select_related("plan", "status"),
        pk=pk,
        plan__organisation=organisation,
        plan__is_published=True,
        is_public=True,
    )
    updates = published_updates(item.plan)
    rows = public_rows(item.plan, updates)
    row = next((row for row in rows if row.item.pk == item.pk), None)
    if row is None:  # an item above it is not public
        raise Http404
    return item, row, rows, updates


# -- search -------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without accents: 'Financiën' and 'financien' are the same word."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in text if not unicodedata.combining(char))


LONG_VOWEL = re.compile(r"([aeou])\1")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """A Dutch stem with long vowels made short, so that 'fietspaden' (stem 'fietspaad')
    and 'fietspad', or 'bomen' and 'boom', meet."""
    return LONG_VOWEL.sub(r"\1", _DUTCH.stemWord(word))


def search(rows: list[TreeRow], texts: dict[int, str], query: str) -> list[TreeRow]:
    """Rows whose code, title, description or published progress contain every query word
    (as a Dutch stem, or as the start of a word)."""
    wanted = [(word, stem(word)) for word in WORD.findall(fold(query))]
    if not wanted:
        return rows
    found = []
    for row in rows:
        text = f"{row.item.code} {row.item.title} {texts.get(row.item.pk, '')}"
        words = WORD.findall(fold(strip_tags(text)))
        word_stems = {stem(word) for word in words}
        if all(
            wanted_stem in word_stems or any(word.startswith(wanted_word) for word in words)
            for wanted_word, wanted_stem in wanted
        ):
            found.append(row)
    return found
