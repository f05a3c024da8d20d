"""`aftersales backup` / `aftersales restore`: a round trip after which the audit chain verifies."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import translation

from aftersales.accounts.models import Region
from aftersales.core.events import chain_verify, event_record, events_chain_pending
from aftersales.core.models import Event


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Path:
    """The uploaded files of the test (never the worktree's var/media)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def _events(code: str, count: int) -> None:
    region = Region.objects.create(code=code, name=code)
    with transaction.atomic():
        for n in range(count):
            event_record(subject=region, action=f"test.{code}.{n}")
    events_chain_pending()


def _out(*args: Any, **options: Any) -> str:
    buffer = StringIO()
    call_command(*args, stdout=buffer, **options)
    return buffer.getvalue()


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_gives_back_the_data_and_a_chain_that_verifies(tmp_path):
    _events("BK", 3)
    before = list(Event.objects.order_by("seq").values_list("id", "seq", "hash"))
    assert chain_verify().ok
    path = tmp_path / "backup.bin"
    assert f"Backup written to {path}" in _out("backup", "--output", str(path))
    if connection.vendor == "sqlite":
        _events("LATER", 2)  # written after the backup: the restore takes them away again
        Region.objects.filter(code="BK").update(name="renamed")
        out = _out("restore", str(path), interactive=False)
        assert f"The chain is intact: {len(before)} events checked, 0 waiting to be chained." in out
        assert list(Event.objects.order_by("seq").values_list("id", "seq", "hash")) == before
        assert list(Region.objects.filter(code__in=["BK", "LATER"]).values_list("code", "name")) == [("BK", "BK")]
        return
    # PostgreSQL: restored into a scratch database, by the command as an operator runs it.
    scratch = f"{settings.DATABASES['default']['NAME']}_restore"
    _admin(f'DROP DATABASE IF EXISTS "{scratch}"')
    _admin(f'CREATE DATABASE "{scratch}"')
    try:
        restored = _command(scratch, "restore", str(path), "--no-input")
        assert restored.returncode == 0, restored.stderr
        # The command speaks the site's language (LANGUAGE_CODE, Simplified Chinese) in a new process.
        assert f"哈希链完整：已核验 {len(before)} 条事件，0 条等待入链。" in restored.stdout
        verified = _command(scratch, "audit", "verify")
        assert verified.returncode == 0, verified.stderr
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{scratch}"')


def _admin(statement: str) -> None:
    import psycopg

    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"], dbname="postgres", autocommit=True
    ) as admin:
        admin.execute(statement)


def _command(database: str, *args: str) -> subprocess.CompletedProcess[str]:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{database}"
    env = {
        **os.environ,
        "AFTERSALES_DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "aftersales.settings",
    }
    env["AFTERSALES_AUDIT_KEY"] = settings.AFTERSALES_AUDIT_KEY
    return subprocess.run(  # noqa: S603 — our interpreter, fixed arguments
        [sys.executable, "-m", "aftersales", *args], env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(tmp_path):
    _events("KEEP", 2)
    count = Event.objects.count()
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup", encoding="utf-8")
    for path in (bogus, tmp_path / "missing.bin"):
        with pytest.raises(CommandError, match="nothing was changed"):
            call_command("restore", str(path), interactive=False)
    assert Event.objects.count() == count
    assert chain_verify().ok


@pytest.mark.django_db
def test_restore_asks_before_replacing_the_database(tmp_path, monkeypatch):
    path = Path(tmp_path / "any.bin")
    path.write_bytes(b"x")
    monkeypatch.setattr("builtins.input", lambda _prompt: "no")
    with pytest.raises(CommandError, match="Restore cancelled"):
        call_command("restore", str(path))


@pytest.mark.django_db(transaction=True)
def test_backup_copies_the_uploaded_files_next_to_the_dump_and_restore_puts_them_back(tmp_path, media):
    """MEDIA_ROOT (photos, videos, job files) is not in the database: `backup` copies it next to the dump
    (<name>.media/), `restore` replaces MEDIA_ROOT with that copy; a backup without one leaves it alone."""
    from aftersales.core.backup import media_path, media_read

    photo = media / "service" / "FW1" / "fault.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8photo")
    path = tmp_path / "backups" / "as.dump"
    out = _out("backup", "--output", str(path))
    copy = media_path(path)
    assert copy == tmp_path / "backups" / "as.media"
    assert f"Uploaded files (MEDIA_ROOT) copied to {copy} (1 files)." in out
    assert (copy / "service" / "FW1" / "fault.jpg").read_bytes() == b"\xff\xd8photo"

    photo.unlink()  # after the backup: a photo deleted, another added
    (media / "later.jpg").write_bytes(b"later")
    assert media_read(path) == (media, 1)
    assert photo.read_bytes() == b"\xff\xd8photo"
    assert not (media / "later.jpg").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backups", "media"]  # no staging folder left

    (tmp_path / "old.dump").write_bytes(b"x")
    assert media_read(tmp_path / "old.dump") is None  # a backup made without its files: nothing touched
    assert photo.exists()
    if connection.vendor == "sqlite":
        photo.unlink()
        out = _out("restore", str(path), interactive=False)
        assert f"Uploaded files restored to {media} (1 files)." in out
        assert photo.exists()
