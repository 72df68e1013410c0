"""Indicators in the reports: the Flemish follow-up report shows a goal's indicators (last
value, target, traffic light, course), the Dutch annual report a programme's
beleidsindicatoren; in every format, with a round's report stopping at its period."""

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from koers.accounts.actor import Actor
from koers.followup import services as followup
from koers.indicators import services
from koers.reporting.contents import build_report
from koers.reporting.services import make_report

PAYLOAD = '<b>Tevreden</b> & "=cmd|calc"'


def _coordinator(demo):
    return Actor.member(demo.membership("coordinator@voorbeeld.be"))


@pytest.fixture
def world(demo):
    coordinator = _coordinator(demo)
    goal = demo.plan.items.filter(depth=2).order_by("path").first()
    indicator = services.create_indicator(
        demo.voorbeeld,
        {"code": "RI-1", "name": "Tevreden inwoners", "unit": "percent"},
        actor=coordinator,
    )
    for year in range(2019, 2028):
        values = {"period": str(year), "value": str(60 + year - 2019)}
        services.save_value(indicator, values, actor=coordinator)
    services.save_target(indicator, 2026, Decimal(70), actor=coordinator)
    services.link_indicator(goal, indicator, "effect", actor=coordinator)
    round_ = followup.open_round(
        demo.plan,
        {
            "name": "Voorjaar 2026",
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 6, 30),
            "deadline": date(2026, 7, 15),
        },
        actor=coordinator,
    )
    return {"goal": goal, "indicator": indicator, "round": round_}


def test_a_goal_carries_its_indicators_up_to_the_rounds_period(demo, world):
    report = build_report(demo.plan, world["round"])
    goal = next(item for item in report.items if item.pk == world["goal"].pk)
    shown = next(i for i in goal.indicators if i.code == "RI-1")
    assert shown.name == "Tevreden inwoners" and shown.role == "effectindicator"
    # Six periods at most, none after the round's period: 2021–2026.
    assert [p.period for p in shown.periods] == [str(y) for y in range(2021, 2027)]
    assert shown.last_text == "2026: 67 %"
    assert shown.target_text == "2026: 70 %"
    assert shown.status == "red" and shown.status_label == "niet op koers"
    assert shown.course.startswith("2021: 62 % · 2022: 63 %")
    # Without a round: today's figures, up to the last one.
    today = build_report(demo.plan, None)
    goal = next(item for item in today.items if item.pk == world["goal"].pk)
    assert next(i for i in goal.indicators if i.code == "RI-1").last_text == "2027: 68 %"


def test_every_format_shows_the_goals_indicators(demo, world, tmp_path):
    plan, round_ = demo.plan, world["round"]
    goal = world["goal"]
    site = make_report(plan, round_, "html", tmp_path / "site")
    page = (site / "items" / f"item-{goal.pk}.html").read_text()
    assert 'id="indicators"' in page and "RI-1 Tevreden inwoners" in page and "2026: 67 %" in page

    text = " ".join(
        page.extract_text()
        for page in PdfReader(make_report(plan, round_, "pdf", tmp_path / "r.pdf")).pages
    )
    packed = "".join(text.split())  # lines wrap anywhere in a narrow column
    assert "RI-1Tevredeninwoners" in packed and "2026:67%" in packed

    word = Document(make_report(plan, round_, "docx", tmp_path / "r.docx"))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    assert "RI-1 Tevreden inwoners" in cells and "niet op koers" in cells

    book = load_workbook(make_report(plan, round_, "xlsx", tmp_path / "r.xlsx"))
    rows = list(book["Indicatoren"].iter_rows(values_only=True))
    assert rows[0][:6] == ("Code", "Onderdeel", "Indicator", "Eenheid", "Periode", "Waarde")
    mine = [row for row in rows if row[2] == "RI-1 Tevreden inwoners"]
    assert mine[-1][4:] == ("2026", 67, 70, "niet op koers")


def test_the_dutch_annual_report_calls_them_beleidsindicatoren(demo, tmp_path):
    admin = Actor.member(demo.membership("admin@proefdorp.nl", "proefdorp"))
    programme = demo.dutch_plan.items.filter(depth=2).order_by("path").first()
    indicator = services.create_indicator(
        demo.proefdorp,
        {"code": "BBV-X", "name": "Banen per 1.000 inwoners", "decimals": 1},
        actor=admin,
    )
    services.save_value(indicator, {"period": "2025", "value": "612,4"}, actor=admin)
    services.link_indicator(programme, indicator, "effect", actor=admin)
    site = make_report(demo.dutch_plan, None, "html", tmp_path / "site")
    page = (site / "items" / f"item-{programme.pk}.html").read_text()
    assert ">Beleidsindicatoren</h2>" in page and "2025: 612,4" in page


def test_indicator_texts_are_escaped_and_stay_text(demo, world, tmp_path):
    services.update_indicator(world["indicator"], {"name": PAYLOAD}, actor=_coordinator(demo))
    plan, round_ = demo.plan, world["round"]
    site = make_report(plan, round_, "html", tmp_path / "site")
    page = (site / "items" / f"item-{world['goal'].pk}.html").read_text()
    assert "<b>Tevreden</b>" not in page and "&lt;b&gt;Tevreden&lt;/b&gt;" in page
    book = load_workbook(make_report(plan, round_, "xlsx", tmp_path / "r.xlsx"))
    sheet = book["Indicatoren"]
    cell = next(row[2] for row in sheet.iter_rows(min_row=2) if row[2].value.startswith("RI-1"))
    assert cell.value == f"RI-1 {PAYLOAD}" and cell.data_type == "s"
    word = Document(io.BytesIO(make_report(plan, round_, "docx", tmp_path / "r.docx").read_bytes()))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    assert f"RI-1 {PAYLOAD}" in cells
