"""The benchmark suite: registry import, registry search, eligibility screening, reviews,
the review page, the review .docx, web throughput and the import of indicator values.

    python -m benchmarks [--quick] [--scale small|medium|national] [--database sqlite,postgres]
                         [--runs N] [--no-doc] [--out DIR] [--postgres-url URL]

`--quick` generates the small scale (≈1/100) on both databases and runs everything in under
two minutes; it fails (exit 1) on errors and wrong results, never on timings. Without it the
given scale is used (generated first when missing: see benchmarks.generate).

Every measurement runs in a child process with that database's environment (Django settings
are per process) and, for imports, so that peak memory (ru_maxrss) is the import's own. Import
runs are rolled back, so each run sees the same database. The results go to
docs/benchmarks.md between `<!-- suite:<scale>-<database>:start -->` and `…:end -->`.

`throughput` needs `wrk`; it starts `thidua serve` on 127.0.0.1 against the generated database
(see benchmarks.throughput).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.generate import SCALES, database_env, import_file_name

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "benchmarks.md"
PEER_ROWS = 20_000
FIGURES = ("import", "peers", "search", "eligibility", "review", "review_page", "docx",
           "throughput", "value_import", "pages")  # fmt: skip


# --------------------------------------------------------------------------- parent process


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--scale", choices=sorted(SCALES), default="medium")
    parser.add_argument("--database", default="sqlite,postgres")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-doc", action="store_true", help="print only")
    parser.add_argument("--only", default="", help="comma list: " + ",".join(FIGURES))
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("/tmp/thidua-bench"),
        help="the generated data's folder (default /tmp/thidua-bench)",
    )
    parser.add_argument(
        "--postgres-url",
        help="the PostgreSQL database to generate into "
        "(dropped and made anew; default thidua_bench_<scale> on 127.0.0.1)",
    )
    args = parser.parse_args(argv)
    scale = "small" if args.quick else args.scale
    runs = 1 if args.quick else args.runs
    databases = [d for d in args.database.split(",") if d]
    if "postgres" in databases and not args.postgres_url and not _postgres_up():
        print("PostgreSQL is not reachable on 127.0.0.1:5432: skipped", file=sys.stderr)
        databases.remove("postgres")
    failures = 0
    for database in databases:
        out = args.out / f"{scale}-{database}"
        if args.quick or not (out / "generated.json").exists():
            pg = ["--postgres-url", args.postgres_url] if args.postgres_url else []
            _run_child(["-m", "benchmarks.generate", "--scale", scale, "--database", database,
                        "--out", str(out), *pg])  # fmt: skip
        env = database_env(scale, database, out, args.postgres_url)
        results = measure(scale, database, out, env, runs, args.only, quick=args.quick)
        failures += len(results["errors"])
        report = render(results, only=args.only)
        print(report)
        if not args.no_doc:
            write_section(section_name(scale, database, args.only), report)
    return 1 if failures else 0


def _postgres_up() -> bool:
    done = subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432"], capture_output=True)
    return done.returncode == 0


def _run_child(args: list[str], env: dict | None = None) -> str:
    # The child's database is the one given here, never one configured in this shell.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("THIDUA_", "DJANGO_"))}
    full_env = clean | (env or {})
    full_env["PYTHONPATH"] = os.pathsep.join([str(REPO), full_env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, *args], env=full_env, capture_output=True, text=True, cwd=REPO
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}")
    return done.stdout


def _worker(task: str, env: dict, **params) -> dict:
    out = _run_child(["-m", "benchmarks.suite", "--worker", task, json.dumps(params)], env)
    return json.loads(out.strip().splitlines()[-1])


def measure(scale, database, out: Path, env, runs: int, only: str, *, quick: bool) -> dict:
    wanted = set(only.split(",")) if only else set(FIGURES)
    generated = json.loads((out / "generated.json").read_text())
    big = out / import_file_name(scale)
    results: dict = {"scale": scale, "database": database, "runs": runs, "errors": [],
                     "generated": generated, "machine": machine(), "figures": {}}  # fmt: skip
    figures = results["figures"]

    def attempt(name: str, fn):
        started = time.monotonic()
        try:
            figures[name] = fn()
        except Exception as exc:  # recorded and counted: --quick fails on it
            results["errors"].append(f"{name}: {exc}")
        print(f"  {name}: {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)

    # The figures that only read come first, on a database no import run has touched yet.
    if "search" in wanted:
        attempt("search", lambda: _worker("search", env, runs=runs))
    if "pages" in wanted:
        attempt("pages", lambda: _pages_figure(env, results, quick))
    if "eligibility" in wanted:
        n = 1_000 if quick else 10_000 if scale == "medium" else 100_000
        attempt("eligibility", lambda: _worker("eligibility", env, n=n, runs=runs))
    if "review" in wanted:
        attempt("review", lambda: _worker("review", env, runs=runs))
    if "review_page" in wanted:
        views, charts = (20, 3) if quick else (200, 40)
        attempt("review_page", lambda: _worker("review_page", env, requests=views, charts=charts))
    if "docx" in wanted:
        attempt("docx", lambda: _worker("docx", env, runs=runs, khoi=not quick))
    if "throughput" in wanted and not _wrk_available():
        print("  throughput: skipped, wrk is not installed (apt-get install wrk)", file=sys.stderr)
    elif "throughput" in wanted:
        attempt("throughput", lambda: _throughput_figures(out, env, quick))
        t = figures.get("throughput")
        kinds = ("bare", "login", "review")
        failed = t and (any(t[k]["errors"] for k in kinds) or t["server_problems"])
        if quick and failed:  # the smoke run: a short, light load must not fail at all
            results["errors"].append(
                "throughput: errors "
                + ", ".join(f"{k} {t[k]['errors']}" for k in kinds)
                + f", server log: {t['server_problems']}"
            )
    if "import" in wanted:
        attempt("import", lambda: _import_figures(big, env, runs))
    if "peers" in wanted:
        rows = 2_000 if quick else PEER_ROWS
        attempt("peers", lambda: _peer_figures(big, out, env, runs, rows))
    if "value_import" in wanted:
        attempt("value_import", lambda: _value_import_figures(env, runs, quick))
    return results


def _pages_figure(env: dict, results: dict, quick: bool) -> dict:
    """Every GET page (benchmarks.pages); a page that fails is the run's error."""
    env = env | {"THIDUA_BENCH_BARE": "true"}
    figure = _worker("pages", env, requests=3 if quick else 20)
    results["errors"] += [f"pages: {e}" for e in figure["errors"]]
    return figure


