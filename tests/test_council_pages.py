"""The pages of council questions: the whole cycle through the forms, what each person may
see, stale forms (409), escaping on every page and on the portal, and constant queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koers.accounts.actor import Actor
from koers.council import services
from koers.council.models import Question
from koers.followup.models import ReportingRound
from koers.plans.content import forget_memory
from koers.plans.services.items import update_item
from tests.form_data import form_data

READER = "reader@voorbeeld.be"
COORDINATOR = "coordinator@voorbeeld.be"
EDITOR = "editor@voorbeeld.be"
ADMIN = "admin@voorbeeld.be"
ORG = "voorbeeld"
PAYLOAD = '<script>alert("x")</script> Tom & "Jerry"'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Tom &amp; &quot;Jerry&quot;"


def app_url(name, **kwargs):
    return reverse(f"council:{name}", kwargs={"org": ORG, **kwargs})


@pytest.fixture
def published(demo):
    return ReportingRound.objects.select_related("plan").get(
        plan=demo.plan, state=ReportingRound.State.PUBLISHED
    )


@pytest.fixture
def actors(demo):
    return {email: Actor.member(demo.membership(email)) for email in (READER, COORDINATOR, EDITOR)}


def answered(
    demo, actors, published, title=PAYLOAD, text=PAYLOAD, answer=PAYLOAD, public=False, **values
):
    """A question asked, assigned to the editor, answered and approved (and public)."""
    question = services.ask(
        published,
        {"item": demo.item("BD2-02-02"), "title": title, "text": text} | values,
        actor=actors[READER],
    )
    question = services.assign(question, {"assignee": demo.user(EDITOR)}, actor=actors[COORDINATOR])
    question = services.save_answer(question, answer, submit=True, actor=actors[EDITOR])
    question = services.approve(question, actor=actors[COORDINATOR])
    if public:
        question = services.set_public(question, True, actor=actors[COORDINATOR])
    return question


def test_the_cycle_through_the_pages(demo, login, published):
    item = demo.item("BD2-02-02")
    client = login(READER)
    page = client.get(reverse("plans:item_detail", kwargs={"org": ORG, "pk": item.pk})).content
    ask_url = app_url("ask", pk=published.pk) + f"?item={item.pk}"
    assert f'href="{ask_url}"' in page.decode().replace("&amp;", "&")
    response = client.post(ask_url, {"subject": "item", "title": "Bomen?", "text": "Hoeveel?"})
    question = Question.objects.get(title="Bomen?")
    assert response.status_code == 302 and response["Location"] == app_url(
        "question", pk=question.pk
    )
    assert (question.item, question.round, question.asker.email) == (item, published, READER)

    client = login(COORDINATOR)
    form = form_data(client.get(app_url("assign", pk=question.pk)))
    assert form["assignee"] == [str(demo.user(EDITOR).pk)]  # the item's owner by default
    assert client.post(app_url("assign", pk=question.pk), form).status_code == 302

    client = login(EDITOR)
    form = form_data(client.get(app_url("answer", pk=question.pk)))
    form["answer"] = ["Tweehonderd."]
    form["submit"] = ["1"]
    assert client.post(app_url("answer", pk=question.pk), form).status_code == 302
    assert Question.objects.get(pk=question.pk).state == "submitted"

    client = login(COORDINATOR)
    page = client.get(app_url("question", pk=question.pk)).content.decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    client.post(app_url("review", pk=question.pk), {"action": "approve", "version": version})
    assert Question.objects.get(pk=question.pk).state == "approved"

    client = login(READER)
    page = client.get(app_url("question", pk=question.pk)).content.decode()
    assert 'id="answer-text">Tweehonderd.</p>' in page


def test_readers_see_only_answered_questions_of_others(demo, login, published, actors):
    asked = services.ask(
        published,
        {"item": demo.item("BD2-02-02"), "title": "Nog open", "text": "?"},
        actor=actors[READER],
    )
    other = login("beide@koers.test")  # another council member
    assert other.get(app_url("question", pk=asked.pk)).status_code == 404
    round_page = other.get(app_url("round", pk=published.pk)).content.decode()
    assert "Nog open" not in round_page
    assert login(READER).get(app_url("question", pk=asked.pk)).status_code == 200  # the asker
    done = answered(demo, actors, published, title="Klaar")
    assert other.get(app_url("question", pk=done.pk)).status_code == 200
    assert "Klaar" in other.get(app_url("round", pk=published.pk)).content.decode()
    outsider = login("admin@proefdorp.nl")
    assert outsider.get(app_url("question", pk=done.pk)).status_code == 404
    own_org = reverse("council:question", kwargs={"org": "proefdorp", "pk": done.pk})
    assert outsider.get(own_org).status_code == 404


def test_a_stale_assign_form_gets_the_conflict_page(demo, login, published, actors):
    question = services.ask(
        published, {"item": demo.item("BD2-02-02"), "title": "T", "text": "?"}, actor=actors[READER]
    )
    client = login(COORDINATOR)
    url = app_url("assign", pk=question.pk)
    form = form_data(client.get(url))
    services.assign(
        question, {"assignee": demo.user(ADMIN)}, actor=Actor.member(demo.membership(ADMIN))
    )
    response = client.post(url, form)
    assert response.status_code == 409
    assert "Iemand anders heeft dit intussen gewijzigd" in response.content.decode()
    assert Question.objects.get(pk=question.pk).assignee.email == ADMIN
    retry = form_data(response.content.decode(), form_id="yours")
    assert client.post(url, retry).status_code == 302
    assert Question.objects.get(pk=question.pk).assignee.email == EDITOR


def test_a_stale_answer_and_a_stale_approval_are_refused(demo, login, published, actors):
    question = services.ask(
        published, {"item": demo.item("BD2-02-02"), "title": "T", "text": "?"}, actor=actors[READER]
    )
    question = services.assign(question, {"assignee": demo.user(EDITOR)}, actor=actors[COORDINATOR])
    client = login(EDITOR)
    url = app_url("answer", pk=question.pk)
    form = form_data(client.get(url))
    services.save_answer(question, "Van de coördinator", submit=False, actor=actors[COORDINATOR])
    form["answer"] = ["Van de eigenaar"]
    response = client.post(url, form)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Van de coördinator" in page and "Van de eigenaar" in page
    assert Question.objects.get(pk=question.pk).answer == "Van de coördinator"

    question = services.save_answer(
        Question.objects.get(pk=question.pk), "Klaar", submit=True, actor=actors[EDITOR]
    )
    client = login(COORDINATOR)
    stale = question.version
    services.send_back(question, "Korter", actor=Actor.member(demo.membership(ADMIN)))
    response = client.post(
        app_url("review", pk=question.pk), {"action": "approve", "version": stale}
    )
    assert response.status_code == 409
    assert Question.objects.get(pk=question.pk).state == "returned"


def test_the_settings_page_changes_the_deadline(demo, login):
    client = login(COORDINATOR)
    form = form_data(client.get(app_url("settings")))
    form["answer_days"] = ["21"]
    assert client.post(app_url("settings"), form).status_code == 302
    assert services.settings_for(demo.voorbeeld).answer_days == 21
    form["answer_days"] = ["30"]  # the same form again: now stale
    assert client.post(app_url("settings"), form).status_code == 409
    assert login(READER).get(app_url("settings")).status_code == 403


def test_question_text_is_escaped_on_every_page(demo, login, published, actors):
    question = answered(demo, actors, published, public=True)
    pages = [
        app_url("index"),
        app_url("round", pk=published.pk),
        app_url("question", pk=question.pk),
        reverse("plans:item_detail", kwargs={"org": ORG, "pk": question.item_id}),
    ]
    for email in (READER, COORDINATOR, EDITOR):
        client = login(email)
        for url in pages:
            page = client.get(url).content.decode()
            assert "<script>alert" not in page, (email, url)
            assert ESCAPED in page, (email, url)
    question.state = "returned"
    question.return_reason = PAYLOAD
    question.save()
    page = login(EDITOR).get(app_url("answer", pk=question.pk)).content.decode()
    assert "<script>alert" not in page and page.count(ESCAPED) >= 3
    page = login(COORDINATOR).get(app_url("assign", pk=question.pk)).content.decode()
    assert "<script>alert" not in page and ESCAPED in page


def test_the_portal_shows_public_questions_escaped_and_names_the_asker_as_chosen(
    demo, client, published, actors
):
    forget_memory()
    hidden = answered(demo, actors, published, title="Niet openbaar")
    shown = answered(demo, actors, published, public=True)
    named = answered(
        demo,
        actors,
        published,
        title="Met naam",
        text="Vraag met naam",
        answer="Antwoord met naam",
        public=True,
        show_name=True,
    )
    round_page = client.get(f"/{ORG}/raadsvragen/{published.pk}/").content.decode()
    item_page = client.get(f"/{ORG}/items/{shown.item_id}/").content.decode()
    index = client.get(f"/{ORG}/raadsvragen/").content.decode()
    assert published.name in index
    for page in (round_page, item_page):
        assert "<script>alert" not in page
        assert ESCAPED in page
        assert "Niet openbaar" not in page
        assert "Gesteld door raadslid" in page
        assert "Gesteld door Raf Raadslid" in page  # the one who chose to be named
    assert hidden.pk and named.pk
    # taking it off the portal shows at once (the cached pages follow the plan's version)
    services.set_public(shown, False, actor=actors[COORDINATOR])
    assert ESCAPED not in client.get(f"/{ORG}/raadsvragen/{published.pk}/").content.decode()
    assert ESCAPED not in client.get(f"/{ORG}/items/{shown.item_id}/").content.decode()


def test_the_portal_hides_questions_about_items_it_does_not_show(demo, client, published, actors):
    forget_memory()
    question = answered(demo, actors, published, title="Over een verborgen item", public=True)
    assert (
        "Over een verborgen item"
        in client.get(f"/{ORG}/raadsvragen/{published.pk}/").content.decode()
    )
    update_item(demo.item("BD2-02"), {"is_public": False}, actor=Actor.system())  # its parent
    page = client.get(f"/{ORG}/raadsvragen/{published.pk}/").content.decode()
    assert "Over een verborgen item" not in page
    assert question.is_public
    # a round that is not published has no portal page
    open_round = ReportingRound.objects.get(plan=demo.plan, state="open")
    assert client.get(f"/{ORG}/raadsvragen/{open_round.pk}/").status_code == 404


def _round_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_round_list_reads_a_constant_number_of_queries(demo, login, published, actors):
    client = login(COORDINATOR)
    url = app_url("round", pk=published.pk)
    for number in range(3):
        answered(demo, actors, published, title=f"Vraag {number}")
    small = _round_queries(client, url)
    questions = Question.objects.filter(round=published)
    template = questions.first()
    for number in range(80):  # more than a page: the page shows 50
        template.pk = None
        template.title = f"Extra {number}"
        template.save()
    large = _round_queries(client, url)
    assert small == large
    page = client.get(url).content.decode()
    assert page.count('class="k-work-item"') == 50
    assert "pagina 1 van 2" in page
    filtered = client.get(url + "?state=asked").content.decode()
    assert 'data-state="approved"' not in filtered


def test_asking_about_an_indicator_from_its_page(demo, login, published, actors):
    from koers.indicators.services import create_indicator

    indicator = create_indicator(
        demo.voorbeeld,
        {"code": "RV-1", "name": "Geplante bomen", "unit": "number", "owner": demo.user(EDITOR)},
        actor=actors[COORDINATOR],
    )
    client = login(READER)
    page = client.get(reverse("indicators:detail", kwargs={"org": ORG, "pk": indicator.pk}))
    ask_url = app_url("ask", pk=published.pk) + f"?indicator={indicator.pk}"
    assert f'href="{ask_url}"' in page.content.decode().replace("&amp;", "&")
    client.post(ask_url, {"subject": "indicator", "title": "Bomen geteld?", "text": "Wanneer?"})
    question = Question.objects.get(title="Bomen geteld?")
    assert (question.subject, question.indicator, question.item) == ("indicator", indicator, None)
    assert services.default_assignee(question) == demo.user(EDITOR)  # the indicator's owner
    # editors do not ask: no button for them
    page = login(EDITOR).get(reverse("indicators:detail", kwargs={"org": ORG, "pk": indicator.pk}))
    assert ask_url.split("?")[0] not in page.content.decode()
    # another organisation's indicator cannot be asked about
    other = create_indicator(
        demo.proefdorp,
        {"code": "RV-2", "name": "Elders", "unit": "number"},
        actor=Actor.system(),
    )
    client = login(READER)
    assert client.get(app_url("ask", pk=published.pk) + f"?indicator={other.pk}").status_code == 404


def test_a_published_rounds_page_links_to_its_council_questions(demo, login, published):
    client = login(READER)
    page = client.get(reverse("followup:round", kwargs={"org": ORG, "pk": published.pk}))
    assert f'href="{app_url("round", pk=published.pk)}" id="round-council"' in page.content.decode()
    open_round = ReportingRound.objects.get(plan=demo.plan, state="open")
    page = client.get(reverse("followup:round", kwargs={"org": ORG, "pk": open_round.pk}))
    assert 'id="round-council"' not in page.content.decode()
