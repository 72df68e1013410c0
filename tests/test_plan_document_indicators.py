"""Indicators, targets, values and links in a PlanDocument (version 2)."""

import copy
from decimal import Decimal

import pytest

from koers.accounts.actor import Actor
from koers.accounts.models import Membership, Organisation, Role
from koers.indicators.models import Indicator, IndicatorTarget, IndicatorValue, ItemIndicator
from koers.plans.document.export import export_plan
from koers.plans.document.load import load_plan_document
from koers.plans.document.validation import PlanDocumentError, problems, walk_items
from koers.plans.models import Plan, PlanItem
from koers.plans.services.items import delete_item, restore_deleted


def stored_counts():
    return (
        Plan.objects.count(),
        PlanItem.objects.count(),
        Indicator.objects.count(),
        IndicatorTarget.objects.count(),
        IndicatorValue.objects.count(),
        ItemIndicator.objects.count(),
        Indicator.history.count(),
        IndicatorValue.history.count(),
    )


def links_by_item(document) -> dict[str, list]:
    return {
        item["code"]: item["indicators"]
        for _path, item in walk_items(document["plan"]["items"], "$")
        if item["indicators"]
    }


def without_owners(indicators):
    return [{**entry, "owner": None} for entry in indicators]


def other_organisation():
    return Organisation.objects.create(slug="elders", name="Gemeente Elders")


def test_export_carries_the_linked_indicators_with_targets_values_and_links(demo):
    document = export_plan(demo.plan)
    assert document["version"] == 2
    assert problems(document) == []
    codes = [entry["code"] for entry in document["indicators"]]
    assert codes == sorted(codes)
    # Linked to no item of the plan: CX01 stays in the organisation, out of the document.
    assert "CX01" not in codes
    assert Indicator.objects.filter(organisation=demo.voorbeeld, code="CX01").exists()
    linked = set(
        ItemIndicator.objects.filter(item__plan=demo.plan).values_list("indicator__code", flat=True)
    )
    assert set(codes) == linked
    wz01 = next(entry for entry in document["indicators"] if entry["code"] == "WZ01")
    assert wz01["unit"] == "percent"
    assert wz01["baseline_value"] == "71.4"
    assert wz01["baseline_period"] == "2020"
    assert {"year": 2031, "value": "78"} in wz01["targets"]
    assert {
        "period": "2025",
        "breakdown": "Kouterveld",
        "series": "",
        "value": "68.3",
        "text": "",
        "source_kind": "imported",
        "source_detail": "Inwonersbevraging Gemeente Voorbeeld",
    } in wz01["values"]
    assert any(v["series"] == "Vlaams Gewest" for v in wz01["values"])
    assert links_by_item(document)["BD1-01-01"] == [{"code": "WZ02", "role": "output"}]
    assert links_by_item(document)["BD1-02"] == [
        {"code": "WZ04", "role": "effect"},
        {"code": "WZ07", "role": "effect"},
    ]


def test_round_trip_into_another_organisation_gives_the_same_indicators_values_and_links(demo):
    first = export_plan(demo.plan)
    elders = other_organisation()
    loader = demo.user("admin@voorbeeld.be")
    result = load_plan_document(first, elders, actor=Actor.system(loader))
    indicators = len(first["indicators"])
    values = sum(len(entry["values"]) for entry in first["indicators"])
    targets = sum(len(entry["targets"]) for entry in first["indicators"])
    assert result.indicators.as_dict() == {
        "created": indicators,
        "updated": 0,
        "unchanged": 0,
        "targets": targets,
        "values": values,
    }
    # The owners are no members of the other organisation: warned about and left empty.
    assert any("welzijn@voorbeeld.be" in warning for warning in result.warnings)
    second = export_plan(result.plan)
    assert second["indicators"] == without_owners(first["indicators"])
    assert links_by_item(second) == links_by_item(first)
    assert Indicator.objects.filter(organisation=elders).count() == indicators
    assert IndicatorValue.objects.filter(indicator__organisation=elders).count() == values
    # One write path with history: every row has its '+' record with who and why.
    value = IndicatorValue.objects.get(
        indicator__organisation=elders,
        indicator__code="WZ01",
        period="2025",
        breakdown="",
        series="",
    )
    assert value.entered_by == loader
    assert value.round is None
    record = value.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        loader,
        "Geïmporteerd uit een PlanDocument",
    )
    assert Indicator.history.filter(organisation_id=elders.pk, history_type="+").count() == (
        indicators
    )
    assert ItemIndicator.history.filter(item__plan=result.plan).count() == (
        ItemIndicator.objects.filter(item__plan=result.plan).count()
    )


