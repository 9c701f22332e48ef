"""The cluster's figures for a period: table, ranking, chart and the Excel copy."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.reports.aggregation import review
from thidua.reports.charts import member_chart
from thidua.reports.documents import LibreOfficeMissing, review_docx, review_pdf
from thidua.reports.excel import review_xlsx as review_workbook
from thidua.reports.narrative import narrate
from thidua.web import access

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
        "narrative": narrate(data, cluster, "en" if get_language() == "en" else "vi"),
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
    svg = member_chart(entry, fmt="svg", language=get_language() or "vi", title=title).decode()
    # The page inlines the chart with htmx: the XML prolog and DOCTYPE do not belong in HTML.
    return HttpResponse(svg[svg.index("<svg") :], content_type="image/svg+xml")


@login_required
def review_xlsx(request: HttpRequest, code: str, period: str) -> HttpResponse:
    cluster, p, _run, data = _data(request, code, period)
    data["narrative"] = narrate(data, cluster, "vi")
    response = HttpResponse(review_workbook(data), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="tong-hop-{cluster.code}-{p.code}.xlsx"'
    )
    return response


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def review_document(request: HttpRequest, code: str, period: str, fmt: str) -> HttpResponse:
    """The review report as Word (official format) or PDF (through LibreOffice)."""
    cluster, p, can_run, data = _data(request, code, period)
    include_submitted = data["basis"] != "accepted"
    name = f"bao-cao-{cluster.code}-{p.code}"
    if fmt == "docx":
        content = review_docx(cluster, p.code, include_submitted=include_submitted)
        response = HttpResponse(content, content_type=DOCX)
    else:
        try:
            content = review_pdf(cluster, p.code, include_submitted=include_submitted)
        except LibreOfficeMissing as exc:
            return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
        response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
