"""Load scenario: N officers log in, enter their unit's values and submit them, all at once.

    python -m benchmarks.load_officers [--officers 200] [--database sqlite|postgres]
                                       [--workers N] [--quick] [--no-write] [--keep]

What it does, end to end, on 127.0.0.1 only:

1. a throwaway data folder (tempfile) and database: SQLite in that folder, or a fresh PostgreSQL
   database `thidua_load` on 127.0.0.1:5432 (user postgres, trust auth), dropped afterwards;
2. `thidua migrate`, `thidua load_reference`, then a synthetic cluster LOAD for this year with N
   member units (LOAD001…), one officer per unit, a secretariat of the head unit, and a window
   for `<year>H1` opened with the service `open_window` (set-based, in a Django subprocess);
3. `thidua serve --host 127.0.0.1 --port <free port> --workers W` (gunicorn, 4 threads each);
4. N officer threads (urllib + a cookie jar, no other dependency), each: GET /login/, POST the
   credentials with the CSRF token, follow to the dashboard and take the entry link from it,
   GET the entry page, POST five values in Vietnamese notation with `save`, follow back to the
   entry page (new versions), POST `submit`, follow to the report page. Every request is timed;
   the run stops by itself at the time limit (5 minutes) and at a fixed request budget;
5. the server is stopped, and a Django subprocess reads back the database: every report must be
   `submitted` by its officer, every value a save accepted must be the current value (exact,
   version 1, nothing extra), and the audit hash chain must still hold;
6. the results are printed and written into docs/benchmarks.md between the markers
   `<!-- load_officers:start -->` and `<!-- load_officers:end -->` (one row per database,
   workers and officers; other runs and other sections of the file are kept).

Exit code 0 only when there were zero errors and every accepted value is present.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from http.cookiejar import CookieJar
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "benchmarks.md"
START, END = "<!-- load_officers:start -->", "<!-- load_officers:end -->"
DATA_MARK = "<!-- load_officers:data "
PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PG_DB = "thidua_load"
HOST = "127.0.0.1"
CLUSTER = "LOAD"
THREADS = 4  # gthread threads per gunicorn worker (thidua.server.serve)
REQUESTS_PER_OFFICER = 8
# The five values an officer types; which period each belongs to comes from the catalogue.
CODES = (
    "grdp_growth",
    "budget_revenue",
    "budget_plan",
    "hs_graduation_rate",
    "on_time_dossier_rate",
)
STEPS = (
    ("login_page", "login page (GET)"),
    ("login", "login (POST)"),
    ("dashboard", "dashboard"),
    ("entry", "entry page"),
    ("save", "save (POST)"),
    ("submit", "submit (POST)"),
    ("report", "report page"),
)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_ERRORS = re.compile(r'<ul class="errorlist">(.*?)</ul>', re.S)
_TAGS = re.compile(r"<[^>]+>")


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.internal:
        return _internal(args)
    if args.quick:
        args.officers = args.officers or 20
        args.database = args.database or "sqlite"
        args.time_limit = args.time_limit or 60
        args.ramp = 2.0 if args.ramp is None else args.ramp
        args.think = 0.1 if args.think is None else args.think
    args.officers = args.officers or 200
    args.database = args.database or "sqlite"
    args.time_limit = args.time_limit or 300
    args.ramp = 120.0 if args.ramp is None else args.ramp
    args.think = 0.5 if args.think is None else args.think
    if not 1 <= args.officers <= 9999:
        raise SystemExit("--officers must be between 1 and 9999")
    if not 1 <= args.workers <= 16:
        raise SystemExit("--workers must be between 1 and 16")
    return run(args)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.load_officers",
        description="N officers log in, save and submit their values against `thidua serve`.",
    )
    p.add_argument("--officers", type=int, help="simulated officers (default 200; --quick: 20)")
    p.add_argument("--database", choices=("sqlite", "postgres"), help="default sqlite")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    p.add_argument("--quick", action="store_true", help="CI smoke: 20 officers, SQLite, <1 min")
    p.add_argument("--time-limit", type=float, help="seconds for the load (default 300)")
    p.add_argument(
        "--ramp", type=float, help="officers arrive, uniformly, over this many seconds (120)"
    )
    p.add_argument("--think", type=float, help="max pause between an officer's steps (0.5 s)")
    p.add_argument(
        "--wait-idle",
        type=float,
        default=0,
        metavar="SECONDS",
        help="on a shared machine, wait up to this long for the CPU to be mostly idle first",
    )
    p.add_argument("--seed", type=int, default=2019, help="random seed of the typed values")
    p.add_argument("--no-write", action="store_true", help="do not touch docs/benchmarks.md")
    p.add_argument("--doc", type=Path, default=DOC, help="the results file to update")
    p.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    p.add_argument("--keep", action="store_true", help="keep the data folder and database")
    p.add_argument("--internal", choices=("seed", "verify"), help=argparse.SUPPRESS)
    p.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    return p


# ---------------------------------------------------------------- the run


def run(args) -> int:
    folder = Path(tempfile.mkdtemp(prefix="thidua-load-"))
    database = Database(args.database, folder)
    server = None
    ok = False
    try:
        env = _environment(folder, database.url)
        print(f"load_officers: {args.officers} officers, {database.kind}, {args.workers} workers")
        print(f"  data folder {folder}")
        database.create()
        t0 = time.monotonic()
        _thidua(env, "migrate", "--no-input", "-v", "0")
        _thidua(env, "load_reference")
        setup = _django(env, "seed", folder, "--officers", str(args.officers))
        print(
            f"  prepared in {time.monotonic() - t0:.1f} s: {setup['period']}, {args.officers} units"
        )
        server = Server(env, folder / "server.log", args.workers)
        server.start()
        print(f"  server at {server.base} (pid {server.process.pid})")
        officers = [
            Officer(i, o["username"], setup["password"], o["unit_id"], setup, args.seed)
            for i, o in enumerate(setup["officers"])
        ]
        server.warm_up()
        if args.wait_idle:
            wait_for_idle(args.wait_idle)
        load = Load(server.base, officers, args)
        cpu = CpuMeter(server)
        load.run()
        load.cpu = cpu.stop(len(load.samples))
        server.stop()
        log_problems = server.problems()
        stored = _django(env, "verify", folder)
        result = _results(args, database, load, stored, log_problems)
        print(_text_report(result))
        if args.json:
            args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
        if not args.no_write:
            write_doc(args.doc, result)
            print(f"  written to {args.doc}")
        ok = result["passed"]
        return 0 if ok else 1
    finally:
        if server is not None:
            server.stop()
        if args.keep or not ok:
            print(
                f"  kept for inspection: {folder}" + (f", database {PG_DB}" if database.pg else "")
            )
        else:
            database.drop()
            shutil.rmtree(folder, ignore_errors=True)


def _environment(folder: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")}
    env.update(
        DJANGO_SETTINGS_MODULE="thidua.settings",
        THIDUA_DATA_DIR=str(folder),
        THIDUA_DATABASE_URL=url,
        THIDUA_SECRET_KEY=secrets.token_urlsafe(50),
        THIDUA_ALLOWED_HOSTS=HOST,
        PYTHONPATH=os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p),
    )
    return env


def _thidua(env: dict, *command: str, timeout: float = 600) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "thidua", *command],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise SystemExit(f"thidua {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")


def _django(env: dict, action: str, folder: Path, *extra: str) -> dict:
    """Run this module's Django part (seed or verify) in a subprocess; it answers in JSON."""
    out = folder / f"{action}.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.load_officers", "--internal", action, "--out", str(out)]
        + list(extra),
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise SystemExit(f"{action} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(out.read_text())


class Database:
    def __init__(self, kind: str, folder: Path):
        self.kind, self.pg = kind, kind == "postgres"
        self.url = (
            f"postgres://postgres@{HOST}:5432/{PG_DB}"
            if self.pg
            else "sqlite:///" + str(folder / "load.sqlite3")
        )
        self.version = ""

    def _admin(self, *statements: str) -> str:
        import psycopg

        with psycopg.connect(PG_DSN, autocommit=True, connect_timeout=10) as conn:
            for sql in statements:
                conn.execute(sql)
            return conn.execute("SHOW server_version").fetchone()[0]

    def create(self) -> None:
        if self.pg:
            version = self._admin(
                f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)", f"CREATE DATABASE {PG_DB}"
            )
            self.version = f"PostgreSQL {version.split()[0]}"
        else:
            import sqlite3

            self.version = f"SQLite {sqlite3.sqlite_version} (WAL)"

    def drop(self) -> None:
        if self.pg:
            self._admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


