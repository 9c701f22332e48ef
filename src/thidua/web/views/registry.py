"""The registry of awards for officials: search (name without diacritics, filters), the Excel
copy of the results, and statistics by year, award or unit with a chart.

Officials see the birth year (it tells namesakes apart); the public look-up never does.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.awards import registry, selectors
from thidua.awards.charts import MAX_BARS, statistics_chart
from thidua.awards.name_search import by_name, nearest_names
from thidua.awards.registry_excel import registry_workbook
from thidua.common.text import name_key
from thidua.web import access, page_cache
from thidua.web.award_forms import RegistryForm
from thidua.web.sorting import Sort

PAGE_SIZE = 50
# The page's Excel copy; a bigger extract is the CLI's work.
MAX_EXPORT = 20_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _official(request: HttpRequest) -> None:
    access.require(perms.is_official(request.user))


# The columns the results sort by. Up to SORT_BOUND results are sorted here whatever the column;
# past that only by name, and only without a name typed (the (name_key, year) index reads them
# in that order), so that no sort makes the database order the whole registry.
SORT_BOUND = 1000
REGISTRY_SORTS = {
    "name": lambda e: (e.name_key, e.pk),
    "born": lambda e: None if e.birth_year is None else (e.birth_year, e.pk),
    "unit": lambda e: (name_key(e.unit_name), e.pk) if e.unit_name else None,
    "award": lambda e: (name_key(e.award_type.name), e.pk),
    "year": lambda e: (e.year, e.pk),
    "decided": lambda e: None if e.decision_date is None else (e.decision_date, e.pk),
}


@login_required
def registry_page(request: HttpRequest) -> HttpResponse:
    _official(request)
    form = RegistryForm(request.GET or None)
    criteria = form.criteria()
    page, sort, unsorted, approximate = None, Sort.of(request, REGISTRY_SORTS), False, False
    if criteria is not None:
        found = registry.matching(**criteria)
        found.cap = MAX_EXPORT + 1  # counted up to "more than the export holds"
        hits, sort, unsorted = _sorted(found, sort, criteria)
        page = Paginator(hits, PAGE_SIZE).get_page(request.GET.get("page"))
        approximate = found.approximate
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "approximate": approximate,
        "searched": criteria["query"] if criteria else "",
        # Nothing found for a name: the nearest names of the registry, as links (issue 20).
        "suggestions": nearest_names(criteria["query"])
        if page is not None and not page.paginator.count and criteria["query"]
        else [],
        "rows": [(e, registry.as_search_row(e)) for e in page.object_list] if page else [],
        "query": query.urlencode(),
        "max_export": MAX_EXPORT,
        "sort": sort,
        "unsorted": unsorted,
        "sort_bound": SORT_BOUND,
        "can_import": perms.is_board(request.user),
    }
    return render(request, "web/awards/registry.html", context)


def _sorted(found, sort: Sort, criteria: dict):
    """The hits in the asked column's order; (hits, sort, True) when there are too many to sort
    by that column (then in the search's own order, and the page says so)."""
    if sort.column is None:
        return found, sort, False
    total = found.count()
    if total <= SORT_BOUND:
        return sort.sorted(found[:total], REGISTRY_SORTS[sort.column]), sort, False
    if sort.column == "name" and not name_key(criteria["query"]):
        filters = {k: v for k, v in criteria.items() if k != "query"}
        hits = by_name(descending=sort.descending, **filters)
        hits.cap = found.cap
        return hits, sort, False
    return found, Sort(None, False, sort.query), True


@login_required
def registry_xlsx(request: HttpRequest) -> HttpResponse:
    _official(request)
    # The same for every official: the search and sort of the query string decide it, and it
    # holds at most MAX_EXPORT rows (page_cache does not keep a file above its size bound).
    key = page_cache.download_key("registry-xlsx", request)
    content = page_cache.built(request, key, lambda: _registry_workbook(request))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="so-khen-thuong.xlsx"'
    return response


def _registry_workbook(request: HttpRequest) -> bytes:
    criteria = RegistryForm(request.GET or None).criteria()
    entries = []
    if criteria is not None:
        # In the order chosen on the page (its link carries sort and dir), as the page sorts.
        found = registry.matching(**criteria)
        found.cap = MAX_EXPORT + 1
        hits, _sort, _unsorted = _sorted(found, Sort.of(request, REGISTRY_SORTS), criteria)
        entries = hits[:MAX_EXPORT]
    return registry_workbook(entries)


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
    language = get_language() or "vi"
    key = f"statistics-chart:{by}:{language}"
    svg = page_cache.built(request, key, lambda: _statistics_svg(by, language))
    return HttpResponse(svg, content_type="image/svg+xml")


def _statistics_svg(by: str, language: str) -> bytes:
    rows = [(r["label"], r["count"]) for r in selectors.registry_statistics(by)]
    title = _("Số khen thưởng trong sổ: %(by)s") % {"by": str(BY_LABELS[by]).lower()}
    return statistics_chart(rows, title=title, horizontal=by != "year", language=language)
