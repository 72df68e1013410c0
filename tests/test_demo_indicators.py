"""The demo organisations' cijferdatabank: loaded through their PlanDocuments."""

from collections import Counter

import pytest
from django.db.models import F

from koers.indicators.models import Indicator, IndicatorTarget, IndicatorValue, ItemIndicator
from koers.indicators.reading import Filters, catalogue
from koers.indicators.status import GREEN, ORANGE, RED

YEARS = [str(year) for year in range(2020, 2026)]
BENCHMARK = {"voorbeeld": "Vlaams Gewest", "proefdorp": "Nederland"}
AREAS = {
    "voorbeeld": {"Centrum", "Kouterveld", "Hoogstraat", "Ter Beke"},
    "proefdorp": {"Proefdorp", "Westerhoek", "Nijvelde", "Oosterbroek"},
}


def organisation(demo, slug):
    return demo.voorbeeld if slug == "voorbeeld" else demo.proefdorp


@pytest.mark.parametrize("slug", ["voorbeeld", "proefdorp"])
def test_each_demo_organisation_has_a_cijferdatabank_of_six_years(demo, slug):
    org = organisation(demo, slug)
    indicators = Indicator.objects.filter(organisation=org)
    assert indicators.count() >= 25
    own = IndicatorValue.objects.filter(indicator__organisation=org, breakdown="", series="")
    periods = {}
    for code, period in own.values_list("indicator__code", "period"):
        periods.setdefault(code, set()).add(period)
    six_years = [code for code, found in periods.items() if found == set(YEARS)]
    assert len(six_years) >= 25
    assert set(indicators.values_list("unit", flat=True)) == {
        "number",
        "percent",
        "euro",
        "yes_no",
        "text",
    }
    assert set(indicators.values_list("direction", flat=True)) == {"higher", "lower", "band"}
    assert set(indicators.values_list("is_public", flat=True)) == {True, False}
    # Baselines and targets per year, up to the end of the plan.
    with_baseline = indicators.exclude(baseline_value=None).exclude(baseline_period="")
    assert with_baseline.count() >= 20
    targets = IndicatorTarget.objects.filter(indicator__organisation=org)
    assert targets.filter(year=2025).count() >= 20
    assert targets.filter(year=2031).count() >= 20
    # Breakdowns per deelgemeente or kern, and the benchmark series.
    breakdowns = IndicatorValue.objects.filter(indicator__organisation=org).exclude(breakdown="")
    assert set(breakdowns.values_list("breakdown", flat=True)) == AREAS[slug]
    assert breakdowns.values("indicator").distinct().count() >= 4
    benchmark = IndicatorValue.objects.filter(indicator__organisation=org, series=BENCHMARK[slug])
    assert benchmark.values("indicator").distinct().count() >= 10
    assert set(benchmark.values_list("period", flat=True)) == set(YEARS)


@pytest.mark.parametrize("slug", ["voorbeeld", "proefdorp"])
def test_effect_indicators_sit_on_goals_and_output_indicators_on_actions(demo, slug):
    plan = demo.plan if slug == "voorbeeld" else demo.dutch_plan
    links = ItemIndicator.objects.filter(item__plan=plan)
    deepest = max(plan.items.values_list("depth", flat=True))
    effect_depths = set(links.filter(role="effect").values_list("item__depth", flat=True))
    output_depths = set(links.filter(role="output").values_list("item__depth", flat=True))
    assert 2 in effect_depths  # the top-level goals (beleidsdoelstellingen, programma's)
    assert output_depths == {deepest}  # the actions (acties, activiteiten)
    goals = plan.items.filter(depth=2)
    assert all(goal.indicator_links.exists() for goal in goals)
    assert links.values("item").distinct().count() >= 25


@pytest.mark.parametrize("slug", ["voorbeeld", "proefdorp"])
def test_the_traffic_lights_show_every_colour(demo, slug):
    rows = catalogue(organisation(demo, slug), Filters())
    statuses = Counter(row.status for row in rows)
    assert statuses[GREEN] >= 5
    assert statuses[ORANGE] >= 5
    assert statuses[RED] >= 5


def test_proefdorp_has_the_bbv_beleidsindicatoren_per_programme(demo):
    programmes = demo.dutch_plan.items.filter(depth=2).order_by("path")
    per_programme = {
        programme.code: set(
            programme.indicator_links.filter(
                role="effect", indicator__theme="BBV-beleidsindicator"
            ).values_list("indicator__name", flat=True)
        )
        for programme in programmes
    }
    assert {"Gemiddelde WOZ-waarde", "Demografische druk", "Nieuw gebouwde woningen"} <= (
        per_programme["1"]
    )
    assert {
        "Banen",
        "Netto arbeidsparticipatie",
        "Personen met een bijstandsuitkering",
        "Jongeren met jeugdhulp",
        "Cliënten met een maatwerkarrangement Wmo",
    } <= per_programme["2"]
    assert {"Formatie", "Apparaatskosten", "Externe inhuur", "Overhead"} <= per_programme["3"]
    bbv = Indicator.objects.filter(organisation=demo.proefdorp, theme="BBV-beleidsindicator")
    assert bbv.count() >= 20
    assert not bbv.filter(is_public=False).exists()


def test_the_demo_indicators_stay_in_their_organisation(demo):
    voorbeeld = set(
        Indicator.objects.filter(organisation=demo.voorbeeld).values_list("code", flat=True)
    )
    proefdorp = set(
        Indicator.objects.filter(organisation=demo.proefdorp).values_list("code", flat=True)
    )
    assert not voorbeeld & proefdorp
    crossing = ItemIndicator.objects.exclude(indicator__organisation=F("item__plan__organisation"))
    assert not crossing.exists()
    # The values came from the demo's documents: every one has its history record.
    assert IndicatorValue.history.filter(history_type="+").count() == (
        IndicatorValue.objects.count()
    )
