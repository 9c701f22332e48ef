"""Backlog programmes' cases: the list (on the programme's page), a new case, one case with the
steps the user may take, the Excel copy and the Excel import.

Every write is an `awards.backlog` call; each view asks the permission before it reads the form.
Names, birth years and next of kin are personal data: an officer sees its own units' cases,
the board all of them; other officials see the programme's counts only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from thidua.accounts.timeline import events
from thidua.awards import backlog, backlog_permissions, backlog_selectors
from thidua.awards.backlog_excel import XLSX, cases_workbook, export_filename, import_cases
from thidua.awards.models import BacklogCase, BacklogProgramme, CaseStatus
from thidua.common.errors import Issue, ValidationFailed
from thidua.common.text import name_key
from thidua.web import access, page_cache
from thidua.web.backlog_forms import (
    AwardForm,
    CaseFilterForm,
    CaseForm,
    ImportForm,
    RejectForm,
    StepForm,
)
from thidua.web.forms import form_issues
from thidua.web.sorting import Sort

PAGE_SIZE = 50
# Messages shown for a refused import; the rest are counted.
MAX_MESSAGES = 20

STEP_FORMS = {"review": StepForm, "return": StepForm, "reject": RejectForm, "award": AwardForm}
STEP_DONE = {
    "review": gettext_lazy("Đã chuyển hồ sơ sang thẩm định."),
    "return": gettext_lazy("Đã trả hồ sơ về bước tiếp nhận."),
    "award": gettext_lazy("Đã ghi kết quả khen thưởng; quyết định đã vào sổ khen thưởng."),
    "reject": gettext_lazy("Đã ghi kết luận không đủ điều kiện khen thưởng."),
}


def _programme(code: str) -> BacklogProgramme:
    return get_object_or_404(BacklogProgramme.objects.select_related("award_type"), code=code)


def _case(request: HttpRequest, programme: str, case_id: int) -> BacklogCase:
    case = get_object_or_404(
        BacklogCase.objects.select_related("programme__award_type", "unit__parent"),
        pk=case_id,
        programme__code=programme,
    )
    access.require(backlog_permissions.can_view_case(request.user, case))
    return case


def _back(case: BacklogCase) -> HttpResponse:
    return redirect("web:backlog_case", programme=case.programme.code, case_id=case.pk)


def _errors(request: HttpRequest, issues: list[Issue]) -> None:
    for issue in issues[:MAX_MESSAGES]:
        where = _("Dòng %(r)s: ") % {"r": issue.row} if issue.row else ""
        messages.error(request, f"{where}{issue.message}")
    if len(issues) > MAX_MESSAGES:
        more = _("… và %(n)s lỗi khác.") % {"n": len(issues) - MAX_MESSAGES}
        messages.error(request, more)


# The list, on the programme's page


# The case list's sortable columns: ORDER BY fields (the id breaks ties).
CASE_SORTS = {
    "id": (),
    "name": ("name_key", "birth_year"),
    "born": ("birth_year",),
    "unit": ("unit__name",),
    "period": ("war_period",),
    "received": ("received_on",),
    "status": ("status",),
}


def _filtered(request: HttpRequest, programme: BacklogProgramme):
    form = CaseFilterForm(request.GET or None)
    filters = form.filters()
    qs = backlog_selectors.cases_for(request.user, programme)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    key = name_key(filters.get("q", ""))
    if key:
        qs = qs.filter(name_key__contains=key)
    return form, qs.order_by("-received_on", "-id")


def case_list_context(request: HttpRequest, programme: BacklogProgramme) -> dict:
    """What the programme's page shows of its cases to this user (nothing to a viewer)."""
    user = request.user
    if not backlog_permissions.may_see_cases(user):
        return {"may_see_cases": False, "may_add_cases": False}
    form, qs = _filtered(request, programme)
    sort = Sort.of(request, CASE_SORTS)
    if sort.column:
        qs = qs.order_by(*sort.order(CASE_SORTS[sort.column]))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "may_see_cases": True,
        "may_add_cases": backlog_permissions.may_add(user),
        "case_form": form,
        "case_page": page,
        "case_query": query.urlencode(),
        "case_sort": sort,
        "import_form": ImportForm(),
    }