def _wrk_available() -> bool:
    """wrk is installed; under CI=true a missing wrk is the run's error, as Chromium's is."""
    from benchmarks.throughput import WRK

    return shutil.which(WRK) is not None or os.environ.get("CI") == "true"


def _throughput_figures(out: Path, env: dict, quick: bool) -> dict:
    from benchmarks import throughput

    # Many 1-second rounds: the machine's speed moves within seconds (throughput.measure).
    connections, seconds, warm_up, rounds = (10, 3, 0, 1) if quick else (50, 20, 3, 20)
    with ThreadPoolExecutor(1) as pool:  # the session is made while the server starts
        session = pool.submit(_worker, "session", env)
        return throughput.measure(
            env, out, session.result, connections=connections, seconds=seconds,
            warm_up=warm_up, rounds=rounds,
        )  # fmt: skip


def _median_runs(task: str, env: dict, runs: int, **params) -> dict:
    samples = [_worker(task, env, **params) for _ in range(runs)]
    return {
        "seconds": statistics.median(s["seconds"] for s in samples),
        "peak_mb": statistics.median(s["peak_mb"] for s in samples),
        "rows": samples[0]["rows"],
        "samples": [round(s["seconds"], 2) for s in samples],
        "detail": samples[0].get("detail", {}),
    }


def _import_figures(path: Path, env: dict, runs: int) -> dict:
    return {
        "ours": _median_runs("import", env, runs, file=str(path)),
        "floor": _median_runs("floor", env, runs, file=str(path)),
        "calamine": _median_runs("calamine", env, runs, file=str(path)),
    }


