"""The registry's name indexes read into the database's cache at start and after an import."""

import json
import logging

from django.core.management import call_command
from django.db import connection

from tests.test_registry import GOOD, write
from thidua import server
from thidua.awards import warm


def test_warming_reads_every_name_index(db):
    found = warm.warm()
    read = {k: v for k, v in found.items() if k not in ("method", "seconds")}
    assert len(read) == len(warm.name_indexes())
    # The demo's registry: every index has pages (PostgreSQL) or rows (SQLite) read.
    assert all(n > 0 for n in read.values()), read
    expected = "pg_prewarm" if connection.vendor == "postgresql" else "read index pages"
    assert found["method"] in (expected, "index-only scan")


def test_without_pg_prewarm_the_indexes_are_read_by_a_scan_and_the_log_says_why(
    db, monkeypatch, caplog
):
    if connection.vendor != "postgresql":
        return
    monkeypatch.setattr(warm, "_prewarm_available", lambda: False)
    found = warm.warm()
    assert found["method"] == "index-only scan"
    assert found["entry_key_year"] > 0 and found["person_key_born"] > 0


def test_a_missing_index_is_logged_and_the_rest_still_warmed(db, monkeypatch, caplog):
    real = warm.name_indexes
    monkeypatch.setattr(
        warm, "name_indexes", lambda: [("awards_awardentry", "nope", "year")] + real()
    )
    with caplog.at_level(logging.WARNING, logger="thidua.awards.warm"):
        found = warm.warm()
    assert "nope" in caplog.text
    assert found["entry_key_year"] > 0


def test_the_server_starts_the_warm_up_beside_it_and_does_not_wait(monkeypatch):
    started = []

    class FakePopen:
        def __init__(self, args, **kwargs):
            started.append((args, kwargs))

    monkeypatch.setattr(warm.subprocess, "Popen", FakePopen)
    monkeypatch.setattr(server._Server, "run", lambda self: started.append("served"))
    server.serve("127.0.0.1", 0, worker=False)  # the worker beside it: tests/test_jobs.py
    (args, kwargs), served = started
    assert args[-3:] == ["registry", "warm", "--quiet"] and kwargs["start_new_session"]
    assert served == "served"
    monkeypatch.setenv("THIDUA_WARM_ON_START", "false")
    assert warm.start_in_background() is None


def test_the_cli_import_warms_after_writing_and_warm_prints_json(db, tmp_path, capsys, monkeypatch):
    calls = []
    real = warm.warm
    monkeypatch.setattr(warm, "warm", lambda: calls.append(1) or real())
    call_command("registry", "import", str(write(tmp_path, GOOD)), "--json")
    assert calls == [1]
    capsys.readouterr()
    call_command("registry", "warm", "--json")
    assert json.loads(capsys.readouterr().out)["entry_key_year"] > 0
