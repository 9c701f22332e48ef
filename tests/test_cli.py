"""The `thidua` command as an operator runs it: configuration errors, the demo, the server."""

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ON_POSTGRES


def run(args, env_overrides, timeout=300):
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
        (
            {"THIDUA_DATABASE_URL": "postgres://x@localhost/db"},
            "THIDUA_SECRET_KEY is required with THIDUA_DATABASE_URL",
        ),
        ({"THIDUA_DEBUG": "maybe"}, "THIDUA_DEBUG='maybe' is not a boolean"),
        (
            {"THIDUA_SECRET_KEY": "k" * 50, "THIDUA_DATABASE_URL": "mysql://x@localhost/db"},
            "THIDUA_DATABASE_URL must start with postgres://",
        ),
        (
            {"THIDUA_SECRET_KEY": "k" * 50, "THIDUA_TRUSTED_PROXIES": "nginx"},
            "THIDUA_TRUSTED_PROXIES: 'nginx' is not an IP address or network",
        ),
        (
            {"THIDUA_EMAIL_URL": "smtps://mail.example.vn", "THIDUA_EMAIL_FROM": "a@b.vn"},
            "THIDUA_EMAIL_URL must start with smtp://, smtp+tls:// or smtp+ssl://",
        ),
        (
            {"THIDUA_EMAIL_URL": "smtp://mail.example.vn:port"},
            "THIDUA_EMAIL_URL: the port is not a number",
        ),
        (
            {"THIDUA_EMAIL_URL": "smtp+tls://mail.example.vn", "THIDUA_EMAIL_FROM": "thidua"},
            "THIDUA_EMAIL_FROM='thidua' is not an e-mail address",
        ),
        ({"THIDUA_EMAIL_URL": "smtp://mail.example.vn"}, "THIDUA_EMAIL_FROM is required"),
        ({"THIDUA_SITE_URL": "thidua.example.vn"}, "THIDUA_SITE_URL='thidua.example.vn' is not"),
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


@pytest.mark.skipif(ON_POSTGRES, reason="counted in the SQLite file: the SQLite pass")
def test_the_demo_loads_once_and_a_second_run_changes_nothing(demo_run, demo_copy):
    # The first run is demo_run's (`thidua demo --no-serve` into an empty folder); the second
    # runs on a copy of what it left.
    assert "camau" in demo_run.stdout and "thidua-demo-2019" in demo_run.stdout
    state = _state(demo_run.folder / "thidua.sqlite3")
    assert state[0]["indicators_value"] == 48
    env = {**demo_copy, "THIDUA_DEBUG": "true"}
    assert run(["demo", "--no-serve"], env).returncode == 0
    assert _state(Path(demo_copy["THIDUA_DATA_DIR"]) / "thidua.sqlite3") == state


def test_with_no_environment_every_command_works_on_the_data_folder(tmp_path):
    home = tmp_path / "home"
    env = {"HOME": str(home)}
    helped = run(["--help"], env)
    assert helped.returncode == 0, helped.stderr
    assert "report" in helped.stdout
    folder = home / ".local" / "share" / "thidua"
    key = folder / "secret-key"
    assert key.stat().st_mode & 0o777 == 0o600
    first_key = key.read_text()
    loaded = run(["demo", "--no-serve"], env)
    assert loaded.returncode == 0, loaded.stderr
    assert str(folder / "thidua.sqlite3") in loaded.stdout
    assert key.read_text() == first_key
    review = run(
        ["report", "review", "--cluster", "TNB", "--period", "2019H1", "--format", "json"], env
    )
    assert review.returncode == 0, review.stderr
    assert '"reported": 12' in review.stdout
    verified = run(["audit", "verify"], env)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_the_demo_never_loads_into_a_configured_database_unless_asked(tmp_path):
    production = tmp_path / "production.sqlite3"
    env = {
        "THIDUA_DATA_DIR": str(tmp_path / "data"),
        "THIDUA_DATABASE_URL": f"sqlite:///{production}",
        "THIDUA_SECRET_KEY": "k" * 50,
    }
    assert run(["migrate", "-v0"], env).returncode == 0
    before = production.read_bytes()
    loaded = run(["demo", "--no-serve"], env)
    assert loaded.returncode == 0, loaded.stderr
    assert production.read_bytes() == before
    assert (tmp_path / "data" / "demo.sqlite3").exists()
    assert "THIDUA_DATABASE_URL=sqlite:///" in loaded.stdout
    asked = run(["demo", "--no-serve", "--use-configured-database"], env)
    assert asked.returncode == 0, asked.stderr
    assert _state(production)[0]["indicators_value"] == 48


def test_the_demo_refuses_a_data_folder_database_holding_other_data(tmp_path):
    env = {"THIDUA_DATA_DIR": str(tmp_path)}
    assert run(["migrate", "-v0"], env).returncode == 0
    made = run(
        [
            "shell",
            "-c",
            "from django.contrib.auth.models import User; User.objects.create(username='real')",
        ],
        env,
    )
    assert made.returncode == 0, made.stderr
    refused = run(["demo", "--no-serve"], env)
    assert refused.returncode == 2
    assert "không phải dữ liệu mẫu" in refused.stderr
    assert _state(tmp_path / "thidua.sqlite3")[0]["indicators_value"] == 0


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
        # It migrates and loads the demo first: minutes on a busy two-core machine.
        body = _get_when_up(f"http://127.0.0.1:{port}/login/", proc, seconds=300)
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
