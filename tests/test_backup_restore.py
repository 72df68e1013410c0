"""koers backup and koers restore: the database and every stored file, into a new
installation, compared table by table and file by file (SQLite, or PostgreSQL with
KOERS_TEST_POSTGRES=1: a second and third database in the throwaway cluster)."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from koers.operations import backup

KOERS = str(Path(sys.executable).with_name("koers"))
KEY = "b4Kp9-Lq2Wx7Zr5Tn0Vm8Hc3Jf6Gd1Sa-Yu7Io2Pe9Wq3Rt5Ey0Ul8Kj6Hg1Fd"
REPORT_BYTES = bytes(range(256)) * 40  # a "report" with every byte value
ATTACHMENT_TEXT = "Verslag van de werfvergadering: alles volgens plan. 🚧\n"
DRAFT_BYTES = b"PK\x03\x04" + bytes(50)  # an uploaded document waiting for its preview

# Runs inside the source installation: an attachment on an update, a report file, a
# logo (in the logo storage) and an import draft (its file in the imports storage).
ADD_FILES = f"""
from django.conf import settings
from django_scopes import scopes_disabled

unscoped = scopes_disabled()  # a script of its own, across organisations like a command
unscoped.__enter__()
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from koers.accounts.actor import Actor
from koers.accounts.models import Membership, Organisation
from koers.followup.attachments import add_attachment
from koers.followup.models import ProgressUpdate
from koers.plans.models import DocumentImport

coordinator = Membership.objects.get(
    user__email="coordinator@voorbeeld.be", organisation__slug="voorbeeld"
)
update = ProgressUpdate.objects.filter(state="draft", round__plan__organisation__slug="voorbeeld")
upload = SimpleUploadedFile("werfverslag.txt", {ATTACHMENT_TEXT.encode()!r}, "text/plain")
add_attachment(update.order_by("pk").first(), upload, actor=Actor.member(coordinator))
folder = settings.KOERS_REPORT_DIR / "2026"
folder.mkdir(parents=True, exist_ok=True)
(folder / "opvolgingsrapport.pdf").write_bytes({REPORT_BYTES!r})
organisation = Organisation.objects.get(slug="voorbeeld")
organisation.logo.save("logo.png", ContentFile(b"\\x89PNG\\r\\n\\x1a\\n" + bytes(100)), save=False)
organisation.logo_type = "image/png"
organisation.save()
draft = DocumentImport(organisation=organisation, filename="plan.docx", format="docx")
draft.save_with_file({DRAFT_BYTES!r})
"""

# Prints every table's rows (by primary key, every column) as JSON.
DUMP_TABLES = """
import json
from django_scopes import scopes_disabled

unscoped = scopes_disabled()  # every table of every organisation
unscoped.__enter__()
from koers.operations.backup import backed_up_models

def value(v):
    if isinstance(v, memoryview):
        v = bytes(v)
    return v.hex() if isinstance(v, bytes) else repr(v)

tables = {}
for model in backed_up_models():
    columns = [f.attname for f in model._meta.local_concrete_fields]
    rows = model._base_manager.order_by("pk").values_list(*columns)
    tables[model._meta.db_table] = [[value(v) for v in row] for row in rows]
print(json.dumps(tables))
"""


def _database_urls(count: int) -> list[str | None]:
    """SQLite (None: the file in the data directory), or new PostgreSQL databases."""
    if connection.vendor != "postgresql":
        return [None] * count
    import psycopg

    db = settings.DATABASES["default"]
    urls = []
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True
    ) as admin:
        for _ in range(count):
            name = f"koers_restore_{uuid.uuid4().hex[:10]}"
            admin.execute(f'CREATE DATABASE "{name}"')
            urls.append(f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}")
    return urls


class Installation:
    def __init__(self, root: Path, database_url: str | None):
        self.root = root
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("KOERS_", "DJANGO_"))}
        self.env.update(KOERS_DATA_DIR=str(root), KOERS_SECRET_KEY=KEY)
        if database_url:
            self.env["KOERS_DATABASE_URL"] = database_url

    def koers(self, *args, check=True):
        result = subprocess.run(
            [KOERS, *args], env=self.env, capture_output=True, text=True, timeout=900
        )
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def tables(self) -> dict:
        return json.loads(self.koers("shell", "-c", DUMP_TABLES).stdout.splitlines()[-1])

    def files(self) -> dict[str, bytes]:
        return {
            path.relative_to(self.root).as_posix(): path.read_bytes()
            for path in sorted(self.root.rglob("*"))
            if path.is_file() and not path.name.startswith("koers.sqlite3")
        }


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A demo installation with files, its backup, and a new installation restored from it."""
    base = tmp_path_factory.mktemp("backup")
    source_url, target_url = _database_urls(2)
    source = Installation(base / "source", source_url)
    source.koers("demo", "--no-serve")
    source.koers("shell", "-c", ADD_FILES)
    archive = base / "koers.tar.gz"
    written = source.koers("backup", "--out", str(archive))
    target = Installation(base / "target", target_url)
    restored = target.koers("restore", str(archive))
    return source, target, archive, written.stdout, restored.stdout


