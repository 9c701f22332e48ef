"""The public look-up of awards (no login): a name without diacritics, the year and the award.

Only the public fields of an entry (`registry.as_public`: name, unit, award, decision number and
date) reach the page; the birth year, ratings and national ID are never read into it, and there
is no birth-year filter that would tell them. Bounded for harvesting: a query of at least two
letters, at most 50 results a page and 20 pages, and a number of searches per minute per address.

The same search as the registry page (`registry.matching`: ranges of the name indexes), counted
only up to the last page it may show: past that the page says "hơn 1.000 kết quả".
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from thidua.awards import registry
from thidua.web import ratelimit
from thidua.web.award_forms import LookupForm

PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
MAX_PAGES = 20


def _per_minute() -> int:
    return int(getattr(settings, "THIDUA_LOOKUP_PER_MINUTE", 30))


def _size(raw: str | None) -> int:
    return min(int(raw), MAX_PAGE_SIZE) if raw and raw.isdigit() and int(raw) > 0 else PAGE_SIZE


def lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET if request.GET.get("q") else None)
    context = {"form": form, "page": None, "rows": [], "limited": False, "max_pages": MAX_PAGES}
    status = 200
    if form.is_bound and form.is_valid():
        if ratelimit.allow(request, "lookup", _per_minute()):
            context |= _results(request, form.cleaned_data)
        else:
            context["limited"], status = True, 429
    response = render(request, "web/awards/lookup.html", context, status=status)
    # People's names: a search page, not something for search engines to index.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _row(entry) -> dict:
    """The public fields, and the decision date as a date for the page's dd/mm/yyyy."""
    row = registry.as_public(entry)
    day = row["decision_date"]
    return row | {"decision_day": date.fromisoformat(day) if day else None}


def _results(request: HttpRequest, data: dict) -> dict:
    found = registry.matching(data["q"], award=data["award"] or None, year=data["year"])
    size = _size(request.GET.get("size"))
    # Counted only as far as the pages shown reach (one more row tells "more than"): a common
    # name has tens of thousands of entries, and counting them all cost more than the search.
    shown = MAX_PAGES * size
    found.cap = shown + 1
    paginator = Paginator(found, size)
    wanted = request.GET.get("page", "1")
    number = min(int(wanted) if wanted.isdigit() else 1, MAX_PAGES)
    page = paginator.get_page(number)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "rows": [_row(e) for e in page.object_list],
        "query": query.urlencode(),
        "last_page": min(paginator.num_pages, MAX_PAGES),
        "capped": paginator.num_pages > MAX_PAGES,
        "more_than": shown if paginator.count > shown else None,
    }
