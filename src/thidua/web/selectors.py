"""Reads behind the pages; each returns plain data for one page and says who may see it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor
from thidua.accounts.timeline import Event, events
from thidua.common.periods import parse_period
from thidua.covenants.models import Covenant
from thidua.indicators.models import (
    Extension,
    Indicator,
    Report,
    ReportingWindow,
    ReportStatus,
    Value,
    entry_until,
    unit_deadline,
)
from thidua.indicators.services import EDITABLE
from thidua.indicators.validation import value_period
from thidua.orgs.models import Cluster, MemberRole, Membership, ReviewMeeting, Unit


@dataclass
class WindowSummary:
    window: ReportingWindow
    members: int
    counts: dict[str, int] = field(default_factory=dict)
    late: int = 0

    @property
    def label(self) -> str:
        return parse_period(self.window.period).label()

    @property
    def year(self) -> int:
        return self.window.year

    @property
    def received(self) -> int:
        return self.counts.get(ReportStatus.SUBMITTED, 0) + self.counts.get(
            ReportStatus.ACCEPTED, 0
        )


@dataclass
class ClusterSummary:
    cluster: Cluster
    year: int | None
    members: int
    windows: list[WindowSummary]


def cluster_summaries(cluster_ids: set[int] | None = None) -> list[ClusterSummary]:
    """Clusters with their members and report counts per open window: four queries in all."""
    clusters = Cluster.objects.all()
    if cluster_ids is not None:
        clusters = clusters.filter(pk__in=cluster_ids)
    members: defaultdict[int, dict] = defaultdict(dict)
    for row in Membership.objects.values("cluster_id", "year").annotate(n=Count("pk")):
        members[row["cluster_id"]][row["year"]] = row["n"]
    counts: dict[tuple, dict] = defaultdict(dict)
    late: dict[tuple, int] = defaultdict(int)
    for row in Report.objects.values("cluster_id", "period", "status").annotate(
        n=Count("pk"), n_late=Count("pk", filter=Q(is_late=True))
    ):
        counts[(row["cluster_id"], row["period"])][row["status"]] = row["n"]
        late[(row["cluster_id"], row["period"])] += row["n_late"]
    windows = defaultdict(list)
    for w in ReportingWindow.objects.order_by("-period"):
        key = (w.cluster_id, w.period)
        n = members[w.cluster_id].get(w.year, 0)
        windows[w.cluster_id].append(WindowSummary(w, n, counts[key], late[key]))
    result = []
    for cluster in clusters:
        year = max(members[cluster.pk], default=None)
        n = members[cluster.pk].get(year, 0) if year else 0
        result.append(ClusterSummary(cluster, year, n, windows[cluster.pk]))
    return result


def run_windows(user: Actor) -> list[ReportingWindow]:
    """Windows of the clusters the user runs as head secretariat (the board sees all elsewhere)."""
    by_year: dict[int, set[int]] = {}
    result = []
    for w in ReportingWindow.objects.select_related("cluster").order_by("cluster__code", "-period"):
        year = w.year
        if year not in by_year:
            by_year[year] = perms.secretariat_cluster_ids(user, year)
        if w.cluster_id in by_year[year]:
            result.append(w)
    return result


@dataclass
class DueRow:
    unit: Unit
    cluster: Cluster
    window: ReportingWindow
    report: Report | None
    entry_open: bool
    extension: Extension | None = None

    @property
    def label(self) -> str:
        return parse_period(self.window.period).label()

    @property
    def status_label(self) -> str:
        return self.report.get_status_display() if self.report else ""

    @property
    def deadline(self) -> date:
        return unit_deadline(self.window, self.extension)

    @property
    def entry_closes(self) -> date:
        return entry_until(self.window, self.extension)


def officer_dues(user: Actor, today: date | None = None) -> list[DueRow]:
    """Each window of a cluster the officer's units belong to in the window's year."""
    today = today or timezone.localdate()
    units = perms.officer_unit_ids(user)
    if not units:
        return []
    memberships = Membership.objects.filter(unit_id__in=units).select_related("unit", "cluster")
    by_cluster_year = {(m.cluster_id, m.year): m for m in memberships}
    windows = ReportingWindow.objects.filter(
        cluster_id__in={m.cluster_id for m in memberships}
    ).order_by("-period")
    reports = {
        (r.cluster_id, r.unit_id, r.period): r
        for r in Report.objects.filter(
            unit_id__in=units, cluster_id__in={w.cluster_id for w in windows}
        )
    }
    extensions = {(e.window_id, e.unit_id): e for e in Extension.objects.filter(unit_id__in=units)}
    rows = []
    for w in windows:
        m = by_cluster_year.get((w.cluster_id, w.year))
        if m is None:
            continue
        report = reports.get((w.cluster_id, m.unit_id, w.period))
        extension = extensions.get((w.pk, m.unit_id))
        is_open = today <= entry_until(w, extension) or bool(
            report and report.entry_exception_until and today <= report.entry_exception_until
        )
        rows.append(DueRow(m.unit, m.cluster, w, report, is_open, extension))
    return rows


def visible_cluster_ids(user: Actor) -> set[int] | None:
    """None means every cluster (the board)."""
    if perms.is_board(user):
        return None
    ids = perms.viewer_cluster_ids(user)
    for year in Membership.objects.values_list("year", flat=True).distinct():
        ids |= perms.member_cluster_ids(user, year) | perms.secretariat_cluster_ids(user, year)
    return ids


_ROLE_ORDER: dict[str, int] = {MemberRole.HEAD: 0, MemberRole.DEPUTY: 1, MemberRole.MEMBER: 2}


@dataclass
class ClusterYear:
    cluster: Cluster
    year: int
    years: list[int]
    memberships: list[Membership]
    meetings: list[ReviewMeeting]
    covenant: Covenant | None
    targets: list
    movements: list
    windows: list[ReportingWindow]


def cluster_year(cluster: Cluster, year: int) -> ClusterYear:
    years = sorted(
        set(Membership.objects.filter(cluster=cluster).values_list("year", flat=True)), reverse=True
    )
    covenant = Covenant.objects.filter(cluster=cluster, year=year).first()
    meetings = [
        m
        for m in ReviewMeeting.objects.filter(cluster=cluster).select_related("host")
        if parse_period(m.period).year == year
    ]
    windows = sorted(
        (w for w in ReportingWindow.objects.filter(cluster=cluster) if w.year == year),
        key=lambda w: parse_period(w.period).end,
    )
    return ClusterYear(
        cluster=cluster,
        year=year,
        years=years,
        memberships=sorted(
            Membership.objects.filter(cluster=cluster, year=year).select_related("unit"),
            key=lambda m: (_ROLE_ORDER.get(m.role, 9), m.unit.code),
        ),
        meetings=_labelled(sorted(meetings, key=lambda m: parse_period(m.period).end)),
        covenant=covenant,
        targets=list(covenant.targets.select_related("indicator", "unit")) if covenant else [],
        movements=list(covenant.movements.all()) if covenant else [],
        windows=windows,
    )


def _labelled(meetings: list[ReviewMeeting]) -> list[ReviewMeeting]:
    for m in meetings:
        m.period_label = parse_period(m.period).label()  # type: ignore[attr-defined]
    return meetings


def latest_year(cluster: Cluster) -> int | None:
    return (
        Membership.objects.filter(cluster=cluster)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


@dataclass
class EntryRow:
    indicator: Indicator
    period: str
    current: Value | None
    held_by: str = ""  # the period of another report, submitted or accepted, that holds it


def _held_by(current: Value | None, report_period: str) -> str:
    """A year's plan entered in the accepted mid-year report is read-only in the annual one."""
    if current is None or current.report.period == report_period:
        return ""
    return "" if current.report.status in EDITABLE else current.report.period


