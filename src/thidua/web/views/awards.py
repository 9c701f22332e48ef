"""Commendation pages around the proposals: the overview, the eligibility checker, overdue steps,
a person's record, possible duplicates with the reviewed merge, and backlog programmes."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.accounts import permissions as perms
from thidua.awards import selectors
from thidua.awards.backlog_selectors import progress
from thidua.awards.deadlines import overdue, overdue_row
from thidua.awards.duplicates import candidate_page, merge_people
from thidua.awards.eligibility import Nominee, evaluate
from thidua.awards.histories import may_import
from thidua.awards.models import (
    AwardType,
    BacklogProgramme,
    CaseStatus,
    Person,
    ProposalStatus,
)
from thidua.common.errors import ValidationFailed
from thidua.web import access
from thidua.web.award_forms import EligibilityForm, MergeForm
from thidua.web.forms import form_issues
from thidua.web.views.backlog import case_list_context
from thidua.web.views.proposals import nominee_pick, verdict_context


@login_required
def awards_home(request: HttpRequest) -> HttpResponse:
    """Where each role starts: its proposals and late steps, the registry, the programmes."""
    user = request.user
    access.require(perms.is_official(user))
    proposing = perms.uses_proposals(user)
    context = {
        "proposing": proposing,
        "can_propose": bool(perms.proposal_unit_ids(user)),
        "is_board": perms.is_board(user),
        "counts": selectors.status_counts(user) if proposing else {},
        "statuses": ProposalStatus.choices,
        "late": len(overdue(user)) if proposing else 0,
        "programmes": list(BacklogProgramme.objects.select_related("award_type")),
        "may_import_histories": may_import(user),
    }
    return render(request, "web/awards/home.html", context)


@login_required
def eligibility_page(request: HttpRequest) -> HttpResponse:
    """Person or collective + award + year → the verdict, each condition with its records."""
    user = request.user
    access.require(perms.uses_proposals(user))
    picked = nominee_pick(request)
    form = verdict = None
    if picked["person"] or picked["unit"]:
        subject = "individual" if picked["person"] else "collective"
        form = EligibilityForm(selectors.awards_for(subject), request.GET)
        if "award" in request.GET and form.is_valid():
            verdict = _verdict(form.cleaned_data, picked)
        elif "award" not in request.GET:
            form = EligibilityForm(selectors.awards_for(subject))
    context = picked | {"form": form}
    if verdict is not None:
        context |= verdict_context(verdict) | {"award_name": _award_name(verdict["award"])}
    return render(request, "web/awards/eligibility.html", context)


def _verdict(data: dict, picked: dict) -> dict:
    person, unit = picked["person"], picked["unit"]
    nominee = Nominee(
        data["award"],
        data["year"],
        person_id=person.pk if person else None,
        unit_id=unit.pk if unit else None,
        on=data.get("on"),
    )
    return evaluate(nominee).as_dict()


def _award_name(code: str) -> str:
    found = AwardType.objects.filter(code=code).first()
    return found.name if found else code


@login_required
def overdue_page(request: HttpRequest) -> HttpResponse:
    """Steps past their working-day deadline that this user must take."""
    user = request.user
    access.require(perms.uses_proposals(user))
    today = timezone.localdate()
    rows = [
        overdue_row(p, today) | {"due_date": p.due_on, "award_name": p.award_type.name}
        for p in overdue(user, today)
    ]
    context = {"rows": rows, "is_board": perms.is_board(user)}
    return render(request, "web/awards/overdue.html", context)


@login_required
def person_page(request: HttpRequest, person_id: int) -> HttpResponse:
    user = request.user
    access.require(perms.is_official(user))
    person = get_object_or_404(Person.objects.select_related("unit__parent"), pk=person_id)
    proposals = (
        selectors.proposal_list(user).filter(person=person) if perms.uses_proposals(user) else []
    )
    context = {
        "person": person,
        "card": selectors.person_card(user, person),
        "proposals": proposals,
        "may_check": selectors.may_check(user, person=person),
    }
    return render(request, "web/awards/person.html", context)


@login_required
def duplicates_page(request: HttpRequest) -> HttpResponse:
    """Namesakes of one birth year in the same or a similar unit: the board decides."""
    access.require(perms.is_board(request.user))
    groups, last = candidate_page(_after(request))
    context = {
        "groups": groups,
        "next": urlencode({"after": last[0], "born": last[1]}) if last else "",
    }
    context["continued"] = "after" in request.GET
    return render(request, "web/awards/duplicates.html", context)


def _after(request: HttpRequest) -> tuple[str, int] | None:
    """Where the page starts: after the namesake pair (name key, birth year) the last one ended
    at; from the start when none is given or it is malformed."""
    key, born = request.GET.get("after", ""), request.GET.get("born", "")
    return (key, int(born)) if key and born.isdigit() else None


@login_required
@require_POST
def duplicates_merge(request: HttpRequest) -> HttpResponse:
    access.require(perms.is_board(request.user))
    form = MergeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(form_issues(form))
        data = form.cleaned_data
        keep = get_object_or_404(Person, pk=data["keep"])
        other = get_object_or_404(Person, pk=data["other"])
        result = merge_people(request.user, keep, other, data["reason"])
    except ValidationFailed as exc:
        for issue in exc.issues:
            messages.error(request, issue.message)
    else:
        moved = sum(result.moved.values())
        msg = _("Đã hợp nhất hồ sơ #%(other)s vào #%(keep)s (%(n)s bản ghi chuyển sang).")
        messages.success(request, msg % {"other": other.pk, "keep": keep.pk, "n": moved})
    return redirect("web:duplicates")


@login_required
def backlog_page(request: HttpRequest, programme: str) -> HttpResponse:
    """A backlog programme's progress: counts by unit and status, pace and projected end."""
    access.require(perms.is_official(request.user))
    found = get_object_or_404(BacklogProgramme.objects.select_related("award_type"), code=programme)
    data = progress(found)
    context = {
        "programme": found,
        "data": data,
        "statuses": CaseStatus.choices,
        "award": found.award_type,
    } | case_list_context(request, found)
    return render(request, "web/awards/backlog.html", context)
