"""One write path: loading a PlanDocument, report jobs, creating an organisation, the
departments a loaded plan names and the portal's branding all go through a service that
takes the actor, refuses another organisation's member and an under-privileged one, and
leaves history and an audit entry."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from koers.accounts import services as accounts
from koers.accounts.actor import Actor
from koers.accounts.locking import EditConflict
from koers.accounts.models import Department, Organisation
from koers.audit.models import AuditEntry
from koers.audit.sentences import sentence
from koers.demo.synthetic import synthetic_plan_document
from koers.plans.document.load import load_plan_document
from koers.plans.models import Plan
from koers.portal.forms import BrandingForm, save_branding
from koers.reporting import jobs
from koers.reporting.models import ReportJob
from koers.storage import logos
from tests.factories import MembershipFactory, make_plan

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + bytes(40)


@pytest.fixture
def world():
    admin = MembershipFactory(admin=True)
    organisation = admin.organisation
    return {
        "organisation": organisation,
        "admin": admin,
        "coordinator": MembershipFactory(coordinator=True, organisation=organisation),
        "editor": MembershipFactory(editor=True, organisation=organisation),
        "outsider": MembershipFactory(admin=True),  # every capability, elsewhere
        "plan": make_plan(organisation, title="Meerjarenplan"),
    }


def document_naming(*departments):
    document = synthetic_plan_document(3)
    document["plan"]["departments"] = list(departments)
    return document


# Loading a PlanDocument ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "editor"])
def test_loading_a_plan_document_refuses_a_foreign_or_under_privileged_member(world, who):
    before = (Plan.objects.count(), Department.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PermissionDenied):
        load_plan_document(
            document_naming("Dienst Wonen"),
            world["organisation"],
            actor=Actor.member(world[who]),
        )
    after = (Plan.objects.count(), Department.objects.count(), AuditEntry.objects.count())
    assert after == before


def test_replacing_another_organisations_plan_is_refused(world):
    elsewhere = make_plan(world["outsider"].organisation, title="Elders")
    with pytest.raises(PermissionDenied):
        load_plan_document(
            synthetic_plan_document(2),
            world["organisation"],
            actor=Actor.member(world["coordinator"]),
            replace=elsewhere,
        )


def test_a_loaded_plan_and_the_departments_it_names_are_recorded_with_their_actor(world):
    coordinator = world["coordinator"]
    Department.objects.create(organisation=world["organisation"], name="Dienst Wonen")
    start = AuditEntry.objects.order_by("id").last().pk
    loaded = load_plan_document(
        document_naming("Dienst Wonen", "Dienst Werken"),
        world["organisation"],
        actor=Actor.member(coordinator),
    )
    added = Department.objects.get(organisation=world["organisation"], name="Dienst Werken")
    record = added.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        coordinator.user,
        "Genoemd in een ingeladen plan",
    )
    entries = AuditEntry.objects.filter(organisation=world["organisation"], pk__gt=start)
    assert list(
        entries.filter(object_type="accounts.department").values_list(
            "action", "object_label", "actor"
        )
    ) == [("accounts.department.created", "Dienst Werken", coordinator.user.pk)]
    load = entries.get(action="plans.plan.loaded")
    assert (load.object_id, load.actor) == (loaded.plan.pk, coordinator.user)
    assert loaded.plan.history.earliest().history_user == coordinator.user


def test_a_department_an_indicator_names_is_added_through_the_department_service(world):
    coordinator = world["coordinator"]
    document = {
        "format": "koers.plan-document",
        "version": 2,
        "plan": {"title": "Milieu", "first_year": 2026, "last_year": 2031, "items": []},
        "indicators": [{"code": "M1", "name": "Zwerfvuil", "department": "Dienst Milieu"}],
    }
    load_plan_document(document, world["organisation"], actor=Actor.member(coordinator))
    added = Department.objects.get(organisation=world["organisation"], name="Dienst Milieu")
    assert added.history.get().history_user == coordinator.user
    entry = AuditEntry.objects.get(action="accounts.department.created", object_id=added.pk)
    assert entry.actor == coordinator.user


def test_the_import_command_loads_as_the_system(world, tmp_path):
    import json

    path = tmp_path / "plan.json"
    path.write_text(json.dumps(synthetic_plan_document(2)), encoding="utf-8")
    call_command("import_plan", str(path), organisation=world["organisation"].slug)
    entry = AuditEntry.objects.get(action="plans.plan.loaded")
    assert (entry.organisation, entry.actor, entry.data["items"]) == (
        world["organisation"],
        None,
        len(list(Plan.objects.get(pk=entry.object_id).items.filter(depth__gt=1))),
    )


# Report jobs ---------------------------------------------------------------------------


def test_asking_for_a_report_of_another_organisations_plan_is_refused(world):
    with pytest.raises(PermissionDenied):
        jobs.request_report(
            world["plan"], {"format": "xlsx"}, actor=Actor.member(world["outsider"])
        )
    assert not ReportJob.objects.exists()
    assert not AuditEntry.objects.filter(object_type="reporting.reportjob").exists()


def test_a_reader_without_export_is_refused(world, monkeypatch):
    from koers.accounts import permissions

    reader = MembershipFactory(organisation=world["organisation"])
    roles = dict(permissions.ROLE_CAPABILITIES)
    roles[reader.role] = roles[reader.role] - {permissions.EXPORT}
    monkeypatch.setattr(permissions, "ROLE_CAPABILITIES", roles)
    with pytest.raises(PermissionDenied):
        jobs.request_report(world["plan"], {"format": "xlsx"}, actor=Actor.member(reader))
    assert not ReportJob.objects.exists()


def test_a_report_asked_for_on_the_web_is_logged_and_made(world, client):
    editor = world["editor"]
    client.force_login(editor.user)
    url = reverse(
        "reporting:reports", kwargs={"org": world["organisation"].slug, "pk": world["plan"].pk}
    )
    response = client.post(url, {"format": "xlsx", "round": ""})
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert (job.state, job.requested_by) == (ReportJob.State.DONE, editor.user)
    entry = AuditEntry.objects.get(object_type="reporting.reportjob")
    assert (entry.action, entry.object_id, entry.actor, entry.data) == (
        "reporting.reportjob.requested",
        job.pk,
        editor.user,
        {"format": "xlsx", "round": None, "plan": world["plan"].pk},
    )
    who = editor.user.get_username()
    with translation.override("nl-be"):
        dutch = sentence(entry)
    with translation.override("en"):
        english = sentence(entry)
    assert dutch == f"{who} vroeg een rapport van “Meerjarenplan” aan (Excel (XLSX))."
    assert english == f"{who} asked for a report of “Meerjarenplan” (Excel (XLSX))."


def test_only_a_failed_report_is_retried_and_the_retry_is_logged(world):
    coordinator = Actor.member(world["coordinator"])
    job = ReportJob.objects.create(
        plan=world["plan"], format="xlsx", state=ReportJob.State.FAILED, error="kapot"
    )
    with pytest.raises(PermissionDenied):
        jobs.retry_report(job, actor=Actor.member(world["outsider"]))
    assert jobs.retry_report(job, actor=coordinator) is True
    job.refresh_from_db()
    assert (job.state, job.error) == (ReportJob.State.DONE, "")  # run at once in tests
    assert jobs.retry_report(job, actor=coordinator) is False  # done: nothing to retry
    assert list(
        AuditEntry.objects.filter(object_type="reporting.reportjob").values_list("action", "actor")
    ) == [("reporting.reportjob.retried", world["coordinator"].user.pk)]


# Organisations -------------------------------------------------------------------------


def test_no_member_of_an_organisation_creates_organisations(world):
    with pytest.raises(PermissionDenied):
        accounts.create_organisation(
            {"name": "Gemeente Elders", "slug": "elders"},
            admin_email="baas@elders.be",
            actor=Actor.member(world["admin"]),
        )
    assert not Organisation.objects.filter(slug="elders").exists()


def test_the_command_creates_an_organisation_through_the_service_with_history(world):
    call_command(
        "create_organisation",
        name="Gemeente Nieuwdorp",
        slug="nieuwdorp",
        admin_email="baas@nieuwdorp.be",
        stdout=__import__("io").StringIO(),
    )
    organisation = Organisation.objects.get(slug="nieuwdorp")
    assert organisation.history.get().history_type == "+"
    assert list(
        AuditEntry.objects.filter(organisation=organisation)
        .order_by("id")
        .values_list("action", "object_label")
    ) == [
        ("accounts.organisation.created", "Gemeente Nieuwdorp"),
        ("accounts.membership.created", "baas@nieuwdorp.be @ Gemeente Nieuwdorp (admin)"),
    ]


def test_a_reserved_or_taken_slug_is_refused(world):
    for slug in ("app", world["organisation"].slug):
        with pytest.raises(ValidationError):
            accounts.create_organisation(
                {"name": "X", "slug": slug}, admin_email="x@x.be", actor=Actor.system()
            )


# Portal branding -----------------------------------------------------------------------


def branding(organisation, **values):
    data = {
        "name": organisation.name,
        "colour": "#1d4f91",
        "version": organisation.version,
        **values,
    }
    files = {"logo_file": SimpleUploadedFile("logo.png", PNG)}
    form = BrandingForm(data, files, instance=Organisation.objects.get(pk=organisation.pk))
    assert form.is_valid(), form.errors
    return form


@pytest.mark.parametrize("who", ["outsider", "coordinator"])
def test_branding_refuses_a_foreign_or_under_privileged_member(world, who):
    organisation = world["organisation"]
    name = organisation.name
    form = branding(organisation, name="Overgenomen")
    with pytest.raises(PermissionDenied):
        save_branding(form.instance, form, Actor.member(world[who]))
    organisation.refresh_from_db()
    assert (organisation.name, organisation.logo.name) == (name, "")
    assert list(organisation.history.values_list("history_type", flat=True)) == ["+"]


def test_branding_is_recorded_in_history_and_the_audit_log_and_the_logo_stored(world):
    organisation, admin = world["organisation"], world["admin"]
    form = branding(organisation, name="Gemeente Zeekant")
    saved = save_branding(
        form.instance, form, Actor.member(admin), expected_version=form.expected_version
    )
    record = saved.history.get(history_type="~")
    assert (record.history_user, record.name, record.logo) == (
        admin.user,
        "Gemeente Zeekant",
        saved.logo.name,
    )
    assert saved.logo.name.startswith(f"{organisation.pk}/logo")
    with logos.open(saved.logo.name) as handle:
        assert handle.read() == PNG
    entry = AuditEntry.objects.get(action="accounts.organisation.changed")
    assert (entry.action, entry.actor, entry.object_label) == (
        "accounts.organisation.changed",
        admin.user,
        "Gemeente Zeekant",
    )
    stale = branding(organisation, name="Oud formulier", version=organisation.version)
    with pytest.raises(EditConflict):
        save_branding(
            stale.instance, stale, Actor.member(admin), expected_version=stale.expected_version
        )


# The portal's complaint form ------------------------------------------------------------


def test_the_portal_complaint_form_is_switched_through_its_service_with_history(world, client):
    from koers.complaints_public import services as complaint_form
    from koers.complaints_public.models import PortalComplaintForm

    organisation, admin = world["organisation"], world["admin"]
    client.force_login(admin.user)
    url = reverse("complaints_public:portal_form", kwargs={"org": organisation.slug})
    assert client.get(url).status_code == 200
    assert not PortalComplaintForm.objects.exists()  # reading the page writes nothing
    for who in ("outsider", "coordinator"):
        with pytest.raises(PermissionDenied):
            complaint_form.save_portal_form(
                organisation, {"enabled": True}, actor=Actor.member(world[who])
            )
    assert client.post(url, {"enabled": "on", "introduction": "Welkom"}).status_code == 302
    switch = PortalComplaintForm.objects.get(organisation=organisation)
    record = switch.history.get()
    assert (switch.enabled, record.history_user, record.history_type) == (True, admin.user, "+")
    entry = AuditEntry.objects.get(object_type="complaints_public.portalcomplaintform")
    assert (entry.actor, entry.data) == (
        admin.user,
        {"reason": "Klachtenformulier op het portaal gewijzigd"},
    )


def test_an_organisation_with_history_can_be_deleted_with_its_log(world):
    organisation = world["organisation"]
    Department.objects.create(organisation=organisation, name="Dienst Wonen")
    assert AuditEntry.objects.filter(organisation=organisation).exists()
    Organisation.objects.filter(pk=organisation.pk).delete()
    assert not AuditEntry.objects.filter(organisation_id=organisation.pk).exists()
