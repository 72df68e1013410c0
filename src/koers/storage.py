"""Where Koers keeps files: attachments and evidence, generated reports, logos and the
uploaded files of imports waiting for their preview to be confirmed (drafts).

Every stored file goes through Django's storage API, through one :class:`AreaStorage` per
kind of file (an *area*), never through a local path. ``KOERS_STORAGE`` chooses the backend
for all of them:

- ``local`` (default): a directory per area on the machine or on a shared volume
  (``KOERS_ATTACHMENT_DIR``, ``KOERS_REPORT_DIR``, ``MEDIA_ROOT/logos``,
  ``MEDIA_ROOT/imports``);
- ``s3``: one bucket of S3-compatible object storage (AWS S3, MinIO, Ceph, OVH, Scaleway…)
  through django-storages, each area under its own prefix
  (``<KOERS_S3_PREFIX>attachments/`` …); see ``KOERS_S3_*`` in docs/configuration.md.

The backend is resolved at each use from the settings (and kept while they stay the same),
so that tests and deployments can move it; files are only handed out by views that check
permission, never by a public address.
"""

import os
import uuid
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.deconstruct import deconstructible

AREAS = ("attachments", "reports", "logos", "imports")


def kind() -> str:
    return getattr(settings, "KOERS_STORAGE", "local") or "local"


def s3_options(area: str = "") -> dict:
    """The options of django-storages' S3Storage, from the ``KOERS_S3_*`` settings."""
    prefix = settings.KOERS_S3_PREFIX.strip("/")
    location = "/".join(part for part in (prefix, area) if part)
    return {
        "bucket_name": settings.KOERS_S3_BUCKET,
        "endpoint_url": settings.KOERS_S3_ENDPOINT_URL or None,
        "region_name": settings.KOERS_S3_REGION or None,
        "access_key": settings.KOERS_S3_ACCESS_KEY_ID or None,
        "secret_key": settings.KOERS_S3_SECRET_ACCESS_KEY or None,
        "location": location,
        "default_acl": None,  # private: the bucket's policy, never public-read
        "querystring_auth": True,
        "file_overwrite": False,  # a name already taken gets a new one, as on disk
        "addressing_style": settings.KOERS_S3_ADDRESSING_STYLE or None,
    }


def _local_directory(area: str) -> str:
    if area == "attachments":
        return str(settings.KOERS_ATTACHMENT_DIR)
    if area == "reports":
        return str(settings.KOERS_REPORT_DIR)
    return os.path.join(str(settings.MEDIA_ROOT), area)


def backend(area: str) -> Storage:
    """The storage that holds ``area``'s files now."""
    if area not in AREAS:
        raise ValueError(area)
    if kind() == "s3":
        options = s3_options(area)
        return _s3(tuple(sorted(options.items())))
    if kind() != "local":
        raise ImproperlyConfigured(f"KOERS_STORAGE must be 'local' or 's3', not {kind()!r}.")
    return _filesystem(_local_directory(area))


@lru_cache(maxsize=16)
def _filesystem(location: str) -> Storage:
    return FileSystemStorage(location=location)


@lru_cache(maxsize=16)
def _s3(options: tuple) -> Storage:
    try:
        from storages.backends.s3 import S3Storage
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ImproperlyConfigured(
            "KOERS_STORAGE=s3 needs django-storages with boto3: pip install 'koers[s3]'."
        ) from error
    return S3Storage(**dict(options))


@deconstructible(path="koers.storage.AreaStorage")
class AreaStorage(Storage):
    """The files of one area, in whichever storage :func:`backend` names at each use."""

    def __init__(self, area: str):
        if area not in AREAS:
            raise ValueError(area)
        self.area = area

    @property
    def backend(self) -> Storage:
        return backend(self.area)

    def _open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def _save(self, name, content):
        # save() has already found a free name through get_available_name.
        return self.backend._save(name, content)

    def get_valid_name(self, name):
        return self.backend.get_valid_name(name)

    def get_available_name(self, name, max_length=None):
        return self.backend.get_available_name(name, max_length=max_length)

    def generate_filename(self, filename):
        return self.backend.generate_filename(filename)

    def delete(self, name):
        return self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def listdir(self, path):
        return self.backend.listdir(path)

    def size(self, name):
        return self.backend.size(name)

    def url(self, name):
        return self.backend.url(name)

    def path(self, name):
        return self.backend.path(name)

    def get_accessed_time(self, name):
        return self.backend.get_accessed_time(name)

    def get_created_time(self, name):
        return self.backend.get_created_time(name)

    def get_modified_time(self, name):
        return self.backend.get_modified_time(name)


