"""The start page: what each role has to do or may look at."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from thidua.accounts import permissions as perms
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
    }
    return render(request, "web/dashboard.html", context)


def _viewer_clusters(user) -> set[int]:
    return selectors.visible_cluster_ids(user) or set()


def _worklists(user) -> list[dict]:
    return [
        {"window": w, "rows": worklist(w.cluster, w.period)} for w in selectors.run_windows(user)
    ]
