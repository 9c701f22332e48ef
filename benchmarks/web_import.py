"""The registry import through the web and the background worker against the CLI, same file.

    python -m benchmarks.web_import [--rows 1000000] [--database sqlite|postgres] [--out DIR]

1. `thidua demo --no-serve` into a fresh folder (PostgreSQL: database `thidua_worker_bench_base`);
2. a registry file of ROWS rows in the import format (`benchmarks.generate.write_import_file`:
   half people already known, half new; .xlsx written with openpyxl write_only);
3. two copies of that demo (a folder, or `CREATE DATABASE … TEMPLATE`): into one
   `thidua registry import FILE` (wall time, peak RSS of the process), into the other the web:
   `thidua serve --no-worker` and `thidua worker` started apart (so each is measured), a board
   user signs in, uploads the file to /awards/registry/import/ and the job's page is polled until
   it says done (upload time, time to the result, peak RSS of the worker and of the gunicorn
   worker that took the upload).

Prints one JSON object and the markdown rows for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

PG = "postgres://postgres@127.0.0.1:5432/"
PASSWORD = "thidua-demo-2019"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.web_import", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--out", type=Path, default=Path("/tmp/thidua-web-import"))
    parser.add_argument("--file", type=Path, help="an import file made by an earlier run")
    parser.add_argument("--make-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.make_file:
        return _make_file(args.make_file, args.rows)
    result = run(args.rows, args.database, args.out, args.file)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print("\n".join(markdown(result)))
    return 0


def _env(folder: Path, database: str, name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("THIDUA_", "DJANGO_"))}
    env |= {
        "THIDUA_DATA_DIR": str(folder),
        "THIDUA_SECRET_KEY": "bench-only-key-" + "x" * 40,
        "THIDUA_REQUIRE_TWO_FACTOR": "false",
        "THIDUA_WARM_ON_START": "false",
        "DJANGO_SETTINGS_MODULE": "thidua.settings",
    }
    if database == "postgres":
        env["THIDUA_DATABASE_URL"] = PG + name
    return env


def _thidua(env: dict, *args: str, timeout: int = 3600) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "thidua", *args], env=env, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
    if done.returncode:
        raise RuntimeError(done.stdout + done.stderr)
    return done.stdout


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as con:
        con.execute(sql)


def run(rows: int, database: str, out: Path, file: Path | None = None) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    tag = uuid.uuid4().hex[:6]
    names = {k: f"thidua_worker_bench_{k}_{tag}" for k in ("base", "cli", "web")}
    base = out / "base"
    if database == "postgres":
        _psql(f"CREATE DATABASE {names['base']}")
    try:
        return _measure(rows, database, out, base, names, file)
    finally:
        if database == "postgres":
            for name in names.values():
                _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _measure(rows: int, database: str, out: Path, base: Path, names: dict, file=None) -> dict:
    env = _env(base, database, names["base"])
    demo = ["demo", "--no-serve"] + (
        ["--use-configured-database"] if database == "postgres" else []
    )
    _thidua(env, *demo)
    path = file or out / f"registry_{rows}.xlsx"
    t = time.perf_counter()
    if file is None:
        subprocess.run(
            [sys.executable, "-m", "benchmarks.web_import", "--make-file", str(path), "--rows",
             str(rows)], env=env, check=True,
        )  # fmt: skip
    made = round(time.perf_counter() - t, 1)
    copies = {}
    for mode in ("cli", "web"):
        shutil.copytree(base, out / mode)
        if database == "postgres":
            _psql(f"CREATE DATABASE {names[mode]} TEMPLATE {names['base']}")
        copies[mode] = _env(out / mode, database, names[mode])
    return {
        "rows": rows,
        "database": database,
        "file_mb": round(path.stat().st_size / 1024**2, 1),
        "file_seconds": made,
        "cli": _cli(copies["cli"], path),
        "web": _web(copies["web"], path),
        "machine": _machine(),
    }


def _wait4(proc: subprocess.Popen) -> tuple[int, float]:
    """Wait for the process; (exit status, peak RSS in MB) from the kernel's accounting."""
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, round(usage.ru_maxrss / 1024, 1)


