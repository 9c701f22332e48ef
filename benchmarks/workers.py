"""One measurement per process (started by benchmarks.suite with the database's environment).

Each prints one JSON line. Imports run inside a transaction that is rolled back at the end.
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import time


def run(task: str, params: dict) -> None:
    import django

    django.setup()
    result = TASKS[task](**params)
    result.setdefault("peak_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result, default=str))


class _Rollback(Exception):
    pass


def _checks_done() -> None:
    """Run the checks PostgreSQL defers to COMMIT (Django's foreign keys), as a commit would."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _rolled_back(fn):
    """Run fn() in a transaction and undo it; returns what fn returned.

    fn must call _checks_done() inside its timing: the deferred foreign-key checks are part of
    the cost of a real import, and a rollback would skip them.
    """
    from django.db import transaction

    box = {}
    try:
        with transaction.atomic():
            box["value"] = fn()
            raise _Rollback
    except _Rollback:
        pass
    return box["value"]


def task_import(file: str) -> dict:
    from thidua.awards import registry

    detail: dict[str, float] = {}
    marks = {"start": time.perf_counter()}
    parse = registry._parse

    def timed_parse(*args, **kwargs):
        out = parse(*args, **kwargs)
        marks["parsed"] = time.perf_counter()
        return out

    registry._parse = timed_parse

    def go():
        t = time.perf_counter()
        result = registry.import_registry(file, filename=file, via="benchmark")
        _checks_done()
        done = time.perf_counter()
        if not result.ok:
            raise RuntimeError(f"import rejected: {result.errors[:3]}")
        detail["read+validate"] = marks["parsed"] - t
        detail["match+write"] = done - marks["parsed"]
        return {
            "seconds": done - t,
            "rows": result.written,
            "people_created": result.people_created,
        }

    out = _rolled_back(go)
    out["detail"] = detail
    return out


def task_calamine(file: str) -> dict:
    import python_calamine

    t = time.perf_counter()
    book = python_calamine.CalamineWorkbook.from_path(file)
    rows = book.get_sheet_by_index(0).to_python()
    return {"seconds": time.perf_counter() - t, "rows": len(rows) - 1}


def task_floor(file: str) -> dict:
    """python-calamine reading the file and a raw COPY/executemany of the same rows, no checks."""
    import python_calamine
    from django.db import connection
    from django.utils import timezone

    from thidua.awards.models import AwardEntry, AwardType
    from thidua.awards.registry import ENTRY_COLUMNS
    from thidua.common.bulk import insert_rows

    award = AwardType.objects.values_list("pk", flat=True).first()
    now = connection.ops.adapt_datetimefield_value(timezone.now())

    def go():
        t = time.perf_counter()
        rows = python_calamine.CalamineWorkbook.from_path(file).get_sheet_by_index(0).to_python()
        written = insert_rows(
            AwardEntry._meta.db_table,
            ENTRY_COLUMNS,
            (
                (
                    award,
                    int(r[4]),
                    None,
                    None,
                    r[0],
                    r[0],
                    int(r[1]),
                    r[2],
                    False,
                    str(r[5]),
                    None,
                    "",
                    "floor",
                    now,
                )  # fmt: skip
                for r in rows[1:]
            ),
        )
        _checks_done()
        return {"seconds": time.perf_counter() - t, "rows": written}

    return _rolled_back(go)


def task_head(file: str, to: str, rows: int) -> dict:
    """The first `rows` rows of the big file as their own .xlsx, for the peer comparison."""
    import python_calamine
    from openpyxl import Workbook

    data = python_calamine.CalamineWorkbook.from_path(file).get_sheet_by_index(0).to_python()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    for row in data[: rows + 1]:
        sheet.append([int(c) if isinstance(c, float) and c.is_integer() else c for c in row])
    book.save(to)
    return {"seconds": 0, "rows": rows}


def task_iex(file: str, fast: bool) -> dict:
    """django-import-export importing the same file, as its documentation suggests."""
    import tablib

    from benchmarks.peers import entry_resource

    resource_class = entry_resource(fast)

    def go():
        t = time.perf_counter()
        with open(file, "rb") as fh:
            dataset = tablib.Dataset().load(fh, format="xlsx")
        if not fast:  # the default instance loader looks every row up by its id column
            dataset.append_col([None] * len(dataset), header="id")
        result = resource_class().import_data(dataset, dry_run=False, raise_errors=True)
        _checks_done()
        seconds = time.perf_counter() - t
        return {"seconds": seconds, "rows": result.total_rows}

    return _rolled_back(go)


def _percentiles(samples: list[float]) -> dict:
    samples = sorted(samples)
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "n": len(samples)}


