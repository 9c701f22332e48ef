"""A cluster's regulation of a year, the ranking, and one unit's scoring sheet.

Who sees which scores is `scoring.selectors.visible`; every write is a `scoring.services` call.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.accounts import permissions as perms
from thidua.common.errors import Conflict, ValidationFailed
from thidua.orgs.models import Cluster, Unit
from thidua.reports.docx import DOCX
from thidua.reports.official import FORM_LANGUAGE
from thidua.scoring import regulation_io, selectors, services
from thidua.scoring.engine import MemberScore, current_regulation, score
from thidua.scoring.exports import scores_xlsx
from thidua.scoring.minutes import scoring_minutes_docx, scoring_minutes_name
from thidua.scoring.models import Criterion, Regulation
from thidua.scoring.wording import tie_break_labels
from thidua.web import access, page_cache
from thidua.web.forms import form_issues
from thidua.web.scoring_forms import CopyForm, RegulationUploadForm, ScoreForm, parse_points

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _viewable(request: HttpRequest, code: str, year: int) -> Cluster:
    cluster = access.cluster_or_404(code)
    access.require(perms.can_view_cluster(request.user, cluster.pk, year))
    return cluster


def _regulation_or_404(cluster: Cluster, year: int) -> Regulation:
    regulation = current_regulation(cluster, year)
    if regulation is None:
        raise Http404(_("Cụm chưa có quy định chấm điểm năm này."))
    return regulation


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the regulation -----------------------------------------------------------------------


@login_required
def regulation_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    cluster = _viewable(request, code, year)
    return render(request, "web/regulation.html", _regulation_context(request, cluster, year))


def _regulation_context(request: HttpRequest, cluster: Cluster, year: int, **extra) -> dict:
    versions = list(Regulation.objects.filter(cluster=cluster, year=year).order_by("-version"))
    wanted = request.GET.get("version", "")
    chosen = next((r for r in versions if str(r.version) == wanted), None) or (
        versions[0] if versions else None
    )
    return {
        "cluster": cluster,
        "year": year,
        "regulation": chosen,
        "versions": versions,
        "nodes": selectors.criteria_tree(chosen) if chosen else [],
        "tie_break": tie_break_labels(chosen.tie_break if chosen else []),
        "previous": current_regulation(cluster, year - 1),
        "can_run": perms.can_run_cluster(request.user, cluster.pk, year),
        "upload_form": RegulationUploadForm(),
        "copy_form": CopyForm(initial={"to_year": year + 1}),
    } | extra


@login_required
def regulation_yaml(request: HttpRequest, code: str, year: int) -> HttpResponse:
    regulation = _regulation_or_404(_viewable(request, code, year), year)
    text = regulation_io.export_yaml(regulation)
    name = f"quy-dinh-{code}-{year}-v{regulation.version}.yaml"
    return _attachment(text.encode(), "application/yaml; charset=utf-8", name)


@login_required
def regulation_xlsx(request: HttpRequest, code: str, year: int) -> HttpResponse:
    regulation = _regulation_or_404(_viewable(request, code, year), year)
    name = f"quy-dinh-{code}-{year}-v{regulation.version}.xlsx"
    key = page_cache.download_key("regulation-xlsx", request, regulation.pk)
    content = page_cache.built(request, key, lambda: regulation_io.export_xlsx(regulation))
    return _attachment(content, XLSX, name)


@login_required
@require_POST
def regulation_upload(request: HttpRequest, code: str, year: int) -> HttpResponse:
    cluster = _viewable(request, code, year)
    access.require(perms.can_run_cluster(request.user, cluster.pk, year))
    form = RegulationUploadForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationFailed(form_issues(form))
        regulation = services.import_regulation_file(
            request.user,
            form.cleaned_data["file"].read(),
            excel=form.is_excel,
            target=(cluster, year),
        )
    except ValidationFailed as exc:
        context = _regulation_context(request, cluster, year, issues=exc.issues)
        context["upload_form"] = form
        return render(request, "web/regulation.html", context)
    messages.success(request, _("Đã tạo phiên bản %(v)s của quy định.") % {"v": regulation.version})
    return redirect("web:regulation", code=cluster.code, year=year)


@login_required
@require_POST
def regulation_copy(request: HttpRequest, code: str, year: int) -> HttpResponse:
    cluster = _viewable(request, code, year)
    access.require(perms.can_run_cluster(request.user, cluster.pk, year))
    regulation = _regulation_or_404(cluster, year)
    form = CopyForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(form_issues(form))
        to_year = form.cleaned_data["to_year"]
        copied = services.copy_to_year(request.user, regulation, to_year)
    except PermissionDenied:
        # The head of one year is not always the head of the next: the service says who is.
        msg = _(
            "Chỉ cụm trưởng năm %(t)s hoặc Ban Thi đua – Khen thưởng Trung ương "
            "tạo được quy định năm đó."
        )
        messages.error(request, msg % {"t": to_year})
        return redirect("web:regulation", code=cluster.code, year=year)
    except ValidationFailed as exc:
        for issue in exc.issues:
            messages.error(request, issue.message)
        return redirect("web:regulation", code=cluster.code, year=year)
    messages.success(
        request,
        _("Đã sao chép quy định năm %(y)s sang năm %(t)s (phiên bản %(v)s).")
        % {"y": year, "t": to_year, "v": copied.version},
    )
    return redirect("web:regulation", code=cluster.code, year=to_year)


# --- the ranking --------------------------------------------------------------------------


@login_required
def ranking_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    cluster = _viewable(request, code, year)
    regulation = current_regulation(cluster, year)
    context = {
        "cluster": cluster,
        "year": year,
        "regulation": regulation,
        "can_run": perms.can_run_cluster(request.user, cluster.pk, year),
        "minutes_url": _minutes_url(regulation, request.user),
    }
    if regulation is not None:
        results = score(regulation)
        sections = [c for c in results[0].criteria if c.parent is None] if results else []
        rows = selectors.visible(request.user, regulation, results)
        context["sections"] = sections
        context["rows"] = _ranking_rows(cluster, year, rows, results, {c.code for c in sections})
    return render(request, "web/ranking.html", context)


def _ranking_rows(
    cluster: Cluster, year: int, rows: list[dict], results: list[MemberScore], top: set[str]
) -> list[dict]:
    """The visible rows with their top-level points and, for a full row, the sheet's link."""
    ids = {r.unit_code: r.unit_id for r in results}
    for row in rows:
        row["sections"] = [c["points"] for c in row.get("criteria", []) if c["code"] in top]
        if row["full"]:
            row["sheet_url"] = reverse(
                "web:sheet", args=[cluster.code, year, ids[row["unit_code"]]]
            )
    return rows


