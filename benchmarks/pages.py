"""The `pages` figure: every GET page of the web URL map, at the scale generated.

The resolver is walked (`web_patterns`); each pattern's path arguments are filled from the
generated data (`SOURCES`: a cluster, the period, a member unit, a report, a proposal and its
file, a person, a ballot, a backlog programme and case, an indicator, an object's history). Each
page is requested as the role it is for (`role`: the public pages anonymous, the others as the
board member `bench_board`, and a page that refuses it (403) as `bench_officer`, the officer of
the member unit), in this process with Django's test client: p50/p95 of server time,
the query count of one request, and the slowest five named. The bare view (`/bench/bare/`, no
database) is the yardstick, measured in the same run.

The generator makes registries, not workflows: a closed ballot, a proposal with a file, a backlog
programme with a case, a 2025 scoring regulation and the officer are made here when the data has
none (`ensure_objects`, benchmarks.page_objects, kept for the next runs).
A page the figure cannot fill (a parameter name it has no source for) fails
`tests/test_pages_figure.py`; a page whose object the generated data lacks is listed as not
reached, with the reason. Pages answering 405 to GET are forms' POST endpoints, not pages.
"""

from __future__ import annotations

import os
import re
import time

# The parts of the URL map that are not the web pages: Django's admin, the API (its own
# figures), static files and the benchmark's own views.
NOT_PAGES = ("admin/", "api/", "static/", "media/", "bench/", "__debug__/")
# Pages for anyone, requested without logging in.
PUBLIC = ("tra-cuu/", "login/", "logout/", "password", "two-factor", "i18n/", "healthz", "robots")
TARGET_MS = 50

_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def web_patterns() -> list[tuple[str, str]]:
    """(route, name) of every web URL pattern, routes as written (`<str:code>` kept)."""
    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern), p.name or ""

    found = []
    for route, name in walk(get_resolver().url_patterns):
        route = route.lstrip("^")
        if route.startswith(NOT_PAGES) or "(?P<" in route or "\\" in route:
            continue
        found.append((route, name))
    return found


def parameters(route: str) -> list[str]:
    return _PARAM.findall(route)


def _key(route: str, param: str) -> str:
    """Which source fills a parameter: `pk` depends on the path it is in."""
    if param == "pk":
        return "report" if route.startswith("reports/") else "ballot"
    return param


SOURCES = (
    "code", "period", "year", "unit_id", "report", "ballot", "proposal_id", "file_id",
    "person_id", "programme", "case_id", "indicator", "object_type", "object_id", "token",
    "job_id",
)  # fmt: skip


def unfillable() -> list[str]:
    """Web patterns with a parameter the figure has no source for (the test's check)."""
    return [
        route
        for route, _name in web_patterns()
        if any(_key(route, p) not in SOURCES for p in parameters(route))
    ]


def role(route: str) -> str:
    return "public" if route.startswith(PUBLIC) or route == "" else "board"


def ensure_objects() -> list[str]:
    """What the figure needs beyond the generated registries, made once (page_objects)."""
    from benchmarks.page_objects import ensure_objects as make
    from thidua.orgs.models import Cluster

    found = values()
    cluster = Cluster.objects.filter(code=found["code"]).first()
    return make(cluster, found["unit_id"], found["year"])


def values() -> dict:
    """One value for each source from the generated data (None where the data has none)."""
    from django.db.models import Case, Count, Q, When

    from benchmarks.generate import PERIOD
    from thidua.awards.models import (
        AwardEntry,
        BacklogCase,
        BacklogProgramme,
        Person,
        Proposal,
        ProposalFile,
    )
    from thidua.ballots.models import BallotSession, SessionStatus
    from thidua.indicators.models import Indicator, Report
    from thidua.jobs.models import Job
    from thidua.orgs.models import Cluster

    year = int(PERIOD[:4])
    closed_first = Case(When(status=SessionStatus.CLOSED, then=0), default=1)
    clusters = Cluster.objects.annotate(n=Count("memberships", filter=Q(memberships__year=year)))
    cluster = clusters.order_by("-n", "code").first()
    report = Report.objects.filter(cluster=cluster, period=PERIOD).order_by("id").first()
    proposal = Proposal.objects.order_by("id").first()
    programme = BacklogProgramme.objects.order_by("id").first()
    entry = AwardEntry.objects.order_by("id").values_list("pk", flat=True).first()
    unit = cluster.memberships.filter(year=year).order_by("id").first() if cluster else None
    return {
        "code": cluster.code if cluster else None,
        "period": PERIOD,
        "year": year,
        "unit_id": unit.unit_id if unit else None,
        "report": report.pk if report else None,
        # A closed one first: its minutes are a page too.
        "ballot": BallotSession.objects.order_by(closed_first, "id")
        .values_list("pk", flat=True)
        .first(),
        "proposal_id": proposal.pk if proposal else None,
        "file_id": ProposalFile.objects.filter(proposal=proposal)
        .values_list("pk", flat=True)
        .first(),
        "person_id": Person.objects.order_by("id").values_list("pk", flat=True).first(),
        "programme": programme.code if programme else None,
        "case_id": BacklogCase.objects.filter(programme=programme)
        .values_list("pk", flat=True)
        .first(),
        "indicator": Indicator.objects.order_by("code").values_list("code", flat=True).first(),
        "object_type": "awards.awardentry" if entry else None,
        "object_id": entry,
        # An upload's marked errors are kept in the uploader's session: a link from another
        # session is an old one, and the page says so (a redirect to the upload).
        "token": "expired-link",
        "job_id": Job.objects.filter(state=Job.State.DONE)
        .exclude(output_path="")
        .order_by("-id")
        .values_list("pk", flat=True)
        .first(),
    }


def fill(route: str, found: dict) -> tuple[str | None, str]:
    """The path, or None and what the data lacks."""
    path = route
    for param in parameters(route):
        value = found.get(_key(route, param))
        if value is None:
            return None, f"no {_key(route, param)} in the generated data"
        path = _PARAM.sub(str(value), path, count=1)
    return "/" + path, ""


def _percentiles(samples: list[float]) -> dict:
    import statistics

    if len(samples) < 2:
        return {"p50": samples[0], "p95": samples[0], "n": len(samples)}
    q = statistics.quantiles(sorted(samples), n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "n": len(samples)}


def _timed(client, path: str) -> tuple[float, int]:
    t = time.perf_counter()
    response = client.get(path)
    b"".join(response) if response.streaming else response.content  # noqa: B018
    return (time.perf_counter() - t) * 1000, response.status_code


def _clients() -> dict:
    from django.test import Client

    from benchmarks.generate import bench_user
    from benchmarks.page_objects import officer

    clients = {who: Client(HTTP_HOST="127.0.0.1") for who in ("public", "board", "officer")}
    clients["board"].force_login(bench_user())
    clients["officer"].force_login(officer())
    return clients


