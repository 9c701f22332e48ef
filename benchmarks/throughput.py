"""Web throughput: the cluster review page against a bare Django view, same server, same run.

`thidua serve` (gunicorn, the load scenario's `Server`) runs on 127.0.0.1 against the generated
database with THIDUA_BENCH_BARE=true, which mounts `/bench/bare/` (`thidua.urls.bench_bare`: a
fixed "ok" through the whole middleware stack; absent otherwise) and `/bench/login/` (the same
behind the login check: session and user read from the database, what every signed-in page
pays). `wrk` then drives, one after the other with the same connections, threads and duration,
the bare view, the login view and the review pages of every cluster in turn (in interleaved
rounds: `measure`), all with the board member's session and CSRF cookies (as a signed-in browser
sends them). A Lua script collects wrk's latency percentiles and counts every answer that is not
2xx (a redirect to the login page would be one); socket errors (connect, read, write, timeout)
come from wrk's own summary.

The session comes from the suite's `session` worker (force_login in a process on the same
database), so no password is needed.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.load_officers import HOST, THREADS, Server

WRK = "wrk"
BARE = "/bench/bare/"
LOGIN = "/bench/login/"  # the bare answer behind login_required: the floor of a signed-in page
TIMEOUT_S = 10  # a request slower than this counts as an error (wrk's "timeout")

LUA = r"""
-- Rotates over the paths given after `--` (none: the URL's own path); counts non-2xx answers.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = args
  n = 0
  non2xx = 0
end

function request()
  n = n + 1
  if #paths == 0 then
    return wrk.format()
  end
  return wrk.format(nil, paths[(n % #paths) + 1])
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "non2xx": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d, "p50_us": %.0f, "p95_us": %.0f, "p99_us": %.0f, ' ..
    '"max_us": %.0f}\n',
    summary.requests, summary.duration, bad, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def server_env(db_env: dict) -> dict:
    """The whole environment of `thidua serve`: this one without THIDUA_/DJANGO_, plus the
    generated database's, plus the bare view."""
    repo = str(Path(__file__).resolve().parent.parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("THIDUA_", "DJANGO_"))}
    env.update(db_env)
    env.update(THIDUA_BENCH_BARE="true", THIDUA_ALLOWED_HOSTS=HOST)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (repo, env.get("PYTHONPATH", "")) if p)
    return env


def measure(
    db_env: dict,
    out: Path,
    session: Callable[[], dict],
    *,
    connections: int,
    seconds: float,
    threads: int = 2,
    workers: int | None = None,
    warm_up: float = 2,
    rounds: int = 1,
) -> dict:
    """All runs against one server; raises RuntimeError when the server or wrk fails.

    With `rounds` > 1 the three runs take turns, `seconds / rounds` each (at least 1 s), in an
    order reversed every other round; rates and latencies are the medians over the rounds, the
    ratios the medians of each round's own ratio: the speed of this virtual machine moves within
    seconds (a CPU loop timed every 0.5 s: 1,250–2,200 turns; the same signed-in view 530–1,540
    req/s in consecutive 5-second runs), and short turns keep such a change from falling on one
    of the three alone.

    `session()` gives {"cookie": "sessionid=…; csrftoken=…", "paths": [review pages]}; it is
    called once the server answers, so a caller may make the session while the server starts.
    """
    workers = workers or max(2, os.cpu_count() or 2)
    script = out / "throughput.lua"
    script.write_text(LUA)
    server = Server(server_env(db_env), out / "throughput-server.log", workers)
    try:
        try:
            server.start()
        except SystemExit as exc:  # the load scenario's way of giving up
            raise RuntimeError(str(exc)) from None
        server.warm_up()
        given = session()
        cookie, paths = given["cookie"], given["paths"]
        for path in (BARE, LOGIN, paths[0]):
            status, where = _get(server.port, path, cookie)
            if status != 200:
                raise RuntimeError(f"GET {path} before the run: HTTP {status} {where}".rstrip())
        common = dict(cookie=cookie, script=script, threads=threads, connections=connections)
        for path, rest in ((BARE, []), (LOGIN, []), (paths[0], paths)) if warm_up else ():
            _wrk(server.base + path, rest, seconds=warm_up, **common)  # every worker thread warm
        load = os.getloadavg()[0]
        each = seconds / rounds
        runs: dict[str, list[dict]] = {"bare": [], "login": [], "review": []}
        targets = {"bare": (BARE, []), "login": (LOGIN, []), "review": (paths[0], paths)}
        for kind in _turns(rounds):
            path, rest = targets[kind]
            runs[kind].append(_wrk(server.base + path, rest, seconds=each, **common))
    finally:
        server.stop()
    bare, login, review = (_median(runs[k]) for k in ("bare", "login", "review"))
    return {
        "connections": connections,
        "seconds": seconds,
        "rounds": rounds,
        "round_rps": {k: [round(r["rps"], 1) for r in v] for k, v in runs.items()},
        "threads": threads,
        "workers": workers,
        "server_threads": THREADS,
        "pages": len(paths),
        "loadavg_before": round(load, 2),
        "bare": bare,
        "login": login,
        "review": review,
        "ratio": _round_ratio(runs["review"], runs["bare"]),
        "login_ratio": _round_ratio(runs["login"], runs["bare"]),
        "review_login_ratio": _round_ratio(runs["review"], runs["login"]),
        "server_problems": server.problems()[:10],
        "rows": review["requests"],
    }


def _turns(rounds: int) -> list[str]:
    """The order of the runs: each round in turn forwards and backwards, so a drift of the
    machine's speed within rounds favours no kind."""
    kinds = ["bare", "login", "review"]
    return [k for r in range(rounds) for k in (kinds if r % 2 == 0 else kinds[::-1])]


def _round_ratio(part: list[dict], whole: list[dict]) -> float:
    """The median over the rounds of each round's ratio: the runs of one round are seconds
    apart, so a change of the machine's speed between rounds cancels out of each ratio."""
    return statistics.median(
        p["rps"] / w["rps"] if w["rps"] else 0.0 for p, w in zip(part, whole, strict=True)
    )


def _median(runs: list[dict]) -> dict:
    """Rates and latencies: the median over the rounds; counts: their sum; max: the largest."""
    counted = ("requests", "non2xx", "socket_errors", "timeouts", "errors")
    out = {k: sum(r[k] for r in runs) for k in counted}
    out.update({k: statistics.median(r[k] for r in runs) for k in ("rps", "p50", "p95", "p99")})
    out["max"] = max(r["max"] for r in runs)
    return out


def _get(port: int, path: str, cookie: str) -> tuple[int, str]:
    """One request, redirects not followed (a redirect to the login page is a failure)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        conn.close()


def _wrk(
    url: str, paths: list[str], *, cookie: str, script: Path, threads: int, connections: int,
    seconds: float,
) -> dict:  # fmt: skip
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
               f"--timeout={TIMEOUT_S}s", "--latency", "-H", f"Cookie: {cookie}",
               "-s", str(script), url]  # fmt: skip
    if paths:
        command += ["--", *paths]
    started = time.monotonic()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    except FileNotFoundError:
        raise RuntimeError("wrk is not installed (apt-get install wrk)") from None
    lines = [line for line in done.stdout.splitlines() if line.startswith("WRKJSON ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout[-1000:]}{done.stderr}")
    r = json.loads(lines[-1].removeprefix("WRKJSON "))
    wall = r["duration_us"] / 1e6 or (time.monotonic() - started)
    socket = r["connect"] + r["read"] + r["write"] + r["timeout"]
    return {
        "requests": r["requests"],
        "rps": r["requests"] / wall,
        "p50": r["p50_us"] / 1000,
        "p95": r["p95_us"] / 1000,
        "p99": r["p99_us"] / 1000,
        "max": r["max_us"] / 1000,
        "non2xx": r["non2xx"],
        "socket_errors": socket,
        "timeouts": r["timeout"],
        "errors": r["non2xx"] + socket,
    }
