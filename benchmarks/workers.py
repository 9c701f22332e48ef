"""One measurement per process (started by benchmarks.suite with the database's environment).

Each prints one JSON line. Imports run inside a transaction that is rolled back at the end.
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import time

from benchmarks.pages import task_pages
from benchmarks.value_import import task_value_import


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


def _one_typo(rng: random.Random, name: str) -> str:
    """The name without diacritics with one letter of one word swapped, replaced or dropped."""
    from thidua.common.text import name_key

    words = name_key(name).split()
    i = rng.choice([k for k, w in enumerate(words) if len(w) >= 3] or [0])
    w, at = words[i], rng.randrange(max(1, len(words[i]) - 1))
    kind = rng.choice(("swap", "replace", "drop"))
    if kind == "swap" and len(w) > 1:
        w = w[:at] + w[at + 1] + w[at] + w[at + 2 :]
    elif kind == "replace":
        w = w[:at] + rng.choice([c for c in "aeiouhnt" if c != w[at]]) + w[at + 1 :]
    else:
        w = w[:at] + w[at + 1 :]
    words[i] = w
    return " ".join(words)


def task_search(runs: int) -> dict:
    """Full names (with and without diacritics), leading words, with and without birth year."""
    from thidua.awards.models import AwardEntry, Person
    from thidua.awards.registry import search
    from thidua.common.text import name_key

    rng = random.Random(7)
    top = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = [rng.randint(1, top) for _ in range(300)]
    found = list(Person.objects.filter(id__in=ids).values_list("full_name", "birth_year"))
    people, others = found[:50], found[50:100]
    # Untimed: other people's names, as a server in use has read the upper index pages lately.
    # This machine's host pages out what was not read for ~60 s (DAMON), and SQLite reads
    # through the OS page cache: without this the first pass measures the disk.
    # The cold pass: what `thidua serve` does at start (thidua.awards.warm), then the first
    # search of each of these names, timed, before anything else has read the registry here.
    from thidua.awards.warm import warm

    warmed = warm()
    first = []
    for name, born in others:
        t = time.perf_counter()
        search(name, born=born, limit=20)
        first.append((time.perf_counter() - t) * 1000)
    kinds = {
        "full name, exact diacritics": [(n, None) for n, _b in people],
        "full name without diacritics": [(name_key(n), None) for n, _b in people],
        "full name + birth year": [(n, b) for n, b in people],
        "leading two words + birth year": [(" ".join(n.split()[:2]), b) for n, b in people],
    }
    typos = [(_one_typo(rng, n), None) for n, _b in people]
    kinds["full name with one typo"] = typos
    out = {"entries": AwardEntry.objects.count(), "kinds": {}}
    out["cold"] = _percentiles(first) | {"warm_seconds": warmed["seconds"]}
    out["cold"]["warm_method"] = warmed["method"]
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
    wanted = [name_key(n) for n, _b in people]
    top10 = sum(
        any(e.name_key == want for e in search(typo, limit=10))
        for (typo, _b), want in zip(typos, wanted, strict=True)
    )
    out.update({"checked": checked, "exact_first": exact, "seconds": 0, "rows": len(people)})
    out.update({"typo_checked": len(typos), "typo_top10": top10})
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


def _review_path(code: str, tail: str = "review/") -> str:
    from benchmarks.generate import PERIOD

    return f"/clusters/{code}/{PERIOD}/{tail}"


def _members() -> dict[str, int]:
    """Cluster code → number of members in the year of PERIOD."""
    from django.db.models import Count, Q

    from benchmarks.generate import PERIOD
    from thidua.orgs.models import Cluster

    year = int(PERIOD[:4])
    counted = Cluster.objects.annotate(n=Count("memberships", filter=Q(memberships__year=year)))
    return dict(counted.order_by("code").values_list("code", "n"))


def task_review_page(requests: int, charts: int) -> dict:
    """Server time of the cluster review page: Django's test client in this process, logged in
    as the board member, `requests` page views round the clusters (after one warm-up view).

    First computed every time (the page cache off: the target's figure), then with the page
    cache on, after one round has stored each cluster's parts (what a second viewer gets while
    nothing is written). The chart is a second request the page makes with htmx; the first
    `charts` of them are timed on their own, computed.
    """
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from benchmarks.generate import bench_user

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(bench_user())
    members = _members()
    codes = list(members)
    smallest, largest = min(codes, key=members.get), max(codes, key=members.get)

    def get(path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: HTTP {response.status_code}")

    def count(code: str) -> int:  # apart from the timing: capturing slows the cursor down
        with CaptureQueriesContext(connection) as ctx:
            get(_review_path(code))
        return len(ctx.captured_queries)

    def views(n: int, charts: int = 0) -> tuple[list[float], list[float]]:
        page, chart = [], []
        for i in range(n):
            code = codes[i % len(codes)]
            t = time.perf_counter()
            get(_review_path(code))
            page.append((time.perf_counter() - t) * 1000)
            if i < charts:
                t = time.perf_counter()
                get(_review_path(code, "review/chart.svg"))
                chart.append((time.perf_counter() - t) * 1000)
        return page, chart

    with override_settings(THIDUA_PAGE_CACHE_SECONDS=0):
        get(_review_path(codes[0]))
        get(_review_path(codes[0], "review/chart.svg"))
        queries = {code: count(code) for code in (smallest, largest)}
        page, chart = views(requests, charts)
    views(len(codes))  # every cluster's parts stored once
    cached, _ = views(requests)
    return {
        "seconds": sum(page) / 1000,
        "rows": len(page),
        "clusters": min(len(codes), requests),
        "members_min": min(members.values()),
        "members_max": max(members.values()),
        "page": _percentiles(page),
        "chart": _percentiles(chart),
        "cached": _percentiles(cached),
        "queries": queries[smallest],
        "queries_largest": queries[largest],
        "queries_cached": count(largest),
    }


def task_docx(runs: int, khoi: bool = True) -> dict:
    """One cluster's review .docx with its charts (reports.documents.review_docx), built `runs`
    times after a first, cold build: for the first regional cụm and (khoi) the largest khối."""
    import io
    import zipfile

    from benchmarks.generate import PERIOD
    from thidua.orgs.models import Cluster
    from thidua.reports import documents

    spent = {"charts": 0.0, "count": 0}
    chart = documents.member_chart

    def timed_chart(*args, **kwargs):
        t = time.perf_counter()
        out = chart(*args, **kwargs)
        spent["charts"] += time.perf_counter() - t
        spent["count"] += 1
        return out

    documents.member_chart = timed_chart
    members = _members()
    cum = min(code for code in members if code.startswith("BENCH"))
    khois = [code for code in members if code.startswith("KHOI")]
    largest = max(khois, key=lambda c: members[c])
    out: dict = {"cold_seconds": None, "clusters": {}}
    for code in (cum, largest) if khoi else (cum,):
        cluster = Cluster.objects.get(code=code)
        samples = []
        for _ in range(runs + (out["cold_seconds"] is None)):
            spent.update(charts=0.0, count=0)
            t = time.perf_counter()
            content = documents.review_docx(cluster, PERIOD)
            seconds = time.perf_counter() - t
            if out["cold_seconds"] is None:  # the first build in the process is not counted
                out["cold_seconds"] = seconds
            else:
                samples.append((seconds, spent["charts"]))
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            images = [n for n in archive.namelist() if n.startswith("word/media/")]
        if spent["count"] == 0 or len(images) < spent["count"]:
            raise RuntimeError(f"{code}: {spent['count']} charts drawn, {len(images)} in the .docx")
        out["clusters"][code] = {
            "kind": "cụm" if code.startswith("BENCH") else "khối",
            "members": members[code],
            "seconds": statistics.median(s for s, _c in samples),
            "chart_seconds": statistics.median(c for _s, c in samples),
            "charts": spent["count"],
            "kb": round(len(content) / 1024),
            "samples": [round(s, 3) for s, _c in samples],
        }
    out["seconds"] = max(c["seconds"] for c in out["clusters"].values())
    out["rows"] = len(out["clusters"])
    return out


def task_session() -> dict:
    """A session of the board member (force_login, stored in the database) and the review pages,
    for the throughput run against `thidua serve` on the same database."""
    from django.conf import settings
    from django.test import Client

    from benchmarks.generate import bench_user

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(bench_user())
    paths = [_review_path(code) for code in _members()]
    # A signed-in browser also holds the CSRF cookie (the sign-in page sets it, it lives a
    # year) and sends it with every page: without it each page would make a new secret.
    response = client.get(paths[0])
    if response.status_code != 200:
        raise RuntimeError(f"GET {paths[0]}: HTTP {response.status_code}")
    names = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    cookie = "; ".join(f"{name}={client.cookies[name].value}" for name in names)
    return {"cookie": cookie, "paths": paths, "seconds": 0, "rows": len(paths)}


TASKS = {
    "import": task_import,
    "calamine": task_calamine,
    "floor": task_floor,
    "head": task_head,
    "iex": task_iex,
    "search": task_search,
    "eligibility": task_eligibility,
    "review": task_review,
    "review_page": task_review_page,
    "docx": task_docx,
    "session": task_session,
    "value_import": task_value_import,
    "pages": task_pages,
}