# A new case


@login_required
def case_new(request: HttpRequest, programme: str) -> HttpResponse:
    user = request.user
    access.require(backlog_permissions.may_add(user))
    found = _programme(programme)
    form = CaseForm(backlog_selectors.units_for(user), request.POST or None)
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise ValidationFailed(form_issues(form))
            added = backlog.add_case(user, found, form.case_input())
        except ValidationFailed as exc:
            _errors(request, exc.issues)
        else:
            msg = _("Đã tiếp nhận hồ sơ #%(id)s của %(name)s.")
            messages.success(request, msg % {"id": added.case.pk, "name": added.case.full_name})
            for warning in added.warnings:
                messages.warning(request, warning.message)
            return _back(added.case)
    context = {"programme": found, "award": found.award_type, "form": form}
    return render(request, "web/awards/backlog_case_new.html", context)


# One case


@login_required
def case_detail(request: HttpRequest, programme: str, case_id: int) -> HttpResponse:
    case = _case(request, programme, case_id)
    steps = backlog_permissions.available_steps(request.user, case)
    context = {
        "case": case,
        "programme": case.programme,
        "steps": set(steps),
        "review_form": StepForm(prefix="review"),
        "return_form": StepForm(prefix="return"),
        "reject_form": RejectForm(prefix="reject"),
        "award_form": AwardForm(prefix="award"),
        "entry": backlog_selectors.registry_entries([case]).get(case.pk),
        "history": events(case, statuses=dict(CaseStatus.choices)),
        "warnings": backlog_selectors.already_awarded(
            case.programme, case.full_name, case.birth_year, exclude=case.pk
        )
        if case.status in backlog_permissions.OPEN
        else [],
    }
    return render(request, "web/awards/backlog_case.html", context)


@login_required
@require_POST
def case_step(request: HttpRequest, programme: str, case_id: int, step: str) -> HttpResponse:
    case = _case(request, programme, case_id)
    access.require(backlog_permissions.may_take(request.user, case, step))
    form = STEP_FORMS[step](request.POST, prefix=step)
    try:
        if not form.is_valid():
            raise ValidationFailed(form_issues(form))
        data = form.cleaned_data
        decision = (
            backlog.Decision(data["number"], data["decided_on"], data["signer"])
            if step == "award"
            else None
        )
        backlog.take_step(request.user, case, step, note=data["note"], decision=decision)
    except ValidationFailed as exc:  # a Conflict too: the case moved on meanwhile
        _errors(request, exc.issues)
    else:
        messages.success(request, str(STEP_DONE[step]))
    return _back(case)


# Excel


@login_required
def cases_xlsx(request: HttpRequest, programme: str) -> HttpResponse:
    """The cases the user sees, with the page's filters."""
    access.require(backlog_permissions.may_see_cases(request.user))
    found = _programme(programme)
    _form, qs = _filtered(request, found)
    # The cases this reader sees, with the filters of the query string (at most MAX_EXPORT rows).
    key = page_cache.download_key("cases-xlsx", request, found.pk, reader=True)
    content = page_cache.built(request, key, lambda: cases_workbook(found, qs))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(found)}"'
    return response


@login_required
@require_POST
def cases_import(request: HttpRequest, programme: str) -> HttpResponse:
    user = request.user
    access.require(backlog_permissions.may_add(user))
    found = _programme(programme)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        _errors(request, form_issues(form))
        return redirect("web:backlog", programme=found.code)
    upload = form.cleaned_data["file"]
    result = import_cases(user, found, upload, filename=upload.name)
    if not result.ok:
        messages.error(request, _("Chưa nhập hồ sơ nào: tệp có lỗi, hãy sửa rồi tải lên lại."))
        _errors(request, result.errors)
    else:
        msg = _("Đã nhập %(n)s hồ sơ.") % {"n": len(result.added)}
        messages.success(request, msg)
        for warning in result.warnings[:MAX_MESSAGES]:
            messages.warning(request, _("Dòng %(r)s: ") % {"r": warning.row} + warning.message)
    return redirect("web:backlog", programme=found.code)
