"""Following items: notified in the app and by a batched e-mail when status or progress changes;
department heads hear of missing updates after the deadline."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from koers.accounts.actor import Actor
from koers.accounts.models import Department
from koers.followup import services as followup
from koers.followup.reminders import send_reminders
from koers.notifications import services
from koers.notifications.models import Follow, Notification
from koers.plans.services.items import update_item

READER = "reader@voorbeeld.be"
EDITOR = "editor@voorbeeld.be"


def _actor(demo, email, slug="voorbeeld"):
    return Actor.member(demo.membership(email, slug))


@pytest.fixture
def item(demo):
    """An item of the editor, with the demo's follows and notifications cleared."""
    Follow.objects.all().delete()
    Notification.objects.all().delete()
    return demo.plan.items.filter(owner__email=EDITOR, depth=3).first()


def test_followers_are_notified_of_status_and_progress_but_not_of_their_own_changes(demo, item):
    services.follow(item, actor=_actor(demo, READER))
    services.follow(item, actor=_actor(demo, EDITOR))
    delayed = demo.plan.statuses.get(key="vertraagd")
    update_item(item, {"status": delayed, "progress": 35}, actor=_actor(demo, EDITOR))
    notes = Notification.objects.filter(item=item)
    assert {n.user.email for n in notes} == {READER}
    assert {n.field for n in notes} == {"status", "progress"}
    status = notes.get(field="status")
    assert status.after == delayed.name and status.changed_by.email == EDITOR
    update_item(item, {"title": "Nieuwe titel"}, actor=_actor(demo, EDITOR))
    assert Notification.objects.filter(item=item).count() == 2  # a title is no progress


def test_changing_the_status_on_the_item_edit_page_notifies_followers(demo, item, login):
    services.follow(item, actor=_actor(demo, READER))
    client = login(EDITOR)
    url = reverse("plans:item_edit", kwargs={"org": "voorbeeld", "pk": item.pk})
    form = client.get(url).context["form"]
    posted = {}  # the form as the browser would send it back, with another status
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            posted[name] = (
                [getattr(v, "pk", v) for v in value] if isinstance(value, list) else value
            )
    delayed = demo.plan.statuses.get(key="vertraagd")
    posted["status"] = delayed.pk
    response = client.post(url, posted)
    assert response.status_code == 302, response.content.decode()[:2000]
    note = Notification.objects.get(item=item, user__email=READER, field="status")
    assert note.after == delayed.name


def test_approving_an_update_notifies_the_followers(demo, item):
    services.follow(item, actor=_actor(demo, READER))
    round_ = followup.open_round(
        demo.plan,
        {
            "name": "Najaar",
            "period_start": date(2026, 7, 1),
            "period_end": date(2026, 12, 31),
            "deadline": date(2027, 1, 15),
        },
        actor=_actor(demo, "coordinator@voorbeeld.be"),
    )
    update = round_.updates.get(item=item)
    update = followup.save_update(
        update, {"percent": 80}, version=1, submit=True, actor=_actor(demo, EDITOR)
    )
    assert not Notification.objects.filter(item=item).exists()  # submitted is not approved
    followup.approve(update, actor=_actor(demo, "coordinator@voorbeeld.be"))
    note = Notification.objects.get(item=item, field="progress")
    assert note.after == "80%"


def test_in_app_list_unread_count_and_mark_as_read(demo, item, login):
    services.follow(item, actor=_actor(demo, READER))
    update_item(item, {"progress": 12}, actor=_actor(demo, EDITOR))
    client = login(READER)
    page = client.get(reverse("plans:plan_list", kwargs={"org": "voorbeeld"}))
    assert (
        page.context["unread_notifications"]
        == Notification.objects.filter(user__email=READER, read_at__isnull=True).count()
        > 0
    )
    url = reverse("notifications:list", kwargs={"org": "voorbeeld"})
    listing = client.get(url).content.decode()
    assert item.title in listing and "12%" in listing
    client.post(url)
    assert client.get(url).context["unread_notifications"] == 0