def _cli(env: dict, path: Path) -> dict:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "thidua", "registry", "import", str(path)], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    code, peak = _wait4(proc)
    seconds = time.perf_counter() - started
    said = proc.stdout.read().strip()
    if code:
        raise RuntimeError(said)
    return {"seconds": round(seconds, 1), "peak_mb": peak, "said": said}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _web(env: dict, path: Path) -> dict:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "thidua", "serve", "--port", str(port), "--workers", "1",
         "--no-worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "thidua", "worker", "--interval", "0.2"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_for(port)
        browser = _Browser(url)
        browser.login("bantw")
        started = time.perf_counter()
        job_url = browser.upload("/awards/registry/import/", path)
        uploaded = time.perf_counter() - started
        timeline = browser.follow(job_url, started)
        done = time.perf_counter() - started
        web_peak = _gunicorn_peak(server.pid)
    finally:
        worker.send_signal(signal.SIGTERM)
        code, worker_peak = _wait4(worker)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    if timeline[-1]["state"] != "done":
        raise RuntimeError(f"the job did not finish: {timeline[-1]}")
    return {
        "seconds": round(done, 1),
        "upload_seconds": round(uploaded, 1),
        "worker_peak_mb": worker_peak,
        "web_peak_mb": web_peak,
        "timeline": timeline,
    }


def _wait_for(port: int) -> None:
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("thidua serve did not start")


def _gunicorn_peak(master: int) -> float:
    """The highest VmHWM (peak RSS) among the server's processes, in MB."""
    peak = 0
    for entry in [str(master), *os.listdir("/proc")]:
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        if entry != str(master) and f"PPid:\t{master}\n" not in status:
            continue
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        peak = max(peak, int(found.group(1)) if found else 0)
    return round(peak / 1024, 1)


class _Browser:
    """Cookies, the CSRF token, a form and a file: what the upload page needs."""

    def __init__(self, url: str):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.url + path, timeout=60) as response:
            return response.geturl(), response.read().decode()

    def _token(self, page: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def login(self, username: str) -> None:
        _url, page = self.get("/login/")
        form = {"csrfmiddlewaretoken": self._token(page), "username": username,
                "password": PASSWORD}  # fmt: skip
        data = urllib.parse.urlencode(form).encode()
        with self.opener.open(self.url + "/login/", data, timeout=60) as response:
            if response.geturl().endswith("/login/"):
                raise RuntimeError("sign-in refused")

    def upload(self, path: str, file: Path) -> str:
        _url, page = self.get(path)
        boundary = uuid.uuid4().hex
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"'
            f"\r\n\r\n{self._token(page)}\r\n--{boundary}\r\nContent-Disposition: form-data; "
            f'name="file"; filename="{file.name}"\r\nContent-Type: application/octet-stream'
            "\r\n\r\n"
        ).encode()
        body = head + file.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(self.url + path, data=body, method="POST")
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        with self.opener.open(request, timeout=600) as response:
            landed = response.geturl()
        if "/viec/" not in landed:
            raise RuntimeError(f"the upload did not start a job: {landed}")
        return landed[len(self.url) :]

    def follow(self, job: str, started: float) -> list[dict]:
        """Poll the job's page as htmx does, noting each change of state or phase."""
        seen: list[dict] = []
        while True:
            _url, page = self.get(job)
            state = re.search(r'data-state="(\w+)"', page).group(1)
            phase = re.search(r'id="job-state"><b>[^<]*</b>(?: · ([^<]*))?', page)
            counts = re.findall(r'id="rows-(\w+)">([\d.]+)', page)
            now = {"t": round(time.perf_counter() - started, 1), "state": state,
                   "phase": (phase.group(1) or "").strip() if phase else "",
                   **{k: v for k, v in counts}}  # fmt: skip
            if not seen or (seen[-1]["state"], seen[-1]["phase"]) != (state, now["phase"]):
                seen.append(now)
            else:
                seen[-1] |= {k: v for k, v in counts}
            if state in ("done", "failed"):
                return seen
            time.sleep(0.5)


def _make_file(path: Path, rows: int) -> int:
    import django

    django.setup()
    from benchmarks.generate import SCALES, Builder, write_import_file

    rng = random.Random(2026)
    names = Builder(SCALES["small"], rng)._names(max(rows // 2, 1))
    people = [(i, name, 1960 + i % 40, None, f"Sở {i % 200}") for i, (name, _g) in
              enumerate(names)]  # fmt: skip
    write_import_file(path, rows, people, rng)
    return 0


def _machine() -> dict:
    from benchmarks.suite import machine

    return machine()


def markdown(r: dict) -> list[str]:
    cli, web = r["cli"], r["web"]
    rows = f"{r['rows']:,}"
    return [
        f"| registry import of {rows} rows ({r['file_mb']} MB .xlsx) → {r['database']}, CLI "
        f"`thidua registry import` | {cli['seconds']} s | peak RSS {cli['peak_mb']} MB |",
        f"| the same file uploaded on /awards/registry/import/ → worker, to the result page | "
        f"{web['seconds']} s (upload {web['upload_seconds']} s) | worker peak RSS "
        f"{web['worker_peak_mb']} MB; web process {web['web_peak_mb']} MB |",
    ]


if __name__ == "__main__":
    sys.exit(main())
