"""Indicator values typed by the owner in the reporting round: part of the item's progress
update, they follow its review and reach the cijferdatabank only when it is approved."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from koers.accounts.actor import Actor
from koers.followup import services
from koers.followup.models import ProgressUpdate
from koers.indicators import rounds
from koers.indicators import services as indicator_services
from koers.indicators.models import IndicatorValue

PERIOD = {
    "period_start": date(2026, 1, 1),
    "period_end": date(2026, 6, 30),
    "deadline": date(2026, 7, 15),
}


def _coordinator(demo):
    return Actor.member(demo.membership("coordinator@voorbeeld.be"))


def _editor(demo):
    return Actor.member(demo.membership("editor@voorbeeld.be"))


@pytest.fixture
def world(demo):
    """A round, the editor's update in it and two indicators linked to its item."""
    coordinator = _coordinator(demo)
    round_ = services.open_round(demo.plan, {"name": "Voorjaar 2026", **PERIOD}, actor=coordinator)
    update = round_.updates.filter(item__owner__email="editor@voorbeeld.be").first()
    visitors = indicator_services.create_indicator(
        demo.voorbeeld,
        {"code": "RT-1", "name": "Bezoekers buurthuis", "unit": "number"},
        actor=coordinator,
    )
    quarterly = indicator_services.create_indicator(
        demo.voorbeeld,
        {"code": "RT-2", "name": "Tevreden bezoekers", "unit": "percent", "frequency": "quarter"},
        actor=coordinator,
    )
    for indicator in (visitors, quarterly):
        indicator_services.link_indicator(update.item, indicator, "output", actor=coordinator)
    return {"round": round_, "update": update, "visitors": visitors, "quarterly": quarterly}


def _save(demo, update, reported, submit=False):
    return services.save_update(
        update,
        {"narrative": "<p>Loopt</p>", "indicator_values": reported},
        version=update.version,
        submit=submit,
        actor=_editor(demo),
    )


def test_a_value_typed_in_the_update_reaches_the_cijferdatabank_when_approved(demo, world):
    visitors, quarterly = world["visitors"], world["quarterly"]
    saved = _save(
        demo,
        world["update"],
        {visitors.pk: {"value": "1.250", "period": ""}, quarterly.pk: {"value": "87,5 %"}},
        submit=True,
    )
    # The period is the round's when left empty: the year, the quarter its period ends in.
    assert saved.indicator_values == {
        str(visitors.pk): {"period": "2026", "value": "1250", "text": ""},
        str(quarterly.pk): {"period": "2026-Q2", "value": "87.5", "text": ""},
    }
    # Submitted is not approved: nothing in the cijferdatabank yet.
    assert not IndicatorValue.objects.filter(indicator__in=[visitors, quarterly]).exists()

    services.approve(saved, actor=_coordinator(demo))
    stored = IndicatorValue.objects.get(indicator=visitors)
    assert (stored.period, stored.value, stored.breakdown, stored.series) == (
        "2026",
        Decimal("1250"),
        "",
        "",
    )
    assert stored.source_kind == IndicatorValue.SourceKind.TYPED
    assert stored.round == world["round"]
    assert stored.source_detail == "Voorjaar 2026"
    assert stored.entered_by == demo.user("editor@voorbeeld.be")  # who typed it
    record = stored.history.first()
    assert record.history_user == demo.user("coordinator@voorbeeld.be")  # who approved it
    assert "Voorjaar 2026" in record.history_change_reason
    assert IndicatorValue.objects.get(indicator=quarterly).value == Decimal("87.5")


def test_an_approved_value_replaces_the_stored_one_of_its_period_with_history(demo, world):
    visitors = world["visitors"]
    coordinator = _coordinator(demo)
    earlier = indicator_services.save_value(
        visitors, {"period": "2026", "value": "900"}, actor=coordinator
    )
    saved = _save(demo, world["update"], {visitors.pk: {"value": "1100"}}, submit=True)
    services.approve(saved, actor=coordinator)
    stored = IndicatorValue.objects.get(indicator=visitors, period="2026")
    assert stored.pk == earlier.pk and stored.value == Decimal("1100")
    assert stored.version == earlier.version + 1
    assert [Decimal(r.value) for r in stored.history.order_by("history_date")] == [
        Decimal("900"),
        Decimal("1100"),
    ]


