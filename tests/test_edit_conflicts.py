"""Optimistic locking of every edit form: a save from a form opened before someone else's
save is refused with a 409 page that shows both versions and keeps what was typed; saving
that page again (with the new version) is a conscious overwrite and succeeds."""

import re
import threading
from html import unescape

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import translation

from koers.accounts import services as account_services
from koers.accounts.actor import Actor
from koers.accounts.locking import EditConflict
from koers.accounts.models import Department, Organisation, Role
from koers.followup import services as followup_services
from koers.followup.models import ReportingRound
from koers.plans.models import PlanItem, PlanStatus
from koers.plans.services import items as item_services
from koers.plans.services import plans as plan_services
from koers.portal.forms import BrandingForm, save_branding
from koers.reporting.models import RoundReportText
from koers.reporting.services import save_report_text
from tests.factories import make_item, make_plan
from tests.form_data import form_data

CONFLICT = "Iemand anders heeft dit intussen gewijzigd"
ORG = "voorbeeld"


@pytest.fixture
def admin(demo):
    """The other person, who saves in between."""
    return Actor.member(demo.membership("admin@voorbeeld.be"))


def rows(page: str) -> list[tuple[str, str, str]]:
    """(field, stored, yours) of the fields that differ on a conflict page, as text."""
    found = re.findall(
        r'<tr class="k-differs"><th scope="row">(.*?)</th><td class="stored">(.*?)</td>'
        r'<td class="yours">(.*?)</td></tr>',
        page,
        re.S,
    )
    return [tuple(_text(cell) for cell in row) for row in found]


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def assert_refused(response, stored: str, yours: str, who: str = "Anna Admin") -> str:
    """409, the explanation, who saved, and a field whose stored and typed values differ."""
    assert response.status_code == 409
    page = response.content.decode()
    assert CONFLICT in page
    assert who in page
    assert any(stored in row[1] and yours in row[2] for row in rows(page)), rows(page)
    return page


def stale_post(client, url, typed: dict, meanwhile) -> str:
    """Open the form, type, let someone else save, then send what was typed."""
    data = form_data(client.get(url))
    data.update(typed)
    meanwhile()
    return client.post(url, data)


def resubmit(client, url, page: str):
    """Send the conflict page's form as it is: the typing with the new version."""
    return client.post(url, form_data(page, form_id="yours"))


# -- plan items ---------------------------------------------------------------------------


def test_stale_item_edit_is_refused_and_keeps_the_typing(demo, admin, login):
    client = login("coordinator@voorbeeld.be")
    item = demo.item("BD1-01-01")
    url = reverse("plans:item_edit", kwargs={"org": ORG, "pk": item.pk})
    typed = {"title": "Mijn titel", "description": "<p>Mijn lange tekst</p>"}

    def meanwhile():
        item_services.update_item(demo.item("BD1-01-01"), {"title": "Hun titel"}, actor=admin)

    response = stale_post(client, url, typed, meanwhile)
    page = assert_refused(response, "Hun titel", "Mijn titel")
    item.refresh_from_db()
    assert item.title == "Hun titel"
    again = form_data(page, form_id="yours")
    assert again["title"] == ["Mijn titel"]
    assert again["description"] == ["<p>Mijn lange tekst</p>"]
    assert again["version"] == [str(item.version)]

    assert resubmit(client, url, page).status_code == 302
    item.refresh_from_db()
    assert (item.title, item.description) == ("Mijn titel", "<p>Mijn lange tekst</p>")
    titles = list(item.history.order_by("-history_id").values_list("title", flat=True)[:2])
    assert titles == ["Mijn titel", "Hun titel"]  # both saves are in the history