def entry_rows(unit: Unit, report_period: str) -> list[EntryRow]:
    """One row per indicator an officer types in (derived ones are computed)."""
    indicators = [i for i in Indicator.objects.filter(active=True) if not i.is_derived]
    periods = {i.pk: value_period(i, report_period) for i in indicators}
    current = {
        (v.indicator_id, v.period): v
        for v in Value.objects.filter(
            unit=unit, indicator__in=indicators, period__in=set(periods.values()), is_current=True
        ).select_related("report")
    }
    rows = [EntryRow(i, periods[i.pk], current.get((i.pk, periods[i.pk]))) for i in indicators]
    for row in rows:
        row.held_by = _held_by(row.current, report_period)
    return rows


@dataclass
class History:
    indicator: Indicator
    period: str
    versions: list[Value]

    @property
    def current(self) -> Value | None:
        return next((v for v in self.versions if v.is_current), None)


def value_history(report: Report) -> list[History]:
    """Every version of the values this report carries, including older ones kept on file."""
    year = str(report.year)
    keys = set(report.values.values_list("indicator_id", "period"))
    versions = Value.objects.filter(
        unit_id=report.unit_id,
        indicator_id__in={k[0] for k in keys},
        period__in={report.period, year},
    ).select_related("indicator", "entered_by")
    grouped: dict[tuple, list[Value]] = defaultdict(list)
    for v in versions.order_by("indicator__position", "indicator__code", "version"):
        if (v.indicator_id, v.period) in keys:
            grouped[(v.indicator_id, v.period)].append(v)
    return [History(vs[0].indicator, vs[0].period, vs) for vs in grouped.values()]


def report_log(report: Report) -> list[Event]:
    """The report's transitions (submitted, accepted, returned, …), newest first."""
    return events(report, oldest_first=False, prefix="indicators.report.")
