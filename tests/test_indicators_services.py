"""Indicators, targets, values and links: the services, their permissions, tenancy,
history and optimistic locking."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from koers.accounts.actor import Actor
from koers.accounts.locking import EditConflict
from koers.accounts.permissions import MANAGE_INDICATORS, can
from koers.indicators import services
from koers.indicators.models import Indicator, IndicatorTarget, IndicatorValue, ItemIndicator
from tests.factories import DepartmentFactory, MembershipFactory, make_item, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def world():
    coordinator = MembershipFactory(coordinator=True)
    organisation = coordinator.organisation
    return {
        "organisation": organisation,
        "coordinator": coordinator,
        "admin": MembershipFactory(admin=True, organisation=organisation),
        "editor": MembershipFactory(editor=True, organisation=organisation),
        "reader": MembershipFactory(organisation=organisation),
        "stranger": MembershipFactory(coordinator=True),
    }


def make_indicator(world, **values):
    defaults = {"code": "I1", "name": "Tevreden inwoners", "unit": "percent"}
    return services.create_indicator(
        world["organisation"],
        {**defaults, **values},
        actor=Actor.member(world["coordinator"]),
    )


def test_capabilities_of_the_roles(world):
    assert can(world["admin"], MANAGE_INDICATORS)
    assert can(world["coordinator"], MANAGE_INDICATORS)
    assert not can(world["editor"], MANAGE_INDICATORS)
    assert not can(world["reader"], MANAGE_INDICATORS)


def test_coordinator_creates_an_indicator_with_history(world):
    indicator = make_indicator(world, tolerance=Decimal(2), baseline_period="2019 K1")
    assert indicator.organisation == world["organisation"]
    assert indicator.baseline_period == "2019-Q1"
    assert indicator.version == 1
    record = indicator.history.get()
    assert record.history_user == world["coordinator"].user
    assert record.history_type == "+"


@pytest.mark.parametrize("role", ["editor", "reader"])
def test_editors_and_readers_may_not_keep_the_catalogue(world, role):
    with pytest.raises(PermissionDenied):
        services.create_indicator(
            world["organisation"], {"code": "X", "name": "X"}, actor=Actor.member(world[role])
        )
    assert not Indicator.objects.exists()


def test_indicator_values_are_checked(world):
    with pytest.raises(ValidationError) as error:
        services.create_indicator(
            world["organisation"],
            {
                "code": "",
                "name": "",
                "direction": "band",
                "decimals": 9,
                "tolerance": Decimal(-1),
                "baseline_period": "ooit",
                "department": DepartmentFactory(),  # of another organisation
            },
            actor=Actor.member(world["coordinator"]),
        )
    assert error.value.message_dict == {
        "code": ["Een indicator heeft een code nodig."],
        "name": ["Een indicator heeft een naam nodig."],
        "decimals": ["Tussen 0 en 6 decimalen."],
        "band_low": ["Een bandbreedte heeft een onder- of bovengrens nodig (of beide)."],
        "tolerance": ["De tolerantie kan niet negatief zijn."],
        "department": ["Dit hoort niet bij de organisatie."],
        "baseline_period": [
            "'ooit' is geen periode. Schrijf een jaar (2024), een halfjaar (2024-H1), "
            "een kwartaal (2024-Q3) of een maand (2024-05)."
        ],
    }


def test_codes_are_unique_per_organisation_only(world):
    make_indicator(world)
    with pytest.raises(ValidationError) as error:
        make_indicator(world, code="i1")
    assert error.value.message_dict == {
        "code": ["De code i1 is al in gebruik bij een andere indicator."]
    }
    other = world["stranger"]
    services.create_indicator(
        other.organisation, {"code": "I1", "name": "Ander"}, actor=Actor.member(other)
    )
    assert Indicator.objects.filter(code="I1").count() == 2


def test_an_edit_from_an_old_form_is_refused(world):
    indicator = make_indicator(world)
    actor = Actor.member(world["coordinator"])
    services.update_indicator(indicator, {"name": "Nieuw"}, actor=actor, expected_version=1)
    stale = Indicator.objects.get(pk=indicator.pk)
    stale.version = 1
    with pytest.raises(EditConflict):
        services.update_indicator(stale, {"name": "Oud"}, actor=actor, expected_version=1)
    assert Indicator.objects.get(pk=indicator.pk).name == "Nieuw"
    assert indicator.history.count() == 2


def test_a_band_needs_ordered_bounds_and_other_directions_drop_the_band(world):
    with pytest.raises(ValidationError) as error:
        make_indicator(world, direction="band", band_low=Decimal(5), band_high=Decimal(4))
    assert error.value.message_dict == {"band_high": ["De bovengrens ligt onder de ondergrens."]}
    indicator = make_indicator(world, direction="higher", band_low=Decimal(5))
    assert indicator.band_low is None


def test_targets_one_per_year(world):
    indicator = make_indicator(world)
    actor = Actor.member(world["coordinator"])
    target = services.save_target(indicator, 2025, Decimal(80), actor=actor)
    with pytest.raises(ValidationError) as error:
        services.save_target(indicator, 2025, Decimal(81), actor=actor)
    assert error.value.message_dict == {"year": ["Er is al een streefwaarde voor 2025."]}
    services.save_target(
        indicator, 2025, Decimal(85), actor=actor, target=target, expected_version=1
    )
    assert IndicatorTarget.objects.get().value == Decimal(85)
    with pytest.raises(EditConflict):
        services.save_target(
            indicator, 2025, Decimal(1), actor=actor, target=target, expected_version=1
        )
    with pytest.raises(PermissionDenied):
        services.save_target(indicator, 2026, Decimal(1), actor=Actor.member(world["editor"]))


def test_the_owner_types_values_with_provenance_and_history(world):
    owner = world["editor"]
    indicator = make_indicator(world, owner=owner.user)
    value = services.save_value(
        indicator, {"period": "2024", "value": "41,5 %"}, actor=Actor.member(owner)
    )
    assert (value.period, value.value, value.breakdown, value.series) == (
        "2024",
        Decimal("41.5"),
        "",
        "",
    )
    assert value.source_kind == "typed"
    assert value.entered_by == owner.user
    assert value.history.get().history_user == owner.user
    services.save_value(
        indicator,
        {"period": "2024", "value": "43"},
        actor=Actor.member(owner),
        record=value,
        expected_version=1,
    )
    value.refresh_from_db()
    assert (value.value, value.version, value.history.count()) == (Decimal(43), 2, 2)


def test_who_may_type_values(world):
    indicator = make_indicator(world, owner=world["reader"].user)
    for role in ("reader", "editor", "stranger"):
        with pytest.raises(PermissionDenied):
            services.save_value(
                indicator, {"period": "2024", "value": "1"}, actor=Actor.member(world[role])
            )
    for role in ("coordinator", "admin"):
        services.save_value(
            indicator,
            {"period": "2024", "value": "1", "breakdown": role},
            actor=Actor.member(world[role]),
        )
    assert IndicatorValue.objects.count() == 2


def test_values_are_checked_against_unit_frequency_and_key(world):
    indicator = make_indicator(world, unit="euro")
    actor = Actor.member(world["coordinator"])
    with pytest.raises(ValidationError) as error:
        services.save_value(indicator, {"period": "2024-Q2", "value": "12 %"}, actor=actor)
    assert error.value.message_dict == {
        "period": ["'2024-Q2' is een kwartaal, maar I1 wordt jaarlijks gemeten."],
        "value": ["'12 %' is een percentage, maar deze indicator telt in euro."],
    }
    services.save_value(indicator, {"period": "2024", "value": "€ 5.000"}, actor=actor)
    services.save_value(
        indicator, {"period": "2024", "value": "6000", "series": "Vlaams Gewest"}, actor=actor
    )
    with pytest.raises(ValidationError) as error:
        services.save_value(indicator, {"period": " 2024", "value": "1"}, actor=actor)
    assert error.value.message_dict == {"period": ["Er is al een waarde voor 2024."]}
    assert IndicatorValue.objects.count() == 2


def test_the_unit_is_fixed_once_there_are_values(world):
    indicator = make_indicator(world)
    actor = Actor.member(world["coordinator"])
    services.save_value(indicator, {"period": "2024", "value": "5"}, actor=actor)
    with pytest.raises(ValidationError) as error:
        services.update_indicator(indicator, {"unit": "euro"}, actor=actor)
    assert error.value.message_dict == {
        "unit": ["De eenheid kan niet veranderen zolang de indicator waarden heeft."]
    }


def test_services_refuse_another_organisations_indicator(world):
    indicator = make_indicator(world)
    stranger = Actor.member(world["stranger"])
    target = services.save_target(indicator, 2025, Decimal(1), actor=Actor.member(world["admin"]))
    calls = [
        lambda: services.update_indicator(indicator, {"name": "X"}, actor=stranger),
        lambda: services.delete_indicator(indicator, actor=stranger),
        lambda: services.save_target(indicator, 2026, Decimal(1), actor=stranger),
        lambda: services.delete_target(target, actor=stranger),
        lambda: services.save_value(indicator, {"period": "2024", "value": "1"}, actor=stranger),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    indicator.refresh_from_db()
    assert (indicator.name, indicator.version) == ("Tevreden inwoners", 1)
    assert IndicatorTarget.objects.count() == 1
    assert not IndicatorValue.objects.exists()


def test_links_to_items_of_the_same_organisation_only(world):
    indicator = make_indicator(world)
    actor = Actor.member(world["coordinator"])
    plan = make_plan(world["organisation"])
    goal = make_item(plan, title="Doel")
    link = services.link_indicator(goal, indicator, "effect", actor=actor)
    assert services.link_indicator(goal, indicator, "output", actor=actor).pk == link.pk
    assert ItemIndicator.objects.get().role == "output"
    foreign_item = make_item(make_plan(world["stranger"].organisation), title="Vreemd")
    with pytest.raises(PermissionDenied):
        services.link_indicator(foreign_item, indicator, "effect", actor=actor)
    with pytest.raises(PermissionDenied):
        services.link_indicator(goal, indicator, "effect", actor=Actor.member(world["stranger"]))
    with pytest.raises(PermissionDenied):
        services.link_indicator(goal, indicator, "effect", actor=Actor.member(world["editor"]))
    with pytest.raises(ValidationError):
        services.link_indicator(goal, indicator, "iets", actor=actor)
    link_id = link.pk
    services.unlink_indicator(link, actor=actor)
    assert not ItemIndicator.objects.exists()
    assert ItemIndicator.history.filter(id=link_id).count() == 3


def test_deleting_an_indicator_removes_its_targets_values_and_links(world):
    indicator = make_indicator(world)
    actor = Actor.member(world["coordinator"])
    services.save_target(indicator, 2025, Decimal(1), actor=actor)
    services.save_value(indicator, {"period": "2024", "value": "1"}, actor=actor)
    services.link_indicator(
        make_item(make_plan(world["organisation"])), indicator, "effect", actor=actor
    )
    services.delete_indicator(indicator, actor=actor, expected_version=1)
    assert not IndicatorTarget.objects.exists()
    assert not IndicatorValue.objects.exists()
    assert not ItemIndicator.objects.exists()
