"""Leading units of clusters for a year: elected by ballot, else first in the published scores."""

from __future__ import annotations

from thidua.ballots.models import BallotSession, SessionStatus


def leading_units(year: int, organiser: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    sessions = BallotSession.objects.filter(
        year=year, status=SessionStatus.CLOSED, cluster__organiser=organiser, corrections=None
    ).select_related("cluster")
    voted = set()
    for s in sessions:
        for row in (s.result or {}).get("candidates", []):
            unit_id = _unit_id(s, row) if row.get("elected") is True else None
            if unit_id is not None:  # a person elected in a session is no leading unit
                found.append(
                    (unit_id, f"Được bầu dẫn đầu {s.cluster.name} năm {year} ({s.title}).")
                )
                voted.add(s.cluster_id)
    found.extend(_from_scores(year, organiser, voted))
    return found


def _unit_id(session: BallotSession, row: dict) -> int | None:
    return session.candidates.get(id=row["candidate_id"]).unit_id


def _from_scores(year: int, organiser: str, skip: set[int]) -> list[tuple[int, str]]:
    from thidua.scoring.engine import score
    from thidua.scoring.models import Regulation

    out = []
    regs = (
        Regulation.objects.filter(
            year=year, cluster__organiser=organiser, published_at__isnull=False
        )
        .exclude(cluster_id__in=skip)
        .select_related("cluster")
        .order_by("cluster_id", "-version")
    )
    seen = set()
    for reg in regs:
        if reg.cluster_id in seen:
            continue
        seen.add(reg.cluster_id)
        first = [r for r in score(reg) if r.rank == 1]
        if len(first) == 1:
            out.append(
                (
                    first[0].unit_id,
                    f"Đứng đầu bảng điểm đã công bố của {reg.cluster.name} năm {year}.",
                )
            )
    return out