class Server:
    """`thidua serve` in its own process group; stopped with SIGTERM, then SIGKILL."""

    def __init__(self, env: dict, log: Path, workers: int):
        self.env, self.log, self.workers = env, log, workers
        self.port = _free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        command = [sys.executable, "-m", "thidua", "serve", "--host", HOST]
        command += ["--port", str(self.port), "--workers", str(self.workers)]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                env=self.env,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        limit = time.monotonic() + timeout
        while time.monotonic() < limit:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited early:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.base + "/login/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"the server did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def warm_up(self) -> None:
        """Some anonymous pages in every thread, so no measured request pays a first import."""
        slots = self.workers * THREADS

        def get(_):
            with urllib.request.urlopen(self.base + "/login/", timeout=30) as response:
                response.read()

        with ThreadPoolExecutor(slots) as pool:
            list(pool.map(get, range(4 * slots)))

    def pids(self) -> list[int]:
        """The gunicorn master and its workers."""
        if self.process is None:
            return []
        master = self.process.pid
        found = [master]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                stat = _proc_stat(int(entry.name))
                if stat and int(stat[1]) == master:
                    found.append(int(entry.name))
        return found

    def problems(self) -> list[str]:
        """Lines of the server log that tell of a failure (tracebacks, worker timeouts, locks)."""
        text = self.log.read_text(errors="replace")
        words = ("Traceback", "CRITICAL", "WORKER TIMEOUT", "database is locked", "Error")
        return [line for line in text.splitlines() if any(w in line for w in words)][:50]


