"""Published data is a snapshot: the portal shows the figures of the latest publication, and a
report shows an item's approved figure beside the roll-up of its children."""

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from koers.accounts.actor import Actor
from koers.followup import services as followup
from koers.plans.services.items import save_budget_line, save_milestone, update_item
from koers.plans.services.plans import update_plan
from tests.factories import MembershipFactory, make_item, make_plan

PLAN_PUBLISHED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ROUND_OPENED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
ROUND_PUBLISHED = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 8, 3, 9, 0, tzinfo=UTC)
NEXT_PUBLISHED = datetime(2026, 12, 15, 9, 0, tzinfo=UTC)

A1_TEXT = "<p>De wegmarkering langs de schoolroute is aangebracht.</p>"
# A row of the item page's milestone table: (title, done), e.g. ("Markering klaar", "nog niet").
MILESTONE_ROW = re.compile(r"<tr><td>([^<]*)</td><td>[^<]*</td><td>([^<]*)</td></tr>")


class World:
    """A published plan: goal → action plan → actions A1 and A2, each with a milestone and
    a budget line of 2026, and a coordinator who runs the rounds."""

    def __init__(self):
        membership = MembershipFactory(coordinator=True)
        self.organisation = membership.organisation
        self.coordinator = Actor.member(membership)
        self.plan = make_plan(self.organisation, title="Meerjarenplan 2026-2031")
        self.status = {status.key: status for status in self.plan.statuses.all()}
        self.goal = make_item(self.plan, None, title="Veilig naar school", code="BD1")
        self.action_plan = make_item(self.plan, self.goal, title="Schoolroutes", code="BD1-01")
        running = self.status["lopend"]
        self.a1 = make_item(
            self.plan,
            self.action_plan,
            title="Fietspad Kerkstraat",
            code="BD1-01-01",
            status=running,
            progress=20,
        )
        self.a2 = make_item(
            self.plan,
            self.action_plan,
            title="Zebrapaden Dorpsplein",
            code="BD1-01-02",
            status=running,
            progress=40,
        )
        system = Actor.system()
        self.m1 = save_milestone(self.a1, {"title": "Markering klaar"}, actor=system)
        self.m2 = save_milestone(self.a2, {"title": "Zebrapaden geschilderd"}, actor=system)
        self.line1 = save_budget_line(
            self.a1, {"year": 2026, "initial": 1000, "current": 1000, "actual": 0}, actor=system
        )
        self.line2 = save_budget_line(
            self.a2, {"year": 2026, "initial": 500, "current": 500, "actual": 0}, actor=system
        )
        with time_machine.travel(PLAN_PUBLISHED, tick=False):
            update_plan(self.plan, {"is_published": True}, actor=self.coordinator)

    def url(self, name, **kwargs):
        return reverse(f"portal:{name}", kwargs={"org": self.organisation.slug, **kwargs})

    def open_round(self, name, start, end):
        with time_machine.travel(ROUND_OPENED, tick=False):
            return followup.open_round(
                self.plan,
                {"name": name, "period_start": start, "period_end": end, "deadline": end},
                actor=self.coordinator,
            )

    def submit(self, round_, item, values):
        update = round_.updates.get(item=item)
        with time_machine.travel(ROUND_OPENED, tick=False):
            return followup.save_update(
                update, values, version=update.version, submit=True, actor=self.coordinator
            )


@pytest.fixture
def world(db):
    return World()


def _portal(client, world) -> dict:
    """Everything the portal shows of the two actions, the action plan and the plan."""
    a1 = client.get(world.url("item", pk=world.a1.pk))
    a2 = client.get(world.url("item", pk=world.a2.pk))
    plan_page = client.get(world.url("plan", pk=world.plan.pk))
    data = json.loads(client.get(world.url("api_plan", pk=world.plan.pk)).content)
    by_id = {item["id"]: item for item in data["items"]}

    def item(page):
        context, html = page.context, page.content.decode()
        text = re.search(r'<div class="richtext" id="progress">(.*?)</div>', html, re.S)
        return {
            "status": context["row"].item.status.name if context["row"].item.status else None,
            "percent": context["row"].progress_percent,
            "milestones": MILESTONE_ROW.findall(html),
            "spent": [
                (year, money.current, money.actual) for year, money in context["money_years"]
            ],
            "text": text.group(1) if text else "",
            "footer": _footer(page),
        }

    def found(**query):
        page = client.get(world.url("plan", pk=world.plan.pk), query)
        return [row.item.code for row in page.context["page"].paginator.object_list]

    return {
        "a1": item(a1),
        "a2": item(a2),
        "action_plan": client.get(world.url("item", pk=world.action_plan.pk))
        .context["row"]
        .progress_percent,
        "plan_total": plan_page.context["summary"]["progress"],
        "plan_footer": _footer(plan_page),
        "search": found(q="wegmarkering"),
        "delayed": found(status=world.status["vertraagd"].pk),
        "running": found(status=world.status["lopend"].pk),
        "json_a1": _json_item(by_id[world.a1.pk]),
        "json_a2": _json_item(by_id[world.a2.pk]),
        "json_published": data.get("published"),
        "home": _footer(client.get(world.url("home")), '<p class="muted">'),
    }


