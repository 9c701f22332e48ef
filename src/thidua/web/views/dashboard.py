"""The start page: what each role has to do or may look at."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from thidua.accounts import permissions as perms
from thidua.awards import selectors as award_selectors
from thidua.awards.deadlines import overdue
from thidua.ballots.selectors import waiting_for
from thidua.common.periods import parse_period
from thidua.indicators.models import VISIBLE_TO_PEERS, ReportStatus
from thidua.indicators.selectors import worklist
from thidua.web import selectors


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    board = perms.is_board(user)
    context = {
        "is_board": board,
        "summaries": selectors.cluster_summaries(None if board else _viewer_clusters(user)),
        "worklists": [] if board else _worklists(user),
        "dues": selectors.officer_dues(user),
        "ballots": waiting_for(user),
        "awards": _awards(user),
    }
    return render(request, "web/dashboard.html", context)


def _awards(user) -> dict | None:
    """The commendation card: proposals waiting on this user and late steps."""
    if not perms.is_official(user):
        return None
    if not perms.uses_proposals(user):
        return {"proposing": False}
    counts = award_selectors.status_counts(user)
    board = perms.is_board(user)
    waiting = (
        counts["submitted"] + counts["checked"] + counts["voted"] + counts["forwarded"]
        if board
        else counts["draft"] + counts["returned"]
    )
    return {
        "proposing": True,
        "board": board,
        "can_propose": bool(perms.proposal_unit_ids(user)),
        "waiting": waiting,
        "late": len(overdue(user)),
        "decided": counts["decided"],
    }


def _viewer_clusters(user) -> set[int]:
    return selectors.visible_cluster_ids(user) or set()


def _worklists(user) -> list[dict]:
    return [
        _worklist_summary(w, worklist(w.cluster, w.period)) for w in selectors.run_windows(user)
    ]


def _worklist_summary(window, rows) -> dict:
    """Counts for the whole cluster; rows only for what waits on the head."""
    return {
        "window": window,
        "label": parse_period(window.period).label(),
        "rows": rows,
        "received": sum(r.status in VISIBLE_TO_PEERS for r in rows),
        "accepted": sum(r.status == ReportStatus.ACCEPTED for r in rows),
        "late": sum(r.is_late for r in rows),
        "pending": [
            r for r in rows if r.status == ReportStatus.SUBMITTED or r.changed_since_acceptance
        ],
    }
