"""A Netherlands plan speaks Netherlands Dutch: no Flemish word (dienst, rapporteringsronde,
uiterste datum, initieel budget, prioritair beleid, meerjarenplan, enkel) reaches its pages,
e-mails or reports, and the W-questions follow the tense of the document."""

import re
from datetime import timedelta
from pathlib import Path

import polib
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from koers.accounts.actor import Actor
from koers.followup.reminders import send_reminders
from koers.plans.terminology import dutch_of, terminology_for
from koers.reporting.contents import build_report
from tests.factories import open_round

LOCALE = Path(__file__).parents[1] / "src" / "koers" / "locale"
FLEMISH = re.compile(
    r"\bdienst(en)?\b|diensthoofd|rapportering|uiterste datum|\binitie|huidig budget|prioritair"
    r"|regulier beleid|meerjarenplan|\benkel\b|opvolgingsrapport",
    re.IGNORECASE,
)


def _flemish_in(text: str) -> list[str]:
    return sorted({match.group(0).lower() for match in FLEMISH.finditer(text)})


def _translations(entry) -> list[str]:
    return [entry.msgstr, *entry.msgstr_plural.values()]


def test_every_flemish_sentence_has_its_netherlands_form():
    common = polib.pofile(str(LOCALE / "nl" / "LC_MESSAGES" / "django.po"))
    netherlands = {
        (entry.msgctxt, entry.msgid): entry
        for entry in polib.pofile(str(LOCALE / "nl_NL" / "LC_MESSAGES" / "django.po"))
    }
    missing, still_flemish = [], []
    for entry in common:
        if entry.obsolete or not any(FLEMISH.search(text) for text in _translations(entry)):
            continue
        override = netherlands.get((entry.msgctxt, entry.msgid))
        if override is None:
            missing.append(entry.msgid)
        elif any(FLEMISH.search(text) for text in _translations(override)):
            still_flemish.append(entry.msgid)
    assert missing == [] and still_flemish == []
    # and nothing in the Netherlands catalogue is left over from a sentence that is gone
    known = {(entry.msgctxt, entry.msgid) for entry in common if not entry.obsolete}
    assert sorted(key[1] for key in netherlands if key not in known) == []


def test_the_presets_name_their_dutch():
    assert dutch_of("flemish_bbc") == "nl-be"
    assert dutch_of("dutch_pc") == "nl-nl"
    with translation.override("nl-nl"):
        assert translation.gettext("Departments") == "Afdelingen"
        assert translation.gettext("Deadline") == "Inleverdatum"
        assert translation.gettext("Initial budget") == "Primitieve begroting"
        assert translation.gettext("Current budget") == "Begroting na wijziging"
        assert translation.gettext("Plans") == "Plannen"  # the rest comes from the common catalogue
    with translation.override("nl-be"):
        assert translation.gettext("Departments") == "Diensten"
        assert translation.gettext("Deadline") == "Uiterste datum"


def test_w_questions_in_the_tense_of_the_document():
    words = terminology_for("dutch_pc")
    assert [words.section(key) for key in ("intent", "progress", "cost")] == [
        "Wat willen we bereiken?",
        "Wat gaan we daarvoor doen?",
        "Wat mag het kosten?",
    ]
    assert [words.account_section(key) for key in ("intent", "progress", "cost")] == [
        "Wat hebben we bereikt?",
        "Wat hebben we daarvoor gedaan?",
        "Wat heeft het gekost?",
    ]
    # a plan's own label wins in both tenses; Flemish labels have no tense
    own = terminology_for("dutch_pc", sections={"cost": "Financiën"})
    assert own.section("cost") == own.account_section("cost") == "Financiën"
    flemish = terminology_for("flemish_bbc")
    assert flemish.account_sections == flemish.sections


def test_a_rounds_report_asks_in_the_past_tense_the_plan_in_the_future(demo):
    plan = demo.dutch_plan
    assert build_report(plan).labels["intent"] == "Wat willen we bereiken?"
    round_ = open_round(
        plan, Actor.member(demo.membership("admin@proefdorp.nl", "proefdorp")), "2026", 2026
    )
    assert build_report(plan, round_).labels["intent"] == "Wat hebben we bereikt?"


DUTCH_PAGES = [
    ("accounts:departments", {}),
    ("accounts:members", {}),
    ("plans:plan_list", {}),
    ("plans:plan_tree", {"plan": True}),
    ("followup:rounds", {"plan": True}),
    ("reporting:reports", {"plan": True}),
]


@pytest.mark.parametrize("name, kwargs", DUTCH_PAGES)
def test_a_netherlands_organisations_pages_have_no_flemish_words(demo, login, name, kwargs):
    client = login("admin@proefdorp.nl")
    args = {"org": "proefdorp"}
    if kwargs.get("plan"):
        args["pk"] = demo.dutch_plan.pk
    response = client.get(reverse(name, kwargs=args))
    assert response.status_code == 200
    page = response.content.decode()
    assert _flemish_in(page) == []
    assert '<html lang="nl-nl"' in page
    assert response.headers["Content-Language"] == "nl-nl"


