"""Where the pages link the minutes (biên bản, .docx) of a scoring or a ballot session.

TODO(minutes): the .docx minutes are being built in `thidua.reports`; when they exist, return
their URL here and the “Tải biên bản (.docx)” links appear on the ranking and ballot pages.
"""

from __future__ import annotations

from thidua.ballots.models import BallotSession
from thidua.scoring.models import Regulation


def scoring_minutes_url(regulation: Regulation | None) -> str | None:
    return None


def ballot_minutes_url(session: BallotSession) -> str | None:
    return None
