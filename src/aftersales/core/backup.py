"""Backup and restore of the whole database (README "Backup and restore").

SQLite (the embedded default): the online backup API (sqlite3.Connection.backup), a consistent
copy taken while the server runs. PostgreSQL: pg_dump's custom format (-Fc) and pg_restore
--clean in one transaction, with the client binaries of the server's major version when Debian
has them (/usr/lib/postgresql/<major>/bin). The audit key (AFTERSALES_AUDIT_KEY, or var/audit.key
on the embedded default) is not in the database: keep it with the backups, or the restored chain
cannot be verified.

The uploaded files (photos, videos, job files: MEDIA_ROOT, var/media/ by default) are not in the
database either: `media_write` copies the folder next to the dump (`<backup>.media/`, see
`media_path`) and `media_read` puts it back on restore, replacing what is there.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

SQLITE_HEADER = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup or restore that could not be done; nothing was changed."""


def default_path() -> Path:
    suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"aftersales-{stamp}.{suffix}"


def backup_write(output: Path) -> Path:
    """Write a backup of the database to `output` (its folder is made); the path written."""
    output.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(output) as target:
            connection.connection.backup(target)
        target.close()
        return output
    _pg_run("pg_dump", ["-Fc", "--no-password", "-f", str(output), "-d", _pg_name()])
    return output


def restore_read(source: Path) -> None:
    """Replace the database with the backup at `source`. Checked first: nothing changes on bad input."""
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    if connection.vendor == "sqlite":
        with source.open("rb") as handle:
            if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise BackupError(f"{source}: not an SQLite backup")
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            found = backup.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'core_event'"
            ).fetchone()
            if found is None:
                raise BackupError(f"{source}: not a backup of this application (no event log)")
            connection.ensure_connection()
            if connection.in_atomic_block:
                raise BackupError("restore runs outside a transaction")
            backup.backup(connection.connection)
        finally:
            backup.close()
        return
    try:
        _pg_run("pg_restore", ["--list", str(source)], quiet=True)
    except BackupError as error:
        raise BackupError(f"{source}: not a pg_dump custom-format backup") from error
    connection.close()  # this process holds nothing while the tables are replaced
    _pg_run(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--no-password",
            "-d",
            _pg_name(),
            str(source),
        ],
    )


def _pg_name() -> str:
    return str(settings.DATABASES["default"]["NAME"])


def _pg_binary(name: str) -> str:
    """The client binary of the server's major version if installed, else the one on PATH."""
    connection.ensure_connection()
    major = int(getattr(connection, "pg_version", 0)) // 10000
    candidate = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client-{major})")
    return found


def _pg_run(name: str, args: list[str], *, quiet: bool = False) -> None:
    db: Any = settings.DATABASES["default"]  # a DBConfig TypedDict; read with .get()
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    if db.get("HOST"):
        env["PGHOST"] = str(db["HOST"])
    if db.get("PORT"):
        env["PGPORT"] = str(db["PORT"])
    if db.get("USER"):
        env["PGUSER"] = str(db["USER"])
    done = subprocess.run(  # noqa: S603 — a PostgreSQL client binary, arguments built here
        [_pg_binary(name), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{name} failed: {done.stderr.strip()[-1000:]}" if not quiet else f"{name} failed")


# --- the uploaded files (MEDIA_ROOT) ------------------------------------------------------------


def media_path(backup: Path) -> Path:
    """Where the copy of MEDIA_ROOT goes next to a database backup: aftersales-….dump → aftersales-….media/."""
    return backup.with_name(f"{backup.stem}.media")


def media_write(backup: Path) -> tuple[Path, int]:
    """Copy MEDIA_ROOT to media_path(backup) (an empty folder when there are no files yet, so a restore
    knows the files were backed up). Returns (the folder, the number of files copied)."""
    target = media_path(backup)
    if target.exists():
        raise BackupError(f"{target}: already exists")
    source = Path(settings.MEDIA_ROOT)
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        target.mkdir(parents=True)
    return target, sum(1 for p in target.rglob("*") if p.is_file())


def media_read(backup: Path) -> tuple[Path, int] | None:
    """Replace MEDIA_ROOT by the copy next to `backup` (None when that backup has none: the files are
    left as they are). The copy is made beside MEDIA_ROOT first, then swapped in: a failed copy changes
    nothing. Returns (MEDIA_ROOT, the number of files restored)."""
    source = media_path(backup)
    if not source.is_dir():
        return None
    root = Path(settings.MEDIA_ROOT)
    root.parent.mkdir(parents=True, exist_ok=True)
    incoming = root.with_name(f".{root.name}.restoring")
    outgoing = root.with_name(f".{root.name}.replaced")
    for leftover in (incoming, outgoing):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(source, incoming)
    if root.exists():
        root.rename(outgoing)
    incoming.rename(root)
    shutil.rmtree(outgoing, ignore_errors=True)
    return root, sum(1 for p in root.rglob("*") if p.is_file())
