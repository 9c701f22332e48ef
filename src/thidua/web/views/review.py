"""The cluster's figures for a period: table, ranking, chart and the Excel copy."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.reports.aggregation import review
from thidua.web import access
from thidua.web.charts import ranking_svg
from thidua.web.exports import write_review

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _data(request: HttpRequest, code: str, period: str):
    cluster, p = access.viewable_cluster(request.user, code, period)
    can_run = perms.can_run_cluster(request.user, cluster.pk, p.year)
    include_submitted = can_run and request.GET.get("submitted") == "1"
    return cluster, p, can_run, review(cluster, p.code, include_submitted=include_submitted)


def _chosen(request: HttpRequest, data: dict) -> str | None:
    wanted = request.GET.get("indicator")
    if wanted in data["indicators"]:
        return wanted
    return next(iter(data["indicators"]), None)


def _name(entry: dict) -> str:
    return entry["name_en"] if get_language() == "en" else entry["name"]


@login_required
def review_page(request: HttpRequest, code: str, period: str) -> HttpResponse:
    cluster, p, can_run, data = _data(request, code, period)
    chosen = _chosen(request, data)
    context = {
        "cluster": cluster,
        "period": p,
        "data": data,
        "rows": [(c, e, _name(e)) for c, e in data["indicators"].items()],
        "chosen": chosen,
        "entry": data["indicators"].get(chosen),
        "can_run": can_run,
        "include_submitted": data["basis"] != "accepted",
        "illustrative": any(e.get("illustrative") for e in data["indicators"].values()),
    }
    return render(request, "web/review.html", context)


@login_required
def review_chart(request: HttpRequest, code: str, period: str) -> HttpResponse:
    _cluster, _p, _run, data = _data(request, code, period)
    chosen = _chosen(request, data)
    if chosen is None:
        return HttpResponse(status=204)
    entry = data["indicators"][chosen]
    title = _name(entry)
    if entry.get("illustrative"):
        title = f"{title} ({_('số liệu minh họa')})"
    svg = ranking_svg(entry, title, _("bình quân"))
    return HttpResponse(svg, content_type="image/svg+xml")


@login_required
def review_xlsx(request: HttpRequest, code: str, period: str) -> HttpResponse:
    cluster, p, _run, data = _data(request, code, period)
    stream = io.BytesIO()
    write_review(data, stream)
    response = HttpResponse(stream.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="tong-hop-{cluster.code}-{p.code}.xlsx"'
    )
    return response
