"""The benchmark suite's smoke run: `python -m benchmarks --quick` exits 0 (errors, not timings).

It generates the small scale in a folder of its own (tmp_path) on the database of the run:
SQLite, or with THIDUA_DATABASE_URL=postgres://… a fresh database with a unique name next to the
configured one, dropped afterwards (the SQLite run never touches PostgreSQL). Every figure runs
once; `--no-doc` keeps docs/benchmarks.md as it is. About 1 minute: left out of the README's
command (pyproject's addopts), run by `pytest -m "bench or load"`, a step of its own in .ci/run.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ON_POSTGRES, database_url, drop_database, unique_database_name

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.bench


def test_the_quick_benchmark_suite_runs_without_an_error(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("THIDUA_", "DJANGO_"))}
    env["TMPDIR"] = str(tmp_path)
    command = [sys.executable, "-m", "benchmarks", "--quick", "--no-doc"]
    command += ["--out", str(tmp_path / "bench"), "--database"]
    name = unique_database_name("bench") if ON_POSTGRES else None
    command += ["postgres", "--postgres-url", database_url(name)] if name else ["sqlite"]
    try:
        result = subprocess.run(
            command, cwd=REPO, env=env, capture_output=True, text=True, timeout=900
        )
    finally:
        if name:
            drop_database(name)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "registry import" in result.stdout
    assert "review page, server time" in result.stdout
    assert "review .docx" in result.stdout
    assert "with the page cache on" in result.stdout
    assert "value import, 20,000-row CSV" in result.stdout
    if shutil.which("wrk") or os.environ.get("CI") == "true":
        assert "web throughput" in result.stdout
        assert "the floor of any signed-in page" in result.stdout
    assert "Errors:" not in result.stdout


def test_a_run_of_some_figures_writes_its_own_section():
    from benchmarks.suite import section_name

    assert section_name("medium", "sqlite") == "suite:medium-sqlite"
    assert section_name("national", "postgres", "throughput,search") == (
        "suite:national-postgres-only-search-throughput"
    )


def test_throughput_ratios_are_taken_within_each_round():
    from benchmarks.throughput import _round_ratio

    # The machine slows down in the third round: each round's own ratio is what compares.
    review = [{"rps": 100.0}, {"rps": 300.0}, {"rps": 50.0}]
    bare = [{"rps": 200.0}, {"rps": 600.0}, {"rps": 1000.0}]
    assert _round_ratio(review, bare) == 0.5
    assert _round_ratio([{"rps": 5.0}], [{"rps": 0.0}]) == 0.0


def test_throughput_rounds_take_turns_forwards_and_backwards():
    from benchmarks.throughput import _turns

    assert _turns(2) == ["bare", "login", "review", "review", "login", "bare"]
    assert _turns(1) == ["bare", "login", "review"]
