import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.urls import reverse

from koers.accounts import services
from koers.accounts.actor import Actor
from koers.accounts.models import Department, Membership, Role


def admin(demo):
    return Actor.member(demo.membership("admin@voorbeeld.be"))


def test_admin_adds_a_new_person_who_is_invited(demo, client, login, mailoutbox):
    response = login("admin@voorbeeld.be").post(
        reverse("accounts:members", kwargs={"org": "voorbeeld"}),
        {
            "email": "nieuw@voorbeeld.be",
            "first_name": "Nina",
            "last_name": "Nieuw",
            "role": "editor",
            "departments": [demo.voorbeeld.departments.get(name="Omgeving").pk],
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="nieuw@voorbeeld.be")
    assert membership.role == Role.EDITOR
    assert list(membership.departments.values_list("name", flat=True)) == ["Omgeving"]
    # Nobody set a password: the person chooses it with the link of the invitation
    # (tests/test_sign_in_security.py follows that link).
    assert not membership.user.has_usable_password()
    assert [message.to for message in mailoutbox] == [["nieuw@voorbeeld.be"]]


def test_an_existing_person_joins_a_second_organisation(demo):
    services.add_member(
        demo.voorbeeld, {"email": "ADMIN@proefdorp.nl", "role": "reader"}, actor=admin(demo)
    )
    assert demo.user("admin@proefdorp.nl").memberships.count() == 2


def test_the_last_administrator_stays(demo):
    membership = demo.membership("admin@voorbeeld.be")
    with pytest.raises(ValidationError):
        services.remove_member(membership, actor=admin(demo))
    with pytest.raises(ValidationError):
        services.update_member(membership, {"role": "reader"}, actor=admin(demo))
    assert Membership.objects.get(pk=membership.pk).role == Role.ADMIN


def test_only_admins_manage_the_organisation(demo):
    coordinator = Actor.member(demo.membership("coordinator@voorbeeld.be"))
    with pytest.raises(PermissionDenied):
        services.save_department(demo.voorbeeld, {"name": "Nieuw"}, actor=coordinator)


def test_departments_have_unique_names_and_history(demo):
    department = services.save_department(demo.voorbeeld, {"name": "Cultuur"}, actor=admin(demo))
    with pytest.raises(ValidationError):
        services.save_department(demo.voorbeeld, {"name": "cultuur"}, actor=admin(demo))
    services.save_department(
        demo.voorbeeld, {"name": "Cultuur en erfgoed"}, actor=admin(demo), department=department
    )
    records = Department.history.filter(id=department.id)
    assert records.count() == 2
    assert records.first().history_user == demo.user("admin@voorbeeld.be")


def test_command_creates_an_organisation_and_invites_its_administrator(db, client, mailoutbox):
    import io
    import re

    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "create_organisation",
        name="OCMW Proef",
        slug="ocmw-proef",
        kind="ocmw",
        admin_email="Baas@ocmw-proef.be",
        stdout=out,
    )
    membership = Membership.objects.get(user__email="baas@ocmw-proef.be")
    assert (membership.organisation.slug, membership.role) == ("ocmw-proef", Role.ADMIN)
    assert not membership.user.has_usable_password()  # nobody but the administrator knows it
    (mail,) = mailoutbox
    assert mail.to == ["baas@ocmw-proef.be"]
    link = re.search(r"https?://\S+/invitation/\S+", mail.body)[0]
    assert link.rsplit("/", 3)[0] in out.getvalue()  # the link is printed too (a fresh token)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path, follow=True)
    assert form.status_code == 200
    chosen = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else "/" + path,
        {"new_password1": "lang-genoeg-wachtwoord", "new_password2": "lang-genoeg-wachtwoord"},
    )
    assert chosen.status_code == 302
    assert client.login(
        request=HttpRequest(), username="baas@ocmw-proef.be", password="lang-genoeg-wachtwoord"
    )