def test_loading_into_the_same_organisation_reuses_and_updates_by_code(demo):
    document = export_plan(demo.plan)
    wz01 = next(entry for entry in document["indicators"] if entry["code"] == "WZ01")
    wz01["code"] = "wz01"  # matched in either case
    wz01["definition"] = "Aangepaste definitie."
    del wz01["theme"]  # absent fields stay as they were
    wz01["targets"] = [{"year": 2031, "value": "80"}]  # other years stay
    own_2025 = next(v for v in wz01["values"] if v["period"] == "2025" and not v["breakdown"])
    own_2025["value"] = "74.6"
    wz01["values"] = [own_2025]  # other periods stay
    before = Indicator.objects.get(organisation=demo.voorbeeld, code="WZ01")
    count = IndicatorValue.objects.filter(indicator=before).count()
    user = demo.user("coordinator@voorbeeld.be")

    result = load_plan_document(document, demo.voorbeeld, actor=Actor.system(user))

    assert result.indicators.as_dict() == {
        "created": 0,
        "updated": 1,
        "unchanged": len(document["indicators"]) - 1,
        "targets": 1,
        "values": 1,
    }
    after = Indicator.objects.get(pk=before.pk)
    assert Indicator.objects.filter(organisation=demo.voorbeeld, code__iexact="wz01").count() == 1
    assert (after.code, after.definition, after.theme) == (
        "WZ01",
        "Aangepaste definitie.",
        "Samenleven",
    )
    assert after.version == before.version + 1
    assert after.history.first().history_type == "~"
    assert after.targets.get(year=2031).value == Decimal("80")
    assert after.targets.get(year=2025).value == before.targets.get(year=2025).value
    assert IndicatorValue.objects.filter(indicator=after).count() == count
    changed = after.values.get(period="2025", breakdown="", series="")
    assert (changed.value, changed.version, changed.entered_by) == (Decimal("74.6"), 2, user)
    assert [h.history_type for h in changed.history.all()] == ["~", "+"]
    # Both plans now link the same indicator.
    assert (
        ItemIndicator.objects.filter(indicator=after).values("item__plan").distinct().count() == 2
    )


def test_a_version_1_document_still_loads(demo):
    document = export_plan(demo.plan)
    version_1 = copy.deepcopy(document)
    version_1["version"] = 1
    del version_1["indicators"]
    for _path, item in walk_items(version_1["plan"]["items"], "$"):
        del item["indicators"]
    assert problems(version_1) == []
    elders = other_organisation()
    result = load_plan_document(version_1, elders, actor=Actor.system())
    again = export_plan(result.plan)
    assert again["version"] == 2
    assert again["indicators"] == []
    assert again["plan"]["items"][0]["indicators"] == []
    assert again["plan"]["items"][0]["title"] == document["plan"]["items"][0]["title"]
    assert Indicator.objects.filter(organisation=elders).count() == 0
    # Version 1 knows no indicators: its own schema refuses them.
    version_1["indicators"] = []
    assert [str(p) for p in problems(version_1)] == [
        "$: unknown field (Additional properties are not allowed ('indicators' was unexpected))"
    ]
    version_1["version"] = 3
    del version_1["indicators"]
    assert [str(p) for p in problems(version_1)] == ["$.version: 2 was expected"]


def _entry(document, code):
    return next(entry for entry in document["indicators"] if entry["code"] == code)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: _entry(d, "WZ02")["values"][0].update(period="2024-Q1"),
            "$.indicators[{WZ02}].values[0].period: '2024-Q1' is no period of a year indicator",
        ),
        (
            lambda d: _entry(d, "WZ02")["values"][0].update(value="12,5"),
            "$.indicators[{WZ02}].values[0].value: '12,5' is not a figure",
        ),
        (
            lambda d: _entry(d, "OM09")["values"][0].update(value="2"),
            "$.indicators[{OM09}].values[0].value: a yes/no value is 1 (yes) or 0 (no)",
        ),
        (
            lambda d: _entry(d, "WZ02")["values"].append(dict(_entry(d, "WZ02")["values"][0])),
            "occurs twice for this breakdown and series (also at values[0])",
        ),
        (
            lambda d: _entry(d, "MO06").update(band_low="95"),
            "$.indicators[{MO06}].band_high: band_high lies below band_low",
        ),
        (
            lambda d: _entry(d, "WZ02").update(code="wz01"),
            "$.indicators[{WZ02}].code: 'wz01' is used twice (also at $.indicators[{WZ01}])",
        ),
        (
            lambda d: d["plan"]["items"][0]["indicators"].append({"code": "XX99"}),
            "$.plan.items[0].indicators[1].code: 'XX99' is no indicator of the document or "
            "the organisation",
        ),
        (
            lambda d: _entry(d, "WZ02").update(colour="red"),
            "$.indicators[{WZ02}]: unknown field",
        ),
        # Checked after the indicators were written: the transaction takes them back.
        (
            lambda d: d["plan"]["items"][1].update(sdg_targets=["1.9"]),
            "$.plan.items[1].sdg_targets[0]: '1.9' is no SDG target",
        ),
    ],
)
def test_a_bad_indicator_part_refuses_the_whole_document(demo, mutate, message):
    document = export_plan(demo.plan)
    positions = {entry["code"]: i for i, entry in enumerate(document["indicators"])}
    mutate(document)
    elders = other_organisation()
    before = stored_counts()
    with pytest.raises(PlanDocumentError) as error:
        load_plan_document(document, elders, actor=Actor.system())
    assert message.format_map(positions) in str(error.value)
    assert stored_counts() == before
    assert not Indicator.objects.filter(organisation=elders).exists()


