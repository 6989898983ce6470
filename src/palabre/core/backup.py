"""Backup and restore: the database and the uploaded files in one archive.

`palabre manage backup DIR` writes `palabre-backup-<date>.tar` holding:
- `database.dump` (PostgreSQL: `pg_dump --format=custom`, consistent by itself) or
  `database.sqlite3` (SQLite: a copy made by SQLite's online backup API);
- `media/…`: every uploaded file (the file-system storage of `MEDIA_ROOT`);
- `manifest.json`: Palabre's version, the database engine, the applied migrations, the
  number of rows of every table and the SHA-256 of every file in the archive.

`palabre manage restore ARCHIVE --yes` checks every file's digest against the manifest,
refuses an archive from other migrations than the code's, replaces the database
(`pg_restore --clean --if-exists` into the configured database, or the SQLite file) and the
uploaded files, then checks that every table has the row count the manifest says. Nothing is
replaced when a check before it fails. Secrets (SECRET_KEY, `.env`) are not in the archive:
keep them apart, as the deployment guide says.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

import palabre

FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in plain words."""


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def table_counts() -> dict[str, int]:
    """Rows per table of every installed model (and auto-created many-to-many table)."""
    counts: dict[str, int] = {}
    existing = set(connections[DEFAULT_DB_ALIAS].introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in existing and table not in counts and model._meta.managed:
            counts[table] = model._base_manager.using(DEFAULT_DB_ALIAS).count()
    return dict(sorted(counts.items()))


def applied_migrations() -> list[str]:
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")


def _dump_database(work: Path) -> str:
    db = settings.DATABASES[DEFAULT_DB_ALIAS]
    engine = connections[DEFAULT_DB_ALIAS].vendor
    if engine == "postgresql":
        args, env = _pg_env(db)
        target = work / "database.dump"
        _run(["pg_dump", *args, "--format=custom", "--file", str(target), str(db["NAME"])], env)
        return "database.dump"
    if engine == "sqlite":
        target = work / "database.sqlite3"
        source = sqlite3.connect(str(db["NAME"]))
        copy = sqlite3.connect(str(target))
        with copy:
            source.backup(copy)
        copy.close()
        source.close()
        return "database.sqlite3"
    raise BackupError(f"Unsupported database engine: {engine}")


def backup(directory: Path) -> Path:
    """Write an archive of the database and the uploaded files into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    archive = directory / f"palabre-backup-{stamp}.tar"
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="palabre-backup-") as tmp:
        work = Path(tmp)
        database = _dump_database(work)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "palabre": palabre.__version__,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "engine": connections[DEFAULT_DB_ALIAS].vendor,
            "database": database,
            "migrations": applied_migrations(),
            "tables": table_counts(),
            "files": {database: _sha256(work / database)},
        }
        with tarfile.open(archive, "w") as tar:
            tar.add(work / database, arcname=database)
            if media.is_dir():
                for path in sorted(p for p in media.rglob("*") if p.is_file()):
                    name = "media/" + path.relative_to(media).as_posix()
                    manifest["files"][name] = _sha256(path)
                    tar.add(path, arcname=name)
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    archive.chmod(0o600)  # it holds personal data
    return archive


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        path = Path(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"Unexpected entry in the archive: {member.name}")
        members.append(member)
    return members


def read_manifest(archive: Path, work: Path) -> dict[str, Any]:
    """Extract `archive` into `work` and check it: manifest, digests, migrations."""
    try:
        with tarfile.open(archive, "r") as tar:
            tar.extractall(work, members=_safe_members(tar), filter="data")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"Not a readable backup archive: {error}") from None
    try:
        manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"The archive has no readable manifest.json: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format: {manifest.get('format')!r}")
    for name, digest in manifest["files"].items():
        path = work / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"{name} is missing or damaged in the archive")
    extra = (
        {p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file()}
        - set(manifest["files"])
        - {"manifest.json"}
    )
    if extra:
        raise BackupError(f"Files not listed in the manifest: {', '.join(sorted(extra))}")
    if manifest["engine"] != connections[DEFAULT_DB_ALIAS].vendor:
        raise BackupError(
            f"This archive holds a {manifest['engine']} database; this site uses "
            f"{connections[DEFAULT_DB_ALIAS].vendor}."
        )
    code = {f"{m.app_label}.{m.name}" for m in _code_migrations()}
    unknown = set(manifest["migrations"]) - code
    if unknown:
        raise BackupError(
            "The archive comes from a newer Palabre (unknown migrations: "
            + ", ".join(sorted(unknown)[:5])
            + "): install that version first."
        )
    return manifest


def _code_migrations() -> list[Any]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return list(loader.disk_migrations.values())


def restore(archive: Path) -> dict[str, Any]:
    """Replace the database and the uploaded files by the archive's, then check the counts."""
    db = settings.DATABASES[DEFAULT_DB_ALIAS]
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="palabre-restore-") as tmp:
        work = Path(tmp)
        manifest = read_manifest(archive, work)
        connections.close_all()
        if manifest["engine"] == "postgresql":
            args, env = _pg_env(db)
            _run(
                [
                    "pg_restore",
                    *args,
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--dbname",
                    str(db["NAME"]),
                    str(work / manifest["database"]),
                ],
                env,
            )
        else:
            for suffix in ("-wal", "-shm"):  # the old database's journal must not outlive it
                Path(f"{db['NAME']}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(work / manifest["database"], str(db["NAME"]))
        if media.exists():
            shutil.rmtree(media)
        if (work / "media").is_dir():
            shutil.copytree(work / "media", media)
        else:
            media.mkdir(parents=True, exist_ok=True)
    counts = table_counts()
    differ = {
        table: (expected, counts.get(table))
        for table, expected in manifest["tables"].items()
        if counts.get(table) != expected
    }
    if differ:
        raise BackupError(f"Row counts differ after the restore: {differ}")
    return manifest
