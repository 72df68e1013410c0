"""Property tests: whatever a PlanDocument file holds, loading it explains or succeeds.

Never a crash, never a half-written plan.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koers.accounts.actor import Actor
from koers.plans.document.export import export_plan
from koers.plans.document.load import load_plan_document
from koers.plans.document.validation import PlanDocumentError, problems
from koers.plans.models import Plan, PlanItem
from tests.factories import OrganisationFactory

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=30,
)


@given(json_values)
@settings(max_examples=200, deadline=None)
def test_checking_any_json_value_never_crashes(value):
    assert isinstance(problems(value), list)


# NUL characters and lone surrogates are refused on purpose (see test_plan_document).
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
title = text.filter(lambda value: value != "")
milestones = st.lists(
    st.fixed_dictionaries(
        {"title": title, "done": st.booleans()},
        optional={"planned_text": text.map(lambda value: value[:20])},
    ),
    max_size=3,
)
budget_lines = st.lists(
    st.fixed_dictionaries(
        {
            "year": st.integers(2026, 2029),
            "direction": st.sampled_from(["expense", "receipt"]),
            "initial": st.decimals(0, 10**7, places=2).map(str),
            "actual": st.decimals(-1000, 10**6, places=2).map(str),
        }
    ),
    max_size=3,
)
items = st.recursive(
    st.fixed_dictionaries(
        {"title": title},
        optional={
            "milestones": milestones,
            "budget_lines": budget_lines,
            "policy": st.sampled_from(["priority", "regular"]),
            "progress": st.one_of(st.none(), st.integers(0, 100)),
            "sdg_goals": st.lists(st.integers(1, 17), unique=True, max_size=3),
        },
    ),
    lambda children: st.fixed_dictionaries(
        {"title": title, "children": st.lists(children, max_size=3)}
    ),
    max_leaves=12,
)


def document(tree, **plan):
    return {
        "format": "koers.plan-document",
        "version": 1,
        "plan": {
            "title": "Eigenschappen",
            "first_year": 2026,
            "last_year": 2029,
            "items": tree,
            **plan,
        },
    }


@pytest.mark.django_db
@given(st.lists(items, min_size=1, max_size=3), st.booleans())
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_any_plan_tree_round_trips_or_is_refused_whole(tree, break_it):
    organisation = OrganisationFactory()
    if break_it:  # one bad amount somewhere: nothing at all may be written
        tree = [*tree, {"title": "fout", "budget_lines": [{"year": 2026, "initial": "€ 5"}]}]
    before = (Plan.objects.count(), PlanItem.objects.count())
    try:
        plan = load_plan_document(document(tree), organisation, actor=Actor.system()).plan
    except PlanDocumentError as error:
        assert break_it and error.problems
        assert (Plan.objects.count(), PlanItem.objects.count()) == before
        return
    assert not break_it
    first = export_plan(plan)
    second = export_plan(load_plan_document(first, organisation, actor=Actor.system()).plan)
    first.pop("exported_at"), second.pop("exported_at")
    assert first == second
