"""Backup and restore of a whole installation: the database and every stored file.

A backup is one ``.tar.gz`` archive:

- ``manifest.json``: format version, Koers version, date, database kind, the applied
  migrations, the number of rows per table, and every member's size and SHA-256;
- ``database.jsonl``: every row of every table, one JSON object a line (Django's
  serialisation), in primary-key order;
- ``files/<SETTING>/<path>``: the files under each directory Koers keeps files in
  (``MEDIA_ROOT`` and every ``KOERS_*_DIR`` setting: attachments, reports …).

The tables are those of the installed models, auto-created many-to-many tables included,
so a table another part of Koers adds later is backed up without a change here. Rows are
written as data, not SQL, so a backup restores into SQLite or PostgreSQL alike.

Restoring checks every checksum before it changes anything, then in one transaction
empties every table, inserts the rows exactly as they were (no model signals run, so
nothing is recomputed or timestamped anew), checks the foreign keys and the row counts,
and only then moves the restored file directories into place. Any failure leaves the
database and the files as they were.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import uuid
from collections import Counter
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.cache import caches
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connections, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

FORMAT = "koers-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "database.jsonl"
FILES = "files"
CHUNK = 1024 * 1024
# Rows that `koers migrate` itself writes into a new database: a database holding only
# these counts as empty.
REFERENCE_APPS = {"contenttypes", "sdgs"}
REFERENCE_MODELS = {"auth.permission"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why (in Dutch)."""


@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int
    file_bytes: int
    replaced: bool = False
    manifest: dict = field(default_factory=dict)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def file_directories() -> dict[str, Path]:
    """Setting name → directory, for every place Koers keeps files."""
    koers = (name for name in dir(settings) if name.startswith("KOERS_") and name.endswith("_DIR"))
    names = ["MEDIA_ROOT", *sorted(koers)]
    found = {}
    for name in names:
        value = getattr(settings, name, None)
        if value:
            found[name] = Path(value).resolve()
    return found


def _nested(directories: dict[str, Path]) -> list[tuple[str, str]]:
    return [
        (inner, outer)
        for inner, inner_path in directories.items()
        for outer, outer_path in directories.items()
        if inner != outer and inner_path.is_relative_to(outer_path)
    ]


def _database_files() -> set[Path]:
    """The SQLite database and its journal files, never backed up as plain files."""
    name = connections["default"].settings_dict.get("NAME")
    if connections["default"].vendor != "sqlite" or not name:
        return set()
    path = Path(str(name)).resolve()
    return {path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}


def _files_of(directories: dict[str, Path]) -> dict[str, list[tuple[str, Path]]]:
    """Per setting, (relative POSIX path, file) of every regular file, sorted; a file in a
    directory that is itself another setting's directory belongs to that one only."""
    skip = _database_files()
    listed = {}
    for name, root in directories.items():
        inner = [path for other, path in directories.items() if other != name]
        inner = [path for path in inner if path != root and path.is_relative_to(root)]
        entries = []
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_symlink() or not path.is_file() or path.resolve() in skip:
                    continue
                if any(path.is_relative_to(other) for other in inner):
                    continue
                entries.append((path.relative_to(root).as_posix(), path))
        listed[name] = entries
    return listed


def backed_up_models(alias: str = "default") -> list:
    """Every model with a table of its own in this database, many-to-many tables included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy
        and model._meta.managed
        and router.allow_migrate_model(alias, model)
    ]


def _label(model) -> str:
    return model._meta.label_lower


def applied_migrations(alias: str = "default") -> list[str]:
    recorder = MigrationRecorder(connections[alias])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


class ExactEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django's rounds to ms)."""

    def default(self, o):
        if isinstance(o, (datetime, time)):
            return o.isoformat()
        return super().default(o)


def _dump_rows(stream, alias: str) -> dict[str, int]:
    """Every row of every table to ``stream`` (JSON lines); rows per model."""
    counts = {}
    for model in backed_up_models(alias):
        fields = [f.name for f in model._meta.local_concrete_fields if not f.primary_key]
        rows = model._base_manager.using(alias).order_by("pk").iterator(chunk_size=2000)
        counter = Counter()

        def counted(rows=rows, counter=counter):
            for row in rows:
                counter["rows"] += 1
                yield row

        serializers.serialize("jsonl", counted(), fields=fields, stream=stream, cls=ExactEncoder)
        counts[_label(model)] = counter["rows"]
    return counts


