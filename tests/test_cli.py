"""The `thidua` command as an operator runs it: configuration errors, the demo, the server."""

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest


def run(args, env_overrides, timeout=120):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("THIDUA_", "DJANGO_"))}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "thidua", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({}, "THIDUA_SECRET_KEY is required"),
        ({"THIDUA_DEBUG": "maybe"}, "THIDUA_DEBUG='maybe' is not a boolean"),
        (
            {"THIDUA_SECRET_KEY": "k" * 50, "THIDUA_DATABASE_URL": "mysql://x@localhost/db"},
            "THIDUA_DATABASE_URL must start with postgres://",
        ),
        (
            {"THIDUA_SECRET_KEY": "k" * 50, "THIDUA_TRUSTED_PROXIES": "nginx"},
            "THIDUA_TRUSTED_PROXIES: 'nginx' is not an IP address or network",
        ),
    ],
)
def test_a_wrong_setting_stops_with_one_clear_line(tmp_path, overrides, message):
    result = run(["check"], {"THIDUA_DATA_DIR": str(tmp_path), **overrides})
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def _state(path):
    con = sqlite3.connect(path)
    tables = [
        "orgs_unit",
        "orgs_membership",
        "indicators_value",
        "indicators_report",
        "accounts_auditentry",
        "auth_user",
        "accounts_roleassignment",
        "covenants_target",
    ]
    counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
    statuses = con.execute("select status, count(*) from indicators_report group by 1").fetchall()
    con.close()
    return counts, statuses


def test_the_demo_loads_once_and_a_second_run_changes_nothing(tmp_path):
    env = {"THIDUA_DATA_DIR": str(tmp_path), "THIDUA_DEBUG": "true"}
    first = run(["demo", "--no-serve"], env)
    assert first.returncode == 0, first.stderr
    assert "camau" in first.stdout and "thidua-demo-2019" in first.stdout
    state = _state(tmp_path / "thidua.sqlite3")
    assert state[0]["indicators_value"] == 48
    assert run(["demo", "--no-serve"], env).returncode == 0
    assert _state(tmp_path / "thidua.sqlite3") == state


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_demo_serves_the_site_from_its_own_file(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("THIDUA_", "DJANGO_"))}
    env.update({"THIDUA_DATA_DIR": str(tmp_path), "THIDUA_DATABASE_URL": "postgres://nowhere/x"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "thidua", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = _get_when_up(f"http://127.0.0.1:{port}/login/", proc)
        assert "thidua" in body.lower()
        css = _get_when_up(f"http://127.0.0.1:{port}/static/admin/css/base.css", proc)
        assert "body" in css
        assert (tmp_path / "demo.sqlite3").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _get_when_up(url, proc, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stdout.read())
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {seconds} s")
