"""Backup and restore: a restore into an empty database gives identical content, table by table."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ON_POSTGRES, cli_env


def thidua(args, **env):
    done = subprocess.run(
        [sys.executable, "-m", "thidua", *args],
        env=cli_env(**env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done


def sqlite_tables(path):
    con = sqlite3.connect(path)
    names = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
    content = {n: sorted(map(repr, con.execute(f'select * from "{n}"'))) for n in names}
    con.close()
    return content


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite round trip runs in the SQLite pass")
def test_a_sqlite_backup_restores_to_identical_content(tmp_path, demo_copy):
    src, dst = Path(demo_copy["THIDUA_DATA_DIR"]), tmp_path / "dst"
    made = thidua(["backup", str(tmp_path / "b.sqlite3")], THIDUA_DATA_DIR=str(src))
    assert made.returncode == 0, made.stderr
    sidecar = tmp_path / "b.sqlite3.sha256"
    assert sidecar.read_text().splitlines()[1].startswith("# thidua-audit v2 ")
    sha256sum = subprocess.run(["sha256sum", "-c", sidecar.name], cwd=tmp_path, check=False)
    assert sha256sum.returncode == 0
    # The audit chain is keyed from the data folder's own key: it travels with the backup.
    dst.mkdir()
    (dst / "secret-key").write_bytes((src / "secret-key").read_bytes())
    assert thidua(["migrate", "-v0"], THIDUA_DATA_DIR=str(dst)).returncode == 0
    restored = thidua(["restore", str(tmp_path / "b.sqlite3")], THIDUA_DATA_DIR=str(dst))
    assert restored.returncode == 0, restored.stderr
    assert sqlite_tables(dst / "thidua.sqlite3") == sqlite_tables(src / "thidua.sqlite3")
    checked = thidua(["audit", "verify", "--checkpoint", str(sidecar)], THIDUA_DATA_DIR=str(dst))
    assert checked.returncode == 0, checked.stderr


def test_a_tampered_backup_is_refused(tmp_path, demo_copy):
    env = demo_copy
    assert thidua(["backup", str(tmp_path / "b.bak")], **env).returncode == 0
    with (tmp_path / "b.bak").open("ab") as f:
        f.write(b"x")
    refused = thidua(["restore", str(tmp_path / "b.bak")], **env)
    assert refused.returncode == 1 and "Mã kiểm tra không khớp" in refused.stderr


def test_a_restore_into_a_database_with_data_is_refused(tmp_path, demo_copy):
    env = demo_copy
    assert thidua(["backup", str(tmp_path / "b.bak")], **env).returncode == 0
    refused = thidua(["restore", str(tmp_path / "b.bak")], **env)
    assert refused.returncode == 1 and "đã có dữ liệu" in refused.stderr


def _pg_tables(url: str) -> dict:
    import psycopg

    with psycopg.connect(url) as con:
        names = [
            r[0]
            for r in con.execute(
                "select tablename from pg_tables where schemaname = 'public' order by 1"
            )
        ]
        return {n: sorted(map(repr, con.execute(f'select * from "{n}"').fetchall())) for n in names}


@pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL round trip runs in the PostgreSQL pass")
def test_a_postgres_backup_restores_to_identical_content(tmp_path, demo_copy, fresh_database):
    src, dst = demo_copy["THIDUA_DATABASE_URL"], fresh_database("backup_dst")
    env = {"THIDUA_DATA_DIR": str(tmp_path)}
    made = thidua(["backup", str(tmp_path / "b.dump")], THIDUA_DATABASE_URL=src, **env)
    assert made.returncode == 0 and "pg_dump" in made.stdout, made.stderr
    restored = thidua(["restore", str(tmp_path / "b.dump")], THIDUA_DATABASE_URL=dst, **env)
    assert restored.returncode == 0, restored.stderr
    assert _pg_tables(dst) == _pg_tables(src)
    sidecar = str(tmp_path / "b.dump.sha256")
    checked = thidua(["audit", "verify", "--checkpoint", sidecar], THIDUA_DATABASE_URL=dst, **env)
    assert checked.returncode == 0, checked.stderr
