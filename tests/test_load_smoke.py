"""The load scenario's smoke run: 20 officers log in, save and submit against a real server.

`python -m benchmarks.load_officers --quick --no-write` starts `thidua serve` on a free port of
127.0.0.1 over a throwaway SQLite database (under tmp_path: removed also when it fails), and
exits 0 only with zero failed requests, every report submitted and every accepted value stored
(see docs/benchmarks.md). It takes ~30–40 s; left out of the README's command (pyproject's
addopts), `pytest -m load` runs it (a step of .ci/run).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.load


def test_twenty_officers_save_and_submit_without_an_error(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("THIDUA_", "DJANGO_"))}
    env["TMPDIR"] = str(tmp_path)  # its throwaway folder, kept when it fails, goes with tmp_path
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.load_officers", "--quick", "--no-write"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "every accepted value present: yes" in result.stdout
    assert "PASSED: yes" in result.stdout
