"""Migration 0002: published tallies stay, every per-ballot plaintext choice leaves the database."""

import json
import os
import sqlite3

import pytest

from tests.test_backup import thidua

ON_POSTGRES = os.environ.get("THIDUA_DATABASE_URL", "").startswith("postgres")
pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="runs on a throwaway SQLite database")

LEGACY_RESULT = {
    "electorate": 3,
    "present": 3,
    "ballots": 3,
    "quorum_met": True,
    "basis": 3,
    "candidates": [{"candidate_id": 1, "unit_code": "80", "votes": 2, "pct": "66.67"}],
    "receipts": [
        {"receipt": "AAAAAAAAAA", "approved": ["80"]},
        {"receipt": "BBBBBBBBBB", "approved": ["80"]},
        {"receipt": "CCCCCCCCCC", "approved": []},
    ],
    "tie": False,
}


def _legacy(path, status: str) -> None:
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO orgs_cluster (id, code, name, kind, organiser, member_noun) "
        "VALUES (1, 'TNB', 'Tây Nam Bộ', 'cluster', 'central', '')"
    )
    con.execute(
        "INSERT INTO ballots_ballotsession (id, cluster_id, year, title, award_code, seats, "
        "quorum_pct, pass_pct, pass_operator, pass_basis, legal_basis, closes_at, status, "
        "result, correction_reason) VALUES (1, 1, 2019, 't', '', 1, 50, 50, 'gt', 'electorate',"
        " '', '2019-12-01', ?, ?, '')",
        (status, json.dumps(LEGACY_RESULT)),
    )
    for i, (r, approved) in enumerate(
        (("AAAAAAAAAA", [1]), ("BBBBBBBBBB", [1]), ("CCCCCCCCCC", []))
    ):
        con.execute(
            "INSERT INTO ballots_ballot (id, session_id, receipt, approved) VALUES (?, 1, ?, ?)",
            (f"{i:032x}", r, json.dumps(approved)),
        )
    con.commit()
    con.close()


def test_closed_sessions_keep_their_tally_and_lose_every_ballot_choice(tmp_path):
    env = {"THIDUA_DATA_DIR": str(tmp_path)}
    assert thidua(["migrate", "-v0"], **env).returncode == 0
    assert thidua(["migrate", "ballots", "0001", "-v0"], **env).returncode == 0
    db = tmp_path / "thidua.sqlite3"
    _legacy(db, "closed")
    done = thidua(["migrate", "-v0"], **env)
    assert done.returncode == 0, done.stderr
    con = sqlite3.connect(db)
    columns = {r[1] for r in con.execute("PRAGMA table_info(ballots_ballot)")}
    assert "approved" not in columns
    (result,) = con.execute("SELECT result FROM ballots_ballotsession").fetchone()
    rows = con.execute("SELECT receipt, ciphertext FROM ballots_ballot").fetchall()
    con.close()
    result = json.loads(result)
    assert result["candidates"][0]["votes"] == 2 and result["legacy"] is True
    assert result["receipts"] == [
        {"receipt": r} for r in ("AAAAAAAAAA", "BBBBBBBBBB", "CCCCCCCCCC")
    ]
    assert sorted(r for r, _c in rows) == ["AAAAAAAAAA", "BBBBBBBBBB", "CCCCCCCCCC"]


def test_an_open_session_with_plaintext_ballots_stops_the_migration(tmp_path):
    env = {"THIDUA_DATA_DIR": str(tmp_path)}
    assert thidua(["migrate", "-v0"], **env).returncode == 0
    assert thidua(["migrate", "ballots", "0001", "-v0"], **env).returncode == 0
    _legacy(tmp_path / "thidua.sqlite3", "open")
    done = thidua(["migrate", "-v0"], **env)
    assert done.returncode != 0 and "close them with the previous version" in done.stderr
