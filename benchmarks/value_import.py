"""Importing indicator values from a CSV: check and write 20,000 / 80,000 / 250,000 rows.

The time per row should not grow with the file (issue 16: 20,000 rows took 4.9 s, 80,000 rows
45 s, 250,000 rows over 12 minutes, because each row's number was settled against a fresh copy
of its column).

Each run is one child process (benchmarks.workers, task "value_import") on the suite's
generated database, inside a transaction that is rolled back: a cluster of `rows / 10` new
member units is made, a long-layout CSV (unit code, indicator, value: one row per value, the
ten indicators entered by hand) is written in Vietnamese notation — `8,25`, `1.234.567`, and
amounts such as `12.345` that are ambiguous alone and settled by the file's style — and
`import_file` runs as the system (the CLI's `thidua import`), with `dry_run` or for real.
"""

from __future__ import annotations

import csv
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

SIZES = (20_000, 80_000, 250_000)
# --quick (CI's smoke run): one dry run of 20,000 rows (the check and the service's checks,
# rolled back), a few seconds.
QUICK_SIZES = (20_000,)
QUICK_MODES = (True,)
PERIOD = "2025H1"
CLUSTER = "BENCHVALUES"


def task_value_import(rows: int, dry_run: bool) -> dict:
    from benchmarks.workers import _checks_done, _rolled_back
    from thidua.accounts.permissions import SYSTEM
    from thidua.indicators import importing

    marks: dict[str, float] = {}
    write = importing._Import._write

    def timed_write(self, *args, **kwargs):
        marks["checked"] = time.perf_counter()
        return write(self, *args, **kwargs)

    importing._Import._write = timed_write

    def go():
        with tempfile.TemporaryDirectory(prefix="thidua-values-") as tmp:
            cluster, path = _setup(rows, Path(tmp))
            t = time.perf_counter()
            result = importing.import_file(SYSTEM, path, cluster, PERIOD, dry_run=dry_run)
            _checks_done()
            done = time.perf_counter()
        if not result.ok:
            raise RuntimeError(f"import rejected: {[e.as_dict() for e in result.errors[:3]]}")
        if result.written != rows:
            raise RuntimeError(f"{result.written} values written of {rows}")
        return {
            "seconds": done - t,
            "rows": rows,
            "dry_run": dry_run,
            "detail": {"check": marks["checked"] - t, "write": done - marks["checked"]},
        }

    return _rolled_back(go)


def _setup(rows: int, tmp: Path):
    """A cluster with rows / 10 members and the CSV of their values."""
    from thidua.common.text import unit_key
    from thidua.indicators.models import Indicator
    from thidua.orgs.models import Cluster, Membership, Unit

    indicators = list(Indicator.objects.filter(active=True, formula="").order_by("code"))
    n_units = -(-rows // len(indicators))
    names = [f"Xã Thi Đua {n}" for n in range(n_units)]
    units = Unit.objects.bulk_create(
        [
            Unit(code=f"V{n:06d}", name=name, name_key=unit_key(name), kind="commune")
            for n, name in enumerate(names)
        ],
        batch_size=2000,
    )
    cluster = Cluster.objects.create(
        code=CLUSTER, name="Cụm đo nhập số liệu", kind="cum", organiser="central"
    )
    year = int(PERIOD[:4])
    Membership.objects.bulk_create(
        [
            Membership(cluster=cluster, year=year, unit=u, role="head" if i == 0 else "member")
            for i, u in enumerate(units)
        ],
        batch_size=2000,
    )
    path = tmp / f"values_{rows}.csv"
    rng = random.Random(2026)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        out = csv.writer(fh)
        out.writerow(["Mã đơn vị", "Chỉ tiêu", "Giá trị"])
        cells = ((u, ind) for u in units for ind in indicators)
        for _n, (unit, ind) in zip(range(rows), cells, strict=False):
            out.writerow([unit.code, ind.code, _typed(rng, ind)])
    return cluster, path


def _typed(rng: random.Random, indicator) -> str:
    """A plausible value as an official types it (Vietnamese notation)."""
    if "%" in indicator.measure:
        low = max(Decimal(indicator.min_value or 0), Decimal(0))
        high = min(Decimal(indicator.max_value or 100), Decimal(100))
        value = low + (high - low) * Decimal(rng.randint(0, 10_000)) / 10_000
        return f"{value:.2f}".replace(".", ",")
    grouped = f"{rng.randint(2_000, 60_000):,}".replace(",", ".")
    # Half are written with a decimal part (12.345,5: certain); the others, such as 12.345, are
    # ambiguous alone and settled by the file's style and the column's certain values.
    return grouped + ",5" if rng.random() < 0.5 else grouped


def figures(run, sizes, runs: int, modes=(True, False)) -> list[dict]:
    """`run(rows, dry_run)` → one worker's result; the median of `runs` per size and mode."""
    import statistics

    out = []
    for rows in sizes:
        for dry_run in modes:
            samples = [run(rows, dry_run) for _ in range(runs)]
            best = sorted(samples, key=lambda s: s["seconds"])[len(samples) // 2]
            out.append(
                {
                    "rows": rows,
                    "dry_run": dry_run,
                    "seconds": statistics.median(s["seconds"] for s in samples),
                    "check": best["detail"]["check"],
                    "write": best["detail"]["write"],
                    "peak_mb": best["peak_mb"],
                    "samples": [round(s["seconds"], 2) for s in samples],
                }
            )
    return out


def lines(results: list[dict], database: str) -> list[str]:
    out = []
    base = {}
    for r in results:
        mode = "dry run (check only)" if r["dry_run"] else "check + write"
        per_row = 1e6 * r["seconds"] / r["rows"]
        first = base.setdefault(r["dry_run"], per_row)
        if "samples" in r and len(r["samples"]) > 1:
            mode += f", runs {', '.join(f'{x:g} s' for x in r['samples'])}"
        out.append(
            f"| value import, {r['rows']:,}-row CSV (long layout, Vietnamese notation) → "
            f"{database}, {mode} | {r['seconds']:.1f} s (check {r['check']:.1f} s, write "
            f"{r['write']:.1f} s); {per_row:.0f} µs per row; peak {r['peak_mb']:.0f} MB | "
            f"time per row at {results[0]['rows']:,} rows: {first:.0f} µs | "
            f"{per_row / first:.2f}× | linear (≤ 1.5×): {_verdict(per_row / first <= 1.5)} |"
        )
    return out


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"
