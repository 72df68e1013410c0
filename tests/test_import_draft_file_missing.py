"""An import draft whose file is gone from the storage (a database restored without its
files, a bucket emptied): its pages say so in Dutch and offer to upload the file again or
discard the draft, instead of a server error; nothing else is lost."""

import pytest
from django.urls import reverse

from koers.improvements import importing as action_importing
from koers.improvements.models import ActionImport, Source
from koers.indicators import importing as value_importing
from koers.indicators.models import ValueImport
from koers.plans.models import DocumentImport
from koers.plans.services import document_import
from tests.factories import MembershipFactory, make_plan

TEXT = b"Meerjarenplan\n1 Wonen\n1.1 Betaalbaar wonen\n2 Werken\n"
SHEET = b"Wat;Kenmerk\nFietspad;F1\nSpeelplein;F2\n"
VALUES = b"Indicator;2024\nTEV;1\n"
ACTIONS = b"Referentie;Aanbeveling\nA1;Beter opvolgen\n"
MISSING = "Het opgeladen bestand van dit ontwerp is niet meer beschikbaar; laad het opnieuw op."


@pytest.fixture
def coordinator(db):
    return MembershipFactory(coordinator=True)


@pytest.fixture
def client_of(client, coordinator):
    client.force_login(coordinator.user)
    return client


def lose_file(draft) -> None:
    draft.file.storage.delete(draft.file.name)
    assert not draft.file_available()


def url(name: str, organisation, **kwargs) -> str:
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


def assert_offers_upload_and_discard(response, organisation, app: str, upload: str, pk: int):
    assert response.status_code == 200
    page = response.content.decode()
    assert MISSING in page
    assert f'href="{url(upload, organisation)}"' in page
    assert f'action="{url(f"{app}:import_discard", organisation, pk=pk)}"' in page


def test_a_sheet_of_a_plan_without_its_file(coordinator, client_of):
    organisation = coordinator.organisation
    draft = document_import.read_upload(organisation, coordinator.user, "lijst.csv", SHEET)
    assert (draft.state, draft.format) == (DocumentImport.State.READY, "csv")
    lose_file(draft)
    preview = url("plans:import_preview", organisation, pk=draft.pk)
    response = client_of.get(preview)  # the column choice reads the file
    assert_offers_upload_and_discard(response, organisation, "plans", "plans:plan_import", draft.pk)
    response = client_of.post(preview, {"map_columns": "1", "column_title": "Wat"})
    assert response.status_code == 302 and response.url == preview
    assert DocumentImport.objects.get(pk=draft.pk).state == DocumentImport.State.READY
    assert client_of.post(url("plans:import_discard", organisation, pk=draft.pk)).status_code == 302
    assert not DocumentImport.objects.exists()


def test_a_sheet_update_of_a_plan_without_its_file(coordinator, client_of):
    organisation = coordinator.organisation
    plan = make_plan(organisation)
    draft = document_import.read_upload(
        organisation, coordinator.user, "plan.csv", SHEET, target_plan=plan
    )
    lose_file(draft)
    response = client_of.get(url("plans:import_preview", organisation, pk=draft.pk))
    assert_offers_upload_and_discard(response, organisation, "plans", "plans:plan_import", draft.pk)


def test_a_document_read_before_keeps_its_preview_but_cannot_be_read_again(coordinator, client_of):
    organisation = coordinator.organisation
    draft = document_import.read_upload(organisation, coordinator.user, "plan.txt", TEXT)
    lose_file(draft)
    preview = url("plans:import_preview", organisation, pk=draft.pk)
    response = client_of.get(preview)  # what was read is in the database
    assert response.status_code == 200 and "Betaalbaar wonen" in response.content.decode()
    response = client_of.post(preview, {"read_again": "1", "family": "outline"}, follow=True)
    assert response.redirect_chain == [(preview, 302)]
    page = response.content.decode()
    assert MISSING in page and "Betaalbaar wonen" in page  # nothing else lost
    kept = DocumentImport.objects.get(pk=draft.pk)
    assert (kept.state, kept.document) == (DocumentImport.State.READY, draft.document)


def test_a_document_read_in_the_background_without_its_file_is_refused_with_the_reason(
    coordinator, client_of
):
    organisation = coordinator.organisation
    draft = document_import.read_upload(organisation, coordinator.user, "plan.txt", TEXT)
    lose_file(draft)
    DocumentImport.objects.filter(pk=draft.pk).update(state=DocumentImport.State.READING)
    document_import.read_stored(draft.pk)  # the background task: no FileNotFoundError
    refused = DocumentImport.objects.get(pk=draft.pk)
    assert (refused.state, refused.refusal["code"]) == ("refused", "file_missing")
    response = client_of.get(url("plans:import_preview", organisation, pk=draft.pk), follow=True)
    assert response.redirect_chain == [(url("plans:plan_import", organisation), 302)]
    assert MISSING in response.content.decode()


def test_values_without_their_file(coordinator, client_of):
    organisation = coordinator.organisation
    draft = value_importing.keep_upload(organisation, coordinator.user, "waarden.csv", VALUES)
    lose_file(draft)
    preview = url("indicators:import_preview", organisation, pk=draft.pk)
    for response in (client_of.get(preview), client_of.post(preview, {"confirm": "1"})):
        assert_offers_upload_and_discard(
            response, organisation, "indicators", "indicators:import", draft.pk
        )
    assert ValueImport.objects.filter(pk=draft.pk).exists()


def test_recommendations_without_their_file(coordinator, client_of):
    organisation = coordinator.organisation
    source = Source.objects.create(organisation=organisation, name="Audit 2026")
    draft = action_importing.keep_upload(source, coordinator.user, "audit.csv", ACTIONS)
    lose_file(draft)
    preview = url("improvements:import_preview", organisation, pk=draft.pk)
    for response in (client_of.get(preview), client_of.post(preview, {"confirm": "1"})):
        assert_offers_upload_and_discard(
            response, organisation, "improvements", "improvements:import", draft.pk
        )
    assert ActionImport.objects.filter(pk=draft.pk).exists()
