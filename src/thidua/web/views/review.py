"""The cluster's figures for a period: table, ranking, chart and the Excel copy."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.accounts import permissions as perms
from thidua.common.errors import ValidationFailed
from thidua.jobs import services as job_services
from thidua.reports import publication as publications
from thidua.reports.charts import member_chart, thread_figure
from thidua.reports.excel import review_xlsx as review_workbook
from thidua.reports.publication import review_file
from thidua.web import access, page_cache
from thidua.web.views import errors, jobs

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _viewer(request: HttpRequest, code: str, period: str):
    """The cluster and period the user may see, whether they run the cluster, and whether
    submitted reports count too (asked with ?submitted=1, only by those who run it)."""
    cluster, p = access.viewable_cluster(request.user, code, period)
    can_run = perms.can_run_cluster(request.user, cluster.pk, p.year)
    return cluster, p, can_run, can_run and request.GET.get("submitted") == "1"


def _live(request: HttpRequest) -> bool:
    """?live=1: the figures as they are now rather than the published ones."""
    return request.GET.get("live") == "1"


def _chosen(wanted: str | None, codes) -> str | None:
    if wanted in codes:
        return wanted
    return next(iter(codes), None)


def _language() -> str:
    return "en" if get_language() == "en" else "vi"


def _name(entry: dict) -> str:
    return entry["name_en"] if _language() == "en" else entry["name"]


class _Parts:
    """The review's rendered parts for one request, from the page cache while nothing changed.

    A part depends only on its key: cluster, period, language, whether the viewer runs the
    cluster and asked for submitted reports too, and the indicator. Which indicators have
    figures is kept under the key without the indicator, so an unknown `?indicator=` falls back
    to the first one without computing the review.
    """

    def __init__(self, request: HttpRequest, code: str, period: str):
        self.cluster, self.p, self.can_run, self.include_submitted = _viewer(request, code, period)
        self.language = _language()
        self.live = _live(request)
        self.pdf_missing = job_services.pdf_missing()
        self.base = (
            f"review:{self.cluster.pk}:{self.p.code}:{self.language}:"
            f"{int(self.can_run)}:{int(self.include_submitted)}:{int(self.live)}:"
            f"{int(self.pdf_missing is None)}"
        )
        self.stamp = page_cache.request_stamp(request) if page_cache.enabled() else None
        self.wanted = request.GET.get("indicator")
        self._shown = None

    def shown(self) -> publications.Shown:
        if self._shown is None:
            self._shown = publications.shown_review(
                self.cluster, self.p.code, live=self.live, include_submitted=self.include_submitted
            )
            codes = list(self._shown.data["indicators"])
            page_cache.put(self.base, self.stamp, codes)
        return self._shown

    def data(self) -> dict:
        return self.shown().data

    def chosen(self) -> str | None:
        codes = page_cache.get(self.base, self.stamp)
        if codes is None:
            codes = list(self.data()["indicators"])
        return _chosen(self.wanted, codes)

    def part(self, kind: str, build) -> str:
        chosen = self.chosen()
        return page_cache.cached(f"{self.base}:{kind}:{chosen}", self.stamp, lambda: build(chosen))


@login_required
def review_page(request: HttpRequest, code: str, period: str) -> HttpResponse:
    if not page_cache.enabled() or page_cache.has_messages(request):
        return HttpResponse(_page(request, _Parts(request, code, period)))
    # The whole page for this reader, address and language, with the CSRF token put in per
    # request. Found under the current stamp, it was rendered for this reader after the access
    # checks, and nothing they read (roles, clusters, accounts) has been written since: their
    # answer stands, so they are not asked again. A refusal is never stored.
    now = page_cache.request_stamp(request)
    key = page_cache.page_key(f"review-page:{_language()}", request)
    html = page_cache.cached(
        key, now, lambda: _page(request, _Parts(request, code, period), page_cache.TOKEN)
    )
    return HttpResponse(page_cache.with_token(html, request))


def _page(request: HttpRequest, parts: _Parts, csrf_token: str | None = None) -> str:
    body = parts.part("body", lambda chosen: _body(parts, chosen))
    context = {
        "cluster": parts.cluster,
        "period": parts.p,
        "body": mark_safe(body),  # noqa: S308
        "can_run": parts.can_run,
    }
    if csrf_token is not None:
        context["csrf_token"] = csrf_token  # the view's context wins over the context processor
    return render_to_string("web/review.html", context, request)


def _body(parts: _Parts, chosen: str | None) -> str:
    shown, cluster = parts.shown(), parts.cluster
    data = shown.data
    context = {
        "LANGUAGE_CODE": parts.language,
        "cluster": cluster,
        "period": parts.p,
        "data": data,
        "rows": [(c, e, _name(e)) for c, e in data["indicators"].items()],
        "chosen": chosen,
        "entry": data["indicators"].get(chosen),
        "can_run": parts.can_run,
        "include_submitted": parts.include_submitted,
        "illustrative": any(e.get("illustrative") for e in data["indicators"].values()),
        "narrative": shown.narrative(parts.language),
        "publication": shown.publication,
        "live": shown.live,
        "changes": shown.changes,
        "query": "&submitted=1" if parts.include_submitted else ("&live=1" if parts.live else ""),
        "pdf_missing": parts.pdf_missing,
        "document_query": "?submitted=1"
        if parts.include_submitted
        else ("?live=1" if parts.live else ""),
    }
    # No request: nothing of the viewer beyond the cache key can reach the stored part.
    return render_to_string("web/_review_body.html", context)


@login_required
def review_chart(request: HttpRequest, code: str, period: str) -> HttpResponse:
    parts = _Parts(request, code, period)
    svg = parts.part("chart", lambda chosen: _chart(parts, chosen))
    if not svg:
        return HttpResponse(status=204)
    return HttpResponse(svg, content_type="image/svg+xml")


def _chart(parts: _Parts, chosen: str | None) -> str:
    if chosen is None:
        return ""
    entry = parts.data()["indicators"][chosen]
    title = _name(entry)
    if entry.get("illustrative"):
        title = f"{title} ({_('số liệu minh họa')})"
    svg = member_chart(
        entry, fmt="svg", language=parts.language, title=title, figure=thread_figure()
    ).decode()
    # The page inlines the chart with htmx: the XML prolog and DOCTYPE do not belong in HTML.
    return svg[svg.index("<svg") :]


def _review_workbook(cluster, p, live: bool, include_submitted: bool) -> bytes:
    shown = publications.shown_review(
        cluster, p.code, live=live, include_submitted=include_submitted
    )
    shown.narrative("vi")
    return review_workbook(shown.data)


@login_required
def review_xlsx(request: HttpRequest, code: str, period: str) -> HttpResponse:
    cluster, p, _run, include_submitted = _viewer(request, code, period)
    live = _live(request)
    # The figures depend on the cluster, period, live or published and submitted or not, never on
    # the reader beyond that; the headings on the language (the key holds it).
    key = page_cache.download_key(
        "review-xlsx", request, cluster.pk, p.code, live, include_submitted
    )
    content = page_cache.built(
        request, key, lambda: _review_workbook(cluster, p, live, include_submitted)
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="tong-hop-{cluster.code}-{p.code}.xlsx"'
    )
    return response


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def review_document(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """The review report as Word (official format): the published document as it was
    published, unless the live figures are asked for."""
    cluster, p, _run, include_submitted = _viewer(request, code, period)
    live = _live(request)
    # Built once per write (python-docx takes seconds): the write stamp says when to build again.
    # Keyed by what is shown: the published document, or the live figures (with or without the
    # submitted reports), whoever asked for them.
    published = None if (live or include_submitted) else publications.latest(cluster, p.code)
    source = f"published-{published.pk}" if published is not None else "live"
    key = (
        f"review-document:{cluster.pk}:{p.code}:{get_language()}:{source}:{int(include_submitted)}"
    )
    content = page_cache.built(
        request,
        key,
        lambda: review_file(
            cluster, p.code, pdf=False, live=live, include_submitted=include_submitted
        ),
    )
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{cluster.code}-{p.code}.docx"'
    return response


@login_required
@require_POST
def review_pdf(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """The same document as PDF, made by LibreOffice in the background worker: the job's page
    follows its progress and offers the file. Without LibreOffice the page offers no PDF; asked
    anyway, the answer says what the server needs."""
    cluster, p, _run, include_submitted = _viewer(request, code, period)
    try:
        job = job_services.start_review_pdf(
            request.user, cluster, p, live=_live(request), submitted=include_submitted
        )
    except ValidationFailed as exc:
        return errors.error_page(request, 503, exc.issues[0].message)
    return jobs.to_job(request, job)


@login_required
@require_POST
def review_publish(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """Publish the accepted figures of the period for its meeting (the page asks to confirm)."""
    cluster, p = access.runnable_cluster(request.user, code, period)
    publications.publish_review(request.user, cluster, p.code)
    messages.success(
        request, _("Đã công bố báo cáo; trang này, văn bản và API hiển thị bản đã công bố.")
    )
    return redirect("web:review", code=cluster.code, period=p.code)