@contextmanager
def _snapshot(alias: str):
    """One consistent view of the whole database while the backup reads it (SQLite: the
    transaction holds the write lock, so writers wait until the rows are read)."""
    outermost = not connections[alias].in_atomic_block  # else the caller's view holds
    with transaction.atomic(using=alias):
        if connections[alias].vendor == "postgresql" and outermost:
            with connections[alias].cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def make_backup(out: Path, alias: str = "default") -> dict:
    """Write the archive to ``out`` (written beside it first, then renamed); its manifest."""
    out = Path(out).resolve()
    directories = file_directories()
    with tempfile.TemporaryDirectory(prefix="koers-backup-", dir=out.parent) as work:
        dump = Path(work) / DATABASE
        with _snapshot(alias), dump.open("w", encoding="utf-8") as stream:
            rows = _dump_rows(stream, alias)
            migrations = applied_migrations(alias)
        files = _files_of(directories)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "koers_version": metadata.version("koers"),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": {
                "vendor": connections[alias].vendor,
                "file": DATABASE,
                "bytes": dump.stat().st_size,
                "sha256": _sha256_file(dump),
                "rows": rows,
                "migrations": migrations,
            },
            "files": {
                name: [
                    {"path": rel, "bytes": path.stat().st_size, "sha256": _sha256_file(path)}
                    for rel, path in entries
                ]
                for name, entries in files.items()
            },
        }
        manifest["counts"] = {
            "tables": len(rows),
            "rows": sum(rows.values()),
            "files": sum(len(entries) for entries in files.values()),
            "file_bytes": sum(
                entry["bytes"] for entries in manifest["files"].values() for entry in entries
            ),
        }
        partial = Path(work) / (out.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(datetime.now().timestamp()), 0o600
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=DATABASE, recursive=False)
            for name, entries in files.items():
                for rel, path in entries:
                    archive.add(path, arcname=f"{FILES}/{name}/{rel}", recursive=False)
        os.replace(partial, out)
    return manifest


