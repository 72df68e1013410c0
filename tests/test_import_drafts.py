"""Import drafts (an uploaded document, sheet of values or sheet of recommendations waiting
for its preview to be confirmed) keep their file in the ``imports`` storage, not in the
database; however a draft goes (loaded, discarded, abandoned for a week, its organisation
deleted), its file goes with it. The migration moves the bytes of existing drafts into
files and back."""

import datetime
import io

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from koers import storage
from koers.improvements import importing as action_importing
from koers.improvements.models import ActionImport, Source
from koers.indicators import importing as value_importing
from koers.indicators.models import ValueImport
from koers.plans.models import DocumentImport
from koers.plans.services import document_import
from tests.factories import MembershipFactory

TEXT = b"Meerjarenplan\n1 Wonen\n1.1 Betaalbaar wonen\n2 Werken\n"
VALUES = b"Indicator;2024\nTEV;1\n"
ACTIONS = b"Referentie;Aanbeveling\nA1;Beter opvolgen\n"


def stored(settings) -> list[str]:
    """The files in the imports storage, relative to its directory."""
    root = settings.MEDIA_ROOT / "imports"
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def coordinator(db):
    return MembershipFactory(coordinator=True)


@pytest.fixture
def source(coordinator):
    return Source.objects.create(organisation=coordinator.organisation, name="Audit 2026")


def test_an_upload_is_kept_as_a_file_named_by_organisation_and_kind(coordinator, settings):
    organisation = coordinator.organisation
    draft = document_import.read_upload(organisation, coordinator.user, "Plan 2026.TXT", TEXT)
    assert draft.state == DocumentImport.State.READY
    assert draft.filename == "Plan 2026.TXT"  # the user's name stays out of the storage
    (name,) = stored(settings)
    assert name == draft.file.name
    assert name.startswith(f"{organisation.pk}/plans/") and name.endswith(".txt")
    assert draft.read_content() == TEXT
    # Read again as another family: from the same file.
    draft = document_import.read_again(draft, family="outline")
    assert (draft.state, draft.family, stored(settings)) == ("ready", "outline", [name])


def test_a_discarded_plan_import_deletes_its_file(
    coordinator, client, settings, django_capture_on_commit_callbacks
):
    organisation = coordinator.organisation
    draft = document_import.read_upload(organisation, coordinator.user, "plan.txt", TEXT)
    assert stored(settings) == [draft.file.name]
    client.force_login(coordinator.user)
    discard = reverse("plans:import_discard", kwargs={"org": organisation.slug, "pk": draft.pk})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(discard).status_code == 302
    assert not DocumentImport.objects.exists()
    assert stored(settings) == []


def test_discarded_uploads_of_values_and_recommendations_delete_their_files(
    coordinator, source, client, settings, django_capture_on_commit_callbacks
):
    organisation = coordinator.organisation
    values = value_importing.keep_upload(organisation, coordinator.user, "waarden.csv", VALUES)
    actions = action_importing.keep_upload(source, coordinator.user, "audit.csv", ACTIONS)
    assert stored(settings) == sorted([values.file.name, actions.file.name])
    assert values.file.name.startswith(f"{organisation.pk}/indicators/")
    assert actions.file.name.startswith(f"{organisation.pk}/improvements/")
    assert (values.read_content(), actions.read_content()) == (VALUES, ACTIONS)
    client.force_login(coordinator.user)
    org = organisation.slug
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("indicators:import_discard", kwargs={"org": org, "pk": values.pk}))
    assert stored(settings) == [actions.file.name]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("improvements:import_discard", kwargs={"org": org, "pk": actions.pk}))
    assert stored(settings) == []
    assert not ValueImport.objects.exists() and not ActionImport.objects.exists()


