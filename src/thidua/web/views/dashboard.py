"""The start page: what each role has to do or may look at."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from thidua.accounts import permissions as perms
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
    }
    return render(request, "web/dashboard.html", context)


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