def _proc_stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name: state, ppid, …; None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


class CpuMeter:
    """Where the CPU went during the load: the server, this client, everything else."""

    def __init__(self, server: Server):
        self.server = server
        self.tick = os.sysconf("SC_CLK_TCK")
        self.load_before = os.getloadavg()[0]
        self.machine0 = self._machine()
        self.server0 = self._server()
        self.client0 = time.process_time()

    def _machine(self) -> tuple[int, int]:
        with open("/proc/stat") as f:
            jiffies = [int(x) for x in f.readline().split()[1:9]]
        idle = jiffies[3] + jiffies[4]
        return sum(jiffies) - idle, sum(jiffies)

    def _server(self) -> float:
        total = 0
        for pid in self.server.pids():
            stat = _proc_stat(pid)
            if stat:
                total += int(stat[11]) + int(stat[12])  # utime, stime
        return total / self.tick

    def stop(self, requests: int) -> dict:
        busy1, total1 = self._machine()
        busy0, total0 = self.machine0
        cores = os.cpu_count() or 1
        wall_core_s = (total1 - total0) / self.tick
        machine = (busy1 - busy0) / self.tick
        server = self._server() - self.server0
        client = time.process_time() - self.client0
        return {
            "loadavg_before": round(self.load_before, 2),
            "machine_busy_pct": round(100 * machine / wall_core_s, 1) if wall_core_s else 0.0,
            "machine_core_s": round(machine, 1),
            "server_core_s": round(server, 1),
            "server_ms_per_request": round(1000 * server / requests, 1) if requests else 0.0,
            "client_core_s": round(client, 1),
            "other_core_s": round(max(0.0, machine - server - client), 1),
            "cores": cores,
        }


def _busy_fraction(seconds: float) -> float:
    def sample() -> tuple[int, int]:
        with open("/proc/stat") as f:
            jiffies = [int(x) for x in f.readline().split()[1:9]]
        return sum(jiffies) - jiffies[3] - jiffies[4], sum(jiffies)

    busy0, total0 = sample()
    time.sleep(seconds)
    busy1, total1 = sample()
    return (busy1 - busy0) / max(1, total1 - total0)


