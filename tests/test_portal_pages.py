"""The public portal's pages: the home page (progress, budget, what changed, search box),
charts, search snippets, the portal's own 404 page, the organisation's theme (NL Design
System tokens), the colour contrast check and the accessibility statement."""

import html as html_module
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache as django_cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from koers.accounts.actor import Actor
from koers.accounts.models import Organisation
from koers.followup import services as followup
from koers.plans.content import forget_memory
from koers.plans.services.items import update_item
from koers.portal import accessibility, publication
from koers.portal.contrast import (
    WHITE,
    accessible_shade,
    contrast_ratio,
    is_readable_with_white,
    relative_luminance,
)
from koers.portal.forms import colour_problem
from koers.portal.theme import brand_tokens, theme_css
from tests.form_data import version_of
from tests.test_published_snapshot import ROUND_OPENED, ROUND_PUBLISHED, World

# -- a published plan with one published round: A1 went from 20 % "lopend" to 80 %
#    "vertraagd"; A2's update was submitted but never approved ----------------------------


@pytest.fixture
def world(db):
    django_cache.clear()
    forget_memory()
    return World()


def _publish_spring(world):
    spring = world.open_round("Voorjaar 2026", date(2026, 1, 1), date(2026, 6, 30))
    update = world.submit(
        spring,
        world.a1,
        {
            "status": world.status["vertraagd"],
            "percent": 80,
            "narrative": "<p>De fietspaden &lt;script&gt; langs de Kerkstraat liggen er.</p>",
            "spending": {world.line1.pk: Decimal("750.00")},
        },
    )
    world.submit(spring, world.a2, {"percent": 50, "narrative": "<p>Bijna klaar.</p>"})
    with time_machine.travel(ROUND_OPENED, tick=False):
        followup.approve(update, actor=world.coordinator)
    followup.close_round(spring, actor=world.coordinator)
    with time_machine.travel(ROUND_PUBLISHED, tick=False):
        followup.publish_round(spring, actor=world.coordinator)
    return spring


