"""Search in the database (koers.search): PostgreSQL's full-text search with the dutch
configuration and SQLite's FTS5 with the same Dutch terms give the same results, for the
app's plan tree, the portal and the cijferdatabank; only the searching organisation's
items (and on the portal only the public ones) come back; the queries do not grow with the
plan. Run on both databases: ``KOERS_TEST_POSTGRES=1`` for PostgreSQL."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koers.accounts.actor import Actor
from koers.accounts.models import Role
from koers.indicators import services as indicator_services
from koers.indicators.reading import Filters, catalogue
from koers.plans.services import items as item_services
from koers.plans.services.search import search_plan
from koers.portal import cache as portal_cache
from koers.search import database, text
from tests.factories import MembershipFactory, make_item, make_plan, make_plan_with_actions

SYSTEM = Actor.system()
RICH = (
    "<p>De nieuwe <b>Fietspaden</b> &amp; bomen langs de Financiën-straat; scholen, één "
    "café, élan, CO2-uitstoot in 2026 (zie G1-01) en het zwemBAD van auto's.</p>"
)


def _codes(found) -> list[str]:
    return [item.code for item in found.items]


@pytest.fixture
def world(db):
    """Plan of Voorbeeld with goal G1 (actions G1-01, G1-02) and G2, published; a plan of
    another organisation with the same words."""
    plan = make_plan(title="Plan")
    goal = make_item(plan, code="G1", title="Groene ruimte", description="<p>Meer bomen.</p>")
    a = make_item(plan, goal, code="G1-01", title="Fietspad Kerkstraat", description=RICH)
    b = make_item(
        plan,
        goal,
        code="G1-02",
        title="Nieuwe scholen",
        description="<p>Eén school en één boom; de financiën zijn rond.</p>",
    )
    hidden = make_item(plan, code="G2", title="Vergroening pleinen", is_public=False)
    plan.is_published = True
    plan.save()  # publishing takes the portal's snapshot
    stranger_plan = make_plan(title="Plan van elders")
    make_item(stranger_plan, code="X1", title="Fietspaden en bomen, scholen en financiën")
    return {"plan": plan, "goal": goal, "a": a, "b": b, "hidden": hidden, "other": stranger_plan}


# -- the same terms on both databases --------------------------------------------------------


def test_a_text_becomes_dutch_terms():
    assert text.terms(RICH) == [
        "nieuw",
        "fietspad",
        "bom",
        "lang",
        "financien",
        "strat",
        "schol",
        "een",
        "caf",
        "elan",
        "co2",
        "uitstot",
        "2026",
        "zie",
        "g1",
        "01",
        "zwembad",
        "auto",
        "s",
    ]
    assert text.query_words("de, het EN van") == []  # only stop words: nothing counts
    assert text.query_words(" ?! ") is None  # nothing typed


def _indexed_terms(item) -> set[str]:
    """What the database holds for the item in its full-text index."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT unnest(tsvector_to_array(koers_search_vector("
                f"{database.ITEMS.expression()}))) FROM plans_planitem WHERE id = %s",
                [item.pk],
            )
            return {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT body FROM search_item_fts WHERE rowid = %s", [item.pk])
        return set(cursor.fetchone()[0].split())


def test_the_database_indexes_the_terms_written_and_changed(world):
    item = world["a"]
    item.refresh_from_db()
    expected = set(text.terms(f"{item.code} {item.title} {item.description}"))
    assert _indexed_terms(item) == expected
    assert {"fietspad", "kerkstrat", "financien", "bom", "co2"} <= expected
    item_services.update_item(item, {"title": "Speelpleinen", "description": ""}, actor=SYSTEM)
    assert _indexed_terms(item) == {"g1", "01", "speelplein"}


def test_postgresql_stems_every_dutch_word_of_the_catalogue_as_sqlite_does(db):
    """Every word of the Dutch translations (about 2,400 different words): the terms
    PostgreSQL's dutch configuration makes equal ``text.terms``, on which SQLite's index is
    built. On SQLite this checks the same words against the FTS5 table's own reading."""
    catalogue_text = Path("src/koers/locale/nl/LC_MESSAGES/django.po").read_text()
    strings = re.findall(r'^(?:msgstr(?:\[\d\])? )?"(.*)"$', catalogue_text, re.M)
    words = sorted({word for value in strings for word in text.words(value)})
    assert len(words) > 2000
    expected = {word: sorted(set(text.terms(word))) for word in words}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT w, tsvector_to_array(koers_search_vector(w)) FROM unnest(%s::text[]) w",
                [words],
            )
            found = {word: sorted(lexemes) for word, lexemes in cursor.fetchall()}
        else:
            cursor.execute("SELECT koers_search_terms(%s)", ["\n".join(words)])
            (joined,) = cursor.fetchone()
            assert joined.split() == [term for word in words for term in text.terms(word)]
            found = expected
    differ = {
        word: (found[word], expected[word]) for word in words if found[word] != expected[word]
    }
    assert differ == {}


