"""Shared storage: with KOERS_STORAGE=s3 every stored file (an attachment, a report made in
the background, a portal logo, a published complaints report, an uploaded import waiting
for its preview) goes into S3-compatible object storage and is read back from there by the
app; nothing is written to the local directories. The S3 server is moto's, started by the
test on 127.0.0.1 at a free port."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from koers import storage
from koers.accounts.actor import Actor
from koers.accounts.models import Organisation
from koers.followup.attachments import add_attachment
from koers.indicators.models import ValueImport
from koers.plans.models import DocumentImport, Plan
from koers.portal.forms import BrandingForm, save_branding
from koers.reporting.models import ReportJob
from tests.factories import MembershipFactory, make_item, make_plan, open_round

moto_server = pytest.importorskip(
    "moto.moto_server.threaded_moto_server", reason="moto[server] is not installed"
)
boto3 = pytest.importorskip("boto3", reason="boto3 (django-storages[s3]) is not installed")

pytestmark = pytest.mark.django_db
BUCKET = "koers-test"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


@pytest.fixture(scope="module")
def s3_server():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, tmp_path):
    """A new, empty bucket, and Koers configured to keep its files there."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    if any(found["Name"] == BUCKET for found in client.list_buckets()["Buckets"]):
        listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        for entry in listed:
            client.delete_object(Bucket=BUCKET, Key=entry["Key"])
    else:
        client.create_bucket(Bucket=BUCKET)
    settings.KOERS_STORAGE = "s3"
    settings.KOERS_S3_BUCKET = BUCKET
    settings.KOERS_S3_ENDPOINT_URL = s3_server
    settings.KOERS_S3_REGION = "us-east-1"
    settings.KOERS_S3_ACCESS_KEY_ID = "test"
    settings.KOERS_S3_SECRET_ACCESS_KEY = "test"
    settings.KOERS_S3_PREFIX = "gemeenten/"
    settings.KOERS_S3_ADDRESSING_STYLE = "path"
    yield client
    local = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert local == []  # nothing went to the local directories


def keys(client) -> list[str]:
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return sorted(entry["Key"] for entry in listed)


@pytest.fixture
def world():
    coordinator = MembershipFactory(coordinator=True)
    organisation = coordinator.organisation
    plan = make_plan(organisation)
    item = make_item(plan, None, title="Doel", code="BD1")
    round_ = open_round(plan, Actor.system())
    return {
        "organisation": organisation,
        "coordinator": coordinator,
        "admin": MembershipFactory(admin=True, organisation=organisation),
        "plan": plan,
        "update": round_.updates.get(item=item),
    }


def test_the_backend_follows_the_settings(bucket):
    from storages.backends.s3 import S3Storage

    backend = storage.backend("attachments")
    assert isinstance(backend, S3Storage)
    assert (backend.bucket_name, backend.location) == (BUCKET, "gemeenten/attachments")