def _html(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def _changes_list(html: str) -> list[str]:
    block = re.search(r'<ul class="changes">(.*?)</ul>', html, re.S)
    if block is None:
        return []
    items = re.findall(r"<li>(.*?)</li>", block.group(1), re.S)
    plain = (html_module.unescape(re.sub(r"<[^>]+>", "", item)) for item in items)
    return [re.sub(r"\s+", " ", text).strip() for text in plain]


# -- contrast ---------------------------------------------------------------------------------


def test_contrast_follows_the_wcag_formula():
    assert relative_luminance("#ffffff") == 1.0 and relative_luminance("#000000") == 0.0
    assert contrast_ratio("#000000", WHITE) == 21.0
    assert round(contrast_ratio("#767676", WHITE), 2) == 4.54  # the well-known grey limit
    assert round(contrast_ratio("#777777", WHITE), 2) == 4.48
    assert is_readable_with_white("#767676") and not is_readable_with_white("#777777")


def test_an_accessible_shade_is_the_lightest_darker_shade_that_passes():
    assert accessible_shade("#1D4F91") == "#1d4f91"  # passes: unchanged
    for colour, shade in (("#ffcc00", "#907300"), ("#e17000", "#ba5d00"), ("#777777", "#767676")):
        assert accessible_shade(colour) == shade
        assert contrast_ratio(shade, WHITE) >= 4.5
        # one step lighter would fail: it is the lightest that passes
        lighter = "#" + "".join(f"{min(255, int(shade[i : i + 2], 16) + 2):02x}" for i in (1, 3, 5))
        assert contrast_ratio(lighter, WHITE) < 4.5


def test_the_colour_check_names_the_ratio_and_a_darker_shade():
    assert colour_problem("#1d4f91") is None
    with translation.override("en"):
        assert colour_problem("#ffcc00") == (
            "This colour has a contrast of 1,51:1 with white; text needs at least 4.5:1. "
            "Choose a darker colour, for example #907300."
        )


def test_the_branding_form_refuses_a_colour_white_text_cannot_be_read_on(demo, login):
    url = reverse("accounts:portal_branding", kwargs={"org": "voorbeeld"})
    admin = login("admin@voorbeeld.be")
    form = admin.get(url).content.decode()
    assert 'type="email" name="contact_email"' in form
    assert "Witte tekst erop heeft een contrast van minstens 4,5:1 nodig." in form
    refused = admin.post(
        url, {"name": "Gemeente Voorbeeld", "colour": "#ffcc00", **version_of(demo.voorbeeld)}
    )
    assert refused.status_code == 400
    assert (
        "Deze kleur heeft een contrast van 1,51:1 met wit; tekst heeft minstens 4,5:1 nodig. "
        "Kies een donkerdere kleur, bijvoorbeeld #907300." in refused.content.decode()
    )
    assert Organisation.objects.get(slug="voorbeeld").colour == "#1d4f91"
    saved = admin.post(
        url,
        {
            "name": "Gemeente Voorbeeld",
            "colour": "#907300",
            "contact_email": "toegankelijkheid@voorbeeld.be",
            **version_of(Organisation.objects.get(slug="voorbeeld")),
        },
    )
    assert saved.status_code == 302
    stored = Organisation.objects.get(slug="voorbeeld")
    assert (stored.colour, stored.contact_email) == ("#907300", "toegankelijkheid@voorbeeld.be")


# -- theme: the organisation's colour as design tokens ---------------------------------------


def test_the_theme_maps_the_colour_onto_the_tokens():
    assert brand_tokens("#00553a") == {
        "--koers-brand": "#00553a",
        "--koers-brand-dark": "#003f2b",
        "--koers-brand-soft": "#ebf1ef",
        "--koers-brand-line": "#a6c4ba",
    }
    assert "--koers-brand: #907300;" in theme_css("#ffcc00")  # stored before the check


def test_every_portal_page_loads_the_design_system_and_the_organisation_theme(demo, client):
    Organisation.objects.filter(slug="voorbeeld").update(colour="#ffcc00")  # a legacy colour
    home = _html(client, "/voorbeeld/")
    assert "/static/koers/vendor/utrecht-component-library-css-9.0.4/index.css" in home
    assert '<link rel="stylesheet" href="/voorbeeld/theme.css?v=ffcc00">' in home
    assert 'class="utrecht-page-header portal"' in home
    theme = client.get("/voorbeeld/theme.css?v=ffcc00")
    assert theme["Content-Type"] == "text/css; charset=utf-8"
    assert "--koers-brand: #907300;" in theme.content.decode()
    assert "style=" not in home  # the Content-Security-Policy allows no style attributes
    assert client.get("/onbekend/theme.css").status_code == 404


# -- home page -------------------------------------------------------------------------------


def test_the_home_page_shows_progress_budget_what_changed_and_a_search_box(world, client):
    home = _html(client, world.url("home"))
    name = world.organisation.name
    assert f"<title>Plannen en voortgang · {name}</title>" in home
    assert _changes_list(home) == []  # one publication: nothing to compare with
    assert "Geen status of voortgang veranderde sinds de publicatie ervoor." in home

    _publish_spring(world)
    home = _html(client, world.url("home"))
    assert "Wat veranderde in Voorjaar 2026" in home
    assert _changes_list(home) == ["BD1-01-01 Fietspad Kerkstraat: lopend → vertraagd, 20 % → 80 %"]
    assert "€\u00a0750 uitgegeven van €\u00a01.500" in home
    assert "50% van het budget" in home
    assert "60% gerealiseerd" in home  # (80 + 40) / 2
    assert f'action="{world.url("search")}"' in home and 'name="q"' in home
    assert f'href="{world.url("accessibility")}"' in home  # the footer


def test_what_changed_compares_the_two_latest_snapshots(world):
    assert publication.snapshot_changes(world.plan, publication.read_publication(world.plan)) == []
    _publish_spring(world)
    changes = publication.snapshot_changes(world.plan, publication.read_publication(world.plan))
    assert changes == [publication.Change(world.a1.pk, "lopend", "vertraagd", 20, 80)]


def test_the_home_page_takes_the_same_queries_for_one_or_many_changes(db, client):
    from tests.factories import make_plan_with_actions

    counts = []
    for actions in (5, 60):
        django_cache.clear()
        forget_memory()
        plan = make_plan_with_actions(actions)
        plan.is_published = True
        plan.save()
        for item in plan.items.filter(depth=4):
            update_item(item, {"progress": 70}, actor=Actor.system())
        plan.is_published = False
        plan.save()
        plan.is_published = True  # a second snapshot: every action changed
        plan.save()
        url = reverse("portal:home", kwargs={"org": plan.organisation.slug})
        html = _html(client, url)
        listed = [line.split(" ", 1)[0] for line in _changes_list(html)]
        in_tree = plan.items.filter(depth=4).order_by("path").values_list("code", flat=True)
        assert listed == list(in_tree[: min(actions, 12)])  # in the order of the tree
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 4


# -- plan and item pages: charts -------------------------------------------------------------


def _chart(html: str, caption: str) -> list[str]:
    figure = re.search(
        r"<figcaption[^>]*>" + re.escape(caption) + r'</figcaption>.*?<ul class="bars">(.*?)</ul>',
        html,
        re.S,
    )
    assert figure, caption
    items = re.findall(r"<li>(.*?)</li>", figure.group(1), re.S)
    keep = r"<(?!span class=\"(?:budget |spent )?pct)[^>]+>"  # the bars' width classes stay
    return [re.sub(r"[ \t\n]+", " ", re.sub(keep, "", item)).strip() for item in items]


def test_the_plan_page_charts_progress_and_money_by_goal(world, client):
    _publish_spring(world)
    html = _html(client, world.url("plan", pk=world.plan.pk))
    assert _chart(html, "Voortgang van de beleidsdoelstellingen") == [
        'BD1 Veilig naar school <span class="pct-60"> 60% gerealiseerd'
    ]
    assert _chart(html, "Budget en uitgaven van de beleidsdoelstellingen") == [
        'BD1 Veilig naar school <span class="budget pct-100"> Budget €\u00a01.500 '
        '<span class="spent pct-50"> Uitgegeven €\u00a0750 (50% van het budget)'
    ]


def test_an_item_with_several_children_charts_them(world, client):
    _publish_spring(world)
    html = _html(client, world.url("item", pk=world.action_plan.pk))
    assert _chart(html, "Voortgang van de onderliggende onderdelen") == [
        'BD1-01-01 Fietspad Kerkstraat <span class="pct-80"> 80% gerealiseerd',
        'BD1-01-02 Zebrapaden Dorpsplein <span class="pct-40"> 40% gerealiseerd',
    ]
    money = _chart(html, "Budget en uitgaven van de onderliggende onderdelen")
    assert money[1] == (
        'BD1-01-02 Zebrapaden Dorpsplein <span class="budget pct-50"> Budget €\u00a0500 '
        '<span class="spent pct-0"> Uitgegeven €\u00a00 (0% van het budget)'
    )
    leaf = _html(client, world.url("item", pk=world.a1.pk))
    assert "<figure" not in leaf  # nothing to compare


def test_status_pills_stay_on_one_line():
    css = Path("src/koers/portal/static/portal/portal.css").read_text()
    assert re.search(r"\.badge \{[^}]*white-space: nowrap", css)


# -- search: why a result matched ------------------------------------------------------------


def test_highlight_marks_the_matching_words_and_escapes_the_rest():
    text = "Fietspaden <b>& bomen</b> aan de fietspad-route"
    assert publication.highlight(text, "fietspad") == (
        "<mark>Fietspaden</mark> &lt;b&gt;&amp; bomen&lt;/b&gt; aan de <mark>fietspad</mark>-route"
    )
    assert publication.highlight("Bomen planten", "boom") == "<mark>Bomen</mark> planten"
    assert publication.highlight("<i>x</i>", "") == "&lt;i&gt;x&lt;/i&gt;"


def test_a_snippet_shows_the_words_around_the_first_match():
    text = " ".join(f"woord{n}" for n in range(60)) + " de nieuwe fietspaden " + "slot " * 60
    shown = publication.snippet(text, "fietspad", width=60)
    assert shown.startswith("… ") and shown.endswith(" …")
    assert "<mark>fietspaden</mark>" in shown
    assert len(re.sub(r"<[^>]+>", "", shown)) <= 64
    assert publication.snippet("niets te zien", "fietspad") == ""


def test_search_results_show_why_they_matched(world, client):
    _publish_spring(world)
    html = _html(client, world.url("plan", pk=world.plan.pk) + "?q=fietspaden")
    assert '<span class="code">BD1-01-01</span> <mark>Fietspad</mark> Kerkstraat' in html
    assert (
        '<p class="snippet">De <mark>fietspaden</mark> &lt;script&gt; langs de Kerkstraat '
        "liggen er.</p>" in html
    )
    assert "<script>" not in html.split("<body")[1]


def test_the_home_search_box_leads_to_the_plan_search(world, client):
    response = client.get(world.url("search"), {"q": "fietspad"})
    assert response.status_code == 302
    assert response["Location"] == world.url("plan", pk=world.plan.pk) + "?q=fietspad#results"


# -- the portal's own 404 page ---------------------------------------------------------------


def test_unknown_pages_get_the_portals_own_404_page(world, client):
    home = world.url("home")
    for url in (
        world.url("plan", pk=world.plan.pk + 1000),
        world.url("item", pk=world.a1.pk + 1000),
        home + "bestaat/niet/",
    ):
        html = _html(client, url, status=404)
        assert "<title>Pagina niet gevonden · " in html
        assert 'class="utrecht-page-header portal"' in html
        assert f'<a class="utrecht-link" href="{home}">Naar de startpagina van ' in html
    html = _html(client, "/geen-organisatie/", status=404)
    assert '<h1 class="utrecht-heading-1">Pagina niet gevonden</h1>' in html
    assert '<a class="utrecht-link" href="/">Naar de startpagina</a>' in html
    assert client.get(home + "plans/1").status_code == 301  # the slash is still added


# -- accessibility statement -----------------------------------------------------------------

CHECK = {
    "checked_on": "2026-12-04",
    "tool": "axe-core 4.10",
    "standard": "WCAG 2.1 AA",
    "pages": [
        {"name": "home", "width": 1280, "rules": 40, "violations": []},
        {
            "name": "plan",
            "width": 390,
            "rules": 42,
            "violations": [
                {"id": "color-contrast", "impact": "serious", "help": "Contrast", "nodes": 2}
            ],
        },
    ],
}


def test_the_statement_is_partial_when_the_check_found_anything(world):
    with translation.override("en"):
        statement = accessibility.statement(world.organisation, CHECK)
    assert statement.status == accessibility.PARTIAL
    assert statement.checked_on == date(2026, 12, 4)
    assert statement.exceptions == [
        {
            "id": "color-contrast",
            "impact": "serious",
            "help": "Contrast",
            "pages": ["Plan with its goals, filters and items (390 px)"],
        }
    ]
    clean = {**CHECK, "pages": CHECK["pages"][:1]}
    assert accessibility.statement(world.organisation, clean).status == accessibility.FULL
    assert accessibility.statement(world.organisation, {}).status == accessibility.UNCHECKED


def test_the_statement_page_reads_the_committed_check(world, client):
    world.organisation.contact_email = "help@example.org"
    world.organisation.save()
    check = accessibility.read_check()
    assert check is not None, "src/koers/portal/data/accessibility-check.json is missing"
    html = _html(client, world.url("accessibility"))
    assert "<title>Toegankelijkheidsverklaring · " in html
    rows = re.findall(r'<td class="utrecht-table__cell" data-label="Pagina">([^<]*)</td>', html)
    names = {"home": "Startpagina", "search": "Zoekresultaten", "not-found": "Pagina niet gevonden"}
    shown = [name for name in rows if name in names.values()]
    assert shown == [names[page["name"]] for page in check["pages"] if page["name"] in names]
    # 11 kinds of page (council questions and complaints included) at two widths
    assert len(rows) == len(check["pages"]) == 22
    assert '<a class="utrecht-link" href="mailto:help@example.org">help@example.org</a>' in html
    failing = any(page["violations"] for page in check["pages"])
    assert ("voldoet gedeeltelijk" in html) == failing
    assert ("voldoet volledig" in html) == (not failing)


def test_the_home_search_box_searches_every_plan_when_there_are_several(world, client):
    from tests.factories import make_item, make_plan

    other = make_plan(world.organisation, title="Programma fietsen")
    make_item(other, None, title="Fietsenstalling aan de Markt", code="F1")
    make_item(other, None, title="Speelpleinen", code="F2")
    other.is_published = True
    other.save()
    html = _html(client, world.url("search") + "?q=fiets")
    found = re.findall(r'<h2 class="utrecht-heading-2" id="results-\d+">([^<]*)</h2>', html)
    assert found == [
        "Meerjarenplan 2026-2031: 1 onderdeel gevonden",
        "Programma fietsen: 1 onderdeel gevonden",
    ]
    assert '<span class="code">BD1-01-01</span> <mark>Fietspad</mark> Kerkstraat' in html
    assert '<span class="code">F1</span> <mark>Fietsenstalling</mark> aan de Markt' in html
    assert "Speelpleinen" not in html
