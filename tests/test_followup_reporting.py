"""What an update reports besides its text: milestones reached, money spent, attached files;
drafts that save themselves; the item's timeline; the round page per department."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from koers.accounts.actor import Actor
from koers.followup import services
from koers.followup.attachments import add_attachment, remove_attachment
from koers.followup.models import Attachment, ProgressUpdate
from koers.plans.models import BudgetLine, Milestone

PERIOD = {
    "period_start": date(2026, 1, 1),
    "period_end": date(2026, 6, 30),
    "deadline": date(2026, 7, 15),
}
EDITOR = "editor@voorbeeld.be"
COORDINATOR = "coordinator@voorbeeld.be"


def _actor(demo, email):
    return Actor.member(demo.membership(email))


@pytest.fixture
def update(demo):
    round_ = services.open_round(
        demo.plan, {"name": "Voorjaar 2026", **PERIOD}, actor=_actor(demo, COORDINATOR)
    )
    return round_.updates.filter(item__owner__email=EDITOR).select_related("item").first()


@pytest.fixture
def milestone(update):
    return Milestone.objects.create(item=update.item, title="Bestek klaar", position=90)


@pytest.fixture
def line(update):
    return BudgetLine.objects.create(
        item=update.item, year=2026, label="Studie", initial=Decimal("10000"), current=10000
    )


def _url(name, pk):
    return reverse(f"followup:{name}", kwargs={"org": "voorbeeld", "pk": pk})


# -- milestones and spending --------------------------------------------------------------


def test_approval_ticks_off_reported_milestones_and_records_spending(demo, update, milestone, line):
    other_year = BudgetLine.objects.create(item=update.item, year=2027, current=500)
    reached = date(2026, 5, 2)
    saved = services.save_update(
        update,
        {
            "narrative": "Bestek is klaar",
            "milestones_reached": {milestone.pk: reached},
            "spending": {line.pk: Decimal("2500.50")},
        },
        version=update.version,
        submit=True,
        actor=_actor(demo, EDITOR),
    )
    milestone.refresh_from_db()
    line.refresh_from_db()
    assert not milestone.done and line.actual == 0  # nothing changes before approval
    assert saved.milestones_reached == {str(milestone.pk): "2026-05-02"}
    with pytest.raises(ValidationError):  # 2027 is not a year of this round
        services.save_update(
            saved,
            {"spending": {other_year.pk: Decimal(1)}},
            version=saved.version,
            submit=False,
            actor=_actor(demo, EDITOR),
        )
    services.approve(saved, actor=_actor(demo, COORDINATOR))
    milestone.refresh_from_db()
    line.refresh_from_db()
    assert milestone.done and milestone.done_on == reached
    assert line.actual == Decimal("2500.50")
    assert "Voorjaar 2026" in line.history.first().history_change_reason
    assert milestone.history.first().history_user.email == COORDINATOR


def test_milestones_of_other_items_done_ones_and_future_dates_are_refused(demo, update, milestone):
    foreign = Milestone.objects.exclude(item=update.item).first() or Milestone.objects.create(
        item=demo.plan.items.exclude(pk=update.item_id).filter(depth=3).first(), title="Ander"
    )
    done = Milestone.objects.create(item=update.item, title="Al klaar", done=True)
    tomorrow = timezone.localdate() + timedelta(days=1)
    for reached in ({foreign.pk: None}, {done.pk: None}, {milestone.pk: tomorrow}):
        with pytest.raises(ValidationError):
            services.save_update(
                update,
                {"milestones_reached": reached},
                version=update.version,
                submit=False,
                actor=_actor(demo, EDITOR),
            )
    assert ProgressUpdate.objects.get(pk=update.pk).version == 1  # nothing saved


def test_the_form_reports_milestones_and_spending_and_keeps_typing_on_errors(
    demo, update, milestone, line, login
):
    client = login(EDITOR)
    url = _url("update", update.pk)
    page = client.get(url).content.decode()
    assert "Bestek klaar" in page and f'name="spent_{line.pk}"' in page
    typed = {
        "version": 1,
        "percent": "150",
        "narrative": "Mijn zorgvuldig getypte tekst",
        f"milestone_{milestone.pk}": "on",
        f"reached_{milestone.pk}": "2026-04-01",
        f"spent_{line.pk}": "1234,56",
        "save": "1",
    }
    response = client.post(url, typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mijn zorgvuldig getypte tekst" in page and "2026-04-01" in page
    assert "1234" in page
    typed["percent"] = "30"
    typed[f"spent_{line.pk}"] = "1234.56"
    assert client.post(url, typed).status_code == 302
    update.refresh_from_db()
    assert update.milestones_reached == {str(milestone.pk): "2026-04-01"}
    assert update.spending[str(line.pk)] == "1234.56"


# -- attachments ----------------------------------------------------------------------------


def test_an_attached_file_is_stored_in_the_configured_directory_and_served_to_readers_only(
    demo, update, login, attachment_dir
):
    client = login(EDITOR)
    pdf = SimpleUploadedFile("Verslag werf.pdf", b"%PDF-1.4 inhoud van het verslag")
    response = client.post(_url("attachment_add", update.pk), {"file": pdf})
    assert response.status_code == 302
    attachment = Attachment.objects.get(update=update)
    stored = attachment_dir / attachment.file.name
    assert stored.read_bytes() == b"%PDF-1.4 inhoud van het verslag"
    assert attachment.history.first().history_user.email == EDITOR
    download = client.get(_url("attachment", attachment.pk))
    assert b"".join(download.streaming_content) == stored.read_bytes()
    assert "attachment" in download["Content-Disposition"]
    assert download["Content-Type"] == "application/pdf"
    reader = login("reader@voorbeeld.be")
    assert reader.get(_url("attachment", attachment.pk)).status_code == 404  # a draft's file
    outsider = login("admin@proefdorp.nl")
    assert outsider.get(_url("attachment", attachment.pk)).status_code == 404


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("programma.exe", b"MZ\x90\x00", "cannot be attached"),
        ("vermomd.pdf", b"MZ\x90\x00 not a pdf", "is not a pdf file"),
        ("foto.png", b"GIF89a", "is not a png file"),
        ("leeg.txt", b"", "empty"),
        ("binair.txt", b"abc\x00def", "is not a txt file"),
        ("groot.pdf", b"%PDF-" + b"x" * 2000, "at most"),
    ],
)
def test_wrong_files_are_refused_with_a_message_and_nothing_is_stored(
    demo, update, login, settings, attachment_dir, name, content, message
):
    settings.KOERS_ATTACHMENT_MAX_BYTES = 1000
    settings.LANGUAGE_CODE = "en"
    client = login(EDITOR)
    response = client.post(
        _url("attachment_add", update.pk),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    assert not attachment_dir.exists() or not any(attachment_dir.rglob("*.*"))


def test_the_kinds_of_files_are_configurable(demo, update, settings):
    settings.KOERS_ATTACHMENT_TYPES = ["pdf"]
    with pytest.raises(ValidationError):
        add_attachment(
            update,
            SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n..."),
            actor=_actor(demo, EDITOR),
        )


def test_removing_an_attachment_deletes_the_file_and_keeps_the_record(
    demo, update, attachment_dir, django_capture_on_commit_callbacks
):
    editor = _actor(demo, EDITOR)
    attachment = add_attachment(update, SimpleUploadedFile("a.csv", b"a;b\n1;2\n"), actor=editor)
    stored = attachment_dir / attachment.file.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        remove_attachment(attachment, actor=editor)
    assert not stored.exists()
    assert Attachment.history.filter(history_type="-").count() == 1


def test_others_cannot_attach_to_an_update_they_may_not_write(demo, update, login):
    welzijn = login("welzijn@voorbeeld.be")
    pdf = SimpleUploadedFile("x.pdf", b"%PDF-1.4")
    assert welzijn.post(_url("attachment_add", update.pk), {"file": pdf}).status_code == 404
    assert not Attachment.objects.exists()


# -- drafts that save themselves ----------------------------------------------------------


def test_autosave_keeps_a_draft_and_the_same_forms_next_save_is_no_conflict(demo, update, login):
    client = login(EDITOR)
    form = {"version": 1, "form_id": "tab-a"}
    response = client.post(_url("autosave", update.pk), {**form, "narrative": "Half af"})
    assert response.status_code == 200
    assert 'value="2"' in response.content.decode()  # the form learns the new version
    update.refresh_from_db()
    assert (update.narrative, update.state, update.version) == ("<p>Half af</p>", "draft", 2)
    assert update.history.first().saved_by_form == "tab-a"
    # the same form still holding version 1 (the answer came late): no conflict
    saved = client.post(_url("update", update.pk), {**form, "narrative": "Af", "save": "1"})
    assert saved.status_code == 302
    update.refresh_from_db()
    assert update.narrative == "<p>Af</p>" and update.saved_by_form == ""


def test_an_automatic_save_from_another_tab_is_a_conflict(demo, update, login):
    client = login(EDITOR)
    client.post(_url("autosave", update.pk), {"version": 1, "form_id": "tab-a", "narrative": "A"})
    response = client.post(
        _url("update", update.pk),
        {"version": 1, "form_id": "tab-b", "narrative": "B", "save": "1"},
    )
    assert response.status_code == 409
    update.refresh_from_db()
    assert update.narrative == "<p>A</p>"


def test_untouched_amounts_are_not_reported(demo, update, line, login):
    line.actual = Decimal("700")
    line.save()
    client = login(EDITOR)
    page = client.get(_url("update", update.pk))
    form_id = page.context["form"].initial["form_id"]
    data = {"version": 1, "form_id": form_id, "narrative": "x", f"spent_{line.pk}": "700,00"}
    client.post(_url("update", update.pk), {**data, "save": "1"})
    update.refresh_from_db()
    assert update.spending == {}  # finance may still change the actual before approval


def test_deleting_an_item_removes_its_attached_files(
    demo, update, attachment_dir, django_capture_on_commit_callbacks
):
    from koers.plans.services.items import delete_item

    attachment = add_attachment(
        update, SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"), actor=_actor(demo, EDITOR)
    )
    stored = attachment_dir / attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        delete_item(update.item, actor=_actor(demo, COORDINATOR))
    assert not stored.exists()


def test_autosave_after_someone_else_saved_is_refused_and_changes_nothing(demo, update, login):
    services.save_update(
        update,
        {"narrative": "Tekst van de coördinator"},
        version=1,
        submit=False,
        actor=_actor(demo, COORDINATOR),
    )
    client = login(EDITOR)
    response = client.post(_url("autosave", update.pk), {"version": 1, "narrative": "Mijn tekst"})
    assert (
        "Niet automatisch bewaard: iemand anders heeft deze voortgangsrapportering intussen"
        " bewaard." in response.content.decode()
    )
    update.refresh_from_db()
    assert "Tekst van de coördinator" in update.narrative
    # and a normal save over it still shows both versions
    response = client.post(_url("update", update.pk), {"version": 1, "narrative": "Mijn tekst"})
    assert response.status_code == 409


def test_a_submitted_update_is_not_saved_automatically(demo, update, login):
    services.save_update(
        update, {"narrative": "Klaar"}, version=1, submit=True, actor=_actor(demo, EDITOR)
    )
    client = login(EDITOR)
    client.post(_url("autosave", update.pk), {"version": 2, "narrative": "Toch niet"})
    update.refresh_from_db()
    assert update.state == "submitted" and "Toch niet" not in update.narrative


# -- the item's timeline and the round page per department ---------------------------------


def test_the_item_page_shows_the_updates_of_every_round(demo, update, login):
    coordinator = _actor(demo, COORDINATOR)
    first = services.save_update(
        update, {"narrative": "Ronde een"}, version=1, submit=True, actor=_actor(demo, EDITOR)
    )
    services.approve(first, actor=coordinator)
    second_round = services.open_round(
        demo.plan,
        {
            "name": "Najaar 2026",
            "period_start": date(2026, 7, 1),
            "period_end": date(2026, 12, 31),
            "deadline": date(2027, 1, 15),
        },
        actor=coordinator,
    )
    second = second_round.updates.get(item=update.item)
    services.save_update(
        second,
        {"narrative": "Ronde twee, concept"},
        version=1,
        submit=False,
        actor=_actor(demo, EDITOR),
    )
    item_page = reverse("plans:item_detail", kwargs={"org": "voorbeeld", "pk": update.item_id})
    owner_page = login(EDITOR).get(item_page).content.decode()
    assert "Ronde een" in owner_page and "Ronde twee, concept" in owner_page
    assert owner_page.index("Voorjaar 2026") < owner_page.index("Najaar 2026")
    reader_page = login("reader@voorbeeld.be").get(item_page).content.decode()
    assert "Ronde een" in reader_page and "Ronde twee, concept" not in reader_page


def test_round_page_counts_follow_the_chosen_department(demo, update, login):
    round_ = update.round
    client = login(COORDINATOR)
    url = _url("round", round_.pk)
    everything = client.get(url).context
    department = "Omgeving"
    chosen = client.get(url, {"department": department}).context
    in_department = round_.updates.filter(item__departments__name=department)
    assert chosen["counts"].total == in_department.count() < everything["counts"].total
    assert sum(row["count"] for row in chosen["statuses"]) == in_department.count()
    assert chosen["without_owner"] == in_department.filter(item__owner__isnull=True).count()
    round_.deadline = date(2026, 7, 15)
    round_.save()
    late = client.get(url, {"department": department, "show": "late"}).context
    assert {u.pk for u in late["updates"]} == set(
        in_department.filter(state__in=["draft", "returned"]).values_list("pk", flat=True)[:100]
    )


def test_unchanged_means_the_same_words_whatever_the_markup(demo, update):
    coordinator = _actor(demo, COORDINATOR)
    services.save_update(
        update, {"narrative": "<p>De werf loopt.</p>"}, version=1, submit=False, actor=coordinator
    )
    later = services.open_round(
        demo.plan,
        {
            "name": "Najaar 2026",
            "period_start": date(2026, 7, 1),
            "period_end": date(2026, 12, 31),
            "deadline": date(2027, 1, 15),
        },
        actor=coordinator,
    )
    carried = later.updates.get(item=update.item)
    services.save_update(
        carried,
        {"narrative": "<p><strong>De werf</strong>   loopt.</p>"},
        version=1,
        submit=False,
        actor=coordinator,
    )
    assert update.item_id in services.stale_item_ids(later)
    carried.refresh_from_db()
    services.save_update(
        carried,
        {"narrative": "<p>De werf is klaar.</p>"},
        version=carried.version,
        submit=False,
        actor=coordinator,
    )
    assert update.item_id not in services.stale_item_ids(later)


def test_readers_find_the_files_of_approved_updates_on_the_item_page(demo, update, login):
    attachment = add_attachment(
        update, SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\nrest"), actor=_actor(demo, EDITOR)
    )
    submitted = services.save_update(
        update, {"narrative": "Zie foto"}, version=1, submit=True, actor=_actor(demo, EDITOR)
    )
    item_page = reverse("plans:item_detail", kwargs={"org": "voorbeeld", "pk": update.item_id})
    download = _url("attachment", attachment.pk)
    reader = login("reader@voorbeeld.be")
    assert download not in reader.get(item_page).content.decode()
    services.approve(submitted, actor=_actor(demo, COORDINATOR))
    assert download in reader.get(item_page).content.decode()
    response = reader.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
