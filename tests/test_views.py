import json
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from koers.plans.document.export import export_plan
from koers.plans.models import DeletedSubtree, Plan, PlanItem
from tests.form_data import version_of


def plan_url(demo, name="plan_tree", org="voorbeeld", plan=None):
    return reverse(f"plans:{name}", kwargs={"org": org, "pk": (plan or demo.plan).pk})


def item_url(item, name="item_detail", org="voorbeeld"):
    return reverse(f"plans:{name}", kwargs={"org": org, "pk": item.pk})


def test_login_and_choose_organisation(demo, client):
    response = client.post(
        reverse("login"), {"username": "beide@koers.test", "password": "demo"}, follow=True
    )
    page = response.content.decode()
    assert "Gemeente Voorbeeld" in page and "Gemeente Proefdorp" in page
    response = client.post(
        reverse("login"), {"username": "editor@voorbeeld.be", "password": "demo"}, follow=True
    )
    # an action owner lands on their own updates (tests/test_owner_work.py: the other roles)
    assert response.redirect_chain[-1][0] == reverse("followup:inbox", kwargs={"org": "voorbeeld"})


def test_tree_uses_the_plans_own_words(demo, login):
    page = login("coordinator@voorbeeld.be").get(plan_url(demo)).content.decode()
    assert "Beleidsdoelstelling › Actieplan › Actie" in page
    assert "BD1-01-01" in page
    assert "Wout Welzijn" in page and "None" not in page  # owners by name
    dutch = (
        login("beide@koers.test")
        .get(plan_url(demo, org="proefdorp", plan=demo.dutch_plan))
        .content.decode()
    )
    assert "Programma › Doel › Activiteit" in dutch


def test_item_page_shows_sections_milestones_money_sdgs_history(demo, login):
    item = (
        PlanItem.objects.filter(plan=demo.plan, depth=4)
        .exclude(milestones=None)
        .exclude(budget_lines=None)
        .exclude(sdg_targets=None)
        .first()
    )
    page = login("reader@voorbeeld.be").get(item_url(item)).content.decode()
    for words in (
        "Ons plan",
        "Tijdspad en mijlpalen",
        "Wat kost het",
        "SDG",
        item.title,
        item.milestones.first().title,
        item.sdg_targets.first().code,
    ):
        assert words in page, words
    dutch_item = PlanItem.objects.filter(plan=demo.dutch_plan, depth=4).first()
    dutch = login("beide@koers.test").get(item_url(dutch_item, org="proefdorp")).content.decode()
    assert "Wat willen we bereiken?" in dutch and "Wat mag het kosten?" in dutch


