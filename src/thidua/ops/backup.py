"""Backup and restore with a checksum.

SQLite: the online backup API (a consistent copy while the site runs). PostgreSQL: pg_dump's
custom format when the client tools are installed, otherwise a logical export (Django's
dumpdata with natural keys). The file's SHA-256 is written beside it as FILE.sha256 and checked
before any restore; the same file carries the audit log's checkpoint at the time of the backup.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from thidua.accounts.audit import checkpoint
from thidua.common.private_files import open_private

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(target: Path) -> tuple[str, str]:
    """Write a backup to `target`; returns (method, checksum)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # The copy holds what the database holds (sessions, TOTP secrets): 0600 before anything
    # is written, whichever tool writes it (pg_dump keeps the mode of a file that exists).
    open_private(target).close()
    # Taken before the copy, so the copy holds the checkpointed entry (entries only grow).
    mark = checkpoint().line()
    if connection.vendor == "sqlite":
        method = _sqlite_backup(target)
    elif shutil.which("pg_dump"):
        method = _pg_dump(target)
    else:
        method = _logical_export(target)
    checksum = sha256(target)
    # sha256sum's line first (restore reads its first word; `sha256sum -c` skips the comment),
    # then the audit checkpoint: `thidua audit verify --checkpoint FILE.sha256`.
    with open_private(target.with_name(target.name + ".sha256"), "w") as sidecar:
        sidecar.write(f"{checksum}  {target.name}\n# {mark}\n")
    return method, checksum


def _sqlite_backup(target: Path) -> str:
    connection.ensure_connection()
    dest = sqlite3.connect(target)
    try:
        connection.connection.backup(dest)
    finally:
        dest.close()
    return "sqlite-online-backup"


def _pg_env() -> dict:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_args() -> list[str]:
    db = settings.DATABASES["default"]
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    return args


def _pg_dump(target: Path) -> str:
    db = settings.DATABASES["default"]
    cmd = ["pg_dump", "-Fc", "--no-owner", "-f", str(target), *_pg_args(), db["NAME"]]
    _run(cmd)
    return "pg_dump"


def _logical_export(target: Path) -> str:
    with open_private(target, "w", encoding="utf-8") as out:
        call_command(
            "dumpdata",
            "--natural-foreign",
            "--natural-primary",
            "--exclude=contenttypes",
            "--exclude=auth.permission",
            "--exclude=sessions",
            stdout=out,
        )
    return "logical-json"


def verify(source: Path) -> None:
    source = Path(source)
    if not source.exists():
        raise BackupError(f"Không có tệp sao lưu {source}.")
    sidecar = source.with_name(source.name + ".sha256")
    if not sidecar.exists():
        raise BackupError(f"Thiếu tệp mã kiểm tra {sidecar.name}; không khôi phục.")
    expected = sidecar.read_text().split()[0]
    if sha256(source) != expected:
        raise BackupError("Mã kiểm tra không khớp: tệp sao lưu đã bị thay đổi hoặc hỏng.")


def is_empty() -> bool:
    """True when the database has no table or only empty tables of ours.

    Only the models' tables: on SQLite the registry's FTS5 trigram index (awards 0011) keeps
    tables of its own that hold bookkeeping rows even when the registry is empty."""
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        for table in tables:
            if table.startswith(("django_migrations", "django_content_type", "auth_permission")):
                continue
            cursor.execute(f'SELECT 1 FROM "{table}" LIMIT 1')  # noqa: S608 - names from introspection
            if cursor.fetchone():
                return False
    return True


def restore(source: Path) -> str:
    source = Path(source)
    verify(source)
    if not is_empty():
        raise BackupError(
            "Cơ sở dữ liệu đích đã có dữ liệu; chỉ khôi phục vào cơ sở dữ liệu trống."
        )
    head = source.open("rb").read(16)
    if head.startswith(SQLITE_MAGIC):
        return _sqlite_restore(source)
    if head.startswith(PGDUMP_MAGIC):
        return _pg_restore(source)
    return _logical_import(source)


def _sqlite_restore(source: Path) -> str:
    if connection.vendor != "sqlite":
        raise BackupError("Tệp là bản sao SQLite; cơ sở dữ liệu đang cấu hình không phải SQLite.")
    connection.ensure_connection()
    src = sqlite3.connect(source)
    try:
        src.backup(connection.connection)
    finally:
        src.close()
    return "sqlite-online-backup"


def _pg_restore(source: Path) -> str:
    if connection.vendor != "postgresql":
        raise BackupError("Tệp là bản pg_dump; cơ sở dữ liệu đang cấu hình không phải PostgreSQL.")
    if not shutil.which("pg_restore"):
        raise BackupError("Chưa cài pg_restore (apt-get install -y postgresql-client).")
    db = settings.DATABASES["default"]
    connection.close()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--clean",
            "--if-exists",
            "-d",
            db["NAME"],
            *_pg_args(),
            str(source),
        ]
    )
    return "pg_restore"


def _logical_import(source: Path) -> str:
    call_command("migrate", interactive=False, verbosity=0)
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "backup.json"
        shutil.copyfile(source, fixture)
        call_command("loaddata", str(fixture), verbosity=0)
    return "logical-json"


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, env=_pg_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} thất bại: {done.stderr.strip()[:500]}")