def test_an_attachment_is_stored_in_the_bucket_and_downloaded_from_it(bucket, world, client):
    coordinator = world["coordinator"]
    upload = SimpleUploadedFile("werfverslag.txt", b"Alles volgens plan.\n", "text/plain")
    attachment = add_attachment(world["update"], upload, actor=Actor.member(coordinator))
    assert keys(bucket) == [f"gemeenten/attachments/{attachment.file.name}"]
    client.force_login(coordinator.user)
    response = client.get(
        reverse(
            "followup:attachment", kwargs={"org": world["organisation"].slug, "pk": attachment.pk}
        )
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Alles volgens plan.\n"


def test_a_report_made_in_the_background_is_kept_in_the_bucket(bucket, world, client):
    coordinator = world["coordinator"]
    client.force_login(coordinator.user)
    organisation = world["organisation"]
    url = reverse("reporting:reports", kwargs={"org": organisation.slug, "pk": world["plan"].pk})
    assert client.post(url, {"format": "xlsx", "round": ""}).status_code == 302
    job = ReportJob.objects.get()
    assert job.state == ReportJob.State.DONE, job.error
    assert keys(bucket) == [f"gemeenten/reports/{organisation.pk}/{job.file_name}"]
    download = client.get(
        reverse("reporting:download", kwargs={"org": organisation.slug, "pk": job.pk})
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"  # an Excel file (zip)


def test_a_logo_is_kept_in_the_bucket_and_served_by_the_portal(bucket, world, client):
    organisation = world["organisation"]
    form = BrandingForm(
        {"name": organisation.name, "colour": "#1d4f91", "version": organisation.version},
        {"logo_file": SimpleUploadedFile("logo.png", PNG)},
        instance=Organisation.objects.get(pk=organisation.pk),
    )
    assert form.is_valid(), form.errors
    saved = save_branding(form.instance, form, Actor.member(world["admin"]))
    assert keys(bucket) == [f"gemeenten/logos/{saved.logo.name}"]
    response = client.get(reverse("portal:logo", kwargs={"org": organisation.slug}))
    assert (response.status_code, response.content, response["Content-Type"]) == (
        200,
        PNG,
        "image/png",
    )


DOCUMENT = b"Meerjarenplan\n1 Wonen\n1.1 Betaalbaar wonen\n2 Werken\n"


def _imports(world, name, **kwargs) -> str:
    return reverse(name, kwargs={"org": world["organisation"].slug, **kwargs})


def test_an_uploaded_document_waits_in_the_bucket_until_it_is_loaded(
    bucket, world, client, django_capture_on_commit_callbacks
):
    organisation = world["organisation"]
    client.force_login(world["coordinator"].user)
    upload = SimpleUploadedFile("Meerjarenplan.txt", DOCUMENT, "text/plain")
    response = client.post(_imports(world, "plans:plan_import"), {"file": upload})
    draft = DocumentImport.objects.get()  # read in the background, from the bucket
    assert response.url == _imports(world, "plans:import_preview", pk=draft.pk)
    assert draft.state == DocumentImport.State.READY, draft.refusal
    assert draft.file.name.startswith(f"{organisation.pk}/plans/")
    assert keys(bucket) == [f"gemeenten/imports/{draft.file.name}"]
    preview = client.get(response.url)
    assert "Betaalbaar wonen" in preview.content.decode()
    client.post(response.url, {"read_again": "1", "family": "outline"})  # the same file
    draft.refresh_from_db()
    assert (draft.state, draft.family) == (DocumentImport.State.READY, "outline")
    with django_capture_on_commit_callbacks(execute=True):
        loaded = client.post(response.url, {"confirm": "1", "title": "Uit de emmer"})
    plan = Plan.objects.get(title="Uit de emmer")
    assert loaded.url == _imports(world, "plans:plan_tree", pk=plan.pk)
    assert keys(bucket) == []  # loaded: the draft and its file are gone


def test_a_discarded_upload_is_deleted_from_the_bucket(
    bucket, world, client, django_capture_on_commit_callbacks
):
    client.force_login(world["coordinator"].user)
    upload = SimpleUploadedFile("plan.txt", DOCUMENT, "text/plain")
    client.post(_imports(world, "plans:plan_import"), {"file": upload})
    values = SimpleUploadedFile("waarden.csv", b"Indicator;2024\nTEV;1\n", "text/csv")
    client.post(_imports(world, "indicators:import"), {"file": values})
    document, sheet = DocumentImport.objects.get(), ValueImport.objects.get()
    assert keys(bucket) == sorted(
        [f"gemeenten/imports/{document.file.name}", f"gemeenten/imports/{sheet.file.name}"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_imports(world, "plans:import_discard", pk=document.pk))
        client.post(_imports(world, "indicators:import_discard", pk=sheet.pk))
    assert keys(bucket) == []
    assert not DocumentImport.objects.exists() and not ValueImport.objects.exists()


def test_health_probes_the_bucket_of_every_kind_of_file(bucket, client, monkeypatch):
    from storages.backends.s3 import S3Storage

    written = []
    real_save = S3Storage._save

    def save(self, name, content):
        written.append(self.location)
        return real_save(self, name, content)

    monkeypatch.setattr(S3Storage, "_save", save)
    response = client.get("/health/")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["storage"]) == ("ok", "ok")
    assert "storage_failed" not in response.json()
    assert sorted(written) == sorted(f"gemeenten/{area}" for area in storage.AREAS)
    assert keys(bucket) == []  # the probes were removed again


def test_health_fails_when_the_bucket_is_gone(bucket, client, s3_server):
    bucket.delete_bucket(Bucket=BUCKET)
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["storage"]) == ("unavailable", "unavailable")
    assert body["storage_failed"] == list(storage.AREAS)
    # the caller is anonymous: no bucket, address or prefix in the answer
    for secret in (BUCKET, s3_server, "gemeenten"):
        assert secret not in response.content.decode()


def test_health_fails_when_the_storage_does_not_answer(bucket, client, settings):
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.KOERS_S3_ENDPOINT_URL = f"http://127.0.0.1:{port}"
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["storage_failed"] == list(storage.AREAS)


def test_a_draft_whose_file_left_the_bucket_asks_for_it_again(bucket, world, client):
    client.force_login(world["coordinator"].user)
    values = SimpleUploadedFile("waarden.csv", b"Indicator;2024\nTEV;1\n", "text/csv")
    client.post(_imports(world, "indicators:import"), {"file": values})
    draft = ValueImport.objects.get()
    bucket.delete_object(Bucket=BUCKET, Key=f"gemeenten/imports/{draft.file.name}")
    response = client.get(_imports(world, "indicators:import_preview", pk=draft.pk))
    assert response.status_code == 200
    assert "niet meer beschikbaar; laad het opnieuw op" in response.content.decode()
    assert ValueImport.objects.filter(pk=draft.pk).exists()
