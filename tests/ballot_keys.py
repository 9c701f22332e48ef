"""Test helpers for the trustees of a ballot: collect every share, open, close and count.

A real trustee keeps the code on paper or in a file; here the codes are kept in memory per
session so a test can type them back at counting.
"""

from __future__ import annotations

from thidua.ballots import services
from thidua.ballots.models import BallotSession, SessionStatus

CODES: dict[int, dict[str, str]] = {}


def collect(session: BallotSession) -> dict[str, str]:
    codes = CODES.setdefault(session.pk, {})
    for trustee in session.trustees.select_related("user").filter(collected=False):
        codes[trustee.user.username] = services.collect_share(trustee.user, session)
    return codes


def open_ballot(head, session: BallotSession) -> BallotSession:
    collect(session)
    return services.open_session(head, session)


def count(session: BallotSession, how_many: int | None = None) -> BallotSession:
    """The first trustees (by index) type their shares back until the tally is out."""
    session.refresh_from_db()
    if session.status != SessionStatus.COUNTING:
        return session
    codes = CODES[session.pk]
    trustees = list(session.trustees.select_related("user").order_by("index"))
    for trustee in trustees[: how_many or session.threshold]:
        services.enter_share(trustee.user, session, codes[trustee.user.username])
    session.refresh_from_db()
    return session


def close_ballot(head, session: BallotSession, *, reason: str = "") -> BallotSession:
    """Close (before the deadline, while some have not voted, a reason is needed) and count."""
    services.close_session(head, session, reason=reason)
    session.refresh_from_db()
    if session.status == SessionStatus.COUNTING:
        count(session)
    return session