# -- restore -----------------------------------------------------------------------------


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.load(archive.extractfile(member))
    except (KeyError, ValueError, TypeError) as error:
        raise BackupError(_("This is not a Koers backup: %(error)s") % {"error": error}) from error
    if manifest.get("format") != FORMAT:
        raise BackupError(_("This is not a Koers backup."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("This backup has format version %(found)s; this Koers reads version %(known)s.")
            % {"found": manifest.get("format_version"), "known": FORMAT_VERSION}
        )
    return manifest


def _safe_member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(_("The backup holds an unsafe path: %(path)s") % {"path": name})
    return path


def _expected_members(manifest: dict) -> dict[str, tuple[int, str]]:
    database = manifest["database"]
    expected = {DATABASE: (database["bytes"], database["sha256"])}
    for name, entries in manifest["files"].items():
        for entry in entries:
            _safe_member_path(entry["path"])
            expected[f"{FILES}/{name}/{entry['path']}"] = (entry["bytes"], entry["sha256"])
    return expected


def _copy_checked(source, target: Path, size: int, sha256: str, member: str) -> None:
    digest, written = hashlib.sha256(), 0
    with target.open("wb") as handle:
        while block := source.read(CHUNK):
            digest.update(block)
            written += len(block)
            handle.write(block)
    if written != size or digest.hexdigest() != sha256:
        raise BackupError(
            _("The backup is damaged: %(member)s does not match its checksum.") % {"member": member}
        )


def _unpack(archive_path: Path, manifest: dict, work: Path, staging: dict[str, Path]) -> Path:
    """Extract the rows to ``work`` and the files to the staging directories, checking
    every size and checksum; returns the rows file."""
    expected = _expected_members(manifest)
    seen = set()
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in archive:
            if member.name == MANIFEST:
                continue
            if member.name not in expected or not member.isfile():
                raise BackupError(
                    _("The backup holds %(member)s, which its manifest does not list.")
                    % {"member": member.name}
                )
            size, sha256 = expected[member.name]
            path = _safe_member_path(member.name)
            if member.name == DATABASE:
                target = work / DATABASE
            else:
                setting, rel = path.parts[1], PurePosixPath(*path.parts[2:])
                target = staging[setting].joinpath(*rel.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
            _copy_checked(archive.extractfile(member), target, size, sha256, member.name)
            seen.add(member.name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(
            _("The backup is incomplete: %(member)s is missing.") % {"member": missing[0]}
        )
    return work / DATABASE


def tables_in_use(alias: str = "default") -> dict[str, int]:
    """Tables with rows other than the reference data that `koers migrate` writes."""
    in_use = {}
    for model in backed_up_models(alias):
        if model._meta.app_label in REFERENCE_APPS or _label(model) in REFERENCE_MODELS:
            continue
        count = model._base_manager.using(alias).count()
        if count:
            in_use[model._meta.db_table] = count
    return in_use


def _load_rows(path: Path, alias: str) -> Counter:
    """Insert every row as it was: raw inserts in batches, without model signals."""
    connection = connections[alias]
    counts: Counter = Counter()
    batch: list = []

    def flush():
        if not batch:
            return
        model = type(batch[0])
        fields = [f for f in model._meta.local_concrete_fields if not f.generated]
        size = connection.ops.bulk_batch_size(fields, batch) or len(batch)
        for start in range(0, len(batch), max(size, 1)):
            model._base_manager.using(alias)._insert(
                batch[start : start + size], fields=fields, raw=True, using=alias
            )
        counts[_label(model)] += len(batch)
        batch.clear()

    with path.open(encoding="utf-8") as stream:
        for deserialized in serializers.deserialize("jsonl", stream, using=alias):
            row = deserialized.object
            if batch and (type(batch[0]) is not type(row) or len(batch) >= 2000):
                flush()
            batch.append(row)
    flush()
    return counts


def _empty_tables(alias: str) -> None:
    connection = connections[alias]
    tables = [model._meta.db_table for model in backed_up_models(alias)]
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=False)
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:  # TRUNCATE refuses tables with foreign-key checks still pending
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            cursor.execute(statement)
        if postgresql:  # rows may come in any order; checked before the commit
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _reset_sequences(alias: str) -> None:
    connection = connections[alias]
    statements = connection.ops.sequence_reset_sql(no_style(), backed_up_models(alias))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def restore_backup(archive_path: Path, replace: bool = False, alias: str = "default"):
    """Restore the archive into this installation's database and file directories.

    Refuses a database or file directory that is in use unless ``replace``. All or
    nothing: everything is checked before the first change, and the database work is one
    transaction that the file directories are swapped in at the end of.
    """
    archive_path = Path(archive_path).resolve()
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            manifest = _read_manifest(archive)
    except (OSError, tarfile.TarError) as error:
        raise BackupError(_("The backup cannot be read: %(error)s") % {"error": error}) from error
    directories = file_directories()
    unknown = sorted(set(manifest["files"]) - set(directories))
    if unknown:
        raise BackupError(
            _("The backup holds files of %(setting)s, which this Koers does not know.")
            % {"setting": unknown[0]}
        )
    nested = _nested(directories)
    if nested:
        raise BackupError(
            _("%(inner)s lies inside %(outer)s; a restore needs separate directories.")
            % {"inner": nested[0][0], "outer": nested[0][1]}
        )
    migrations = applied_migrations(alias)
    if migrations != manifest["database"]["migrations"]:
        mine, theirs = set(migrations), set(manifest["database"]["migrations"])
        raise BackupError(
            _(
                "The database schema differs from the backup's (only in the backup: "
                "%(backup)s; only here: %(here)s). Restore with the Koers version that made "
                "the backup (%(version)s), then upgrade."
            )
            % {
                "backup": ", ".join(sorted(theirs - mine)[:5]) or "–",
                "here": ", ".join(sorted(mine - theirs)[:5]) or "–",
                "version": manifest.get("koers_version", "?"),
            }
        )
    in_use = tables_in_use(alias)
    files_present = [name for name, entries in _files_of(directories).items() if entries]
    if (in_use or files_present) and not replace:
        what = ", ".join([*sorted(in_use)[:5], *files_present[:3]])
        raise BackupError(
            _(
                "This installation is not empty (%(what)s). Restoring replaces everything "
                "in it; confirm with --yes."
            )
            % {"what": what}
        )

    token = uuid.uuid4().hex[:8]
    staging = {}
    for name, path in directories.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        staging[name] = path.with_name(f".{path.name}.restore-{token}")
        staging[name].mkdir()
    moved: list[tuple[Path, Path | None]] = []  # (directory, its previous content moved to)
    try:
        with tempfile.TemporaryDirectory(prefix="koers-restore-", dir=archive_path.parent) as w:
            rows_file = _unpack(archive_path, manifest, Path(w), staging)
            expected_rows = manifest["database"]["rows"]
            with transaction.atomic(using=alias):
                _empty_tables(alias)
                counts = _load_rows(rows_file, alias)
                _reset_sequences(alias)
                connections[alias].check_constraints()
                actual = {
                    _label(model): model._base_manager.using(alias).count()
                    for model in backed_up_models(alias)
                }
                wanted = {label: expected_rows.get(label, 0) for label in actual}
                if actual != wanted or dict(counts) != {k: v for k, v in wanted.items() if v}:
                    differing = sorted(k for k in actual if actual[k] != wanted[k])
                    raise BackupError(
                        _("The restored rows do not match the backup (%(tables)s).")
                        % {"tables": ", ".join(differing[:5]) or "–"}
                    )
                for name, path in directories.items():
                    previous = None
                    if path.exists():
                        previous = path.with_name(f".{path.name}.before-restore-{token}")
                        path.rename(previous)
                    moved.append((path, previous))
                    staging[name].rename(path)
    except BaseException:
        for path, previous in reversed(moved):
            if path.exists():
                shutil.rmtree(path)
            if previous is not None:
                previous.rename(path)
        raise
    finally:
        for path in staging.values():
            shutil.rmtree(path, ignore_errors=True)
    for _path, previous in moved:
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)
    for cache in caches.all():  # cached figures of the database that was replaced
        with suppress(DatabaseError, OSError):
            cache.clear()
    counts = manifest["counts"]
    return RestoreResult(
        tables=counts["tables"],
        rows=counts["rows"],
        files=counts["files"],
        file_bytes=counts["file_bytes"],
        replaced=bool(in_use or files_present),
        manifest=manifest,
    )