def test_a_returned_update_writes_nothing(demo, world):
    visitors = world["visitors"]
    saved = _save(demo, world["update"], {visitors.pk: {"value": "10"}}, submit=True)
    services.return_update(saved, "Tel opnieuw", actor=_coordinator(demo))
    assert not IndicatorValue.objects.filter(indicator=visitors).exists()


@pytest.mark.parametrize(
    "typed, field, message",
    [
        ({"value": "veel"}, "indicator_{pk}", "geen getal"),
        ({"value": "12 %"}, "indicator_{pk}", "percentage"),
        ({"value": "12", "period": "2026-Q1"}, "indicator_period_{pk}", "kwartaal"),
        ({"value": "12", "period": "ooit"}, "indicator_period_{pk}", ""),
    ],
)
def test_a_value_that_does_not_fit_is_refused_with_its_field_and_nothing_changes(
    demo, world, typed, field, message
):
    visitors = world["visitors"]
    update = world["update"]
    with pytest.raises(ValidationError) as refused:
        _save(demo, update, {visitors.pk: typed})
    errors = refused.value.message_dict
    key = field.format(pk=visitors.pk)
    assert key in errors and message in errors[key][0]
    update.refresh_from_db()
    assert update.indicator_values == {}
    assert update.state == ProgressUpdate.State.DRAFT


def test_an_indicator_not_linked_to_the_item_is_refused(demo, world):
    other = indicator_services.create_indicator(
        demo.voorbeeld, {"code": "RT-9", "name": "Ander"}, actor=_coordinator(demo)
    )
    with pytest.raises(ValidationError, match="niet gekoppeld"):
        _save(demo, world["update"], {other.pk: {"value": "3"}})


def test_an_empty_value_reports_nothing_and_clears_an_earlier_one(demo, world):
    visitors = world["visitors"]
    saved = _save(demo, world["update"], {visitors.pk: {"value": "5"}})
    assert str(visitors.pk) in saved.indicator_values
    saved = _save(demo, saved, {visitors.pk: {"value": "  "}})
    assert saved.indicator_values == {}


def test_the_owner_types_a_value_on_the_update_page_and_a_mistake_keeps_the_typing(
    demo, world, login
):
    visitors, update = world["visitors"], world["update"]
    client = login("editor@voorbeeld.be")
    url = reverse("followup:update", kwargs={"org": "voorbeeld", "pk": update.pk})
    page = client.get(url).content.decode()
    assert 'id="report-indicators"' in page
    assert f'name="indicator_{visitors.pk}"' in page
    assert f'name="indicator_period_{visitors.pk}" value="2026"' in page
    quarterly = world["quarterly"]
    assert f'name="indicator_period_{quarterly.pk}" value="2026-Q2"' in page

    form = {
        "version": update.version,
        "narrative": "<p>Tekst die blijft</p>",
        f"indicator_{visitors.pk}": "twaalf",
        f"indicator_period_{visitors.pk}": "2026",
        "save": "1",
    }
    answer = client.post(url, form)
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "twaalf" in page and "Tekst die blijft" in page
    assert "geen getal" in page
    update.refresh_from_db()
    assert update.indicator_values == {}

    form[f"indicator_{visitors.pk}"] = "12"
    assert client.post(url, form).status_code == 302
    update.refresh_from_db()
    assert update.indicator_values[str(visitors.pk)]["value"] == "12"
    # Shown again as the owner typed it, the last stored value as help.
    page = client.get(url).content.decode()
    assert f'name="indicator_{visitors.pk}" value="12"' in page


def test_the_reviewer_reads_the_reported_values(demo, world, login):
    visitors, update = world["visitors"], world["update"]
    _save(demo, update, {visitors.pk: {"value": "1250"}}, submit=True)
    page = login("coordinator@voorbeeld.be").get(
        reverse("followup:update", kwargs={"org": "voorbeeld", "pk": update.pk})
    )
    assert "Bezoekers buurthuis (2026): 1.250" in page.content.decode()


def test_the_round_period_of_each_frequency():
    class Round:
        period_end = date(2026, 8, 31)

    class Indicator:
        def __init__(self, frequency):
            self.frequency = frequency

    shown = [rounds.round_period(Indicator(f), Round) for f in rounds.PERIODS_PER_YEAR]
    assert shown == ["2026", "2026-H2", "2026-Q3", "2026-08"]