# -- the app: search in the plan tree --------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("fietspad", ["G1-01"]),
        ("fietspaden", ["G1-01"]),
        ("FIETSPADEN", ["G1-01"]),
        ("fiets", ["G1-01"]),  # the start of a word
        ("bomen", ["G1", "G1-01", "G1-02"]),  # bomen, boom
        ("boom", ["G1", "G1-01", "G1-02"]),
        ("school", ["G1-01", "G1-02"]),  # scholen, school
        ("financien", ["G1-01", "G1-02"]),  # without the accent
        ("financiën", ["G1-01", "G1-02"]),
        ("groen", ["G1"]),  # groene; vergroening is no match: it starts otherwise
        ("vergroenen", ["G2"]),
        ("nieuwe scholen", ["G1-01", "G1-02"]),  # every word must match
        ("fietspad school", ["G1-01"]),
        ("G1-0", ["G1-01", "G1-02"]),
        ("co2", ["G1-01"]),
        ("de het", []),  # stop words only
        ("xyzzy", []),
        ("b amp", []),  # tags and entities are no words
    ],
)
def test_the_plan_tree_search_understands_dutch_word_forms(world, query, codes):
    assert _codes(search_plan(world["plan"], query)) == codes


def test_the_plan_tree_search_keeps_to_the_plan(world):
    assert _codes(search_plan(world["other"], "fietspaden bomen")) == ["X1"]
    assert _codes(search_plan(world["plan"], "elders")) == []
    found = search_plan(world["plan"], "")
    assert (found.typed, found.items, found.total) == (False, [], 0)


def test_the_plan_tree_search_shows_the_first_results_and_counts_all(world):
    found = search_plan(world["plan"], "boom", limit=2)
    assert (_codes(found), found.total, found.more) == (["G1", "G1-01"], 3, 1)


@pytest.fixture
def member(world, client):
    membership = MembershipFactory(organisation=world["plan"].organisation, role=Role.READER)
    client.force_login(membership.user)
    return client


def _search_url(plan) -> str:
    return reverse("plans:plan_search", kwargs={"org": plan.organisation.slug, "pk": plan.pk})


def test_the_search_page_lists_code_title_level_status_and_link(world, member):
    plan = world["plan"]
    status = plan.statuses.get(key="lopend")
    item_services.update_item(world["b"], {"status": status}, actor=SYSTEM)
    html = member.get(_search_url(plan), {"q": "scholen"}).content.decode()
    assert "2 onderdelen passen bij “scholen”" in html
    link = reverse("plans:item_detail", kwargs={"org": plan.organisation.slug, "pk": world["b"].pk})
    assert (
        f'<a href="{link}"><span class="k-code">G1-02</span> Nieuwe scholen</a>\n'
        f'    <span class="k-muted k-small">Actieplan · <span class="k-badge" '
        f'data-colour="{status.colour}">{status.name}</span></span>'
    ) in html
    assert 'role="search"' in html and 'value="scholen"' in html
    assert "<html" in html  # a whole page without JavaScript