def _peer_figures(path: Path, out: Path, env: dict, runs: int, rows: int) -> dict:
    head = out / f"registry_first_{rows}.xlsx"
    if not head.exists():
        _worker("head", env, file=str(path), to=str(head), rows=rows)
    return {
        "ours": _median_runs("import", env, runs, file=str(head)),
        "iex_default": _median_runs("iex", env, runs, file=str(head), fast=False),
        "iex_fast": _median_runs("iex", env, runs, file=str(head), fast=True),
    }


def _value_import_figures(env: dict, runs: int, quick: bool) -> list[dict]:
    from benchmarks import value_import

    sizes = value_import.QUICK_SIZES if quick else value_import.SIZES
    modes = value_import.QUICK_MODES if quick else (True, False)
    return value_import.figures(
        lambda rows, dry_run: _worker("value_import", env, rows=rows, dry_run=dry_run),
        sizes,
        runs,
        modes,
    )


def machine() -> dict:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
    return {
        "cores": os.cpu_count(),
        "ram_gb": round(int(mem) / 1024 / 1024, 1),
        "cpu": cpu or platform.processor(),
        "python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        # A shared machine: what else ran inflates the timings (1, 5 and 15 minutes, at start).
        "load": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def section_name(scale: str, database: str, only: str = "") -> str:
    """A run of some figures (`--only`) gets its own section: it never replaces the full run's."""
    name = f"suite:{scale}-{database}"
    return f"{name}-only-{'-'.join(_only(only))}" if only else name


def _only(only: str) -> list[str]:
    """The figures an `--only` run names, in a stable order."""
    return sorted(only.split(","))


def render(r: dict, only: str = "") -> str:
    m, f, g = r["machine"], r["figures"], r["generated"]["counts"]
    title = f"### {r['scale']} scale, {r['database']} ({r.get('db_version', '')})".rstrip(" ()")
    if only:
        title += f": {', '.join(_only(only))} only"
    lines = [
        title,
        "",
        f"Machine: {m['cores']} cores, {m['ram_gb']} GB RAM, {m['cpu']}; Python {m['python']}; "
        f"{m['date']}, load average {m.get('load', '?')} at start. "
        f"Median of {r['runs']} runs unless noted. Data: "
        + ", ".join(f"{v:,} {k}" for k, v in g.items())
        + f"; generated in {r['generated']['timings_s']['total']} s.",
        "",
        "| figure | ours | compared with | ratio | target |",
        "|---|---|---|---|---|",
    ]
    if "import" in f:
        lines += _import_lines(f["import"], r["database"])
    if "peers" in f:
        lines += _peer_lines(f["peers"])
    if "search" in f:
        lines += _search_lines(f["search"])
    if "pages" in f:
        from benchmarks.pages import lines as pages_lines

        lines += pages_lines(f["pages"])
    if "eligibility" in f:
        e = f["eligibility"]
        lines.append(
            f"| eligibility screening of {e['nominees']:,} nominees | {e['seconds']:.2f} s, "
            f"{e['queries']} queries | {e['queries_small']} queries for "
            f"{e['nominees_small']} nominees | constant: {e['constant']} | ≤ 30 s for 100,000 |"
        )
    if "review" in f:
        v = f["review"]
        lines.append(
            f"| review aggregation of all {v['clusters']} clusters ({v['period']}) | "
            f"{v['all_seconds']:.2f} s | one cluster p95 {v['one_p95_ms']:.1f} ms | | ≤ 2 s |"
        )
    if "review_page" in f:
        lines += _review_page_lines(f["review_page"])
    if "docx" in f:
        lines += _docx_lines(f["docx"])
    if "throughput" in f:
        lines += _throughput_lines(f["throughput"])
    if "value_import" in f:
        from benchmarks.value_import import lines as value_import_lines

        lines += value_import_lines(f["value_import"], r["database"])
    if r["errors"]:
        lines += ["", "Errors:", *[f"- {e}" for e in r["errors"]]]
    return "\n".join(lines)


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _import_lines(i: dict, database: str) -> list[str]:
    ours, floor, cal = i["ours"], i["floor"], i["calamine"]
    rows = ours["rows"]
    per = f"{rows:,} rows"
    ratio = ours["seconds"] / floor["seconds"]
    mem = ours["peak_mb"] / cal["peak_mb"]
    d = ours["detail"]
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in d.items())
    return [
        f"| registry import, {per} .xlsx → {database} (all validation, people matched) | "
        f"{ours['seconds']:.1f} s ({steps}) | floor (calamine read + raw "
        f"{'COPY' if database == 'postgres' else 'executemany'}) {floor['seconds']:.1f} s | "
        f"{ratio:.2f}× floor | ≤ 30 s at 1M: {_verdict(ours['seconds'] <= 30 * rows / 1e6)}; "
        f"≤ 2× floor: {_verdict(ratio <= 2)} |",
        f"| peak memory of that import | {ours['peak_mb']:.0f} MB | python-calamine alone "
        f"reading the file: {cal['peak_mb']:.0f} MB ({cal['seconds']:.1f} s) | {mem:.2f}× | "
        f"≤ 1.3×: {_verdict(mem <= 1.3)} |",
    ]