def _json_item(entry: dict) -> tuple:
    return (
        entry["status"],
        entry["progress"],
        [(m["title"], m["done"], m["done_on"]) for m in entry["milestones"]],
        entry["budget"],
        entry["progress_text"],
        entry["progress_round"],
    )


def _footer(page, start='<p id="published">') -> str:
    html = page.content.decode()
    found = re.findall(re.escape(start) + r"\s*(Cijfers zoals[^<]*?)\s*</p>", html)
    return " | ".join(found)


def _published_at_start(world) -> dict:
    """What the portal shows right after the plan itself was published."""
    plan_line = "Cijfers zoals gepubliceerd op 2 maart 2026, bij de publicatie van het plan."
    return {
        "a1": {
            "status": "lopend",
            "percent": 20,
            "milestones": [("Markering klaar", "nog niet")],
            "spent": [
                (year, Decimal("1000.00") if year == 2026 else Decimal("0.00"), Decimal("0.00"))
                for year in world.plan.years
            ],
            "text": "",
            "footer": plan_line,
        },
        "a2": {
            "status": "lopend",
            "percent": 40,
            "milestones": [("Zebrapaden geschilderd", "nog niet")],
            "spent": [
                (year, Decimal("500.00") if year == 2026 else Decimal("0.00"), Decimal("0.00"))
                for year in world.plan.years
            ],
            "text": "",
            "footer": plan_line,
        },
        "action_plan": 30,
        "plan_total": 30,
        "plan_footer": plan_line,
        "search": [],
        "delayed": [],
        "running": ["BD1-01-01", "BD1-01-02"],
        "json_a1": (
            "lopend",
            20,
            [("Markering klaar", False, None)],
            {"2026": {"current": "1000.00", "actual": "0.00"}},
            None,
            None,
        ),
        "json_a2": (
            "lopend",
            40,
            [("Zebrapaden geschilderd", False, None)],
            {"2026": {"current": "500.00", "actual": "0.00"}},
            None,
            None,
        ),
        "json_published": {"at": "2026-03-02T09:00:00+00:00", "round": None},
        "home": plan_line,
    }


def test_an_approval_in_an_open_round_changes_nothing_on_the_portal_until_published(world, client):
    start = _portal(client, world)

    spring = world.open_round("Voorjaar 2026", date(2026, 1, 1), date(2026, 6, 30))
    a1_update = world.submit(
        spring,
        world.a1,
        {
            "status": world.status["vertraagd"],
            "percent": 80,
            "narrative": A1_TEXT,
            "milestones_reached": {world.m1.pk: date(2026, 5, 20)},
            "spending": {world.line1.pk: Decimal("750.00")},
        },
    )
    world.submit(spring, world.a2, {"percent": 50, "narrative": "<p>Bijna klaar.</p>"})
    with time_machine.travel(ROUND_OPENED, tick=False):
        followup.approve(a1_update, actor=world.coordinator)
    world.a1.refresh_from_db()
    world.m1.refresh_from_db()
    world.line1.refresh_from_db()
    # The plan itself follows the approval at once …
    assert (world.a1.progress, world.a1.status.key) == (80, "vertraagd")
    assert (world.m1.done, world.m1.done_on, world.line1.actual) == (
        True,
        date(2026, 5, 20),
        Decimal("750.00"),
    )
    # … the portal does not: every page, the search, the filter, the JSON and the footer.
    assert _portal(client, world) == start
    followup.close_round(spring, actor=world.coordinator)
    assert _portal(client, world) == start
    assert start == _published_at_start(world)  # the figures of the plan's publication

    with time_machine.travel(ROUND_PUBLISHED, tick=False):
        followup.publish_round(spring, actor=world.coordinator)
    round_line = "Cijfers zoals gepubliceerd op 1 juli 2026 (Voorjaar 2026)."
    published = _portal(client, world)
    spent_a1 = [
        (
            year,
            Decimal("1000.00") if year == 2026 else Decimal("0.00"),
            Decimal("750.00") if year == 2026 else Decimal("0.00"),
        )
        for year in world.plan.years
    ]
    assert published == {
        **start,
        "a1": {
            "status": "vertraagd",
            "percent": 80,
            "milestones": [("Markering klaar", "ja (20 mei 2026)")],
            "spent": spent_a1,
            "text": A1_TEXT,
            "footer": round_line,
        },
        # A2's update was submitted but not approved: its published value stays.
        "a2": {**start["a2"], "footer": round_line},
        "action_plan": 60,
        "plan_total": 60,
        "plan_footer": round_line,
        "search": ["BD1-01-01"],
        "delayed": ["BD1-01-01"],
        "running": ["BD1-01-02"],
        "json_a1": (
            "vertraagd",
            80,
            [("Markering klaar", True, "2026-05-20")],
            {"2026": {"current": "1000.00", "actual": "750.00"}},
            A1_TEXT,
            "Voorjaar 2026",
        ),
        "json_published": {"at": "2026-07-01T09:00:00+00:00", "round": "Voorjaar 2026"},
        "home": round_line,
    }