def test_htmx_gets_only_the_results(world, member):
    response = member.get(_search_url(world["plan"]), {"q": "boom"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "3 onderdelen passen bij “boom”" in html
    assert html.count("<li>") == 3


def test_the_plan_tree_has_the_search_field(world, member):
    plan = world["plan"]
    url = reverse("plans:plan_tree", kwargs={"org": plan.organisation.slug, "pk": plan.pk})
    html = member.get(url).content.decode()
    assert f'action="{_search_url(plan)}" hx-get="{_search_url(plan)}"' in html
    assert '<label for="plan-search-q">Zoeken in dit plan</label>' in html
    assert '<div id="plan-search-results" aria-live="polite"></div>' in html


def test_another_organisations_plan_cannot_be_searched(world, member):
    assert member.get(_search_url(world["other"]), {"q": "fietspaden"}).status_code == 404


def test_the_search_page_takes_the_same_queries_for_small_and_large_plans(db, client):
    counts = []
    for actions in (20, 400):
        plan = make_plan_with_actions(actions)
        membership = MembershipFactory(organisation=plan.organisation, role=Role.READER)
        client.force_login(membership.user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_search_url(plan), {"q": "actie"})
        assert response.status_code == 200
        assert search_plan(plan, "actie").total >= actions
        counts.append(len(queries))
    assert counts[0] == counts[1]


# -- the portal ------------------------------------------------------------------------------


def _portal_codes(plan, query) -> list[str]:
    public = portal_cache.public_plan(plan)
    return [row.item.code for row in public.search(public.rows, query, plan)]


def test_the_portal_search_finds_only_public_items_of_the_plan(world):
    plan = world["plan"]
    assert search_plan(plan, "pleinen").total == 1  # the app finds the hidden item
    assert _portal_codes(plan, "pleinen") == []  # the portal does not
    assert _portal_codes(plan, "bomen") == ["G1", "G1-01", "G1-02"]
    assert _portal_codes(plan, "elders") == []  # the other organisation's plan


def test_the_portal_search_page_shows_no_hidden_or_foreign_item(world, client):
    plan = world["plan"]
    url = reverse("portal:plan", kwargs={"org": plan.organisation.slug, "pk": plan.pk})
    rows = client.get(url, {"q": "fietspaden"}).context["results"]
    assert [row.item.code for row in rows] == ["G1-01"]
    assert client.get(url, {"q": "vergroening"}).context["result_count"] == 0


# -- the cijferdatabank ----------------------------------------------------------------------


def test_the_cijferdatabank_search_understands_dutch_word_forms(world):
    organisation = world["plan"].organisation
    values = {"unit": "number", "decimals": 0, "theme": "Mobiliteit"}
    indicator_services.create_indicator(
        organisation,
        {**values, "code": "FP", "name": "Kilometers fietspaden", "definition": "Aangelegd."},
        actor=SYSTEM,
    )
    indicator_services.create_indicator(
        organisation,
        {**values, "code": "BO", "name": "Geplante bomen", "theme": "Groen"},
        actor=SYSTEM,
    )
    indicator_services.create_indicator(
        world["other"].organisation,
        {**values, "code": "FP", "name": "Fietspaden elders"},
        actor=SYSTEM,
    )

    def codes(query):
        return [row.indicator.code for row in catalogue(organisation, Filters(q=query))]

    assert codes("fietspad") == ["FP"]
    assert codes("boom") == ["BO"]
    assert codes("mobiliteit aangelegde") == ["FP"]  # theme and definition
    assert codes("elders") == []
    assert codes("de") == []


# -- SQLite: the triggers come back after a migration rebuilt the table ----------------------


def test_install_restores_dropped_triggers_and_refills_the_index(world):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's triggers")
    with connection.cursor() as cursor:
        for name in ("insert", "update", "delete"):
            cursor.execute(f"DROP TRIGGER search_item_fts_{name}")
        cursor.execute("DELETE FROM search_item_fts")
    assert _codes(search_plan(world["plan"], "bomen")) == []
    database.install(connection)
    assert _codes(search_plan(world["plan"], "bomen")) == ["G1", "G1-01", "G1-02"]
    make_item(world["plan"], code="G3", title="Bomenplan")
    assert _codes(search_plan(world["plan"], "bomen")) == ["G1", "G1-01", "G1-02", "G3"]