def test_drafts_abandoned_for_a_week_go_with_their_files_at_the_next_upload(
    coordinator, source, settings, frozen_clock, django_capture_on_commit_callbacks
):
    organisation, user = coordinator.organisation, coordinator.user
    old = [
        document_import.read_upload(organisation, user, "oud.txt", TEXT),
        value_importing.keep_upload(organisation, user, "oud.csv", VALUES),
        action_importing.keep_upload(source, user, "oud.csv", ACTIONS),
    ]
    assert len(stored(settings)) == 3
    frozen_clock.shift(datetime.timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        new = [
            document_import.read_upload(organisation, user, "nieuw.txt", TEXT),
            value_importing.keep_upload(organisation, user, "nieuw.csv", VALUES),
            action_importing.keep_upload(source, user, "nieuw.csv", ACTIONS),
        ]
    assert stored(settings) == sorted(draft.file.name for draft in new)
    for draft in old:
        assert not type(draft).objects.filter(pk=draft.pk).exists()


def test_the_daily_command_deletes_abandoned_drafts_of_every_organisation(
    coordinator, source, settings, frozen_clock, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    organisation, user = coordinator.organisation, coordinator.user
    other = MembershipFactory(coordinator=True)
    document_import.read_upload(organisation, user, "oud.txt", TEXT)
    value_importing.keep_upload(organisation, user, "oud.csv", VALUES)
    action_importing.keep_upload(source, user, "oud.csv", ACTIONS)
    value_importing.keep_upload(other.organisation, other.user, "ander-oud.csv", VALUES)
    frozen_clock.shift(datetime.timedelta(days=6))
    recent = value_importing.keep_upload(other.organisation, other.user, "recent.csv", VALUES)
    frozen_clock.shift(datetime.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("delete_abandoned_imports", stdout=(out := io.StringIO()))
    assert "4 verlaten imports verwijderd." in out.getvalue()
    assert stored(settings) == [recent.file.name]
    assert list(ValueImport.objects.values_list("filename", flat=True)) == ["recent.csv"]
    assert not DocumentImport.objects.exists() and not ActionImport.objects.exists()


def test_a_loaded_import_deletes_its_file(
    coordinator, settings, django_capture_on_commit_callbacks
):
    from koers.accounts.actor import Actor

    organisation = coordinator.organisation
    draft = document_import.read_upload(organisation, coordinator.user, "plan.txt", TEXT)
    with django_capture_on_commit_callbacks(execute=True):
        result = document_import.load_import(draft, actor=Actor.member(coordinator))
    assert result.item_count > 0
    assert stored(settings) == []


def test_a_deleted_organisation_takes_its_draft_files_along(
    coordinator, source, settings, django_capture_on_commit_callbacks
):
    organisation, user = coordinator.organisation, coordinator.user
    document_import.read_upload(organisation, user, "plan.txt", TEXT)
    value_importing.keep_upload(organisation, user, "waarden.csv", VALUES)
    action_importing.keep_upload(source, user, "audit.csv", ACTIONS)
    other = MembershipFactory(coordinator=True)
    kept = value_importing.keep_upload(other.organisation, other.user, "ander.csv", VALUES)
    with django_capture_on_commit_callbacks(execute=True):
        organisation.delete()
    assert stored(settings) == [kept.file.name]


def test_a_draft_discarded_while_its_task_starts_is_left_alone(
    coordinator, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The task found the draft, then the user discarded it (and its file) before the file
    was read: the task ends quietly, with nothing to report."""
    organisation = coordinator.organisation
    draft = document_import.read_upload(organisation, coordinator.user, "plan.txt", TEXT)
    DocumentImport.objects.filter(pk=draft.pk).update(state=DocumentImport.State.READING)
    read = document_import.read_bytes

    def discarded_first(storage_, name):
        with django_capture_on_commit_callbacks(execute=True):
            DocumentImport.objects.filter(pk=draft.pk).delete()
        return read(storage_, name)

    monkeypatch.setattr(document_import, "read_bytes", discarded_first)
    document_import.read_stored(draft.pk)  # no FileNotFoundError
    assert not DocumentImport.objects.exists() and stored(settings) == []


def test_a_draft_that_cannot_be_saved_leaves_no_file(coordinator, settings, monkeypatch):
    def fails(draft, *args, **kwargs):
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(ValueImport, "save", fails)
    with pytest.raises(RuntimeError):
        value_importing.keep_upload(coordinator.organisation, None, "x.csv", VALUES)
    assert stored(settings) == []


DRAFT_MIGRATIONS = {
    "plans": ("0008_import_draft_file", "0010_remove_import_draft_content"),
    "indicators": ("0004_import_draft_file", "0006_remove_import_draft_content"),
    "improvements": ("0002_import_draft_file", "0004_remove_import_draft_content"),
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_stored_bytes_into_files_and_back(settings):
    before = [(app, names[0]) for app, names in DRAFT_MIGRATIONS.items()]
    after = [(app, names[1]) for app, names in DRAFT_MIGRATIONS.items()]
    try:
        apps = _migrate(before)
        organisation = apps.get_model("accounts", "Organisation")._base_manager.create(
            name="Gemeente Oud", slug="oud"
        )
        plans = apps.get_model("plans", "DocumentImport")._base_manager
        values = apps.get_model("indicators", "ValueImport")._base_manager
        plans.create(organisation=organisation, filename="Plan.DOCX", content=b"PK", format="docx")
        plans.create(organisation=organisation, filename="weg.pdf", content=b"", format="pdf")
        values.create(organisation=organisation, filename="w.csv", content=VALUES)
        apps = _migrate(after)
        plans = apps.get_model("plans", "DocumentImport")._base_manager
        values = apps.get_model("indicators", "ValueImport")._base_manager
        docx, refused = plans.order_by("pk")
        assert docx.file.name.startswith(f"{organisation.pk}/plans/")
        assert docx.file.name.endswith(".docx") and refused.file.name == ""
        (value,) = values.all()
        assert storage.read_bytes(storage.imports, docx.file.name) == b"PK"
        assert storage.read_bytes(storage.imports, value.file.name) == VALUES
        assert stored(settings) == sorted([docx.file.name, value.file.name])
        # And back: the bytes in the database again, the files gone.
        apps = _migrate(before)
        plans = apps.get_model("plans", "DocumentImport")._base_manager
        values = apps.get_model("indicators", "ValueImport")._base_manager
        contents = [bytes(row.content) for row in plans.order_by("pk")]
        assert contents == [b"PK", b""]
        assert [bytes(row.content) for row in values.all()] == [VALUES]
        assert stored(settings) == []
    finally:
        _migrate(after)