def task_search(runs: int) -> dict:
    """Full names (with and without diacritics), leading words, with and without birth year."""
    from thidua.awards.models import AwardEntry, Person
    from thidua.awards.registry import search
    from thidua.common.text import name_key

    rng = random.Random(7)
    top = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = [rng.randint(1, top) for _ in range(300)]
    people = list(Person.objects.filter(id__in=ids).values_list("full_name", "birth_year"))[:50]
    kinds = {
        "full name, exact diacritics": [(n, None) for n, _b in people],
        "full name without diacritics": [(name_key(n), None) for n, _b in people],
        "full name + birth year": [(n, b) for n, b in people],
        "leading two words + birth year": [(" ".join(n.split()[:2]), b) for n, b in people],
    }
    out = {"entries": AwardEntry.objects.count(), "kinds": {}}
    for kind, queries in kinds.items():
        times = []
        for _ in range(runs):
            for q, born in queries:
                t = time.perf_counter()
                search(q, born=born, limit=20)
                times.append((time.perf_counter() - t) * 1000)
        out["kinds"][kind] = _percentiles(times)
    checked = exact = 0
    for name, _b in people[:50]:
        found = search(name, limit=10)
        if found:
            checked += 1
            exact += found[0].recipient_name == name
    out.update({"checked": checked, "exact_first": exact, "seconds": 0, "rows": len(people)})
    return out


def task_eligibility(n: int, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from thidua.awards.eligibility import Nominee, evaluate_many
    from thidua.awards.models import Person

    ids = list(Person.objects.order_by("id").values_list("id", flat=True)[:n])
    awards = ("LDTT", "CSTDCS", "CSTDBT", "BK_BT")
    nominees = [Nominee(award=awards[i % 4], year=2025, person_id=p) for i, p in enumerate(ids)]
    small = nominees[: max(1, n // 10)]
    with CaptureQueriesContext(connection) as few:
        evaluate_many(small)
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as many:
            t = time.perf_counter()
            verdicts = evaluate_many(nominees)
            times.append(time.perf_counter() - t)
    return {
        "seconds": statistics.median(times),
        "rows": len(verdicts),
        "nominees": len(nominees),
        "eligible": sum(v.eligible for v in verdicts),
        "queries": len(many.captured_queries),
        "nominees_small": len(small),
        "queries_small": len(few.captured_queries),
        "constant": len(many.captured_queries) == len(few.captured_queries),
    }


def task_review(runs: int) -> dict:
    from benchmarks.generate import PERIOD
    from thidua.orgs.models import Cluster
    from thidua.reports.aggregation import review

    clusters = list(Cluster.objects.all())
    totals, each = [], []
    for _ in range(runs):
        t = time.perf_counter()
        for cluster in clusters:
            c = time.perf_counter()
            review(cluster, PERIOD)
            each.append((time.perf_counter() - c) * 1000)
        totals.append(time.perf_counter() - t)
    return {
        "seconds": statistics.median(totals),
        "all_seconds": statistics.median(totals),
        "clusters": len(clusters),
        "period": PERIOD,
        "one_p95_ms": _percentiles(each)["p95"],
        "rows": len(clusters),
    }


TASKS = {
    "import": task_import,
    "calamine": task_calamine,
    "floor": task_floor,
    "head": task_head,
    "iex": task_iex,
    "search": task_search,
    "eligibility": task_eligibility,
    "review": task_review,
}
