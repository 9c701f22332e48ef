"""The registry of awards for officials: search (name without diacritics, filters), the Excel
copy of the results, and statistics by year, award or unit with a chart.

Officials see the birth year (it tells namesakes apart); the public look-up never does.
"""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from thidua.accounts import permissions as perms
from thidua.awards import registry, selectors
from thidua.awards.charts import MAX_BARS, statistics_chart
from thidua.awards.name_search import nearest_names
from thidua.common.spreadsheet import safe_row
from thidua.web import access
from thidua.web.award_forms import RegistryForm

PAGE_SIZE = 50
# The page's Excel copy; a bigger extract is the CLI's work.
MAX_EXPORT = 20_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _official(request: HttpRequest) -> None:
    access.require(perms.is_official(request.user))


@login_required
def registry_page(request: HttpRequest) -> HttpResponse:
    _official(request)
    form = RegistryForm(request.GET or None)
    criteria = form.criteria()
    page = None
    if criteria is not None:
        found = registry.matching(**criteria)
        found.cap = MAX_EXPORT + 1  # counted up to "more than the export holds"
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "searched": criteria["query"] if criteria else "",
        # Nothing found for a name: the nearest names of the registry, as links (issue 20).
        "suggestions": nearest_names(criteria["query"])
        if page is not None and not page.paginator.count and criteria["query"]
        else [],
        "rows": [(e, registry.as_search_row(e)) for e in page.object_list] if page else [],
        "query": query.urlencode(),
        "max_export": MAX_EXPORT,
        "can_import": perms.is_board(request.user),
    }
    return render(request, "web/awards/registry.html", context)


@login_required
def registry_xlsx(request: HttpRequest) -> HttpResponse:
    _official(request)
    criteria = RegistryForm(request.GET or None).criteria()
    entries = registry.matching(**criteria)[:MAX_EXPORT] if criteria is not None else []
    response = HttpResponse(_workbook(entries), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="so-khen-thuong.xlsx"'
    return response


def _workbook(entries) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Sổ khen thưởng"))
    headings = [
        _("Họ và tên / tập thể"),
        _("Năm sinh"),
        _("Đơn vị"),
        _("Hình thức khen thưởng"),
        _("Năm"),
        _("Số quyết định"),
        _("Ngày quyết định"),
    ]
    for width, letter in zip((34, 10, 44, 40, 8, 18, 16), "ABCDEFG", strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([_bold(sheet, h) for h in headings])
    for e in entries:
        sheet.append(
            safe_row(
                [
                    e.recipient_name,
                    e.birth_year,
                    e.unit_name,
                    e.award_type.name,
                    e.year,
                    e.decision_number,
                    e.decision_date.strftime("%d/%m/%Y") if e.decision_date else None,
                ]
            )
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bold(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


def _by(request: HttpRequest) -> str:
    wanted = request.GET.get("by", "year")
    return wanted if wanted in selectors.STATISTICS else "year"


BY_LABELS = {
    "year": gettext_lazy("Theo năm"),
    "award": gettext_lazy("Theo hình thức"),
    "unit": gettext_lazy("Theo đơn vị"),
}


@login_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    _official(request)
    by = _by(request)
    rows = selectors.registry_statistics(by)
    context = {
        "by": by,
        "choices": list(BY_LABELS.items()),
        "rows": rows[:200],
        "more": max(len(rows) - 200, 0),
        "total": sum(r["count"] for r in rows),
        "many": len(rows) > MAX_BARS,
    }
    return render(request, "web/awards/statistics.html", context)


@login_required
def statistics_chart_svg(request: HttpRequest) -> HttpResponse:
    _official(request)
    by = _by(request)
    rows = [(r["label"], r["count"]) for r in selectors.registry_statistics(by)]
    title = _("Số khen thưởng trong sổ: %(by)s") % {"by": str(BY_LABELS[by]).lower()}
    svg = statistics_chart(
        rows, title=title, horizontal=by != "year", language=get_language() or "vi"
    )
    return HttpResponse(svg, content_type="image/svg+xml")
