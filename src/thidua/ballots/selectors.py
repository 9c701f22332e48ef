"""Reads on ballot sessions for the pages and the API: counts only, never who chose what."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor, signed_in
from thidua.ballots.models import BallotSession, Elector, SessionStatus
from thidua.orgs.models import Cluster, Unit
from thidua.scoring.engine import current_regulation, score

# How many of the ranking's top members a new session proposes when none are chosen.
DEFAULT_CANDIDATES = 3


def ranking_candidates(cluster: Cluster, year: int) -> list[tuple[Unit, int | None]]:
    """Every member in ranking order with its score rank (none without a regulation)."""
    regulation = current_regulation(cluster, year)
    if regulation is None:
        return []
    results = score(regulation)
    units = Unit.objects.in_bulk([r.unit_id for r in results])
    return [(units[r.unit_id], r.rank) for r in results]


def default_candidates(cluster: Cluster, year: int, count: int = DEFAULT_CANDIDATES) -> list[tuple]:
    return ranking_candidates(cluster, year)[:count]


@dataclass
class Turnout:
    electorate: int
    voted: int
    quorum_pct: Decimal

    @property
    def pct(self) -> Decimal:
        if not self.electorate:
            return Decimal(0)
        return (Decimal(self.voted * 100) / self.electorate).quantize(Decimal("0.1"))

    @property
    def quorum_met(self) -> bool:
        return self.electorate > 0 and self.voted * 100 >= self.quorum_pct * self.electorate


def turnout(session: BallotSession) -> Turnout:
    electors = Elector.objects.filter(session=session)
    return Turnout(electors.count(), electors.filter(voted=True).count(), session.quorum_pct)


def may_view(user: Actor, session: BallotSession) -> bool:
    return perms.can_view_cluster(user, session.cluster_id, session.year) or is_elector(
        user, session
    )


def may_read_minutes(user: Actor, session: BallotSession) -> bool:
    """The minutes of a closed session: for the head's secretariat, the board and the electors."""
    if session.status != SessionStatus.CLOSED:
        return False
    return perms.can_run_cluster(user, session.cluster_id, session.year) or is_elector(
        user, session
    )


def is_elector(user: Actor, session: BallotSession) -> bool:
    return elector_of(user, session) is not None


def elector_of(user: Actor, session: BallotSession) -> Elector | None:
    if not signed_in(user):
        return None
    return Elector.objects.filter(session=session, user=user).first()


def sessions_for(cluster: Cluster, year: int) -> list[BallotSession]:
    return list(
        BallotSession.objects.filter(cluster=cluster, year=year)
        .select_related("corrects")
        .order_by("-id")
    )


def waiting_for(user: Actor) -> list[BallotSession]:
    """Open sessions in which the user may still vote."""
    if not signed_in(user):
        return []
    return list(
        BallotSession.objects.filter(
            status=SessionStatus.OPEN, electors__user=user, electors__voted=False
        ).select_related("cluster")
    )
