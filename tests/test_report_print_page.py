"""The print page of the accessible PDF: an action's milestones and amounts are lines that
name every figure (a list: printing 1,000 actions as 2,000 small tables took twice as
long); goals and action plans keep their table of years; the contents list the goals and
action plans."""

import re

from koers.plans.templatetags.koers import euro
from koers.reporting.contents import build_report
from koers.reporting.renderers import pdfua


def _section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    end = html.find('<section class="item', start)
    return html[start : end if end > 0 else None]


def test_an_actions_amounts_are_lines_and_a_goal_keeps_its_table(demo):
    report = build_report(demo.plan, None)
    html = pdfua.print_html(report, [])
    actions = [item for item in report.items if not item.has_children and len(item.money) > 1]
    one_year = next(item for item in actions if len(item.money) == 2)
    several = next(item for item in actions if len(item.money) > 2)

    part = _section(html, one_year.anchor)
    assert "<table" not in part
    year = one_year.money[0]
    line = re.search(r'<ul class="money"><li>(.*?)</li></ul>', part).group(1)
    assert line.startswith(f"{year.year} — initieel budget")
    for amount in (year.expense.initial, year.expense.current, year.expense.actual):
        assert euro(amount) in line
    assert "Totaal" not in part  # one year: no total line repeating it

    part = _section(html, several.anchor)
    money = part[part.index('<ul class="money">') :]
    assert money.count("<li") == len(several.money)  # every year and the total
    assert '<li class="total">Totaal — ' in part

    goal = next(item for item in report.items if item.has_children and len(item.money) > 1)
    part = _section(html, goal.anchor)
    assert '<table class="money">' in part and '<th scope="col">Jaar</th>' in part


def test_milestones_are_lines_with_planned_and_done(demo):
    report = build_report(demo.plan, None)
    html = pdfua.print_html(report, [])
    item = next(item for item in report.items if any(m.done_on for m in item.milestones))
    part = _section(html, item.anchor)
    done = next(m for m in item.milestones if m.done_on)
    assert f"{done.title} — gepland: " in part
    assert f"afgerond: ja, {done.done_on:%d-%m-%Y}" in part
    assert part.count("<li>") >= len(item.milestones)


def test_the_contents_list_goals_and_action_plans_and_the_bookmarks_keep_every_item(demo):
    report = build_report(demo.plan, None)
    entries = pdfua.toc_entries(report)
    keys = {entry["key"] for entry in entries}
    for item in report.items:
        assert (item.anchor in keys) == (item.level <= 2), item.heading