def test_stale_item_move_is_refused(demo, admin, login):
    client = login("coordinator@voorbeeld.be")
    item, theirs, mine = demo.item("BD1-01-01"), demo.item("BD2-01"), demo.item("BD1-02")
    url = reverse("plans:item_move", kwargs={"org": ORG, "pk": item.pk})
    typed = {"position": "last-child", "target": str(mine.pk)}

    def meanwhile():
        item_services.move_item(demo.item("BD1-01-01"), theirs, "last-child", actor=admin)

    page = assert_refused(stale_post(client, url, typed, meanwhile), "BD2-01", "BD1-02")
    assert PlanItem.objects.get_parent(demo.item("BD1-01-01")).pk == theirs.pk
    assert form_data(page, form_id="yours")["target"] == [str(mine.pk)]

    assert resubmit(client, url, page).status_code == 302
    assert PlanItem.objects.get_parent(demo.item("BD1-01-01")).pk == mine.pk


# -- milestones ---------------------------------------------------------------------------


def _milestone(demo, done: bool):
    item = demo.item("BD1-01-01")
    return item.milestones.filter(done=done).first() or item_services.save_milestone(
        item, {"title": "Mijlpaal", "done": done}, actor=Actor.system()
    )


def test_stale_milestone_edit_is_refused(demo, admin, login):
    client = login("coordinator@voorbeeld.be")
    milestone = _milestone(demo, done=False)
    url = reverse("plans:milestone_edit", kwargs={"org": ORG, "pk": milestone.pk})

    def meanwhile():
        item_services.save_milestone(
            milestone.item, {"title": "Hun mijlpaal"}, actor=admin, milestone=milestone
        )

    response = stale_post(client, url, {"title": "Mijn mijlpaal"}, meanwhile)
    page = assert_refused(response, "Hun mijlpaal", "Mijn mijlpaal")
    milestone.refresh_from_db()
    assert milestone.title == "Hun mijlpaal"
    assert form_data(page, form_id="yours")["title"] == ["Mijn mijlpaal"]

    assert resubmit(client, url, page).status_code == 302
    milestone.refresh_from_db()
    assert milestone.title == "Mijn mijlpaal"


def _tick_form(client, milestone):
    item_page = client.get(
        reverse("plans:item_detail", kwargs={"org": ORG, "pk": milestone.item_id})
    )
    return form_data(item_page, action=f"/milestones/{milestone.pk}/done/")


def test_stale_milestone_tick_is_refused(demo, admin, login):
    client = login("coordinator@voorbeeld.be")
    milestone = _milestone(demo, done=True)
    url = reverse("plans:milestone_toggle", kwargs={"org": ORG, "pk": milestone.pk})
    data = _tick_form(client, milestone)
    assert data["done"] == ["0"]  # the button takes the tick away
    item_services.save_milestone(
        milestone.item, {"title": "Hun mijlpaal"}, actor=admin, milestone=milestone
    )
    page = assert_refused(client.post(url, data), "afgerond", "niet afgerond")
    milestone.refresh_from_db()
    assert (milestone.title, milestone.done) == ("Hun mijlpaal", True)
    assert form_data(page, form_id="yours")["done"] == ["0"]

    assert resubmit(client, url, page).status_code == 302
    milestone.refresh_from_db()
    assert (milestone.title, milestone.done) == ("Hun mijlpaal", False)


def test_stale_milestone_tick_in_place_shows_both_and_offers_to_save_anyway(demo, admin, login):
    client = login("coordinator@voorbeeld.be")
    milestone = _milestone(demo, done=True)
    url = reverse("plans:milestone_toggle", kwargs={"org": ORG, "pk": milestone.pk})
    data = _tick_form(client, milestone)
    item_services.save_milestone(
        milestone.item, {"title": "Hun mijlpaal"}, actor=admin, milestone=milestone
    )
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 409
    row = response.content.decode()
    assert CONFLICT in row and "Anna Admin" in row
    assert "Het is afgerond" in row and "Uw versie: niet afgerond." in row
    milestone.refresh_from_db()
    assert milestone.done
    again = form_data(row, action=f"/milestones/{milestone.pk}/done/")
    assert again["done"] == ["0"] and again["version"] == [str(milestone.version)]

    response = client.post(url, again, headers={"HX-Request": "true"})
    assert response.status_code == 200 and CONFLICT not in response.content.decode()
    milestone.refresh_from_db()
    assert not milestone.done


# -- budget lines -------------------------------------------------------------------------


