"""Whole-plan values kept in the cache are packed: read back, they give the same rows and
figures as computed, each read makes new rows, and a process that holds many plans does
not hold many objects for the garbage collector (docs/architecture.md, "Caching")."""

import gc
import pickle
import types
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from koers.plans.services.rollups import compute_rollups
from koers.plans.services.tree import (
    Money,
    MoneyByYear,
    PackedRows,
    pack_money,
    plan_rows,
    unpack_money,
)
from koers.portal import cache as portal_cache
from koers.portal import publication
from koers.portal.models import PublishedItem
from tests.factories import make_plan_with_actions


def test_money_packs_to_whole_cents_and_back():
    money = MoneyByYear()
    money.expense[2026] = Money(Decimal("1234.50"), Decimal("-0.05"), Decimal("0.00"))
    money.expense[2031] = Money(Decimal("999999999999.99"), Decimal("0.01"), Decimal("7"))
    money.receipt[2027] = Money(Decimal("10.00"), Decimal("20.00"), Decimal("30.10"))

    packed = pack_money(money)
    back = unpack_money(packed)

    assert all(type(value) is int for value in packed)
    assert back == money
    assert str(back.expense[2026].current) == "-0.05"  # two decimals, as the database gives
    assert str(back.expense[2031].actual) == "7.00"
    assert back.expense_for(None).initial == Decimal("1000000001234.49")
    assert unpack_money(pack_money(MoneyByYear())) == MoneyByYear()


def test_packed_rows_give_the_rows_they_were_made_of(demo):
    rows = plan_rows(demo.plan)
    packed = pickle.loads(pickle.dumps(PackedRows(rows)))

    assert len(packed) == len(rows) > 10
    assert list(packed) == rows
    assert packed[3:6] == rows[3:6]
    assert [packed.path(index) for index in range(len(rows))] == [row.item.path for row in rows]
    assert any(not row.money.expense_for(None).is_zero for row in rows)  # money is kept


def test_each_read_makes_rows_of_its_own(demo):
    packed = PackedRows(plan_rows(demo.plan))
    first = packed[0]
    first.closes, first.lazy = 99, True
    first.money.expense[2099].add(Money(Decimal("5.00")))

    again = packed[0]
    assert again is not first
    assert (again.closes, again.lazy) != (99, True)
    assert 2099 not in again.money.expense


def test_public_plan_reads_back_as_computed(demo):
    plan = demo.plan
    computed = portal_cache.compute_public_plan(plan)
    public = pickle.loads(pickle.dumps(computed))
    expected = publication.public_rows(plan)

    assert list(public.rows) == expected
    some = expected[len(expected) // 2]
    assert public.row(some.item.pk) == some
    assert public.ancestors_of(some) == [
        row for row in expected if some.item.path.startswith(row.item.path) and row != some
    ]
    assert public.goals == [row for row in expected if row.level == 1]
    read = publication.read_publication(plan)
    for row in expected:
        entry, again = read.entry(row.item.pk), public.publication.entry(row.item.pk)
        assert again == entry
        if entry:
            assert again.milestones == entry.milestones


def test_published_texts_are_read_from_the_snapshot_not_kept_in_the_cache(demo):
    """The progress texts are most of a published plan's size: the cached public plan does
    not hold them, and a page reads the ones it shows in one query."""
    plan = demo.plan
    snapshot = publication.latest_snapshot(plan)
    stored = {
        item.item_id: item
        for item in PublishedItem.objects.filter(snapshot=snapshot).exclude(progress_text="")
    }
    assert stored, "the demo publishes progress texts"
    pickled = pickle.dumps(portal_cache.compute_public_plan(plan))
    public = pickle.loads(pickled)
    some = sorted(stored)[: len(stored) // 2]

    for item in stored.values():
        assert item.progress_text.encode() not in pickled
    with CaptureQueriesContext(connection) as queries:
        texts = public.publication.texts(some)
    assert len(queries) == 1
    assert sorted(texts) == some
    assert all(
        (texts[pk].text, texts[pk].round_name)
        == (stored[pk].progress_text, stored[pk].progress_round)
        for pk in some
    )
    assert sorted(public.publication.texts()) == sorted(stored)
    assert publication.Publication(None).texts() == {}


def test_rollups_read_back_as_computed(demo):
    rows = plan_rows(demo.plan)
    rollups = pickle.loads(pickle.dumps(compute_rollups(demo.plan)))

    assert len(rollups) == len(rows)
    for row in rows:
        rollup = rollups.get(row.item.pk)
        assert (rollup.progress, rollup.has_children, rollup.money) == (
            row.progress,
            row.has_children,
            row.money,
        )
        assert (rollup.milestones_done, rollup.milestones_total) == (
            row.milestones_done,
            row.milestones_total,
        )
    assert rollups.get(-1) is None


def tracked_objects(value) -> int:
    """How many objects the garbage collector tracks among those ``value`` reaches."""
    for _ in range(3):  # a collection untracks a tuple of plain values, one nesting at a time
        gc.collect()
    seen, todo, tracked = set(), [value], 0
    while todo:
        current = todo.pop()
        if id(current) in seen or isinstance(current, type | types.ModuleType):
            continue  # classes and modules are the program's, not the value's
        seen.add(id(current))
        if gc.is_tracked(current):
            tracked += 1
            todo.extend(gc.get_referents(current))
    return tracked


@pytest.mark.parametrize("name", ["portal", "rollups"])
def test_a_read_back_plan_holds_few_objects_whatever_its_size(db, name):
    """What a process keeps of a plan (``content.cached``) holds about as many objects for
    the collector at 200 actions as at 20: rows, money and entries are tuples of plain
    values, which it does not track."""
    compute = {
        "portal": portal_cache.compute_public_plan,
        "rollups": compute_rollups,
    }[name]
    counts = []
    for actions in (20, 200):
        plan = make_plan_with_actions(actions)
        plan.is_published = True
        plan.save()
        value = pickle.loads(pickle.dumps(compute(plan)))
        counts.append(tracked_objects(value))
    small, large = counts
    assert large <= small + 10, counts
    assert large < 100, counts
