"""Shared fixtures: the demo is loaded once into the test database; each test rolls back.

The cast (see thidua.demo.DEMO_USERS): `camau` runs cluster TNB as head secretariat in 2019,
`longan` and `kiengiang` are officers of TNB members, `hanoi` is an officer outside TNB,
`bantw` is the central board, `xem` a viewer of TNB.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

# Playwright runs an event loop in the test thread; the ORM calls in browser tests are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PG_URL = os.environ.get("THIDUA_DATABASE_URL", "")
ON_POSTGRES = PG_URL.startswith("postgres")


# The longest tests (half a minute or more on two busy cores), longest first. They run before
# the rest, so that under xdist the short tests fill in around them instead of a long one
# finishing alone at the end.
LONGEST_FIRST = (
    "tests/test_benchmarks_quick.py::test_the_quick_benchmark_suite",
    "tests/test_load_smoke.py::",
    "tests/test_robustness.py::",
    "tests/test_backup.py::",
    "tests/test_cli.py::test_the_demo_",
    "tests/test_api_fuzz.py::",
    "tests/test_audit_migration.py::test_the_old_chain",
)


def pytest_configure(config):
    # Each run keeps its temporary folders under a root of its own: a run that starts removes
    # the older numbered folders of its root, so two runs at once (SQLite and PostgreSQL side
    # by side, or two checkouts) would delete each other's folders mid-run. xdist's workers take
    # their folders under the controller's.
    if hasattr(config, "workerinput") or os.environ.get("PYTEST_DEBUG_TEMPROOT"):
        return
    root = tempfile.mkdtemp(prefix="thidua-pytest-")
    os.environ["PYTEST_DEBUG_TEMPROOT"] = root
    atexit.register(shutil.rmtree, root, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    # Runs after pytest-django's reordering (transactional tests after the others, since they
    # flush the database the others share); a transactional test is never moved.
    def rank(item) -> int:
        if {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())):
            return len(LONGEST_FIRST)
        found = (i for i, p in enumerate(LONGEST_FIRST) if item.nodeid.startswith(p))
        return next(found, len(LONGEST_FIRST))

    items.sort(key=rank)  # stable: the rest keeps its order


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo, loaded once; its snapshot (taken before any test can flush it) is what the
    browser tests start from (`demo_snapshot`)."""
    from tests.demo_snapshot import DemoSnapshot
    from thidua.demo import load_demo

    with django_db_blocker.unblock():
        load_demo()
        return DemoSnapshot.take()


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup):
    return django_db_setup


@pytest.fixture
def users(db):
    from django.contrib.auth import get_user_model

    return {u.username: u for u in get_user_model().objects.all()}


@pytest.fixture
def tnb(db):
    from thidua.orgs.models import Cluster

    return Cluster.objects.get(code="TNB")


@pytest.fixture
def tp5(db):
    from thidua.orgs.models import Cluster

    return Cluster.objects.get(code="TP5")


@pytest.fixture
def indicators(db):
    from thidua.indicators.models import Indicator

    return {i.code: i for i in Indicator.objects.all()}


@pytest.fixture
def unit(db):
    """unit("80") is the unit with that code valid in 2019 (Long An, not today's Tây Ninh)."""
    from datetime import date

    from thidua.orgs.reference import unit_on

    return lambda code, day=date(2019, 7, 1): unit_on(code, day)


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Each test starts with no rendered parts: a rolled-back test's stamp may come back."""
    from django.core.cache import caches

    caches["pages"].clear()


@pytest.fixture
def as_user(client, users):
    """as_user("longan") is the test client signed in as that member of the cast."""

    def login(name: str):
        client.force_login(users[name])
        return client

    return login


# ----------------------------------------------------------------- the `thidua` command, fresh
# Tests that run `thidua` in a subprocess get databases and folders of their own: a PostgreSQL
# database next to the configured one with a unique name (two runs on one server, or two xdist
# workers, never meet), dropped after the test whether it passed or not; folders under tmp_path.


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of a `thidua` subprocess: none of the test run's THIDUA_/DJANGO_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("THIDUA_", "DJANGO_"))}
    env.update({"THIDUA_DEBUG": "true", **extra})
    return env


def unique_database_name(label: str) -> str:
    """`<configured name>_<label>_<xdist worker>_<8 hex>`, at most 63 characters."""
    base = (urlsplit(PG_URL).path.lstrip("/") or "thidua")[:24]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{base}_{label}_{worker}_{uuid.uuid4().hex[:8]}"[-63:]


def _pg_admin(*statements: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(PG_URL)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as con:
        for sql in statements:
            con.execute(sql)


def database_url(name: str) -> str:
    return urlunsplit(urlsplit(PG_URL)._replace(path=f"/{name}"))


def create_database(label: str, template: str | None = None) -> str:
    """A new PostgreSQL database (empty, or a copy of `template`); returns its name."""
    name = unique_database_name(label)
    _pg_admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return name


def drop_database(name: str) -> None:
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh_database():
    """fresh_database("backup_src") -> the URL of a new, empty PostgreSQL database (or a copy of
    `template=`), dropped after the test, passed or failed."""
    made: list[str] = []

    def make(label: str, template: str | None = None) -> str:
        made.append(create_database(label, template))
        return database_url(made[-1])

    yield make
    for name in made:
        drop_database(name)


@dataclass(frozen=True)
class DemoRun:
    folder: Path  # THIDUA_DATA_DIR of the run (holds thidua.sqlite3 on SQLite)
    stdout: str
    database: str | None  # the PostgreSQL database, used as a template by demo_copy


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """`thidua demo --no-serve` into an empty folder (and on PostgreSQL an empty database), once
    per session and xdist worker: the demo the CLI tests start from. Take copies (demo_copy)."""
    folder = tmp_path_factory.mktemp("demo-run")
    env = cli_env(THIDUA_DATA_DIR=str(folder))
    name = create_database("demo") if ON_POSTGRES else None
    try:
        if name:
            env["THIDUA_DATABASE_URL"] = database_url(name)
        command = [sys.executable, "-m", "thidua", "demo", "--no-serve"]
        if name:
            command.append("--use-configured-database")
        done = subprocess.run(
            command,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        yield DemoRun(folder, done.stdout, name)
    finally:
        if name:
            drop_database(name)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def demo_copy(demo_run, tmp_path, fresh_database) -> dict[str, str]:
    """The demo as `thidua demo --no-serve` leaves it, copied for this test: the settings
    (THIDUA_DATA_DIR, and on PostgreSQL THIDUA_DATABASE_URL) to give the `thidua` command."""
    folder = tmp_path / "demo"
    shutil.copytree(demo_run.folder, folder)
    env = {"THIDUA_DATA_DIR": str(folder)}
    if demo_run.database:
        env["THIDUA_DATABASE_URL"] = fresh_database("demo", template=demo_run.database)
    return env
