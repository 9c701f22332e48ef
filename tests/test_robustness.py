"""Crash safety and concurrent writers: nothing half-written, nothing lost, nothing doubled."""

import csv
import json
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from decimal import Decimal

import pytest

from tests.conftest import ON_POSTGRES, cli_env


def _env(**extra):
    return cli_env(**extra)


def _counts(env) -> dict:
    script = (
        "from thidua.awards.models import AwardEntry, Person;"
        "from thidua.accounts.models import AuditEntry;import json;"
        "print(json.dumps([AwardEntry.objects.count(), Person.objects.count(),"
        " AuditEntry.objects.count()]))"
    )
    done = subprocess.run(
        [sys.executable, "-m", "thidua", "shell", "--no-imports", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# Enough that the write lasts ~2 s: killed after it committed, the counts below would differ.
ROWS = 50_000


def test_an_import_killed_midway_leaves_the_database_as_before(tmp_path, demo_copy):
    env = _env(**demo_copy)
    before = _counts(env)
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["Họ và tên", "Năm sinh", "Đơn vị", "Hình thức khen thưởng", "Năm"])
        for i in range(ROWS):
            out.writerow(
                [f"Nguyễn Văn Người {i}", 1950 + i % 50, f"Sở {i % 97}", "LDTT", 2000 + i % 25]
            )
    proc = subprocess.Popen(
        [sys.executable, "-m", "thidua", "registry", "import", str(path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stderr.readline()  # printed inside the transaction, right before writing
    assert "Đang ghi" in line, line
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _counts(env) == before


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(method, url, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        body = exc.read()
        try:
            return exc.code, json.loads(body or b"null")
        except ValueError:
            return exc.code, body[-600:].decode(errors="replace")


@pytest.mark.skipif(
    not ON_POSTGRES, reason="two app servers on one PostgreSQL: the PostgreSQL pass"
)
def test_two_app_servers_hammering_the_same_value_lose_and_double_nothing(demo_copy):
    env = _env(**demo_copy, THIDUA_WARM_ON_START="false")
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "thidua", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    token = run("token", "create", "--user", "camau", "--name", "hammer").stdout.split()[-1]
    assert token.startswith("td_"), token
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "thidua",
                "serve",
                "--port",
                str(p),
                "--workers",
                "1",
                "--no-worker",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for p in ports
    ]
    try:
        for p in ports:
            _wait(f"http://127.0.0.1:{p}/login/")
        accepted, conflicts = _hammer(ports, token)
    finally:
        for s in servers:
            s.terminate()
            s.wait(timeout=30)
    final = (
        run(
            "shell",
            "--no-imports",
            "-c",
            (
                "from thidua.indicators.models import Value;"
                "vs=Value.objects.filter(unit__code='80',indicator__code='grdp',period='2019');"
                "now=vs.get(is_current=True);"
                "print(vs.filter(is_current=True).count(), vs.count(), now.value)"
            ),
        )
        .stdout.strip()
        .splitlines()[-1]
        .split()
    )
    current_rows, versions, value = int(final[0]), int(final[1]), Decimal(final[2])
    assert current_rows == 1
    assert versions == accepted  # every accepted write is one version, no more, no less
    assert value == accepted  # each accepted write added one to what it read: none was lost
    assert accepted > 0 and conflicts > 0


def _wait(url, seconds=180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer")


def _hammer(ports, token, workers=8, rounds=8):
    """Each worker reads the value and its version, then writes value + 1 with that version."""
    counts = {"ok": 0, "conflict": 0, "other": []}
    lock = threading.Lock()

    def worker(n):
        base = f"http://127.0.0.1:{ports[n % 2]}/api/v1/clusters/TNB/periods/2019/reports/80"
        for _ in range(rounds):
            status, report = _request("GET", base, token)
            values = {v["indicator"]: v for v in (report or {}).get("values", [])}
            current = values.get("grdp")
            value, version = (
                (Decimal(str(current["value"])), current["version"]) if current else (Decimal(0), 0)
            )
            body = {"values": [{"indicator": "grdp", "value": str(value + 1), "version": version}]}
            status, answer = _request("PUT", base + "/values", token, body)
            with lock:
                if status == 200:
                    counts["ok"] += 1
                elif status == 409:
                    counts["conflict"] += 1
                else:
                    counts["other"].append((status, answer))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not counts["other"], counts["other"][:3]
    return counts["ok"], counts["conflict"]