def test_follow_and_unfollow_from_the_item_page(demo, item, login):
    client = login(READER)
    url = reverse("notifications:follow", kwargs={"org": "voorbeeld", "pk": item.pk})
    client.post(url, {"follow": "1"})
    assert Follow.objects.filter(user__email=READER, item=item).exists()
    fragment = client.post(url, {"follow": "0"}, HTTP_HX_REQUEST="true")
    assert 'aria-pressed="false"' in fragment.content.decode()
    assert not Follow.objects.filter(user__email=READER, item=item).exists()


def test_notifications_never_cross_organisations(demo, item, login):
    services.follow(item, actor=_actor(demo, READER))
    update_item(item, {"progress": 44}, actor=_actor(demo, EDITOR))
    # 'beide' is a member of both organisations; in Proefdorp they see nothing of Voorbeeld
    both = "beide@koers.test"
    services.follow(item, actor=_actor(demo, both))
    update_item(item, {"progress": 45}, actor=_actor(demo, EDITOR))
    client = login(both)
    own = client.get(reverse("notifications:list", kwargs={"org": "proefdorp"}))
    assert item.title not in own.content.decode()
    assert own.context["unread_notifications"] == 0
    outsider = login("admin@proefdorp.nl")
    follow_url = reverse("notifications:follow", kwargs={"org": "proefdorp", "pk": item.pk})
    assert outsider.post(follow_url).status_code == 404
    assert not Follow.objects.filter(user__email="admin@proefdorp.nl").exists()


def test_a_follower_who_left_the_organisation_hears_nothing(demo, item):
    services.follow(item, actor=_actor(demo, READER))
    demo.membership(READER).delete()
    update_item(item, {"progress": 50}, actor=_actor(demo, EDITOR))
    assert not Notification.objects.exists()


def test_e_mails_are_batched_per_person_and_never_sent_twice(demo, item):
    other = demo.plan.items.filter(owner__email=EDITOR, depth=3).exclude(pk=item.pk).first()
    for followed in (item, other):
        services.follow(followed, actor=_actor(demo, READER))
    update_item(item, {"progress": 20}, actor=_actor(demo, EDITOR))
    update_item(other, {"progress": 30}, actor=_actor(demo, EDITOR))
    update_item(item, {"progress": 25}, actor=_actor(demo, EDITOR))
    mail.outbox.clear()
    out = StringIO()
    call_command("send_notifications", stdout=out)
    assert len(mail.outbox) == 1  # one message for three changes
    body = mail.outbox[0].body
    assert mail.outbox[0].to == [READER]
    assert item.title in body and other.title in body and "25%" in body
    assert f"/app/voorbeeld/items/{item.pk}/" in body
    call_command("send_notifications", stdout=out)
    assert len(mail.outbox) == 1
    update_item(item, {"progress": 90}, actor=_actor(demo, EDITOR))
    assert services.send_batches() == 1
    assert "90%" in mail.outbox[1].body and other.title not in mail.outbox[1].body


def test_a_failed_send_is_tried_again_next_time_and_does_not_stop_the_others(
    demo, item, monkeypatch
):
    services.follow(item, actor=_actor(demo, READER))
    services.follow(item, actor=_actor(demo, "welzijn@voorbeeld.be"))
    update_item(item, {"progress": 20}, actor=_actor(demo, EDITOR))
    real_send = services.send_mail

    def broken_for_the_reader(subject, body, sender, recipients):
        if recipients == [READER]:
            raise OSError("mailbox unavailable")
        return real_send(subject, body, sender, recipients)

    mail.outbox.clear()
    monkeypatch.setattr(services, "send_mail", broken_for_the_reader)
    with pytest.raises(OSError):
        services.send_batches()
    assert [m.to for m in mail.outbox] == [["welzijn@voorbeeld.be"]]
    assert Notification.objects.filter(user__email=READER, emailed_at__isnull=True).exists()
    monkeypatch.undo()
    assert services.send_batches() == 1
    assert mail.outbox[-1].to == [READER]


