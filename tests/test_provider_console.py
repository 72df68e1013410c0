"""The provider console: a role above organisations that creates, suspends and deletes
them, sets their sign-in rules and sees their usage."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from koers.accounts.actor import Actor
from koers.accounts.locking import EditConflict
from koers.accounts.models import Membership, Organisation, Role
from koers.audit.models import AuditEntry
from koers.audit.sentences import sentence
from koers.hosting import services
from koers.hosting.models import ProviderLogEntry, ProviderStaff, SingleSignOn
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    make_item,
    make_plan,
)
from tests.form_data import form_data


@pytest.fixture
def staff(db):
    user = UserFactory(email="p@provider.test", username="p@provider.test")
    ProviderStaff.objects.create(user=user)
    return user


@pytest.fixture
def as_provider(client, staff):
    client.force_login(staff)
    return client


def test_only_provider_staff_open_the_console(client, db, staff):
    admin = MembershipFactory(admin=True).user
    superuser = UserFactory(is_superuser=True, is_staff=True)
    pages = [reverse("provider:console"), reverse("provider:organisation_create")]
    for person in (admin, superuser):
        client.force_login(person)
        assert [client.get(page).status_code for page in pages] == [403, 403]
    client.logout()
    assert client.get(pages[0])["Location"].startswith("/accounts/login/")
    client.force_login(staff)
    assert [client.get(page).status_code for page in pages] == [200, 200]


def test_services_refuse_members_and_non_staff(db, staff):
    membership = MembershipFactory(admin=True)
    organisation = membership.organisation
    for actor in (Actor.member(membership), Actor.system(UserFactory())):
        with pytest.raises(PermissionDenied):
            services.set_suspended(organisation, True, actor=actor)
        with pytest.raises(PermissionDenied):
            services.delete_organisation(organisation, organisation.name, actor=actor)
        with pytest.raises(PermissionDenied):
            services.set_two_factor_required(organisation, True, actor=actor)
    organisation.refresh_from_db()
    assert not organisation.suspended and not organisation.two_factor_required


def test_an_administrator_sets_the_sign_in_of_their_own_organisation_only(db):
    membership = MembershipFactory(admin=True)
    other = OrganisationFactory()
    values = {"enabled": False, "issuer": "https://login.example", "client_id": "koers"}
    services.save_single_sign_on(membership.organisation, values, actor=Actor.member(membership))
    assert SingleSignOn.objects.get(organisation=membership.organisation).client_id == "koers"
    with pytest.raises(PermissionDenied):
        services.save_single_sign_on(other, values, actor=Actor.member(membership))
    editor = MembershipFactory(editor=True, organisation=membership.organisation)
    with pytest.raises(PermissionDenied):
        services.save_single_sign_on(membership.organisation, values, actor=Actor.member(editor))


def test_usage_per_organisation(db, staff):
    busy = OrganisationFactory(name="Aaa bezig")
    MembershipFactory.create_batch(3, organisation=busy)
    plan = make_plan(busy)
    make_item(plan, make_item(plan), title="Kind")
    make_plan(busy)
    idle = OrganisationFactory(name="Zzz stil")
    rows = {o.name: o for o in services.organisations_with_usage()}
    assert (rows["Aaa bezig"].member_count, rows["Aaa bezig"].plan_count) == (3, 2)
    assert rows["Aaa bezig"].item_count == 2
    assert rows["Aaa bezig"].last_activity is not None  # the plans' history is in its log
    assert (rows[idle.name].member_count, rows[idle.name].item_count) == (0, 0)
    assert rows[idle.name].attachment_bytes + rows[idle.name].evidence_bytes == 0


def test_the_console_takes_as_many_queries_for_many_organisations_as_for_few(as_provider):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert as_provider.get(reverse("provider:console")).status_code == 200
        return len(captured)

    for _n in range(2):
        make_plan(MembershipFactory().organisation)
    few = queries()
    for _n in range(6):
        make_plan(MembershipFactory().organisation)
    assert queries() == few


def test_the_provider_creates_an_organisation_with_its_administrator(
    as_provider, staff, mailoutbox
):
    response = as_provider.post(
        reverse("provider:organisation_create"),
        {
            "name": "Gemeente Nieuwdorp",
            "slug": "nieuwdorp",
            "kind": "gemeente",
            "terminology_preset": "dutch_pc",
            "admin_email": "Baas@Nieuwdorp.nl",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(slug="nieuwdorp")
    assert organisation.terminology_preset == "dutch_pc"
    admin = Membership.objects.get(organisation=organisation)
    assert (admin.user.email, admin.role) == ("baas@nieuwdorp.nl", Role.ADMIN)
    assert len(mailoutbox) == 1
    entry = ProviderLogEntry.objects.get(action="organisation.created")
    assert (entry.organisation_id, entry.actor) == (organisation.pk, staff)


def test_a_reserved_or_taken_slug_is_refused(as_provider):
    OrganisationFactory(slug="bezet")
    for slug in ("provider", "bezet"):
        values = {
            "name": "X",
            "slug": slug,
            "kind": "gemeente",
            "terminology_preset": "flemish_bbc",
        }
        response = as_provider.post(
            reverse("provider:organisation_create"), {**values, "admin_email": "a@x.be"}
        )
        assert response.status_code == 200
    assert Organisation.objects.filter(slug="provider").count() == 0


def test_a_suspended_organisation_is_not_available_to_members_nor_the_public(client, db, staff):
    membership = MembershipFactory(admin=True)
    organisation = membership.organisation
    plan = make_plan(organisation)
    plan.is_published = True
    plan.save()
    client.force_login(membership.user)
    app = f"/app/{organisation.slug}/plans/"
    portal = f"/{organisation.slug}/"
    assert client.get(app).status_code == 200
    assert client.get(portal).status_code == 200
    services.set_suspended(organisation, True, actor=Actor.system(staff), reason="Contract")
    for address in (app, portal):
        response = client.get(address)
        assert response.status_code == 503
        assert "Niet beschikbaar" in response.content.decode()
        assert organisation.name not in response.content.decode()
    client.logout()
    assert client.get(portal).status_code == 503
    entry = AuditEntry.objects.get(action="accounts.organisation.suspended")
    assert entry.data == {"reason": "Contract"}
    with translation.override("nl"):
        assert sentence(entry) == "p@provider.test schortte de organisatie op. Reden: Contract"
    services.set_suspended(organisation, False, actor=Actor.system(staff))
    assert client.get(portal).status_code == 200


def test_deleting_needs_the_exact_name(as_provider, staff):
    organisation = OrganisationFactory(name="Gemeente Weg")
    url = reverse("provider:organisation_delete", kwargs={"org": organisation.slug})
    response = as_provider.post(url, {"confirmation": "gemeente weg"})
    assert response.status_code == 200
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    response = as_provider.post(url, {"confirmation": "Gemeente Weg"})
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    entry = ProviderLogEntry.objects.get(action="organisation.deleted")
    assert (entry.organisation_label, entry.actor) == (f"Gemeente Weg ({organisation.slug})", staff)
    with pytest.raises(ValidationError):
        services.delete_organisation(OrganisationFactory(), "", actor=Actor.system(staff))


def test_the_provider_sets_two_step_and_sign_in_and_the_secret_is_never_shown(as_provider):
    organisation = OrganisationFactory()
    page = reverse("provider:organisation", kwargs={"org": organisation.slug})
    as_provider.post(
        reverse("provider:organisation_two_factor", kwargs={"org": organisation.slug}),
        {"two_factor_required": "on"},
    )
    organisation.refresh_from_db()
    assert organisation.two_factor_required
    response = as_provider.post(
        page,
        {
            "sso-enabled": "on",
            "sso-issuer": "https://login.microsoftonline.com/tenant/v2.0",
            "sso-client_id": "koers-app",
            "sso-client_secret": "heel-geheim-123",
            "sso-scopes": "openid email profile",
            "sso-email_claim": "email",
            "sso-default_role": "reader",
            "sso-version": "0",  # the version the form was opened at: none stored yet
        },
    )
    assert response.status_code == 302
    sso = SingleSignOn.objects.get(organisation=organisation)
    assert sso.enabled and sso.secret() == "heel-geheim-123"
    shown = as_provider.get(page).content.decode()
    assert "heel-geheim-123" not in shown
    assert 'id="secret-stored"' in shown
    assert not any("heel-geheim" in str(e.data) for e in AuditEntry.objects.all())


def test_provider_staff_without_membership_land_on_the_console(as_provider):
    assert as_provider.get(reverse("accounts:home"))["Location"] == reverse("provider:console")


def test_the_demo_has_a_provider(demo):
    staff = ProviderStaff.objects.get(user__email="provider@voorbeeld.be")
    assert staff.user.check_password("demo")
    assert not staff.user.memberships.exists()


def test_the_command_gives_and_takes_the_provider_console(db):
    from io import StringIO

    from django.core.management import call_command

    user = UserFactory(email="ict@provider.example")
    out = StringIO()
    call_command("provider_staff", add="ICT@provider.example", stdout=out)
    assert out.getvalue() == "ict@provider.example\n"
    assert services.is_provider(user)
    call_command("provider_staff", remove="ict@provider.example", stdout=StringIO())
    assert not services.is_provider(user)


# -- name, kind and terminology after creation ----------------------------------------------

CONFLICT = "Iemand anders heeft dit intussen gewijzigd"


def _settings_form(client, organisation) -> dict:
    page = client.get(reverse("provider:organisation", kwargs={"org": organisation.slug}))
    return form_data(page, form_id="organisation-settings")


def _departments_heading(client, organisation) -> str:
    page = client.get(reverse("accounts:departments", kwargs={"org": organisation.slug}))
    return page.content.decode().split("<h1>")[1].split("</h1>")[0].strip()


def test_the_provider_changes_name_kind_and_terminology(client, as_provider, staff):
    organisation = OrganisationFactory(name="Gemeente Oud", terminology_preset="flemish_bbc")
    slug = organisation.slug
    plan = make_plan(organisation)
    member = MembershipFactory(admin=True, organisation=organisation).user
    member_client = type(client)()
    member_client.force_login(member)
    assert _departments_heading(member_client, organisation) == "Diensten"
    data = _settings_form(as_provider, organisation)
    assert data["version"] == [str(organisation.version)]
    data.update({"name": "Gemeente Nieuw", "kind": "ocmw", "terminology_preset": "dutch_pc"})
    url = reverse("provider:organisation_settings", kwargs={"org": slug})
    assert as_provider.post(url, data).status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.kind, organisation.slug) == (
        "Gemeente Nieuw",
        "ocmw",
        slug,
    )
    assert organisation.terminology_preset == "dutch_pc"
    plan.refresh_from_db()
    assert plan.terminology_preset == "flemish_bbc"  # an existing plan keeps its words
    # The pages outside a plan speak the preset's Dutch at once (nl-NL: afdelingen).
    assert _departments_heading(member_client, organisation) == "Afdelingen"
    latest = organisation.history.order_by("-history_date", "-history_id").first()
    assert (latest.name, latest.history_user) == ("Gemeente Nieuw", staff)
    entry = ProviderLogEntry.objects.get(action="organisation.changed")
    assert (entry.organisation_id, entry.actor) == (organisation.pk, staff)
    assert entry.data["fields"] == ["kind", "name", "terminology_preset"]
    assert entry.data["language"] == "nl-nl"
    audit = AuditEntry.objects.filter(
        organisation=organisation, action="accounts.organisation.changed", actor=staff
    )
    assert any(e.data.get("terminology_preset") == "dutch_pc" for e in audit)


def test_only_the_provider_changes_an_organisations_name_and_terminology(client, db, staff):
    membership = MembershipFactory(admin=True)
    organisation = membership.organisation
    url = reverse("provider:organisation_settings", kwargs={"org": organisation.slug})
    data = {"name": "Overgenomen", "kind": "gemeente", "terminology_preset": "dutch_pc"}
    data["version"] = str(organisation.version)
    for person in (membership.user, UserFactory(is_superuser=True, is_staff=True)):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    for actor in (Actor.member(membership), Actor.system(UserFactory())):
        with pytest.raises(PermissionDenied):
            services.update_organisation(organisation, {"name": "Overgenomen"}, actor=actor)
    organisation.refresh_from_db()
    assert organisation.name != "Overgenomen"
    assert not ProviderLogEntry.objects.exists()


def test_a_stale_organisation_form_is_refused_and_keeps_the_typing(as_provider, staff):
    organisation = OrganisationFactory(name="Gemeente Oud")
    url = reverse("provider:organisation_settings", kwargs={"org": organisation.slug})
    data = _settings_form(as_provider, organisation)
    data.update({"name": "Mijn naam", "terminology_preset": "dutch_pc"})
    services.update_organisation(organisation, {"name": "Hun naam"}, actor=Actor.system(staff))
    response = as_provider.post(url, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert CONFLICT in page
    again = form_data(page, form_id="yours")
    assert (again["name"], again["terminology_preset"]) == (["Mijn naam"], ["dutch_pc"])
    organisation.refresh_from_db()
    assert (organisation.name, organisation.terminology_preset) == ("Hun naam", "flemish_bbc")
    assert again["version"] == [str(organisation.version)]
    assert as_provider.post(url, again).status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.terminology_preset) == ("Mijn naam", "dutch_pc")


# -- single sign-on edited by two people ------------------------------------------------------

SSO_VALUES = {
    "enabled": True,
    "issuer": "https://login.example",
    "client_id": "van-de-provider",
    "client_secret": "geheim-van-de-provider",
    "scopes": "openid email profile",
    "email_claim": "email",
    "default_role": "reader",
}


def test_a_stale_sign_in_form_is_refused_without_showing_the_secret(client, db, staff):
    membership = MembershipFactory(admin=True)
    organisation = membership.organisation
    services.save_single_sign_on(organisation, SSO_VALUES, actor=Actor.system(staff))
    client.force_login(membership.user)
    url = reverse("hosting:single_sign_on", kwargs={"org": organisation.slug})
    data = form_data(client.get(url), form_id="sso-form")
    assert data["sso-version"] == ["1"]
    data.update({"sso-client_id": "mijn-client", "sso-client_secret": "mijn-geheim-42"})
    meanwhile = {**SSO_VALUES, "client_id": "hun-client", "client_secret": "hun-geheim-7"}
    services.save_single_sign_on(organisation, meanwhile, actor=Actor.system(staff))
    response = client.post(url, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert CONFLICT in page
    assert "mijn-geheim" not in page and "hun-geheim" not in page
    assert "Typ het nog eens om het te bewaren" in page
    again = form_data(page, form_id="yours")
    assert again["sso-client_id"] == ["mijn-client"]
    assert again["sso-client_secret"] == [""]
    sso = SingleSignOn.objects.get(organisation=organisation)
    assert (sso.client_id, sso.secret(), sso.version) == ("hun-client", "hun-geheim-7", 2)
    assert again["sso-version"] == ["2"]
    assert client.post(url, again).status_code == 302  # the secret left empty: kept
    sso.refresh_from_db()
    assert (sso.client_id, sso.secret(), sso.version) == ("mijn-client", "hun-geheim-7", 3)


def test_two_first_sign_in_settings_at_once_conflict(as_provider, staff):
    organisation = OrganisationFactory()
    url = reverse("provider:organisation", kwargs={"org": organisation.slug})
    data = form_data(as_provider.get(url), form_id="sso-form")
    assert data["sso-version"] == ["0"]
    data.update({f"sso-{key}": value for key, value in SSO_VALUES.items() if key != "enabled"})
    data.update({"sso-enabled": "on", "sso-client_id": "mijn-client"})
    administrator = MembershipFactory(admin=True, organisation=organisation)
    services.save_single_sign_on(organisation, SSO_VALUES, actor=Actor.member(administrator))
    response = as_provider.post(url, data)
    assert response.status_code == 409
    assert "geheim-van-de-provider" not in response.content.decode()
    sso = SingleSignOn.objects.get(organisation=organisation)
    assert sso.client_id == "van-de-provider"
    with pytest.raises(EditConflict):
        services.save_single_sign_on(
            organisation, SSO_VALUES, actor=Actor.system(staff), expected_version=0
        )