def _peer_lines(p: dict) -> list[str]:
    ours, dflt, fast = p["ours"], p["iex_default"], p["iex_fast"]
    rows = ours["rows"]
    out = []
    for label, peer, need in (("default", dflt, 12), ("fastest configuration", fast, 6)):
        ratio = peer["seconds"] / ours["seconds"]
        out.append(
            f"| registry import, first {rows:,} rows | {ours['seconds']:.2f} s "
            f"({rows / ours['seconds']:,.0f} rows/s) | django-import-export {label}: "
            f"{peer['seconds']:.2f} s ({rows / peer['seconds']:,.0f} rows/s) | {ratio:.1f}× faster "
            f"| ≥ {need}×: {_verdict(ratio >= need)} |"
        )
    return out


def _search_lines(s: dict) -> list[str]:
    out = []
    for kind, v in s["kinds"].items():
        limit = 200 if "typo" in kind else 20
        out.append(
            f"| registry search over {s['entries']:,} records: {kind} | p50 {v['p50']:.1f} ms, "
            f"p95 {v['p95']:.1f} ms | | | p95 ≤ {limit} ms: {_verdict(v['p95'] <= limit)} |"
        )
    if "cold" in s:
        c = s["cold"]
        out.append(
            f"| registry search, the first pass in a fresh process after the start's warm-up "
            f"({c['warm_method']}, {c['warm_seconds']:.2f} s) | p50 {c['p50']:.1f} ms, p95 "
            f"{c['p95']:.1f} ms | | | p95 ≤ 20 ms: {_verdict(c['p95'] <= 20)} |"
        )
    if "typo_checked" in s:
        out.append(
            f"| one typo: the person in the top 10 | {s['typo_top10']} of {s['typo_checked']} "
            f"queries | pg_trgm similarity: ~575 ms p50 at 1M (stack notes) | | all: "
            f"{_verdict(s['typo_top10'] == s['typo_checked'])} |"
        )
    out.append(
        f"| exact diacritics first (Hùng before Hưng) | {s['exact_first']} of {s['checked']} "
        f"queries | | | all: {_verdict(s['exact_first'] == s['checked'])} |"
    )
    return out


def _review_page_lines(v: dict) -> list[str]:
    page, chart = v["page"], v["chart"]
    same = v["queries_largest"] == v["queries"]
    queries = (
        f"{v['queries']} queries per view with {v['members_min']} members, "
        f"{'the same' if same else v['queries_largest']} with {v['members_max']}"
    )
    lines = [
        f"| one cluster's review page, server time (Django test client, board member; "
        f"{page['n']} views over {v['clusters']} clusters of {v['members_min']}–"
        f"{v['members_max']} members; page cache off: computed each time) | p50 "
        f"{page['p50']:.1f} ms, p95 {page['p95']:.1f} ms; {queries} | the chart the page then "
        f"loads (htmx, a second request): p50 {chart['p50']:.1f} ms, p95 {chart['p95']:.1f} ms "
        f"({chart['n']} views) | | p95 ≤ 50 ms: {_verdict(page['p95'] <= 50)} |"
    ]
    cached = v.get("cached")
    if cached:
        lines.append(
            f"| the same views with the page cache on, each cluster's parts stored by an earlier "
            f"view and nothing written since | p50 {cached['p50']:.1f} ms, p95 "
            f"{cached['p95']:.1f} ms; {v['queries_cached']} queries | computed (above): p95 "
            f"{page['p95']:.1f} ms | {page['p95'] / cached['p95']:.1f}× faster | for the record |"
        )
    return lines