def test_restore_into_a_new_installation_gives_every_table_and_file_back(made):
    source, target, _archive, written, restored = made
    before, after = source.tables(), target.tables()
    assert set(after) == set(before)
    for table in before:
        assert after[table] == before[table], table
    # The data that matters is really there, not two empty databases compared.
    assert len(before["auth_user"]) == 10
    assert len(before["followup_attachment"]) == 1
    assert len(before["plans_documentimport"]) == 1
    assert sum(len(rows) for rows in before.values()) > 2000
    files = source.files()
    assert target.files() == files
    assert files["reports/2026/opvolgingsrapport.pdf"] == REPORT_BYTES
    attachment = [name for name in files if name.startswith("attachments/")]
    assert len(attachment) == 1 and attachment[0].endswith("/werfverslag.txt")
    assert files[attachment[0]] == ATTACHMENT_TEXT.encode()
    logo = [name for name in files if "logos/" in name]
    assert len(logo) == 1 and files[logo[0]].startswith(b"\x89PNG")
    draft = [name for name in files if "imports/" in name]
    assert len(draft) == 1 and draft[0].endswith(".docx") and files[draft[0]] == DRAFT_BYTES
    rows = sum(len(r) for r in before.values())
    assert f"{rows} rijen in {len(before)} tabellen, 4 bestanden" in written
    assert f"{rows} rijen in {len(before)} tabellen, 4 bestanden" in restored


def test_the_manifest_counts_and_checksums_every_member(made):
    _source, _target, archive, _written, _restored = made
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        members = {m.name: tar.extractfile(m).read() for m in tar if m.name != "manifest.json"}
    assert manifest["format"] == "koers-backup" and manifest["format_version"] == 1
    assert manifest["koers_version"] == "0.1.0"
    assert manifest["database"]["vendor"] == connection.vendor
    database = members.pop("database.jsonl")
    assert hashlib.sha256(database).hexdigest() == manifest["database"]["sha256"]
    listed = {
        f"files/{setting}/{entry['path']}": entry["sha256"]
        for setting, entries in manifest["files"].items()
        for entry in entries
    }
    assert {name: hashlib.sha256(data).hexdigest() for name, data in members.items()} == listed
    assert manifest["counts"]["files"] == 4
    assert manifest["database"]["rows"]["auth.user"] == 10


def test_restore_refuses_an_installation_in_use_without_yes(made):
    _source, target, archive, _written, _restored = made
    refused = target.koers("restore", str(archive), check=False)
    assert refused.returncode == 1
    assert "Deze installatie is niet leeg" in refused.stderr
    assert "--yes" in refused.stderr
    before = target.tables()
    target.koers("restore", str(archive), "--yes")
    assert target.tables() == before


def _tampered(archive: Path, out: Path, change) -> Path:
    """A copy of the archive with one member's bytes or the manifest changed."""
    with tarfile.open(archive) as tar, tarfile.open(out, "w:gz") as copy:
        for member in tar:
            data = tar.extractfile(member).read()
            data = change(member.name, data)
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return out


def test_a_damaged_backup_changes_nothing(made, tmp_path):
    _source, _target, archive, _written, _restored = made
    [url] = _database_urls(1)
    fresh = Installation(tmp_path / "fresh", url)

    def flip_report(name, data):
        if name.endswith("opvolgingsrapport.pdf"):
            return data[:-1] + bytes([data[-1] ^ 1])
        return data

    damaged = _tampered(archive, tmp_path / "damaged.tar.gz", flip_report)
    result = fresh.koers("restore", str(damaged), check=False)
    assert result.returncode == 1
    assert "klopt niet met zijn controlegetal" in result.stderr
    assert "opvolgingsrapport.pdf" in result.stderr
    assert fresh.files() == {}
    tables = fresh.tables()
    assert tables["auth_user"] == [] and tables["plans_plan"] == []


def test_a_failed_restore_leaves_the_database_and_files_as_they_were(demo, tmp_path, settings):
    """Rows that do not add up roll the whole restore back (in this test's database)."""
    for name in backup.file_directories():  # every file directory in this test's folder
        setattr(settings, name, tmp_path / "data" / name.lower())
    attachments = settings.KOERS_ATTACHMENT_DIR
    (attachments / "1").mkdir(parents=True)
    (attachments / "1" / "oud.txt").write_bytes(b"the file that was there")
    archive = tmp_path / "b.tar.gz"
    backup.make_backup(archive)

    def wrong_count(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["database"]["rows"]["auth.user"] += 1
        return json.dumps(manifest).encode()

    broken = _tampered(archive, tmp_path / "broken.tar.gz", wrong_count)
    (attachments / "1" / "oud.txt").write_bytes(b"changed after the backup")
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.count()
    with pytest.raises(backup.BackupError, match=r"kloppen niet met de back-up \(auth\.user\)"):
        backup.restore_backup(broken, replace=True)
    assert get_user_model().objects.count() == users == 10
    assert (attachments / "1" / "oud.txt").read_bytes() == b"changed after the backup"
    assert sorted(p.name for p in attachments.parent.iterdir() if ".restore-" in p.name) == []
    # The intact backup restores the file as it was when the backup was made.
    backup.restore_backup(archive, replace=True)
    assert (attachments / "1" / "oud.txt").read_bytes() == b"the file that was there"
    assert get_user_model().objects.count() == 10