@login_required
def ranking_xlsx(request: HttpRequest, code: str, year: int) -> HttpResponse:
    cluster = _viewable(request, code, year)
    regulation = _regulation_or_404(cluster, year)
    # The rows the reader may see (`selectors.visible`): the reader's own copy.
    key = page_cache.download_key("ranking-xlsx", request, regulation.pk, reader=True)
    content = page_cache.built(request, key, lambda: _ranking_workbook(request.user, regulation))
    return _attachment(content, XLSX, f"xep-hang-{cluster.code}-{year}.xlsx")


def _ranking_workbook(user, regulation: Regulation) -> bytes:
    with translation.override(FORM_LANGUAGE):  # the workbook's headings are Vietnamese
        data = {"ranking": selectors.visible(user, regulation, score(regulation))}
    return scores_xlsx(data)


@login_required
def ranking_minutes(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Biên bản chấm điểm, xếp hạng (.docx): the head and the board, everyone once published."""
    cluster = _viewable(request, code, year)
    regulation = _regulation_or_404(cluster, year)
    access.require(selectors.may_read_minutes(request.user, regulation))
    # Every member's points for whoever may read them: the same document for all of them.
    key = page_cache.download_key("scoring-minutes", request, regulation.pk)
    content = page_cache.built(request, key, lambda: scoring_minutes_docx(regulation))
    return _attachment(content, DOCX, scoring_minutes_name(regulation))


@login_required
@require_POST
def publish(request: HttpRequest, code: str, year: int) -> HttpResponse:
    cluster = _viewable(request, code, year)
    regulation = _regulation_or_404(cluster, year)
    services.publish(request.user, regulation)
    messages.success(request, _("Đã công bố kết quả chấm điểm; các thành viên xem được tổng điểm."))
    return redirect("web:ranking", code=cluster.code, year=year)


# --- one unit's sheet ---------------------------------------------------------------------


def _sheet_scope(request: HttpRequest, code: str, year: int, unit_id: int):
    cluster = _viewable(request, code, year)
    regulation = _regulation_or_404(cluster, year)
    unit = get_object_or_404(Unit, pk=unit_id)
    results = score(regulation)
    if all(r.unit_id != unit.pk for r in results):
        raise Http404(_("Đơn vị không thuộc cụm trong năm này."))
    member = selectors.full_sheet(request.user, regulation, results, unit.pk)
    access.require(member is not None)
    return cluster, regulation, unit, member


@login_required
def sheet_page(request: HttpRequest, code: str, year: int, unit_id: int) -> HttpResponse:
    return render(request, "web/sheet.html", _sheet_context(request, code, year, unit_id))


def _sheet_context(request: HttpRequest, code: str, year: int, unit_id: int, **extra) -> dict:
    cluster, regulation, unit, member = _sheet_scope(request, code, year, unit_id)
    open_ = regulation.published_at is None
    return {
        "cluster": cluster,
        "year": year,
        "regulation": regulation,
        "unit": unit,
        "member": member,
        "rows": selectors.sheet(regulation, member),
        "can_self": open_ and perms.can_self_score(request.user, unit.pk),
        "can_review": open_ and perms.can_review_score(request.user, cluster.pk, year, unit.pk),
    } | extra


@login_required
@require_POST
def self_score(request: HttpRequest, code: str, year: int, unit_id: int) -> HttpResponse:
    access.require(perms.can_self_score(request.user, unit_id))
    return _score(request, code, year, unit_id, services.self_score, "self")


@login_required
@require_POST
def review_score(request: HttpRequest, code: str, year: int, unit_id: int) -> HttpResponse:
    # Who may review is decided before the form is read: a refusal is a 403, not a message.
    cluster = access.cluster_or_404(code)
    access.require(perms.can_review_score(request.user, cluster.pk, year, unit_id))
    return _score(request, code, year, unit_id, services.review_score, "review")


def _score(
    request: HttpRequest, code: str, year: int, unit_id: int, write, kind: str
) -> HttpResponse:
    cluster, regulation, unit, _member = _sheet_scope(request, code, year, unit_id)
    form = ScoreForm(request.POST)
    criterion = None
    try:
        if not form.is_valid():
            raise ValidationFailed(form_issues(form))
        criterion = get_object_or_404(
            Criterion, regulation=regulation, code=form.cleaned_data["criterion"]
        )
        points = parse_points(form.cleaned_data["points"], criterion.max_points)
        write(
            request.user,
            criterion,
            unit,
            points,
            form.cleaned_data["note"],
            expected_version=form.cleaned_data["expected_version"],
        )
    except Conflict as exc:
        # Someone saved this score since the page was read: the page again, with the stored
        # scores and the user's own input kept in the open form (now at the current version).
        for issue in exc.issues:
            messages.error(request, issue.message)
        messages.info(
            request,
            _(
                "Trang đã hiện điểm mới nhất; điểm bạn vừa nhập vẫn còn trong biểu mẫu: "
                "lưu lần nữa nếu vẫn muốn thay."
            ),
        )
        kept = {"kind": kind, "code": criterion.code, "points": form.cleaned_data["points"]}
        kept["note"] = form.cleaned_data["note"]
        context = _sheet_context(request, code, year, unit_id, kept=kept)
        return render(request, "web/sheet.html", context, status=409)
    except ValidationFailed as exc:
        for issue in exc.issues:
            messages.error(request, issue.message)
    else:
        messages.success(request, _("Đã lưu điểm tiêu chí %(c)s.") % {"c": criterion.code})
    url = reverse("web:sheet", args=[cluster.code, year, unit.pk])
    return redirect(f"{url}#c-{criterion.code}" if criterion else url)


def _minutes_url(regulation: Regulation | None, user) -> str | None:
    """The scoring minutes' link (biên bản, .docx), for whoever may read them
    (`scoring.selectors.may_read_minutes`)."""
    if regulation is None or not selectors.may_read_minutes(user, regulation):
        return None
    return reverse("web:scoring_minutes", args=[regulation.cluster.code, regulation.year])
