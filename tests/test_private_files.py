"""Files at rest are the service account's alone: folders 0700, files 0600.

The database holds live sessions and TOTP secrets, and a backup holds the same; pending uploads
and evidence files are the units' data. Each test runs under the common umask 022, with which
Python and SQLite would create everything readable by every local user.
"""

from __future__ import annotations

import io
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from thidua.env import data_dir, sqlite_config
from thidua.indicators.excel_template import write_template


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _usual_umask():
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_a_new_data_folder_is_0700(tmp_path, monkeypatch):
    monkeypatch.setenv("THIDUA_DATA_DIR", str(tmp_path / "new" / "thidua"))
    assert mode(data_dir()) == 0o700


def test_what_an_earlier_version_left_open_is_tightened_on_start(tmp_path, monkeypatch):
    folder = tmp_path / "thidua"
    (folder / "uploads").mkdir(parents=True)
    left = [
        folder / "thidua.sqlite3",
        folder / "thidua.sqlite3-wal",
        folder / "thidua.sqlite3-shm",
        folder / "demo.sqlite3",
        folder / "secret-key",
        folder / "demo-secret-key",
        folder / "uploads" / "0123.xlsx",
    ]
    for path in left:
        path.write_bytes(b"")
        path.chmod(0o644)
    folder.chmod(0o755)
    (folder / "uploads").chmod(0o755)
    monkeypatch.setenv("THIDUA_DATA_DIR", str(folder))
    data_dir()
    assert mode(folder) == mode(folder / "uploads") == 0o700
    assert {path.name: mode(path) for path in left} == {path.name: 0o600 for path in left}


def test_the_sqlite_database_and_its_wal_and_shm_are_0600(tmp_path):
    path = tmp_path / "thidua.sqlite3"
    sqlite_config(path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE t (x)")
    con.execute("INSERT INTO t VALUES (1)")
    con.commit()
    files = [path, tmp_path / "thidua.sqlite3-wal", tmp_path / "thidua.sqlite3-shm"]
    assert [mode(f) for f in files] == [0o600] * 3
    con.close()


def test_a_migrated_database_and_its_backup_are_private(tmp_path):
    folder, copy = tmp_path / "data", tmp_path / "saved" / "b.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("THIDUA_", "DJANGO_"))}
    env |= {"THIDUA_DEBUG": "true", "THIDUA_DATA_DIR": str(folder)}
    script = (
        "import os, sys; os.umask(0o022); from thidua.cli import main; "
        "main(['thidua', 'migrate', '-v0']); main(['thidua', 'backup', sys.argv[1]])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(copy)],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert mode(folder) == 0o700
    made = sorted(p.name for p in folder.iterdir() if p.name.startswith("thidua.sqlite3"))
    assert made and all(mode(folder / name) == 0o600 for name in made), made
    assert mode(copy) == mode(copy.with_name("b.sqlite3.sha256")) == 0o600


def test_a_logical_backup_is_0600_too(db, tmp_path, monkeypatch):
    from thidua.ops import backup as ops_backup

    monkeypatch.setattr(ops_backup.connection, "vendor", "postgresql")
    monkeypatch.setattr(ops_backup.shutil, "which", lambda name: None)
    method, _checksum = ops_backup.backup(tmp_path / "b.json")
    assert method == "logical-json"
    assert mode(tmp_path / "b.json") == mode(tmp_path / "b.json.sha256") == 0o600


def test_a_backup_over_an_open_file_makes_it_private(db, tmp_path, monkeypatch):
    from thidua.ops import backup as ops_backup

    target = tmp_path / "b.json"
    target.write_text("old")
    target.chmod(0o644)
    monkeypatch.setattr(ops_backup.connection, "vendor", "postgresql")
    monkeypatch.setattr(ops_backup.shutil, "which", lambda name: None)
    ops_backup.backup(target)
    assert mode(target) == 0o600


def test_a_pending_upload_is_kept_0600_in_a_0700_folder(users, tnb, settings):
    client = Client()
    client.force_login(users["camau"])
    stream = io.BytesIO()
    write_template(tnb, "2019", stream, "vi")
    stream.name = "mau.xlsx"
    stream.seek(0)
    client.post("/clusters/TNB/2019/upload/", {"file": stream})
    folder = Path(settings.DATA_DIR) / "uploads"
    kept = list(folder.iterdir())
    assert kept and mode(folder) == 0o700
    assert all(mode(path) == 0o600 for path in kept)
    for path in kept:
        path.unlink()


def test_evidence_files_are_stored_0600_in_0700_folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    name = default_storage.save("proposals/1/x.pdf", ContentFile(b"%PDF-1.4"))
    try:
        stored = Path(default_storage.path(name))
        assert mode(stored) == 0o600
        assert mode(stored.parent) == mode(stored.parent.parent) == 0o700
    finally:
        default_storage.delete(name)


def test_the_data_folder_secret_key_is_0600(tmp_path, monkeypatch):
    from thidua.env import secret_key

    monkeypatch.delenv("THIDUA_SECRET_KEY", raising=False)
    monkeypatch.delenv("THIDUA_DATABASE_URL", raising=False)
    monkeypatch.setenv("THIDUA_DATA_DIR", str(tmp_path / "demo"))
    assert secret_key(data_dir())
    assert mode(tmp_path / "demo" / "secret-key") == 0o600
