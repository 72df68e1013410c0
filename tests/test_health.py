"""/health/: the database, the storage of files and the job workers' heartbeat."""

import os
from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from koers import storage
from koers.jobs.models import Worker

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.KOERS_WORKER_LEASE_SECONDS = 60
    return settings.MEDIA_ROOT


def _worker(seconds_ago: float, worker_id: str = "w1") -> Worker:
    now = timezone.now()
    return Worker.objects.create(
        worker_id=worker_id,
        host="web-1",
        pid=123,
        started_at=now - timedelta(hours=1),
        seen_at=now - timedelta(seconds=seconds_ago),
    )


def test_all_well_with_a_live_worker(db, client, settings, media):
    settings.TASKS = DATABASE_QUEUE
    with time_machine.travel(timezone.now(), tick=False):
        _worker(seconds_ago=5)
        _worker(seconds_ago=600, worker_id="old")
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "storage": "ok",
        "workers": {
            "status": "ok",
            "alive": 1,
            "last_heartbeat_seconds": 5.0,
            "lease_seconds": 60,
        },
    }
    assert client.get("/health/?workers=required").status_code == 200
    # the probe file was removed again
    assert list(media.rglob("*.txt")) == []


def test_a_stale_heartbeat_is_degraded_but_serves_pages(db, client, settings):
    settings.TASKS = DATABASE_QUEUE
    with time_machine.travel(timezone.now(), tick=False):
        _worker(seconds_ago=61)
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["workers"] == {
        "status": "stale",
        "alive": 0,
        "last_heartbeat_seconds": 61.0,
        "lease_seconds": 60,
    }
    # monitoring that needs the workers asks for them
    required = client.get("/health/?workers=required")
    assert required.status_code == 503
    assert required.json()["status"] == "degraded"


def test_no_worker_ever_is_degraded(db, client, settings):
    settings.TASKS = DATABASE_QUEUE
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "storage": "ok",
        "workers": {"status": "none", "alive": 0, "lease_seconds": 60},
    }
    assert client.get("/health/?workers=required").status_code == 503


def test_jobs_run_in_the_web_process_need_no_worker(db, client):
    # the suite's default: the immediate backend
    response = client.get("/health/?workers=required")
    assert response.status_code == 200
    assert response.json()["workers"] == {"status": "not used"}
    assert response.json()["status"] == "ok"


def test_storage_that_cannot_be_written_is_unavailable(db, client, media):
    media.parent.mkdir(parents=True, exist_ok=True)
    media.write_text("a file where the directory should be")
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "storage": "unavailable",
        "storage_failed": ["logos", "imports"],  # MEDIA_ROOT holds both
        "workers": {"status": "not used"},
    }


def test_a_directory_that_cannot_be_written_fails_its_kind(db, client, settings, tmp_path):
    # only the uploaded imports' directory is unusable (root writes to any directory, so
    # it is a file here); the other kinds still work, and no path is shown
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    (settings.MEDIA_ROOT / "imports").write_text("not a directory")
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["storage"], body["storage_failed"]) == (
        "unavailable",
        "unavailable",
        ["imports"],
    )
    assert str(tmp_path) not in response.content.decode()


def test_a_read_only_directory_fails_the_check(db, client, settings, tmp_path, monkeypatch):
    reports = tmp_path / "read-only"
    reports.mkdir()
    reports.chmod(0o500)
    settings.KOERS_REPORT_DIR = reports
    if os.access(reports, os.W_OK):  # root writes anywhere: refuse as the disk would
        real_filesystem = storage._filesystem

        def filesystem(location):
            backend = real_filesystem(location)
            if location != str(reports):
                return backend
            refusing = FileSystemStorage(location=location)
            refusing._save = refuse
            return refusing

        def refuse(name, content):
            raise PermissionError(13, "Permission denied", str(reports / name))

        monkeypatch.setattr(storage, "_filesystem", filesystem)
    response = client.get("/health/")
    reports.chmod(0o700)
    assert response.status_code == 503
    assert response.json()["storage_failed"] == ["reports"]


class _ForgetfulStorage(FileSystemStorage):
    """Saves, but reads back something else (a broken object store)."""

    def _open(self, name, mode="rb"):
        from django.core.files.base import ContentFile

        return ContentFile(b"something else", name=name)


def test_storage_that_returns_other_content_is_unavailable(db, client, media, monkeypatch):
    real_backend = storage.backend
    broken = _ForgetfulStorage(location=str(media / "reports"))

    def backend(area):
        return broken if area == "reports" else real_backend(area)

    monkeypatch.setattr(storage, "backend", backend)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["storage"] == "unavailable"
    assert response.json()["storage_failed"] == ["reports"]
    assert list(media.rglob("*.txt")) == []  # removed even so


def test_the_probe_goes_to_each_kind_of_file_once_per_place(
    db, client, settings, tmp_path, monkeypatch
):
    shared = tmp_path / "shared"
    settings.KOERS_ATTACHMENT_DIR = shared
    settings.KOERS_REPORT_DIR = shared  # attachments and reports in one directory
    saved = []
    real_save = FileSystemStorage.save

    def save(self, name, content, **kwargs):
        saved.append((self.location, name))
        return real_save(self, name, content, **kwargs)

    monkeypatch.setattr(FileSystemStorage, "save", save)
    assert client.get("/health/").status_code == 200
    assert sorted(location for location, _ in saved) == sorted(
        [str(shared), str(settings.MEDIA_ROOT / "logos"), str(settings.MEDIA_ROOT / "imports")]
    )
    assert all(name.startswith("health/probe-") for _, name in saved)
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []
