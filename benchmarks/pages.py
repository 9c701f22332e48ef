"""The `pages` figure: every GET page of the web URL map, at the scale generated.

The resolver is walked (`web_patterns`); each pattern's path arguments are filled from the
generated data (`SOURCES`: a cluster, the period, a member unit, a report, a proposal and its
file, a person, a ballot, a backlog programme and case, an indicator, an object's history). Each
page is requested as the role it is for (`role`: the public pages anonymous, the others as the
board member `bench_board`), in this process with Django's test client: p50/p95 of server time,
the query count of one request, and the slowest five named. The bare view (`/bench/bare/`, no
database) is the yardstick, measured in the same run.

The generator makes registries, not workflows: one ballot, proposal and backlog programme with a
case are made here when the data has none (`ensure_objects`, kept for the next runs).
A page the figure cannot fill (a parameter name it has no source for) fails
`tests/test_pages_figure.py`; a page whose object the generated data lacks is listed as not
reached, with the reason. Pages answering 405 to GET are forms' POST endpoints, not pages.
"""

from __future__ import annotations

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
    "person_id", "programme", "case_id", "indicator", "object_type", "object_id",
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
    """One ballot, proposal and backlog programme with a case, when the data has none (the
    generator makes registries, not workflows): made once, kept, marked "benchmark pages"."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from thidua.awards.models import (
        AwardType,
        BacklogCase,
        BacklogProgramme,
        Person,
        Proposal,
    )
    from thidua.ballots.models import BallotSession
    from thidua.orgs.models import Cluster

    made = []
    with transaction.atomic():
        cluster = Cluster.objects.order_by("code").first()
        person = Person.objects.exclude(unit=None).order_by("id").first()
        award = AwardType.objects.order_by("id").first()
        if cluster and not BallotSession.objects.exists():
            BallotSession.objects.create(
                cluster=cluster, year=2025, title="benchmark pages",
                closes_at=timezone.now() + dt.timedelta(days=7),
            )  # fmt: skip
            made.append("ballot")
        if person and award and not Proposal.objects.exists():
            unit = person.unit.parent or person.unit
            Proposal.objects.create(
                award_type=award, year=2025, person=person, proposing_unit=unit,
                achievements="benchmark pages",
            )  # fmt: skip
            made.append("proposal")
        if person and award and not BacklogProgramme.objects.exists():
            programme = BacklogProgramme.objects.create(
                code="BENCH", name="benchmark pages", award_type=award, legal_basis="-"
            )
            BacklogCase.objects.create(
                programme=programme, full_name=person.full_name, birth_year=person.birth_year,
                unit=person.unit, war_period="chong_my", received_on=dt.date(2025, 1, 2),
            )  # fmt: skip
            made.append("programme")
    return made


def values() -> dict:
    """One value for each source from the generated data (None where the data has none)."""
    from django.db.models import Count, Q

    from benchmarks.generate import PERIOD
    from thidua.awards.models import (
        AwardEntry,
        BacklogCase,
        BacklogProgramme,
        Person,
        Proposal,
        ProposalFile,
    )
    from thidua.ballots.models import BallotSession
    from thidua.indicators.models import Indicator, Report
    from thidua.orgs.models import Cluster

    year = int(PERIOD[:4])
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
        "ballot": BallotSession.objects.order_by("id").values_list("pk", flat=True).first(),
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


def task_pages(requests: int) -> dict:
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from benchmarks.generate import bench_user

    board = Client(HTTP_HOST="127.0.0.1")
    board.force_login(bench_user())
    public = Client(HTTP_HOST="127.0.0.1")
    made = ensure_objects()
    found = values()
    pages, unreached, post_only, errors = [], [], [], []

    def timed(client, path: str) -> tuple[float, int]:
        t = time.perf_counter()
        response = client.get(path)
        b"".join(response) if response.streaming else response.content  # noqa: B018
        return (time.perf_counter() - t) * 1000, response.status_code

    # The page cache off (computed pages), no rate limit on the look-up, and no second factor:
    # force_login has no device, and the check is one session read on every page alike.
    off = {"THIDUA_PAGE_CACHE_SECONDS": 0, "THIDUA_LOOKUP_PER_MINUTE": 10**9}
    with override_settings(**off, THIDUA_REQUIRE_TWO_FACTOR=False):
        bare = [timed(public, "/bench/bare/")[0] for _ in range(max(requests, 20))]
        for route, name in web_patterns():
            path, why = fill(route, found)
            if path is None:
                unreached.append({"route": route, "name": name, "why": why})
                continue
            if route.startswith("tra-cuu/"):
                path += "?q=nguyen+van+an"
            client = public if role(route) == "public" else board
            try:
                first, status = timed(client, path)  # warm-up, and the status
                if status == 405:
                    post_only.append(route)
                    continue
                with CaptureQueriesContext(connection) as ctx:
                    counted, _status = timed(client, path)
                queries = len(ctx.captured_queries)  # read now: a later request resets the log
                # Documents built by LibreOffice take seconds: the counted request and one more
                # tell enough (quick: the counted one alone).
                if first < 1000:
                    times = [timed(client, path)[0] for _ in range(requests)]
                else:
                    times = [counted] + [timed(client, path)[0] for _ in range(requests > 3)]
            except Exception as exc:  # a page that fails: the figure's error
                errors.append(f"GET {path}: {type(exc).__name__}: {exc}"[:300])
                continue
            if status >= 500:
                errors.append(f"GET {path}: HTTP {status}")
            pages.append(
                {
                    "route": route,
                    "name": name,
                    "path": path,
                    "role": role(route),
                    "status": status,
                    "queries": queries,
                    **_percentiles(times),
                }  # fmt: skip
            )
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
        "made": made,
    }


def lines(f: dict) -> list[str]:
    pages = f["pages"]
    worst = max((p["p95"] for p in pages), default=0)
    most = max((p["queries"] for p in pages), default=0)
    slow = "; ".join(
        f"{p['name'] or p['route']} {p['p95']:.1f} ms ({p['queries']} q, HTTP {p['status']})"
        for p in f["slowest"]
    )
    out = [
        f"| pages: {len(pages)} GET pages of the URL map, {f['requests']} requests each "
        f"(server time, test client) | within p95 ≤ {TARGET_MS} ms: {f['within']} of "
        f"{len(pages)}; worst p95 {worst:.1f} ms; most queries {most} | bare view p50 "
        f"{f['bare']['p50']:.2f} ms, p95 {f['bare']['p95']:.2f} ms | | every page p95 ≤ "
        f"{TARGET_MS} ms: {'met' if f['within'] == len(pages) else '**not met**'} |",
        f"| pages: the slowest five (p95) | {slow} | | | |",
    ]
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
