"""Migration accounts.0006 re-chains the version-1 audit log under version 2 and logs what it
found: a break in the old chain stays on record instead of being washed out by the new hashes."""

import importlib
import json
import sqlite3
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from tests.test_backup import ON_POSTGRES, thidua

v1 = importlib.import_module("thidua.accounts.migrations.0006_audit_hash_v2").v1_hash


@pytest.mark.skipif(ON_POSTGRES, reason="runs on SQLite (a throwaway file)")
def test_the_old_chain_is_checked_re_chained_and_its_break_logged(tmp_path):
    env = {"THIDUA_DATA_DIR": str(tmp_path)}
    assert thidua(["migrate", "-v0"], **env).returncode == 0
    assert thidua(["migrate", "accounts", "0003", "-v0"], **env).returncode == 0
    con = sqlite3.connect(tmp_path / "thidua.sqlite3")
    prev = ""
    for n in range(3):
        entry = SimpleNamespace(
            prev_hash=prev, at=datetime(2024, 1, 1 + n, tzinfo=UTC), actor_id=None,
            action="accounts.token.created", object_type="accounts.apitoken",
            object_id=str(n + 1), before=None, after={"name": f"k{n}"}, reason="", via="cli",
        )  # fmt: skip
        prev = v1(entry)
        con.execute(
            "INSERT INTO accounts_auditentry (at, actor_name, action, object_type, object_id,"
            " after, reason, via, prev_hash, hash) VALUES (?, 'system', ?, ?, ?, ?, '', ?, ?, ?)",
            [entry.at.isoformat(), entry.action, entry.object_type, entry.object_id,
             json.dumps(entry.after), entry.via, entry.prev_hash, prev],
        )  # fmt: skip
    con.execute("UPDATE accounts_auditentry SET actor_name = 'camau' WHERE id = 2")  # v1: unseen
    con.execute("UPDATE accounts_auditentry SET reason = 'sửa lén' WHERE id = 3")  # v1: a break
    con.commit()
    migrated = thidua(["migrate", "-v1"], **env)
    assert migrated.returncode == 0, migrated.stderr
    assert "hỏng từ mục #3" in migrated.stdout
    rows = con.execute("SELECT hash_version, action, after FROM accounts_auditentry ORDER BY id")
    rows = rows.fetchall()
    assert {r[0] for r in rows} == {2} and rows[-1][1] == "accounts.audit.rechained"
    assert json.loads(rows[-1][2]) == {
        "entries": 3, "scheme": 2, "former_chain_intact": False, "first_broken_entry": 3,
    }  # fmt: skip
    con.close()
    verified = thidua(["audit", "verify"], **env)
    assert verified.returncode == 0, verified.stderr
    checkpoint = thidua(["audit", "checkpoint"], **env).stdout.split()
    assert checkpoint[:3] == ["thidua-audit", "v2", "4"]