def test_a_netherlands_item_page_speaks_p_and_c(demo, login):
    item = demo.dutch_plan.items.filter(depth__gt=1).order_by("path").first()
    page = (
        login("admin@proefdorp.nl")
        .get(reverse("plans:item_detail", kwargs={"org": "proefdorp", "pk": item.pk}))
        .content.decode()
    )
    assert _flemish_in(page) == []
    assert "Primitief" in page or "Geen bedragen" in page or "Begroting" in page


def test_a_flemish_organisation_keeps_its_words_and_english_stays_english(demo, login):
    client = login("admin@voorbeeld.be")
    page = client.get(reverse("accounts:departments", kwargs={"org": "voorbeeld"})).content
    assert "Diensten" in page.decode() and '<html lang="nl-be"' in page.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("accounts:departments", kwargs={"org": "proefdorp"}))
    assert page.status_code == 404  # not a member: the words change nothing of tenancy
    client = login("admin@proefdorp.nl")
    english = client.get(reverse("accounts:departments", kwargs={"org": "proefdorp"}))
    assert "Departments" in english.content.decode()
    assert '<html lang="en"' in english.content.decode()
    translation.activate("nl-be")


def test_a_new_plan_starts_from_the_organisations_preset(demo, login):
    page = (
        login("admin@proefdorp.nl")
        .get(reverse("plans:plan_create", kwargs={"org": "proefdorp"}))
        .content.decode()
    )
    assert re.search(r'<option value="dutch_pc"[^>]*selected', page)
    page = (
        login("admin@voorbeeld.be")
        .get(reverse("plans:plan_create", kwargs={"org": "voorbeeld"}))
        .content.decode()
    )
    assert re.search(r'<option value="flemish_bbc"[^>]*selected', page)


def test_reminders_speak_the_dutch_of_the_plan(demo):
    plan = demo.dutch_plan
    round_ = open_round(
        plan, Actor.member(demo.membership("admin@proefdorp.nl", "proefdorp")), "Q4", 2026
    )
    owner = demo.user("beleid@proefdorp.nl")
    plan.items.filter(depth__gt=1).update(owner=owner)
    assert send_reminders(today=round_.deadline - timedelta(days=1)) == 1
    message = mail.outbox[-1]
    assert message.subject.startswith("Herinnering: uw voortgangsrapportage")
    assert "Inleverdatum: 15 jul. 2026" in message.body
    assert _flemish_in(message.subject + message.body) == []


def _admin(demo):
    return Actor.member(demo.membership("admin@proefdorp.nl", "proefdorp"))


def test_a_netherlands_plans_sheet_says_afdelingen_and_reads_back_unchanged(demo):
    from koers.plans.services.spreadsheet import plan_rows, plan_xlsx, sheet_changes

    plan = demo.dutch_plan
    plan.items.filter(depth__gt=1).update(policy="priority")
    rows = plan_rows(plan)
    assert "Afdelingen" in rows[0] and "Diensten" not in rows[0]
    assert {row[-1] for row in rows[1:]} == {"speerpunt"}
    changes = sheet_changes(plan, plan_xlsx(plan), "plan.xlsx")
    assert changes.problems == [] and changes.changed == [] and changes.new == []
    assert "Diensten" in plan_rows(demo.plan)[0]  # a Flemish plan keeps its word


def test_an_administrator_chooses_the_organisations_words(demo, login):
    from tests.form_data import version_of

    admin = login("admin@voorbeeld.be")
    url = reverse("accounts:portal_branding", kwargs={"org": "voorbeeld"})
    departments = reverse("accounts:departments", kwargs={"org": "voorbeeld"})
    values = {"name": "Gemeente Voorbeeld", "colour": "#1d4f91", **version_of(demo.voorbeeld)}
    assert admin.post(url, {**values, "terminology_preset": "dutch_pc"}).status_code == 302
    assert "<h1>Afdelingen</h1>" in admin.get(departments).content.decode()
    # left out of the form, it stays as it is
    values = {"name": "Gemeente Voorbeeld", "colour": "#1d4f91", **version_of(demo.voorbeeld)}
    assert admin.post(url, values).status_code == 302
    assert demo.voorbeeld.terminology_preset == "dutch_pc"
    # the plans keep their own preset: the Flemish plan still speaks Flemish
    rounds = reverse("followup:rounds", kwargs={"org": "voorbeeld", "pk": demo.plan.pk})
    assert "<h1>Rapporteringsrondes</h1>" in admin.get(rounds).content.decode()