attachments = AreaStorage("attachments")
reports = AreaStorage("reports")
logos = AreaStorage("logos")
imports = AreaStorage("imports")


@deconstructible(path="koers.storage.DraftName")
class DraftName:
    """``upload_to`` of an import draft's file: ``<organisation id>/<kind>/<random><suffix>``
    in the ``imports`` area. The name the user gave stays in the draft's ``filename``, out
    of the storage's keys."""

    def __init__(self, kind: str):
        self.kind = kind

    def __call__(self, instance, filename: str) -> str:
        suffix = os.path.splitext(filename)[1].lower()
        suffix = suffix if len(suffix) <= 10 and suffix[1:].isalnum() else ""
        return f"{instance.organisation_id}/{self.kind}/{uuid.uuid4().hex}{suffix}"

    def __eq__(self, other):
        return isinstance(other, DraftName) and other.kind == self.kind


class StoredDraft:
    """What an import draft (a model with a ``file`` in the ``imports`` area and a
    ``filename``) does with its file; the file is deleted with the row (see
    :func:`remove_draft_file`)."""

    def save_with_file(self, content: bytes) -> None:
        """Store ``content`` as this new draft's file, then the draft; a draft that cannot
        be saved leaves no file behind."""
        from django.core.files.base import ContentFile

        self.file.save(self.filename, ContentFile(content), save=False)
        try:
            self.save()
        except BaseException:
            self.file.storage.delete(self.file.name)
            raise

    def read_content(self) -> bytes:
        """The uploaded file's bytes, from wherever the storage keeps them; raises
        :class:`DraftFileMissing` when the storage no longer has them."""
        try:
            return read_bytes(self.file.storage, self.file.name)
        except FileNotFoundError as error:
            raise DraftFileMissing(self) from error

    def file_available(self) -> bool:
        """Whether the storage still has the uploaded file (it can be read again)."""
        return bool(self.file.name) and self.file.storage.exists(self.file.name)


class DraftFileMissing(FileNotFoundError):
    """An import draft's file is gone from its storage (a database restored without its
    files, a bucket emptied): the draft can no longer be read; the user uploads it again."""

    def __init__(self, draft):
        super().__init__(f"The file of {type(draft).__name__} {draft.pk} is missing")
        self.draft = draft


def read_bytes(storage: Storage, name: str) -> bytes:
    with storage.open(name, "rb") as handle:
        return handle.read()


def delete_on_commit(storage: Storage, name: str) -> None:
    """Delete a stored file once the transaction around commits (at once outside one)."""
    from django.db import transaction

    if name:
        transaction.on_commit(lambda: storage.delete(name))


def remove_draft_file(sender, instance, **kwargs):
    """``post_delete`` of the import drafts: however a draft goes (loaded, discarded,
    abandoned for a week, its organisation deleted), its file goes too, once committed."""
    delete_on_commit(instance.file.storage, instance.file.name)


class StoredFile:
    """A file in an area's storage, handled like a path where callers need one: it can be
    read, opened and asked whether it still exists, wherever the storage keeps it."""

    def __init__(self, storage: Storage, name: str):
        self.storage = storage
        self.name = name

    @property
    def suffix(self) -> str:
        return os.path.splitext(self.name)[1]

    def exists(self) -> bool:
        return self.storage.exists(self.name)

    def open(self, mode: str = "rb"):
        return self.storage.open(self.name, mode)

    def read_bytes(self) -> bytes:
        with self.storage.open(self.name, "rb") as handle:
            return handle.read()

    def __repr__(self):
        return f"StoredFile({self.storage!r}, {self.name!r})"


def store(storage: Storage, name: str, path) -> str:
    """Put the local file at ``path`` (made in a temporary folder) into ``storage`` under
    ``name`` (or a free name beside it); the name it got."""
    from django.core.files import File

    with open(path, "rb") as handle:
        return storage.save(name, File(handle, name=os.path.basename(name)))