def test_stale_budget_line_edit_is_refused(demo, admin, login):
    client = login("coordinator@voorbeeld.be")
    line = demo.item("BD1-01-01").budget_lines.first()
    url = reverse("plans:budget_edit", kwargs={"org": ORG, "pk": line.pk})

    def meanwhile():
        item_services.save_budget_line(line.item, {"actual": 999}, actor=admin, line=line)

    response = stale_post(client, url, {"actual": "1.234,00"}, meanwhile)
    page = assert_refused(response, "999,00", "1234,00")
    line.refresh_from_db()
    assert line.actual == 999
    assert form_data(page, form_id="yours")["actual"] == ["1.234,00"]

    assert resubmit(client, url, page).status_code == 302
    line.refresh_from_db()
    assert line.actual == 1234


# -- plan settings and statuses -----------------------------------------------------------


def test_stale_plan_settings_are_refused(demo, admin, login):
    client = login("coordinator@voorbeeld.be")
    plan = demo.plan
    url = reverse("plans:plan_edit", kwargs={"org": ORG, "pk": plan.pk})

    def meanwhile():
        plan_services.update_plan(demo.plan, {"title": "Hun plan"}, actor=admin)

    response = stale_post(client, url, {"title": "Mijn plan", "last_year": "2032"}, meanwhile)
    page = assert_refused(response, "Hun plan", "Mijn plan")
    plan.refresh_from_db()
    assert (plan.title, plan.last_year) == ("Hun plan", 2031)
    assert form_data(page, form_id="yours")["last_year"] == ["2032"]

    assert resubmit(client, url, page).status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.last_year) == ("Mijn plan", 2032)


def test_stale_status_vocabulary_is_refused(demo, admin, login):
    client = login("coordinator@voorbeeld.be")
    plan = demo.plan
    status = PlanStatus.objects.filter(plan=plan).first()
    url = reverse("plans:plan_statuses", kwargs={"org": ORG, "pk": plan.pk})
    name = f"s{status.pk}-name"

    def meanwhile():
        theirs = PlanStatus.objects.get(pk=status.pk)
        theirs.name = "Hun status"
        plan_services.save_statuses(plan, [theirs], None, actor=admin)

    response = stale_post(client, url, {name: "Mijn status"}, meanwhile)
    page = assert_refused(response, "Hun status", "Mijn status")
    status.refresh_from_db()
    assert status.name == "Hun status"
    again = form_data(page, form_id="yours")
    assert again[name] == ["Mijn status"]
    assert again[f"s{status.pk}-version"] == [str(status.version)]

    assert resubmit(client, url, page).status_code == 302
    status.refresh_from_db()
    assert status.name == "Mijn status"


# -- reporting rounds and their chapters --------------------------------------------------


@pytest.fixture
def round_(demo):
    return ReportingRound.objects.filter(plan=demo.plan, state=ReportingRound.State.OPEN).first()


def test_stale_round_edit_is_refused(demo, admin, round_, login):
    client = login("coordinator@voorbeeld.be")
    url = reverse("followup:round_edit", kwargs={"org": ORG, "pk": round_.pk})
    name = round_.name

    def meanwhile():
        followup_services.update_round(round_, {"name": "Hun ronde"}, actor=admin)

    page = assert_refused(
        stale_post(client, url, {"name": "Mijn ronde"}, meanwhile), "Hun ronde", "Mijn ronde"
    )
    round_.refresh_from_db()
    assert round_.name == "Hun ronde" != name
    assert resubmit(client, url, page).status_code == 302
    round_.refresh_from_db()
    assert round_.name == "Mijn ronde"


def test_closing_a_round_makes_an_open_edit_form_stale(demo, admin, round_, login):
    client = login("coordinator@voorbeeld.be")
    url = reverse("followup:round_edit", kwargs={"org": ORG, "pk": round_.pk})
    data = form_data(client.get(url))  # sent as it was opened
    followup_services.close_round(round_, actor=admin)
    response = client.post(url, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "iets wat dit formulier niet toont" in page and rows(page) == []
    round_.refresh_from_db()
    assert round_.state == ReportingRound.State.CLOSED


def test_stale_round_chapters_are_refused(demo, admin, round_, login):
    client = login("coordinator@voorbeeld.be")
    save_report_text(RoundReportText(round=round_), {"changed_assumptions": "<p>Eerste</p>"}, admin)
    url = reverse("reporting:report_text", kwargs={"org": ORG, "pk": round_.pk})

    def meanwhile():
        text = RoundReportText.objects.get(round=round_)
        save_report_text(text, {"changed_assumptions": "<p>Hun uitgangspunten</p>"}, admin)

    typed = {"changed_assumptions": "<p>Mijn uitgangspunten</p>"}
    page = assert_refused(
        stale_post(client, url, typed, meanwhile), "Hun uitgangspunten", "Mijn uitgangspunten"
    )
    assert RoundReportText.objects.get(round=round_).changed_assumptions == (
        "<p>Hun uitgangspunten</p>"
    )
    assert form_data(page, form_id="yours")["changed_assumptions"] == ["<p>Mijn uitgangspunten</p>"]
    assert resubmit(client, url, page).status_code == 302
    assert RoundReportText.objects.get(round=round_).changed_assumptions == (
        "<p>Mijn uitgangspunten</p>"
    )


def test_round_chapters_written_by_two_people_from_nothing(demo, admin, round_, login):
    client = login("coordinator@voorbeeld.be")
    assert not RoundReportText.objects.filter(round=round_).exists()
    url = reverse("reporting:report_text", kwargs={"org": ORG, "pk": round_.pk})

    def meanwhile():
        save_report_text(
            RoundReportText(round=round_),
            {"changed_risks": "<p>Hun risico's</p>"},
            admin,
            expected_version=0,
        )

    typed = {"changed_risks": "<p>Mijn risico's</p>"}
    page = assert_refused(stale_post(client, url, typed, meanwhile), "Hun risico", "Mijn risico")
    assert RoundReportText.objects.get(round=round_).changed_risks == "<p>Hun risico's</p>"
    assert resubmit(client, url, page).status_code == 302
    assert RoundReportText.objects.get(round=round_).changed_risks == "<p>Mijn risico's</p>"


# -- members, departments, portal ---------------------------------------------------------


def test_stale_member_edit_is_refused(demo, admin, login):
    client = login("admin@voorbeeld.be")
    membership = demo.membership("editor@voorbeeld.be")
    url = reverse("accounts:member_edit", kwargs={"org": ORG, "pk": membership.pk})

    def meanwhile():
        account_services.update_member(
            demo.membership("editor@voorbeeld.be"), {"role": Role.COORDINATOR}, actor=admin
        )

    response = stale_post(client, url, {"role": Role.READER}, meanwhile)
    with translation.override("nl-be"):
        coordinator, reader = str(Role.COORDINATOR.label), str(Role.READER.label)
    page = assert_refused(response, coordinator, reader)
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR
    assert form_data(page, form_id="yours")["role"] == [Role.READER]
    assert resubmit(client, url, page).status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.READER


def test_stale_department_edit_is_refused(demo, admin, login):
    client = login("admin@voorbeeld.be")
    department = Department.objects.filter(organisation=demo.voorbeeld).first()
    url = reverse("accounts:department_edit", kwargs={"org": ORG, "pk": department.pk})

    def meanwhile():
        account_services.save_department(
            demo.voorbeeld,
            {"name": "Hun dienst", "head": department.head},
            actor=admin,
            department=Department.objects.get(pk=department.pk),
        )

    page = assert_refused(
        stale_post(client, url, {"name": "Mijn dienst"}, meanwhile), "Hun dienst", "Mijn dienst"
    )
    department.refresh_from_db()
    assert department.name == "Hun dienst"
    assert resubmit(client, url, page).status_code == 302
    department.refresh_from_db()
    assert department.name == "Mijn dienst"


def test_stale_portal_settings_are_refused(demo, admin, login):
    client = login("admin@voorbeeld.be")
    url = reverse("accounts:portal_branding", kwargs={"org": ORG})

    def meanwhile():
        organisation = demo.voorbeeld
        data = {"name": "Hun gemeente", "colour": "#112233", "version": organisation.version}
        form = BrandingForm(data, instance=organisation)
        assert form.is_valid(), form.errors
        save_branding(organisation, form, admin)

    typed = {"name": "Mijn gemeente", "colour": "#445566"}
    response = stale_post(client, url, typed, meanwhile)
    assert response.status_code == 409
    page = response.content.decode()
    assert CONFLICT in page
    # Organisations keep no history: the page says when, not who.
    assert any("Hun gemeente" in row[1] and "Mijn gemeente" in row[2] for row in rows(page))
    assert any("#112233" in row[1] and "#445566" in row[2] for row in rows(page))
    assert Organisation.objects.get(slug=ORG).name == "Hun gemeente"
    assert resubmit(client, url, page).status_code == 302
    organisation = Organisation.objects.get(slug=ORG)
    assert (organisation.name, organisation.colour) == ("Mijn gemeente", "#445566")


# -- the service, the command line and many writers at once -------------------------------


def test_services_refuse_a_stale_version_and_count_unchecked_saves(db):
    plan = make_plan()
    item = make_item(plan, title="Eerste")
    assert item.version == 1
    item_services.update_item(item, {"title": "Tweede"}, actor=Actor.system())  # unchecked
    assert PlanItem.objects.get(pk=item.pk).version == 2
    stale = PlanItem.objects.get(pk=item.pk)
    item_services.update_item(item, {"title": "Derde"}, actor=Actor.system(), expected_version=2)
    with pytest.raises(EditConflict) as refused:
        item_services.update_item(
            stale, {"title": "Vierde"}, actor=Actor.system(), expected_version=2
        )
    assert refused.value.current.title == "Derde"
    assert refused.value.current.version == 3
    assert PlanItem.objects.get(pk=item.pk).title == "Derde"


WRITERS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_writers_from_the_same_version_one_wins_none_is_lost():
    """50 people save the same item from the same version: exactly one save lands, the 49
    others are told (EditConflict), and nothing is overwritten without a word. On
    PostgreSQL they run at once, each in its own thread and connection; SQLite runs
    write transactions one at a time, so there they are sequential stale saves."""
    plan = make_plan()
    item = make_item(plan, title="Begin")
    start = PlanItem.objects.get(pk=item.pk).version
    outcome: dict[int, str] = {}
    barrier = threading.Barrier(WRITERS)

    def write(n: int, together: bool):
        try:
            if together:
                barrier.wait()
            mine = PlanItem.objects.select_related("plan").get(pk=item.pk)
            item_services.update_item(
                mine, {"title": f"Schrijver {n}"}, actor=Actor.system(), expected_version=start
            )
            outcome[n] = "saved"
        except EditConflict:
            outcome[n] = "conflict"
        finally:
            if together:
                connections.close_all()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=write, args=(n, True)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for n in range(WRITERS):
            write(n, False)

    saved = [n for n, result in outcome.items() if result == "saved"]
    conflicts = [n for n, result in outcome.items() if result == "conflict"]
    assert len(outcome) == WRITERS
    assert len(saved) == 1 and len(conflicts) == WRITERS - 1
    stored = PlanItem.objects.get(pk=item.pk)
    assert stored.title == f"Schrijver {saved[0]}" and stored.version == start + 1
    # Lost silently: a writer told "saved" whose title is neither stored nor in history.
    history = set(stored.history.values_list("title", flat=True))
    lost = [n for n in saved if f"Schrijver {n}" not in history]
    assert lost == []
    assert history == {"Begin", f"Schrijver {saved[0]}"}


def test_every_edit_form_carries_the_version_it_was_opened_at(demo, login, round_):
    client = login("admin@voorbeeld.be")
    item = demo.item("BD1-01-01")
    milestone = _milestone(demo, done=False)
    line = item.budget_lines.first()
    membership = demo.membership("editor@voorbeeld.be")
    department = Department.objects.filter(organisation=demo.voorbeeld).first()
    before = demo.plan.version
    plan_services.update_plan(demo.plan, {"title": "Nog eens"}, actor=Actor.system())
    urls = {
        reverse("plans:item_edit", kwargs={"org": ORG, "pk": item.pk}): item,
        reverse("plans:item_move", kwargs={"org": ORG, "pk": item.pk}): item,
        reverse("plans:milestone_edit", kwargs={"org": ORG, "pk": milestone.pk}): milestone,
        reverse("plans:budget_edit", kwargs={"org": ORG, "pk": line.pk}): line,
        reverse("plans:plan_edit", kwargs={"org": ORG, "pk": demo.plan.pk}): demo.plan,
        reverse("followup:round_edit", kwargs={"org": ORG, "pk": round_.pk}): round_,
        reverse("accounts:member_edit", kwargs={"org": ORG, "pk": membership.pk}): membership,
        reverse("accounts:department_edit", kwargs={"org": ORG, "pk": department.pk}): department,
        reverse("accounts:portal_branding", kwargs={"org": ORG}): demo.voorbeeld,
    }
    for url, record in urls.items():
        record.refresh_from_db()
        assert form_data(client.get(url))["version"] == [str(record.version)], url
    assert demo.plan.version == before + 1  # every save counts, also one without a form
    # The sign-in settings, edited by the administrator and the provider: none stored yet.
    sso = reverse("hosting:single_sign_on", kwargs={"org": ORG})
    assert form_data(client.get(sso), form_id="sso-form")["sso-version"] == ["0"]
    provider = login("provider@voorbeeld.be")
    settings = reverse("provider:organisation_settings", kwargs={"org": ORG})
    demo.voorbeeld.refresh_from_db()
    assert form_data(provider.get(settings))["version"] == [str(demo.voorbeeld.version)]


# -- deletes: at the version the person saw ---------------------------------------------------


def test_deleting_a_changed_item_milestone_or_budget_line_asks_again(db, client):
    from decimal import Decimal

    from koers.plans.models import BudgetLine, Milestone, PlanItem
    from koers.plans.services import items as item_services
    from tests.factories import MembershipFactory, make_item, make_plan

    plan = make_plan()
    coordinator = MembershipFactory(organisation=plan.organisation, role=Role.COORDINATOR)
    client.force_login(coordinator.user)
    system = Actor.system()
    item = make_item(plan, code="G1", title="Doel")
    milestone = item_services.save_milestone(item, {"title": "Start"}, actor=system)
    line = item_services.save_budget_line(
        item, {"year": 2026, "initial": Decimal("10"), "current": Decimal("10")}, actor=system
    )
    slug = plan.organisation.slug
    cases = [
        (milestone, "plans:milestone_delete", Milestone, {"title": "Start (verschoven)"}),
        (line, "plans:budget_delete", BudgetLine, {"actual": Decimal("5")}),
    ]
    for record, name, model, change in cases:
        seen = record.version
        if model is Milestone:
            item_services.save_milestone(item, change, actor=system, milestone=record)
        else:
            item_services.save_budget_line(item, change, actor=system, line=record)
        url = reverse(name, kwargs={"org": slug, "pk": record.pk})
        response = client.post(url, {"version": seen})
        assert response.status_code == 409
        assert model.objects.filter(pk=record.pk).exists()
        stored = model.objects.get(pk=record.pk)
        page = response.content.decode()
        assert f'name="version" value="{stored.version}"' in page
        assert client.post(url, {"version": stored.version}).status_code == 302
        assert not model.objects.filter(pk=record.pk).exists()
        assert client.post(url, {}).status_code in (404, 400)

    url = reverse("plans:item_delete", kwargs={"org": slug, "pk": item.pk})
    seen = PlanItem.objects.get(pk=item.pk).version
    item_services.update_item(
        PlanItem.objects.get(pk=item.pk), {"title": "Doel (nieuw)"}, actor=system
    )
    response = client.post(url, {"version": seen})
    assert response.status_code == 409
    assert "Doel (nieuw)" in response.content.decode()
    assert PlanItem.objects.filter(pk=item.pk).exists()
    stored = PlanItem.objects.get(pk=item.pk)
    assert client.post(url, {"version": stored.version}).status_code == 302
    assert not PlanItem.objects.filter(pk=item.pk).exists()