def test_a_milestone_ticked_or_an_actual_typed_after_publication_waits_for_the_next_one(
    world, client
):
    with time_machine.travel(ROUND_PUBLISHED, tick=False):
        update_plan(world.plan, {"is_published": False}, actor=world.coordinator)
        update_plan(world.plan, {"is_published": True}, actor=world.coordinator)
    before = _portal(client, world)
    assert before["a2"]["percent"] == 40 and before["a2"]["milestones"] == [
        ("Zebrapaden geschilderd", "nog niet")
    ]
    with time_machine.travel(LATER, tick=False):
        save_milestone(
            world.a2,
            {"title": "Zebrapaden geschilderd", "done": True, "done_on": date(2026, 8, 1)},
            actor=world.coordinator,
            milestone=world.m2,
        )
        save_budget_line(
            world.a2,
            {"year": 2026, "current": 500, "actual": 480},
            actor=world.coordinator,
            line=world.line2,
        )
        update_item(world.a2, {"progress": 90}, actor=world.coordinator)
    assert _portal(client, world) == before

    autumn = world.open_round("Najaar 2026", date(2026, 7, 1), date(2026, 12, 31))
    followup.close_round(autumn, actor=world.coordinator)
    with time_machine.travel(NEXT_PUBLISHED, tick=False):
        followup.publish_round(autumn, actor=world.coordinator)
    after = _portal(client, world)
    assert after["a2"] == {
        "status": "lopend",
        "percent": 90,
        "milestones": [("Zebrapaden geschilderd", "ja (1 aug. 2026)")],
        "spent": [
            (
                year,
                Decimal("500.00") if year == 2026 else Decimal("0.00"),
                Decimal("480.00") if year == 2026 else Decimal("0.00"),
            )
            for year in world.plan.years
        ],
        "text": "",
        "footer": "Cijfers zoals gepubliceerd op 15 december 2026 (Najaar 2026).",
    }
    assert (after["action_plan"], after["plan_total"]) == (55, 55)
    from koers.portal.models import PublishedSnapshot

    assert PublishedSnapshot.objects.filter(plan=world.plan).count() == 3


def test_an_item_created_after_the_snapshot_shows_no_figures_until_the_next_publication(
    world, client
):
    late = make_item(
        world.plan,
        world.action_plan,
        title="Schoolstraat",
        status=world.status["lopend"],
        progress=100,
    )
    page = client.get(world.url("item", pk=late.pk))
    assert page.context["row"].item.status is None and page.context["row"].progress_percent is None
    assert "De cijfers van dit onderdeel verschijnen vanaf de volgende publicatie." in (
        page.content.decode()
    )
    assert (
        client.get(world.url("item", pk=world.action_plan.pk)).context["row"].progress_percent == 30
    )


BOTH = "60 % (eigen inschatting) · 33 % (berekend uit onderliggende acties)"


def test_a_report_shows_the_approved_figure_beside_the_roll_up_of_the_children(world, tmp_path):
    """The action plan's approved update says 60 %; its actions roll up to 33 %."""
    from pypdf import PdfReader

    from koers.reporting.contents import build_report
    from koers.reporting.services import make_report

    action_plan = make_item(world.plan, world.goal, title="Speelpleinen", code="BD1-02")
    for code, progress in (("BD1-02-01", 0), ("BD1-02-02", 100), ("BD1-02-03", 0)):
        make_item(world.plan, action_plan, title=f"Speelplein {code}", code=code, progress=progress)
    spring = world.open_round("Voorjaar 2026", date(2026, 1, 1), date(2026, 6, 30))
    update = world.submit(spring, action_plan, {"percent": 60, "narrative": "<p>Goed op weg.</p>"})
    with time_machine.travel(ROUND_OPENED, tick=False):
        followup.approve(update, actor=world.coordinator)

    report = build_report(world.plan, spring)
    item = next(entry for entry in report.items if entry.code == "BD1-02")
    assert (item.percent, item.rollup_percent, item.percent_text) == (60, 33, BOTH)
    assert item.facts == ["Actieplan", "Prioritair beleid", BOTH]
    same = next(entry for entry in report.items if entry.code == "BD1-01")  # no own update
    assert (same.percent, same.rollup_percent, same.percent_text) == (30, 30, "30 %")

    out = make_report(world.plan, spring, "pdf", tmp_path / "report.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert BOTH in re.sub(r"\s+", " ", text)
