"""Where the pages link the minutes (biên bản, .docx) of a scoring or a ballot session.

A link is given only to a user who may download it (`scoring.selectors.may_read_minutes`,
`ballots.selectors.may_read_minutes`); without a user, the URL is given whenever it exists.
"""

from __future__ import annotations

from django.urls import reverse

from thidua.ballots import selectors as ballot_selectors
from thidua.ballots.models import BallotSession, SessionStatus
from thidua.scoring import selectors as scoring_selectors
from thidua.scoring.models import Regulation


def scoring_minutes_url(regulation: Regulation | None, user=None) -> str | None:
    if regulation is None:
        return None
    if user is not None and not scoring_selectors.may_read_minutes(user, regulation):
        return None
    return reverse("web:scoring_minutes", args=[regulation.cluster.code, regulation.year])


def ballot_minutes_url(session: BallotSession, user=None) -> str | None:
    if session.status != SessionStatus.CLOSED:
        return None
    if user is not None and not ballot_selectors.may_read_minutes(user, session):
        return None
    return reverse("web:ballot_minutes", args=[session.pk])