def test_a_notification_arriving_during_a_run_is_sent_by_the_next_run(demo, item):
    services.follow(item, actor=_actor(demo, READER))
    update_item(item, {"progress": 20}, actor=_actor(demo, EDITOR))
    reader_id = demo.user(READER).pk
    mail.outbox.clear()
    assert services._send_batch(reader_id) == 1  # the first run claims what is there
    update_item(item, {"progress": 30}, actor=_actor(demo, EDITOR))
    assert services.send_batches() == 1  # the late one is sent, not lost
    assert "30%" in mail.outbox[-1].body and "→ 20%" not in mail.outbox[-1].body


def test_people_who_left_get_no_more_e_mail(demo, item, login):
    services.follow(item, actor=_actor(demo, READER))
    update_item(item, {"progress": 20}, actor=_actor(demo, EDITOR))
    demo.membership(READER).delete()
    mail.outbox.clear()
    assert services.send_batches() == 0
    assert not Notification.objects.filter(user__email=READER).exists()


# -- escalation to department heads ----------------------------------------------------------


@pytest.fixture
def round_(demo):
    return followup.open_round(
        demo.plan,
        {
            "name": "Zomer 2026",
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 6, 30),
            "deadline": date(2026, 7, 15),
        },
        actor=_actor(demo, "coordinator@voorbeeld.be"),
    )


def test_department_heads_get_their_missing_updates_after_the_deadline(demo, round_, settings):
    settings.KOERS_REMINDER_DAYS_BEFORE = []
    settings.KOERS_REMINDER_DAYS_AFTER = []
    settings.KOERS_ESCALATION_DAYS_AFTER = [2]
    head = Department.objects.get(organisation=demo.voorbeeld, name="Welzijn en vrije tijd").head
    missing = round_.updates.filter(item__departments__name="Welzijn en vrije tijd")
    submitted = missing.first()
    followup.save_update(
        submitted,
        {"narrative": "Klaar"},
        version=1,
        submit=True,
        actor=_actor(demo, "coordinator@voorbeeld.be"),
    )
    assert send_reminders(round_.deadline) == 0  # not after the deadline yet
    assert send_reminders(round_.deadline + timedelta(days=1)) == 0  # not an escalation day
    day = round_.deadline + timedelta(days=2)
    sent = send_reminders(day)
    heads = {
        d.head.email
        for d in Department.objects.filter(organisation=demo.voorbeeld, head__isnull=False)
        if round_.updates.filter(item__departments=d, state="draft").exists()
    }
    assert sent == len(heads) == len(mail.outbox)
    message = next(m for m in mail.outbox if m.to == [head.email])
    listed = {line.split()[1] for line in message.body.splitlines() if line.startswith("- ")}
    expected = {u.item.code for u in missing.exclude(pk=submitted.pk).select_related("item")}
    assert listed == expected and submitted.item.code not in listed
    assert send_reminders(day) == 0  # idempotent


def test_a_department_head_who_left_gets_no_escalation(demo, round_, settings, login):
    from koers.accounts.services import remove_member

    settings.KOERS_REMINDER_DAYS_AFTER = []
    settings.KOERS_ESCALATION_DAYS_AFTER = [1]
    department = Department.objects.get(organisation=demo.voorbeeld, name="Welzijn en vrije tijd")
    head = department.head
    remove_member(demo.membership(head.email), actor=_actor(demo, "admin@voorbeeld.be"))
    department.refresh_from_db()
    assert department.head is None
    send_reminders(round_.deadline + timedelta(days=1))
    assert all(message.to != [head.email] for message in mail.outbox)