def wait_for_idle(limit: float, busy: float = 0.25) -> None:
    """Wait (at most `limit` seconds) for two 3-second samples under `busy` CPU in a row."""
    end, quiet, seen = time.monotonic() + limit, 0, 1.0
    while time.monotonic() < end and quiet < 2:
        seen = _busy_fraction(3)
        quiet = quiet + 1 if seen < busy else 0
    state = "idle" if quiet >= 2 else f"still busy after {limit:g} s"
    print(f"  machine {state} (last sample {100 * seen:.0f}% busy)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- the officers


class TimeUp(Exception):
    pass


class StepFailed(Exception):
    def __init__(self, message: str, unanswered: bool = False):
        super().__init__(message)
        # Sent but never answered (timeout, reset): the server may or may not have done it.
        self.unanswered = unanswered


@dataclass
class Sample:
    step: str
    seconds: float
    status: int
    error: str = ""


@dataclass
class Officer:
    index: int
    username: str
    password: str
    unit_id: int
    setup: dict
    seed: int
    values: dict[str, tuple[str, Decimal, str]] = field(default_factory=dict)
    # "" (not sent), "accepted", "refused" (answered otherwise), "unknown" (sent, no answer)
    save: str = ""
    submit: str = ""
    error: str = ""

    def __post_init__(self):
        rng = random.Random(self.seed * 100_003 + self.index)
        revenue = rng.randint(1_000, 60_000)
        typed = {
            "grdp_growth": Decimal(rng.randint(300, 1200)) / 100,
            "budget_revenue": Decimal(revenue),
            "budget_plan": Decimal(int(revenue * rng.uniform(1.5, 2.5))),
            "hs_graduation_rate": Decimal(rng.randint(850, 999)) / 10,
            "on_time_dossier_rate": Decimal(rng.randint(900, 1000)) / 10,
        }
        decimals = {"grdp_growth": 2, "hs_graduation_rate": 1, "on_time_dossier_rate": 1}
        for code, value in typed.items():
            period = self.setup["indicator_periods"][code]
            self.values[code] = (period, value, format_vn(value, decimals.get(code, 0)))

    @property
    def entry_path(self) -> str:
        return f"/entry/{CLUSTER}/{self.setup['period']}/{self.unit_id}/"


def format_vn(value: Decimal, decimals: int) -> str:
    """8,20 – 49.630: a comma before the decimals, dots between thousands."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back as responses, so that each hop is timed as its own step."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Load:
    def __init__(self, base: str, officers: list[Officer], args):
        self.base, self.officers, self.args = base, officers, args
        self.samples: list[Sample] = []
        self.budget = len(officers) * REQUESTS_PER_OFFICER
        self.sent = 0
        self.lock = threading.Lock()
        self.deadline = 0.0
        self.wall = 0.0
        self.cpu: dict = {}

    def run(self) -> None:
        threads = [
            threading.Thread(target=self._officer, args=(o,), name=o.username, daemon=True)
            for o in self.officers
        ]
        start = time.monotonic()
        self.deadline = start + self.args.time_limit
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(0.0, self.deadline - time.monotonic()) + 70)
        self.wall = time.monotonic() - start
        for o, t in zip(self.officers, threads, strict=True):
            if t.is_alive() and not o.error:
                o.error = "still running after the time limit"

    def _officer(self, officer: Officer) -> None:
        rng = random.Random(officer.index)
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
        )
        try:
            self._pause(rng.uniform(0, self.args.ramp))
            self._flow(officer, opener, rng)
        except (StepFailed, TimeUp) as exc:
            officer.error = str(exc) or "time limit reached"
        except Exception as exc:  # a bug of the scenario itself must show, not hang
            officer.error = f"{type(exc).__name__}: {exc}"

    def _flow(self, officer: Officer, opener, rng: random.Random) -> None:
        page = self._request(opener, "login_page", "GET", "/login/")
        form = {"username": officer.username, "password": officer.password, "next": ""}
        form["csrfmiddlewaretoken"] = _csrf(page)
        self._pause(rng.uniform(0, self.args.think))
        home = self._request(opener, "login", "POST", "/login/", form, expect=302)
        page = self._request(opener, "dashboard", "GET", home)
        if officer.entry_path not in page:
            raise StepFailed(f"dashboard: no link to {officer.entry_path}")
        page = self._request(opener, "entry", "GET", officer.entry_path)
        self._pause(rng.uniform(0, self.args.think))
        back = self._post(officer, opener, "save", _entry_form(officer, page, "save"))
        if back != officer.entry_path:
            raise StepFailed(f"save: redirected to {back}, not back to the entry page")
        page = self._request(opener, "entry", "GET", back)
        self._pause(rng.uniform(0, self.args.think))
        report = self._post(officer, opener, "submit", _entry_form(officer, page, "submit"))
        if not report.startswith("/reports/"):
            raise StepFailed(f"submit: redirected to {report}, not to the report")
        self._request(opener, "report", "GET", report)

    def _post(self, officer: Officer, opener, button: str, form: dict) -> str:
        """A save or submit; what became of it is kept for the database check."""
        try:
            target = self._request(opener, button, "POST", officer.entry_path, form, 302)
        except StepFailed as exc:
            setattr(officer, button, "unknown" if exc.unanswered else "refused")
            raise
        setattr(officer, button, "accepted")
        return target

    def _pause(self, seconds: float) -> None:
        if time.monotonic() + seconds >= self.deadline:
            raise TimeUp("time limit reached")
        time.sleep(seconds)

    def _request(self, opener, step, method, path, form=None, expect=200) -> str:
        """The body (200) or the redirect target (302); anything else is a failed step."""
        with self.lock:
            if self.sent >= self.budget:
                raise StepFailed("request budget spent")
            self.sent += 1
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeUp("time limit reached")
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        started = time.perf_counter()
        status, body, location, error = 0, "", "", ""
        try:
            with opener.open(request, timeout=min(60.0, remaining)) as response:
                status, body = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status, location = exc.code, exc.headers.get("Location", "")
            body = exc.read().decode("utf-8", "replace")
        except OSError as exc:  # refused, reset, timed out
            error = f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - started
        if not error and status != expect:
            error = f"HTTP {status}" + _form_errors(body)
        self.samples.append(Sample(step, seconds, status, error))
        if error:
            raise StepFailed(f"{step} {method} {path}: {error}", unanswered=status == 0)
        return urllib.parse.urlsplit(location).path if expect == 302 else body


def _csrf(page: str) -> str:
    match = _CSRF.search(page)
    if not match:
        raise StepFailed("no CSRF token in the page")
    return match.group(1)


def _entry_form(officer: Officer, page: str, button: str) -> dict[str, str]:
    """The values typed, with the version of each field as the page showed it."""
    if 'name="submit"' not in page:
        raise StepFailed("entry page: the form is closed (no submit button)")
    form = {"csrfmiddlewaretoken": _csrf(page), button: "1"}
    for code, (_period, _value, text) in officer.values.items():
        version = re.search(rf'name="ver_{code}" value="(\d+)"', page)
        if not version:
            raise StepFailed(f"entry page: no field for {code}")
        form[f"v_{code}"], form[f"j_{code}"], form[f"ver_{code}"] = text, "", version.group(1)
    if button == "submit":
        # As the page's script does once the officer confirms: the required indicators left blank.
        required = re.findall(r'data-code="([^"]+)"[^>]*?data-required="1"', page)
        form["confirm_blank"] = ",".join(c for c in required if c not in officer.values)
    return form


def _form_errors(body: str) -> str:
    found = [_TAGS.sub(" ", m).strip() for m in _ERRORS.findall(body)]
    return (": " + " | ".join(" ".join(f.split()) for f in found))[:300] if found else ""


# ---------------------------------------------------------------- results


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _latency(samples: list[Sample]) -> dict:
    ms = [s.seconds * 1000 for s in samples]
    return {
        "requests": len(samples),
        "errors": sum(1 for s in samples if s.error),
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "max": max(ms, default=0.0),
    }


def check_stored(officers: list[Officer], stored: dict) -> list[str]:
    """What the database lacks, or holds beyond what the server accepted.

    A save the server accepted must be stored exactly (current, version 1); a save sent but
    never answered may be stored or not, but all or nothing; a refused one must leave nothing.
    """
    problems: list[str] = []
    values = {(v["unit_id"], v["code"]): v for v in stored["values"]}
    reports = {r["unit_id"]: r for r in stored["reports"]}
    stored_values = 0
    for o in officers:
        found = {code: values.get((o.unit_id, code)) for code in o.values}
        present = [code for code, got in found.items() if got is not None]
        stored_values += len(present)
        if o.save == "accepted" or (o.save == "unknown" and present):
            for code, (period, value, text) in o.values.items():
                got = found[code]
                if got is None:
                    problems.append(f"{o.username}: {code} {text} is missing")
                elif (got["period"], Decimal(got["value"]), got["version"]) != (period, value, 1):
                    problems.append(f"{o.username}: {code} sent {text} ({period}), stored {got}")
        elif present:
            problems.append(f"{o.username}: save {o.save or 'not sent'}, yet stored {present}")
        r = reports.get(o.unit_id)
        status = r["status"] if r else None
        if o.submit == "accepted" or (o.submit == "unknown" and status == "submitted"):
            if status != "submitted" or r["submitted_by"] != o.username:
                problems.append(f"{o.username}: report not submitted by the officer: {r}")
        elif status not in (None, "draft"):
            problems.append(f"{o.username}: submit {o.submit or 'not sent'}, yet report {r}")
    if len(values) != stored_values or stored["all_versions"] != stored_values:
        problems.append(
            f"{stored_values} values of the officers, {len(values)} current and "
            f"{stored['all_versions']} versions stored in cluster {CLUSTER}"
        )
    if not stored["chain_ok"]:
        problems.append(f"the audit hash chain is broken at entry {stored['chain_break']}")
    return problems


def _results(args, database: Database, load: Load, stored: dict, log_problems) -> dict:
    samples = load.samples
    failed = [o for o in load.officers if o.error]
    problems = check_stored(load.officers, stored)
    submitted = sum(o.submit == "accepted" for o in load.officers)
    # Failed requests; an officer stopped by the time limit counts under "unfinished".
    errors = sum(1 for s in samples if s.error)
    unfinished = [o for o in load.officers if o.submit != "accepted"]
    steps = {}
    for key, _label in STEPS:
        steps[key] = _latency([s for s in samples if s.step == key])
    result = {
        "key": f"{database.kind}-w{args.workers}-o{len(load.officers)}-r{args.ramp:g}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "database": database.version or database.kind,
        "db": database.kind,
        "workers": args.workers,
        "threads": THREADS,
        "officers": len(load.officers),
        "ramp_s": args.ramp,
        "think_s": args.think,
        "time_limit_s": args.time_limit,
        "requests": len(samples),
        "errors": errors,
        "unfinished": len(unfinished),
        "wall_s": load.wall,
        "rps": len(samples) / load.wall if load.wall else 0.0,
        "submissions": submitted,
        "sps": submitted / load.wall if load.wall else 0.0,
        "overall": _latency(samples),
        "steps": steps,
        "cpu": load.cpu,
        "all_present": not problems,
        "unknown_outcome": sum("unknown" in (o.save, o.submit) for o in load.officers),
        "chain_ok": stored["chain_ok"],
        "problems": problems[:20],
        "officer_errors": sorted({o.error for o in failed})[:20],
        "server_log": log_problems[:20],
    }
    result["passed"] = errors == 0 and not unfinished and not log_problems and not problems
    return result


def machine() -> dict:
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ram = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) * 1024
    return {
        "cores": os.cpu_count() or 0,
        "ram_gib": round(ram / 2**30, 1),
        "cpu": model or platform.processor() or "unknown",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def _machine_line(m: dict) -> str:
    return (
        f"{m['cpu']}, {m['cores']} cores, {m['ram_gib']:g} GiB RAM; {m['os']}; Python {m['python']}"
    )


def _cpu_line(c: dict) -> str:
    if not c:
        return "not measured"
    return (
        f"machine {c['machine_busy_pct']:g}% busy ({c['machine_core_s']:g} core-s: server "
        f"{c['server_core_s']:g}, load client {c['client_core_s']:g}, database and other "
        f"processes {c['other_core_s']:g}); server {c['server_ms_per_request']:g} ms CPU per "
        f"request; load average {c['loadavg_before']:g} before the run"
    )


def _text_report(r: dict) -> str:
    lines = [
        "",
        f"  {r['officers']} officers, {r['database']}, {r['workers']} workers × {r['threads']} "
        f"threads — {r['date']}",
        f"  machine: {_machine_line(r['machine'])}",
        f"  requests {r['requests']}, errors {r['errors']}, unfinished officers "
        f"{r['unfinished']}, wall {r['wall_s']:.1f} s",
        f"  throughput {r['rps']:.1f} requests/s, {r['sps']:.2f} submissions/s",
        f"  CPU: {_cpu_line(r['cpu'])}",
        f"  {'step':<18} {'n':>5} {'err':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8}",
    ]
    for key, label in (*STEPS, ("overall", "overall")):
        s = r["overall"] if key == "overall" else r["steps"][key]
        lines.append(
            f"  {label:<18} {s['requests']:>5} {s['errors']:>4} {s['p50']:>8.0f} {s['p95']:>8.0f} "
            f"{s['p99']:>8.0f} {s['max']:>8.0f}"
        )
    lines.append(f"  every accepted value present: {'yes' if r['all_present'] else 'no'}")
    lines.append(f"  audit chain intact: {'yes' if r['chain_ok'] else 'no'}")
    for title, items in (
        ("database check", r["problems"]),
        ("officer errors", r["officer_errors"]),
        ("server log", r["server_log"]),
    ):
        if items:
            lines.append(f"  {title}:")
            lines += [f"    {item}" for item in items]
    lines.append(f"  PASSED: {'yes' if r['passed'] else 'NO'}")
    return "\n".join(lines)


# ---------------------------------------------------------------- docs/benchmarks.md

DOC_HEADER = """# Benchmarks

Measured runs of the scripts in `benchmarks/`, each against a real `thidua serve` (gunicorn) on
127.0.0.1 of the machine named in its section. Each script rewrites only its own section,
between its `<!-- name:start -->` and `<!-- name:end -->` markers; the rest of this file is kept.
The load client runs on the same machine as the server and the database, so it takes CPU from
them: the numbers are a floor for a dedicated server, not a ceiling.

Sections:

- **load_officers** — issue "Trust" item 9: officers of one cluster log in, save their unit's
  values in Vietnamese notation and submit the report, all within one time window; then the
  database is checked (every accepted value stored as the current value, every report
  submitted, the audit chain intact). `python -m benchmarks.load_officers --help`.
"""


def write_doc(path: Path, result: dict) -> None:
    text = path.read_text() if path.exists() else DOC_HEADER
    runs = _stored_runs(text)
    runs[result["key"]] = {k: v for k, v in result.items() if k not in ("server_log",)}
    section = render_section(list(runs.values()))
    if START in text and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _stored_runs(text: str) -> dict[str, dict]:
    if START not in text or DATA_MARK not in text:
        return {}
    body = text.split(START, 1)[1].split(END, 1)[0]
    raw = body.split(DATA_MARK, 1)[1].split(" -->", 1)[0]
    try:
        return {r["key"]: r for r in json.loads(raw)}
    except (ValueError, KeyError, TypeError):
        return {}


def _order(r: dict) -> tuple:
    return (r["db"] != "sqlite", r["officers"], -r["ramp_s"], r["workers"])


def render_section(runs: list[dict]) -> str:
    runs = sorted(runs, key=_order)
    out = [
        START,
        "## load_officers: officers saving and submitting at once",
        "",
        "`python -m benchmarks.load_officers --officers N --database sqlite|postgres --workers W"
        " [--ramp S]`. Officers arrive uniformly over the ramp (`arrivals over`); each one:"
        " login page, login, dashboard, entry page, save 5 values in Vietnamese notation, entry"
        " page again, submit, report page (8 requests, up to 0.5 s apart). A request that fails"
        " or takes over 60 s is an error. Latency in milliseconds as the client measured it;"
        " throughput = requests (or submitted reports) / wall time of the whole load phase,"
        " ramp included. `every accepted value present`: after the run, every value of every"
        " save the server accepted is the current stored value (exact, version 1), nothing"
        " else is stored for the cluster, and the audit hash chain holds.",
        "",
        "| database | gunicorn | officers | arrivals over | requests | errors | wall time "
        "| requests/s | submissions/s | p50 | p95 | p99 | every accepted value present | date |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- "
        "| --- |",
    ]
    for r in runs:
        o = r["overall"]
        out.append(
            f"| {r['database']} | {r['workers']} workers × {r['threads']} threads "
            f"| {r['officers']} | {r['ramp_s']:g} s | {r['requests']} | {r['errors']} "
            f"| {r['wall_s']:.1f} s "
            f"| {r['rps']:.1f} | {r['sps']:.2f} | {o['p50']:.0f} | {o['p95']:.0f} | {o['p99']:.0f} "
            f"| {'yes' if r['all_present'] else 'no'} | {r['date']} |"
        )
    for r in runs:
        out += [
            "",
            f"### {r['database']}, {r['workers']} workers, {r['officers']} officers "
            f"arriving over {r['ramp_s']:g} s",
            "",
            f"Machine: {_machine_line(r['machine'])}. Date: {r['date']}. Ramp "
            f"{r['ramp_s']:g} s, think time up to {r['think_s']:g} s per step, time limit "
            f"{r['time_limit_s']:g} s, client timeout 60 s per request. Errors {r['errors']}, "
            f"unfinished officers {r['unfinished']}, audit chain intact: "
            f"{'yes' if r['chain_ok'] else 'no'}. CPU during the load: {_cpu_line(r['cpu'])}.",
            "",
            "| step | requests | errors | p50 | p95 | p99 | max |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for key, label in (*STEPS, ("overall", "**overall**")):
            s = r["overall"] if key == "overall" else r["steps"][key]
            out.append(
                f"| {label} | {s['requests']} | {s['errors']} | {s['p50']:.0f} | {s['p95']:.0f} "
                f"| {s['p99']:.0f} | {s['max']:.0f} |"
            )
        for title, items in (("Problems", r["problems"]), ("Officer errors", r["officer_errors"])):
            if items:
                out += ["", f"{title}:", ""] + [f"- `{item}`" for item in items]
    data = json.dumps(runs, ensure_ascii=False, separators=(",", ":"))
    out += ["", DATA_MARK + data.replace("-->", "--\\u003e") + " -->", END]
    return "\n".join(out)


# ---------------------------------------------------------------- the Django side (subprocess)


def _internal(args) -> int:
    import django

    django.setup()
    result = _seed(args.officers) if args.internal == "seed" else _verify()
    args.out.write_text(json.dumps(result, ensure_ascii=False))
    return 0


def _seed(n: int) -> dict:
    """Cluster LOAD with n member units, an officer each, a secretariat and an open window."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from thidua.accounts.models import Role, RoleAssignment
    from thidua.common.text import unit_key
    from thidua.indicators.models import Indicator
    from thidua.indicators.validation import value_period
    from thidua.indicators.windows import open_window
    from thidua.orgs.models import (
        Cluster,
        ClusterKind,
        MemberRole,
        Membership,
        Organiser,
        Unit,
        UnitKind,
    )

    User = get_user_model()
    today = timezone.localdate()
    period = f"{today.year}H1"
    password = secrets.token_urlsafe(12)
    hashed = make_password(password)  # once: the same hash for every officer
    with transaction.atomic():
        cluster = Cluster.objects.create(
            code=CLUSTER,
            name="Cụm thi đua thử tải",
            kind=ClusterKind.CUM,
            organiser=Organiser.CENTRAL,
            member_noun="đơn vị",
        )
        names = [f"Sở thử tải {i:03d}" for i in range(1, n + 1)]
        units = Unit.objects.bulk_create(
            [
                Unit(
                    code=f"{CLUSTER}{i:03d}",
                    name=name,
                    name_key=unit_key(name),
                    kind=UnitKind.DEPARTMENT,
                )
                for i, name in enumerate(names, start=1)
            ],
            batch_size=200,
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    cluster=cluster,
                    year=today.year,
                    unit=u,
                    role=MemberRole.HEAD if i == 0 else MemberRole.MEMBER,
                )
                for i, u in enumerate(units)
            ],
            batch_size=200,
        )
        users = User.objects.bulk_create(
            [
                User(username=f"load{i:03d}", password=hashed, first_name=f"Cán bộ {u.name}")
                for i, u in enumerate(units, start=1)
            ]
            + [User(username="loadsec", password=hashed, first_name="Thư ký cụm trưởng LOAD")],
            batch_size=200,
        )
        secretariat = users[-1]
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=u, role=Role.OFFICER, unit=unit)
                for u, unit in zip(users[:-1], units, strict=True)
            ]
            + [RoleAssignment(user=secretariat, role=Role.SECRETARIAT, unit=units[0])],
            batch_size=200,
        )
        deadline = today + timedelta(days=10)
        open_window(secretariat, cluster, period, deadline, deadline, via="benchmark")
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=CODES)}
    missing = set(CODES) - {c for c, i in indicators.items() if i.active and not i.is_derived}
    if missing:
        raise SystemExit(f"indicators missing from the catalogue: {sorted(missing)}")
    return {
        "period": period,
        "password": password,
        "indicator_periods": {c: value_period(i, period) for c, i in indicators.items()},
        "officers": [
            {"username": u.username, "unit_id": unit.pk}
            for u, unit in zip(users[:-1], units, strict=True)
        ],
    }


def _verify() -> dict:
    """The LOAD cluster's reports and values as stored, and whether the audit chain holds."""
    from thidua.accounts.audit import verify_chain
    from thidua.indicators.models import Report, Value

    reports = Report.objects.filter(cluster__code=CLUSTER).values(
        "unit_id", "status", "submitted_by__username"
    )
    values = Value.objects.filter(report__cluster__code=CLUSTER)
    broken = verify_chain()
    return {
        "reports": [
            {
                "unit_id": r["unit_id"],
                "status": r["status"],
                "submitted_by": r["submitted_by__username"],
            }
            for r in reports
        ],
        "values": [
            {
                "unit_id": unit_id,
                "code": code,
                "period": period,
                "value": str(value),
                "version": version,
            }
            for unit_id, code, period, value, version in values.filter(is_current=True).values_list(
                "unit_id", "indicator__code", "period", "value", "version"
            )
        ],
        "all_versions": values.count(),
        "chain_ok": broken is None,
        "chain_break": broken.pk if broken else None,
    }


if __name__ == "__main__":
    sys.exit(main())