def test_changing_the_unit_of_an_indicator_with_values_is_refused(demo):
    document = export_plan(demo.plan)
    index = next(i for i, e in enumerate(document["indicators"]) if e["code"] == "WZ04")
    document["indicators"][index]["unit"] = "number"
    before = stored_counts()
    with pytest.raises(PlanDocumentError) as error:
        load_plan_document(document, demo.voorbeeld, actor=Actor.system())
    assert str(error.value) == (
        f"$.indicators[{index}].unit: 'WZ04' counts in percent and has values in the "
        "organisation; its unit cannot become number"
    )
    assert stored_counts() == before


def test_export_never_carries_another_organisations_indicators(demo):
    foreign = Indicator.objects.get(organisation=demo.proefdorp, code="BBV-10")
    # A link across organisations cannot be made through the services; written directly,
    # the export still leaves it out.
    ItemIndicator.objects.create(item=demo.item("BD1"), indicator=foreign, role="effect")
    document = export_plan(demo.plan)
    assert "BBV-10" not in {entry["code"] for entry in document["indicators"]}
    assert all(
        link["code"] != "BBV-10" for links in links_by_item(document).values() for link in links
    )
    proefdorp_codes = set(
        Indicator.objects.filter(organisation=demo.proefdorp).values_list("code", flat=True)
    )
    assert not proefdorp_codes & {entry["code"] for entry in document["indicators"]}
    dutch = export_plan(demo.dutch_plan)
    assert {entry["code"] for entry in dutch["indicators"]} <= proefdorp_codes


def test_a_restored_item_gets_its_indicator_links_back(demo):
    item = demo.item("BD1-01")
    links = sorted(ItemIndicator.objects.filter(item=item).values_list("indicator__code", "role"))
    assert links == [("WZ01", "effect")]
    actor = Actor.member(Membership.objects.get(organisation=demo.voorbeeld, role=Role.COORDINATOR))
    trash = delete_item(item, actor=actor)
    assert not ItemIndicator.objects.filter(item__code="BD1-01", item__plan=demo.plan).exists()
    restored = restore_deleted(trash, actor=actor)
    assert sorted(restored.indicator_links.values_list("indicator__code", "role")) == links
    child = PlanItem.objects.get(plan=demo.plan, code="BD1-01-01")
    assert list(child.indicator_links.values_list("indicator__code", "role")) == [
        ("WZ02", "output")
    ]


def test_the_command_line_says_what_happened_to_the_indicators(demo, tmp_path, capsys):
    import json

    from django.core.management import call_command

    document = export_plan(demo.plan)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    other_organisation()
    call_command("import_plan", str(path), organisation="elders")
    count = len(document["indicators"])
    targets = sum(len(entry["targets"]) for entry in document["indicators"])
    values = sum(len(entry["values"]) for entry in document["indicators"])
    assert (
        f"Indicatoren: {count} nieuw, 0 bijgewerkt, 0 ongewijzigd; {targets} streefwaarden "
        f"en {values} waarden geschreven."
    ) in capsys.readouterr().out


def test_without_unit_or_frequency_a_known_indicator_keeps_its_own(demo):
    def document(*indicators):
        return {
            "format": "koers.plan-document",
            "version": 2,
            "plan": {"title": "Stappen", "first_year": 2026, "last_year": 2031, "items": []},
            "indicators": list(indicators),
        }

    # OM10 is a step plan (unit text): a text is its value, not a figure.
    step = {"code": "OM10", "name": "Stappenplan vallei van de Molenbeek"}
    with pytest.raises(PlanDocumentError) as error:
        load_plan_document(
            document({**step, "values": [{"period": "2026", "value": "3"}]}),
            demo.voorbeeld,
            actor=Actor.system(),
        )
    assert (
        str(error.value) == "$.indicators[0].values[0].value: a text indicator has a text, no value"
    )
    load_plan_document(
        document({**step, "values": [{"period": "2026", "text": "Stap 3: inrichting"}]}),
        demo.voorbeeld,
        actor=Actor.system(),
    )
    stored = Indicator.objects.get(organisation=demo.voorbeeld, code="OM10")
    assert stored.unit == "text"
    assert stored.values.get(period="2026").text == "Stap 3: inrichting"
    # A new indicator without them is a yearly number.
    with pytest.raises(PlanDocumentError) as error:
        load_plan_document(
            document(
                {"code": "NEW1", "name": "Nieuw", "values": [{"period": "2026-Q1", "value": "1"}]}
            ),
            demo.voorbeeld,
            actor=Actor.system(),
        )
    assert str(error.value) == (
        "$.indicators[0].values[0].period: '2026-Q1' is no period of a year indicator"
    )