def _measure(clients: dict, route: str, path: str, requests: int) -> dict | None:
    """One page: its role, status, query count and times; None for a form's POST endpoint."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    who = role(route)
    first, status = _timed(clients[who], path)  # warm-up, and the status
    if status == 403 and who == "board":  # a page for a unit's officer
        who = "officer"
        first, status = _timed(clients[who], path)
    if status == 405:
        return None
    client = clients[who]
    with CaptureQueriesContext(connection) as ctx:
        counted, _status = _timed(client, path)
    queries = len(ctx.captured_queries)  # read now: a later request resets the log
    # Documents built by LibreOffice take seconds: the counted request and one more tell enough
    # (quick: the counted one alone).
    if first < 1000:
        times = [_timed(client, path)[0] for _ in range(requests)]
    else:
        times = [counted] + [_timed(client, path)[0] for _ in range(requests > 3)]
    return {"role": who, "status": status, "queries": queries, **_percentiles(times)}


def _cached_pass(clients: dict, pages: list[dict], requests: int) -> None:
    """The pages over the target again with the page cache on, nothing written since: what a
    repeated request costs where the view keeps its result (documents, charts, the review)."""
    from django.test import override_settings

    with override_settings(THIDUA_PAGE_CACHE_SECONDS=600):
        for page in pages:
            if page["p95"] > TARGET_MS:
                client = clients[page["role"]]
                _timed(client, page["path"])  # built and kept
                times = [_timed(client, page["path"])[0] for _ in range(requests)]
                page["cached"] = _percentiles(times)


def task_pages(requests: int) -> dict:
    from django.test import override_settings

    made = ensure_objects()
    found = values()
    clients = _clients()
    pages, unreached, post_only, errors = [], [], [], []
    # The page cache off (computed pages), no rate limit on the look-up, and no second factor:
    # force_login has no device, and the check is one session read on every page alike.
    off = {"THIDUA_PAGE_CACHE_SECONDS": 0, "THIDUA_LOOKUP_PER_MINUTE": 10**9}
    with override_settings(**off, THIDUA_REQUIRE_TWO_FACTOR=False):
        bare = [_timed(clients["public"], "/bench/bare/")[0] for _ in range(max(requests, 20))]
        for route, name in web_patterns():
            path, why = fill(route, found)
            if path is None:
                unreached.append({"route": route, "name": name, "why": why})
                continue
            if route.startswith("tra-cuu/"):
                path += "?q=nguyen+van+an"
            try:
                page = _measure(clients, route, path, requests)
            except Exception as exc:  # a page that fails: the figure's error
                errors.append(f"GET {path}: {type(exc).__name__}: {exc}"[:300])
                continue
            if page is None:
                post_only.append(route)
                continue
            if page["status"] >= 500:
                errors.append(f"GET {path}: HTTP {page['status']}")
            pages.append({"route": route, "name": name, "path": path, **page})
    with override_settings(THIDUA_LOOKUP_PER_MINUTE=10**9, THIDUA_REQUIRE_TWO_FACTOR=False):
        _cached_pass(clients, pages, requests)
    slowest = sorted(pages, key=lambda p: -p["p95"])[:5]
    return {
        "seconds": 0,
        "rows": len(pages),
        "requests": requests,
        "bare": _percentiles(bare),
        "pages": pages,
        "slowest": slowest,
        "unreached": unreached,
        "post_only": post_only,
        "errors": errors,
        "within": sum(p["p95"] <= TARGET_MS for p in pages),
        "within_cached": sum(p.get("cached", p)["p95"] <= TARGET_MS for p in pages),
        "made": made,
        "load_end": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def lines(f: dict) -> list[str]:
    pages = f["pages"]
    worst = max((p["p95"] for p in pages), default=0)
    most = max((p["queries"] for p in pages), default=0)
    bare = f["bare"]["p50"] or 1e-9
    slow = "; ".join(
        f"{p['name'] or p['route']} p95 {p['p95']:.1f} ms, p50 {p['p50']:.1f} ms "
        f"({p['p50'] / bare:,.0f}× the bare p50; {p['queries']} q, HTTP {p['status']})"
        for p in f["slowest"]
    )
    out = [
        f"| pages: {len(pages)} GET pages of the URL map, {f['requests']} requests each "
        f"(server time, test client; load average at the end {f.get('load_end', '?')}) | "
        f"within p95 ≤ {TARGET_MS} ms: {f['within']} of "
        f"{len(pages)}; worst p95 {worst:.1f} ms; most queries {most} | bare view p50 "
        f"{f['bare']['p50']:.2f} ms, p95 {f['bare']['p95']:.2f} ms | | every page p95 ≤ "
        f"{TARGET_MS} ms: {'met' if f['within'] == len(pages) else '**not met**'} |",
        f"| pages: the slowest five (p95) | {slow} | | | |",
    ]
    every = "; ".join(
        f"{p['name'] or p['route']} {p['p50']:.1f}/{p['p95']:.1f} ({p['queries']})"
        for p in sorted(pages, key=lambda p: -p["p95"])
    )
    out.append(f"| pages: each, p50/p95 ms (queries), slowest first | {every} | | | |")
    over = [p for p in pages if "cached" in p]
    if over:
        out.append(
            f"| pages over {TARGET_MS} ms, repeated with the page cache on (nothing written "
            f"since) | within: {f['within_cached']} of {len(pages)}; "
            + "; ".join(
                f"{p['name']} p50 {p['p50']:.1f} → {p['cached']['p50']:.1f}, "
                f"p95 {p['p95']:.1f} → {p['cached']['p95']:.1f} ms"
                for p in over
            )
            + " | computed (above) | | for the record |"
        )
    officers = [p["name"] or p["route"] for p in pages if p["role"] == "officer"]
    if officers:
        who = "| pages requested as the unit's officer (the board: 403) | "
        out.append(f"{who}{', '.join(officers)} | | | |")
    other = [p for p in pages if p["status"] != 200]
    if other:
        out.append(
            "| pages answering other than 200 (timed as they answer) | "
            + "; ".join(f"{p['path']} HTTP {p['status']}" for p in other)
            + " | | | |"
        )
    if f["unreached"]:
        missing = sorted({u["why"] for u in f["unreached"]})
        out.append(f"| pages not reached | {len(f['unreached'])}: {'; '.join(missing)} | | | |")
    return out