def test_a_form_error_keeps_what_the_user_typed(demo, login):
    item = demo.item("BD1-01-01")
    response = login("coordinator@voorbeeld.be").post(
        item_url(item, "item_edit"),
        {
            "code": "BD1-01-02",  # taken by a sibling
            "title": "Mijn nieuwe titel die ik niet wil verliezen",
            "description": "<p>Lange tekst</p>",
            "policy": "priority",
            "start_year": "2028",
            "end_year": "2027",
            "weight": "1",
            **version_of(item),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mijn nieuwe titel die ik niet wil verliezen" in page
    assert "BD1-01-02" in page
    assert "De code BD1-01-02 wordt al gebruikt in dit plan." in page
    item.refresh_from_db()
    assert item.title != "Mijn nieuwe titel die ik niet wil verliezen"


def test_scripts_in_descriptions_never_reach_the_page(demo, login):
    item = demo.item("BD1-01-01")
    client = login("coordinator@voorbeeld.be")
    client.post(
        item_url(item, "item_edit"),
        {
            "code": item.code,
            "title": item.title,
            "policy": "priority",
            "weight": "1",
            "description": '<p>Veilig</p><script>document.title="gehackt"</script>'
            '<img src=x onerror="alert(1)">',
            **version_of(item),
        },
    )
    page = client.get(item_url(item)).content.decode()
    assert "Veilig" in page
    assert "gehackt" not in page
    assert "onerror" not in page


def test_create_child_generates_the_code(demo, login):
    parent = demo.item("BD1-01")
    client = login("coordinator@voorbeeld.be")
    response = client.post(
        reverse("plans:item_create", kwargs={"org": "voorbeeld", "pk": demo.plan.pk})
        + f"?parent={parent.pk}",
        {"title": "Nieuwe actie", "policy": "priority", "weight": "1"},
    )
    created = PlanItem.objects.get(plan=demo.plan, title="Nieuwe actie")
    assert response.status_code == 302
    assert created.code.startswith("BD1-01-") and created.depth == parent.depth + 1


def test_delete_asks_first_and_can_be_undone(demo, login):
    client = login("coordinator@voorbeeld.be")
    goal = demo.item("BD2")
    count = PlanItem.objects.filter(plan=demo.plan).count()
    confirm = client.get(item_url(goal, "item_delete")).content.decode()
    below = PlanItem.objects.filter(plan=demo.plan, path__startswith=goal.path).count() - 1
    assert f"Hierdoor worden ook {below} onderliggende onderdelen verwijderd." in confirm
    assert PlanItem.objects.filter(plan=demo.plan).count() == count
    version = re.search(r'name="version" value="(\d+)"', confirm)[1]  # as the page saw it
    response = client.post(item_url(goal, "item_delete"), {"version": version}, follow=True)
    page = response.content.decode()
    trash = DeletedSubtree.objects.get()
    assert reverse("plans:restore_deleted", kwargs={"org": "voorbeeld", "pk": trash.pk}) in page
    assert PlanItem.objects.filter(plan=demo.plan).count() < count
    client.post(reverse("plans:restore_deleted", kwargs={"org": "voorbeeld", "pk": trash.pk}))
    assert PlanItem.objects.filter(plan=demo.plan).count() == count


def test_milestone_can_be_ticked_off_with_htmx(demo, login):
    milestone = (
        demo.item("BD1-01-01").milestones.filter(done=False).first()
        or demo.item("BD1-01-01").milestones.first()
    )
    client = login("coordinator@voorbeeld.be")
    response = client.post(
        reverse("plans:milestone_toggle", kwargs={"org": "voorbeeld", "pk": milestone.pk}),
        {"done": "1", **version_of(milestone)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'id="milestone-{milestone.pk}"' in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.done and milestone.done_on is not None


def test_web_import_of_a_bad_file_changes_nothing(demo, login):
    client = login("coordinator@voorbeeld.be")
    count = Plan.objects.count()
    bad = SimpleUploadedFile("plan.json", b'{"format": "koers.plan-document", "version": 3}')
    response = client.post(reverse("plans:plan_import", kwargs={"org": "voorbeeld"}), {"file": bad})
    assert response.status_code == 400
    assert "$.version" in response.content.decode()
    assert Plan.objects.count() == count
    good = SimpleUploadedFile("plan.json", json.dumps(export_plan(demo.plan)).encode())
    response = client.post(
        reverse("plans:plan_import", kwargs={"org": "voorbeeld"}), {"file": good}
    )
    assert response.status_code == 302
    assert Plan.objects.count() == count + 1


def test_english_can_be_chosen(demo, login):
    client = login("coordinator@voorbeeld.be")
    dutch = client.get(plan_url(demo)).content.decode()
    assert "Afmelden" in dutch
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(plan_url(demo)).content.decode()
    assert "Log out" in english
    translation.activate("nl-be")


def test_export_download(demo, login):
    response = login("reader@voorbeeld.be").get(plan_url(demo, "plan_export"))
    assert response["Content-Disposition"].startswith("attachment")
    assert json.loads(response.content)["plan"]["title"] == demo.plan.title


def test_custom_labels_and_statuses_show_up_everywhere(demo, login):
    client = login("coordinator@voorbeeld.be")
    plan = demo.plan
    response = client.post(
        plan_url(demo, "plan_edit"),
        {
            "title": plan.title,
            "description": plan.description,
            "first_year": "2026",
            "last_year": "2031",
            "terminology_preset": "flemish_bbc",
            "progress_rollup": "weighted",
            "is_published": "on",
            "level_labels_text": "Ambitie\nWerf\nProject",
            "section_cost": "Wat kost dit?",
            **version_of(plan),
        },
    )
    assert response.status_code == 302
    tree = client.get(plan_url(demo)).content.decode()
    assert "Ambitie › Werf › Project" in tree
    item = demo.item("BD1-01-01")
    page = client.get(item_url(item)).content.decode()
    assert "Wat kost dit?" in page and "Project" in page

    statuses = client.get(plan_url(demo, "plan_statuses")).content.decode()
    assert "gerealiseerd" in statuses
    data = {}
    for status in plan.statuses.all():
        prefix = f"s{status.pk}"
        data.update(
            {
                f"{prefix}-name": status.name,
                f"{prefix}-key": status.key,
                f"{prefix}-colour": status.colour,
                f"{prefix}-default_percent": status.default_percent or "",
                f"{prefix}-position": status.position,
                f"{prefix}-version": status.version,
            }
        )
        if status.counts_in_progress:
            data[f"{prefix}-counts_in_progress"] = "on"
    data.update(
        {
            "new-name": "bijna klaar",
            "new-key": "bijna-klaar",
            "new-colour": "#00aa00",
            "new-default_percent": "90",
            "new-counts_in_progress": "on",
            "new-position": "9",
        }
    )
    response = client.post(plan_url(demo, "plan_statuses"), data)
    assert response.status_code == 302
    assert plan.statuses.filter(key="bijna-klaar", default_percent=90).exists()


def test_status_keys_stay_unique_without_errors_pages(demo, login):
    client = login("coordinator@voorbeeld.be")
    plan = demo.plan
    data = {}
    statuses = list(plan.statuses.all())
    for status in statuses:
        prefix = f"s{status.pk}"
        data.update(
            {
                f"{prefix}-name": status.name,
                f"{prefix}-key": status.key,
                f"{prefix}-colour": status.colour,
                f"{prefix}-position": status.position,
                f"{prefix}-version": status.version,
            }
        )
    # the empty "add a status" row, as the browser sends it
    data.update({"new-colour": "#8a8f98", "new-position": "0", "new-counts_in_progress": "on"})
    # swapping two keys is fine
    first, second = statuses[0], statuses[1]
    data[f"s{first.pk}-key"], data[f"s{second.pk}-key"] = second.key, first.key
    assert client.post(plan_url(demo, "plan_statuses"), data).status_code == 302
    for status in statuses:  # the page shows the new versions
        data[f"s{status.pk}-version"] = status.version + 1
    # a new status with a taken key is a form error, not a crash
    data.update(
        {"new-name": "dubbel", "new-key": first.key, "new-colour": "#000000", "new-position": "1"}
    )
    response = client.post(plan_url(demo, "plan_statuses"), data)
    assert response.status_code == 200
    assert first.key in response.content.decode()
    # a colour must be #rrggbb
    data.pop("new-name"), data.pop("new-key")
    data[f"s{first.pk}-colour"] = "red;background:url(x)"
    assert client.post(plan_url(demo, "plan_statuses"), data).status_code == 200
    first.refresh_from_db()
    assert first.colour.startswith("#")


def test_odd_input_gets_an_answer_not_a_crash(demo, login):
    client = login("coordinator@voorbeeld.be")
    assert client.get(plan_url(demo) + "?year=²").status_code == 200
    assert client.get(plan_url(demo) + "?year=99999999999999999999").status_code == 200
    create = reverse("plans:item_create", kwargs={"org": "voorbeeld", "pk": demo.plan.pk})
    assert client.get(create + "?parent=abc").status_code == 404
    item = demo.item("BD1-01-01")
    response = client.post(
        item_url(item, "item_reorder"), {"direction": "up", "next": "https://elders.example/"}
    )
    assert response.status_code == 302
    assert not response["Location"].startswith("https://elders.example")
    response = client.post(
        item_url(item, "item_edit"),
        {
            "code": item.code,
            "title": item.title,
            "policy": "priority",
            "weight": "-5",
            "start_year": "99999",
            "progress": "500",
            **version_of(item),
        },
    )
    assert response.status_code == 200
    errors = response.content.decode()
    assert errors.count('class="errorlist') >= 3


def test_deeply_nested_or_doubled_documents_are_refused_cleanly(demo, login, settings):
    client = login("coordinator@voorbeeld.be")
    url = reverse("plans:plan_import", kwargs={"org": "voorbeeld"})
    deep = '{"title": "x", "children": [' * 2000 + '{"title": "x"}' + "]}" * 2000
    text = (
        '{"format": "koers.plan-document", "version": 1, "plan": {"title": "Diep", '
        '"first_year": 2026, "last_year": 2027, "items": [' + deep + "]}}"
    )
    response = client.post(url, {"file": SimpleUploadedFile("d.json", text.encode())})
    document = {
        "format": "koers.plan-document",
        "version": 1,
        "plan": {"title": "Dubbel", "first_year": 2026, "last_year": 2027},
    }
    assert response.status_code == 400
    document["plan"]["items"] = [{"title": "x", "departments": ["Omgeving", "Omgeving"]}]
    response = client.post(
        url, {"file": SimpleUploadedFile("d.json", json.dumps(document).encode())}
    )
    assert response.status_code == 400
    settings.KOERS_IMPORT_MAX_BYTES = 10
    response = client.post(url, {"file": SimpleUploadedFile("d.json", b"{" * 100)}, follow=True)
    assert "MB" in response.content.decode()
    assert Plan.objects.count() == 2


def test_sdg_links_are_chosen_in_the_item_form(demo, login):
    from koers.sdgs.models import SDGGoal, SDGTarget

    item = demo.item("BD1-01-01")
    goal, target = SDGGoal.objects.get(number=13), SDGTarget.objects.get(code="13.1")
    client = login("coordinator@voorbeeld.be")
    response = client.post(
        item_url(item, "item_edit"),
        {
            "code": item.code,
            "title": item.title,
            "policy": "priority",
            "weight": "1",
            "sdg_goals": [goal.pk],
            "sdg_targets": [target.pk],
            **version_of(item),
        },
    )
    assert response.status_code == 302
    assert list(item.sdg_targets.values_list("code", flat=True)) == ["13.1"]
    form = client.get(item_url(item, "item_edit")).content.decode()
    assert f'<option value="{target.pk}" selected>' in form
    assert "<optgroup" in form


def test_editor_toolbar_speaks_dutch(client):
    catalogue = client.get(reverse("javascript-catalog")).content.decode()
    assert '"Bold": "Vet"' in catalogue


def test_amounts_are_typed_the_dutch_way(demo, login):
    from decimal import Decimal

    from koers.plans.forms import _normalise_amount

    assert _normalise_amount("1.250,50") == "1250.50"
    assert _normalise_amount("€ 1 250") == "1250"
    assert _normalise_amount("1.250") == "1250"
    assert _normalise_amount("1250.5") == "1250.5"
    assert _normalise_amount("1,250.75") == "1250.75"
    assert _normalise_amount("1,250", point=".") == "1250"
    assert _normalise_amount("1250,5", point=".") == "1250.5"
    item = demo.item("BD1-01-01")
    client = login("coordinator@voorbeeld.be")
    response = client.post(
        item_url(item, "budget_create"),
        {
            "year": "2027",
            "direction": "expense",
            "nature": "operating",
            "label": "Typwerk",
            "initial": "1.250,50",
            "current": "€ 1.300",
            "actual": "0",
        },
    )
    assert response.status_code == 302
    line = item.budget_lines.get(label="Typwerk")
    assert (line.initial, line.current) == (Decimal("1250.50"), Decimal("1300.00"))
    form = client.get(reverse("plans:budget_edit", kwargs={"org": "voorbeeld", "pk": line.pk}))
    assert 'value="1250,50"' in form.content.decode()