def _docx_lines(d: dict) -> list[str]:
    out = []
    for code, c in d["clusters"].items():
        cold = "" if out else f"first build in the process (cold): {d['cold_seconds']:.2f} s"
        out.append(
            f"| one review .docx with {c['charts']} charts: {c['kind']} {code}, "
            f"{c['members']} members ({c['kb']:,} KB) | {c['seconds']:.2f} s (charts "
            f"{c['chart_seconds']:.2f} s) | {cold} | | ≤ 1.5 s: {_verdict(c['seconds'] <= 1.5)} |"
        )
    return out


def _throughput_lines(t: dict) -> list[str]:
    def cell(x: dict) -> str:
        errors = f"{x['errors']} errors"
        if x["errors"]:
            errors += f" ({x['non2xx']} non-2xx, {x['socket_errors']} socket)"
        return (
            f"{x['rps']:,.1f} req/s, p50 {x['p50']:.1f} ms, p95 {x['p95']:.1f} ms, "
            f"p99 {x['p99']:.1f} ms, {errors}"
        )

    review, bare, login, ratio = t["review"], t["bare"], t["login"], t["ratio"]
    return [
        f"| web throughput, {t['connections']} connections on loopback (`thidua serve`, "
        f"{t['workers']} workers × {t['server_threads']} threads; wrk -t{t['threads']} "
        f"{t['seconds']:g} s each{_rounds(t)}, load average before {t['loadavg_before']:g}): "
        f"review pages of {t['pages']} clusters | {cell(review)} | bare Django view: "
        f"{cell(bare)} | {100 * ratio:.1f}% of bare | ≥ 50% of bare: {_verdict(ratio >= 0.5)}; "
        f"p95 ≤ 300 ms: {_verdict(review['p95'] <= 300)}; zero errors: "
        f"{_verdict(review['errors'] == 0)} |",
        f"| the floor of any signed-in page: the bare view's answer behind `login_required` "
        f"(session and user read), same run | {cell(login)} | bare Django view (above) | "
        f"{100 * t['login_ratio']:.1f}% of bare; the review page is "
        f"{100 * t['review_login_ratio']:.1f}% of it | for the record |",
    ]


def _rounds(t: dict) -> str:
    rounds = t["rounds"]
    if rounds <= 1:
        return ""
    per = t["round_rps"]
    rps = "; ".join(f"{k} {min(v):,.0f}–{max(v):,.0f}" for k, v in per.items())
    ratios = [r / b for r, b in zip(per["review"], per["bare"], strict=True) if b]
    spread = ""
    if len(ratios) >= 4:
        low, _mid, high = statistics.quantiles(ratios, n=4)
        spread = f"; review ÷ bare, middle half of the rounds: {100 * low:.0f}–{100 * high:.0f}%"
    return (
        f" in {rounds} interleaved rounds of {t['seconds'] / rounds:g} s; rates: medians;"
        " ratios: medians of each round's ratio"
        f" (req/s per round: {rps}{spread})"
    )


def write_section(name: str, text: str) -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    doc = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    block = f"{start}\n{text}\n{end}"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    doc = (
        pattern.sub(lambda _m: block, doc)
        if pattern.search(doc)
        else doc.rstrip() + "\n\n" + block + "\n"
    )
    DOC.write_text(doc)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        from benchmarks.workers import run

        run(sys.argv[2], json.loads(sys.argv[3]))
    else:
        sys.exit(main())
