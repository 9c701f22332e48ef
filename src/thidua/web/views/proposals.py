"""Commendation proposals: the list per role, a proposal's page with the steps the user may take,
the new-proposal form, evidence files and the dossier bundle.

Every write is an `awards.services` call; the page only offers what `services.may` allows, and
each step view asks the permission again before it reads the form.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models.functions import Coalesce, Lower
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.accounts import permissions as perms
from thidua.accounts.timeline import events
from thidua.awards import council, files, selectors, services
from thidua.awards.deadlines import STEP_FOR_STATUS, nominee_name, working_days_between
from thidua.awards.models import Person, Proposal, ProposalStatus, Verification
from thidua.awards.next_step import NextStep, next_step
from thidua.ballots.models import BallotSession
from thidua.common.errors import Conflict, Issue, ValidationFailed
from thidua.jobs import services as job_services
from thidua.orgs.models import Unit
from thidua.web import access
from thidua.web.award_forms import (
    CouncilVoteForm,
    DecideForm,
    EditForm,
    FileForm,
    ForwardForm,
    ProposalFilterForm,
    ProposalForm,
    ReasonForm,
    SubmitForm,
    VersionForm,
)
from thidua.web.forms import form_issues
from thidua.web.sorting import Sort
from thidua.web.views import jobs

PAGE_SIZE = 50


def _proposal(request: HttpRequest, proposal_id: int) -> Proposal:
    proposal = get_object_or_404(
        Proposal.objects.select_related(
            "award_type", "person__unit", "nominee_unit__parent", "proposing_unit", "ballot"
        ),
        pk=proposal_id,
    )
    access.require(perms.can_view_proposal(request.user, proposal))
    return proposal


def _back(proposal: Proposal) -> HttpResponse:
    return redirect("web:proposal", proposal_id=proposal.pk)


def _errors(request: HttpRequest, issues: list[Issue]) -> None:
    for issue in issues:
        messages.error(request, issue.message)


# The list


# The list's sortable columns: ORDER BY fields (the id breaks ties).
PROPOSAL_SORTS = {
    "id": (),
    "nominee": ("sort_name",),
    "award": ("award_type__name",),
    "year": ("year",),
    "unit": ("proposing_unit__name",),
    "status": ("status",),
    "due": ("due_on",),
}


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(perms.uses_proposals(user))
    form = ProposalFilterForm(request.GET or None)
    rows = selectors.proposal_list(user, **form.filters())
    sort = Sort.of(request, PROPOSAL_SORTS)
    if sort.column:
        if sort.column == "nominee":
            name = Coalesce("person__name_key", Lower("nominee_unit__name"))
            rows = rows.annotate(sort_name=name)
        rows = rows.order_by(*sort.order(PROPOSAL_SORTS[sort.column]))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    today = timezone.localdate()
    for p in page.object_list:
        p.days_late = days_late(p, today)
    context = {
        "form": form,
        "page": page,
        "rows": [(p, nominee_name(p)) for p in page.object_list],
        "counts": selectors.status_counts(user),
        "statuses": ProposalStatus.choices,
        "is_board": perms.is_board(user),
        "can_propose": bool(perms.proposal_unit_ids(user)),
        "query": query.urlencode(),
        "sort": sort,
    }
    return render(request, "web/awards/proposals.html", context)


def days_late(proposal: Proposal, today: date) -> int | None:
    """Working days past the due date of the step the proposal waits on (None: not late)."""
    if proposal.due_on is None or proposal.status not in STEP_FOR_STATUS:
        return None
    return working_days_between(proposal.due_on, today) or None


# A new proposal: pick the nominee, then the award, year and achievements


@login_required
def proposal_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(perms.may_propose(user))
    picked = nominee_pick(request)
    form = None
    if picked["person"] or picked["unit"]:
        subject = "individual" if picked["person"] else "collective"
        form = ProposalForm(selectors.awards_for(subject), request.POST or None)
        if request.method == "POST":
            try:
                proposal = _create(request, form, picked)
            except ValidationFailed as exc:
                _errors(request, exc.issues)
            else:
                messages.success(
                    request,
                    _("Đã tạo đề nghị. Hãy tải tài liệu minh chứng lên rồi gửi đề nghị."),
                )
                return _back(proposal)
    context = picked | {"form": form}
    return render(request, "web/awards/proposal_new.html", context)


def nominee_pick(request: HttpRequest) -> dict:
    """The person or collective chosen in the query string, or the search for one.

    Only nominees the user may check or propose for are found, or accepted when chosen.
    """
    user, params = request.user, request.GET
    person = unit = None
    if params.get("person", "").isdigit():
        person = get_object_or_404(Person, pk=int(params["person"]), merged_into=None)
        access.require(selectors.may_check(user, person=person))
    elif params.get("unit", "").isdigit():
        unit = get_object_or_404(Unit.objects.select_related("parent"), pk=int(params["unit"]))
        access.require(selectors.may_check(user, unit=unit))
    query = params.get("q", "").strip()[:100]
    return {
        "q": query,
        "person": person,
        "unit": unit,
        "unit_label": selectors.unit_label(unit) if unit else "",
        "people": selectors.people_for(user, query) if not (person or unit) else [],
        "units": selectors.units_for(user, query) if not (person or unit) else [],
        "is_board": perms.is_board(user),
    }


def _create(request: HttpRequest, form: ProposalForm, picked: dict) -> Proposal:
    if not form.is_valid():
        raise ValidationFailed(form_issues(form))
    data = form.cleaned_data
    return services.create_proposal(
        request.user,
        award=data["award"],
        year=data["year"],
        person=picked["person"],
        nominee_unit=picked["unit"],
        achievements=data["achievements"],
    )


# One proposal


@login_required
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, proposal_id)
    return render(request, "web/awards/proposal.html", _detail_context(request, proposal))


def _detail_context(request: HttpRequest, proposal: Proposal, **forms) -> dict:
    """The proposal page's context; `forms` replaces blank forms (a refused form, as typed)."""
    user = request.user
    verdict, kept = selectors.verdict_of(proposal)
    rule = selectors.rule_of(proposal)
    steps = services.available_transitions(user, proposal)
    step = next_step(proposal)
    late = proposal.due_on is not None and proposal.due_on < timezone.localdate()
    editable = perms.can_edit_proposal(user, proposal) and proposal.status in services.EDITABLE
    context = {
        "proposal": proposal,
        "nominee": nominee_name(proposal),
        "late": late and proposal.status in STEP_FOR_STATUS,
        "days": days_late(proposal, timezone.localdate()),
        "verdict_kept": kept,
        "rule_source": rule.source if rule is not None else "",
        "missing": selectors.missing_documents(proposal),
        "dossier": selectors.dossier_checklist(proposal),
        "next": step,
        "next_link": _next_link(proposal, step),
        "ballot_required": council.ballot_required(proposal) is not False,
        "council_session": step.session if step is not None else None,
        "files": list(proposal.files.select_related("uploaded_by")),
        "history": events(proposal),
        "steps": set(steps),
        "may_upload": services.may_attach(user, proposal),
        "editable": editable,
        "edit_form": EditForm(
            initial={"year": proposal.year, "achievements": proposal.achievements}
        ),
        "file_form": FileForm(),
        "submit_form": SubmitForm(),
        "return_form": ReasonForm(prefix="return"),
        "reject_form": ReasonForm(prefix="reject"),
        "vote_form": CouncilVoteForm(selectors.closed_sessions(proposal))
        if "vote" in steps
        else None,
        "forward_form": ForwardForm(initial={"to": proposal.award_type.conferred_by}),
        "decide_form": DecideForm(),
        "is_board": perms.is_board(user),
    } | verdict_context(verdict)
    return context | forms


# Where each next step is taken: a form on the page, the ballot, or the public look-up.
_STEP_ANCHORS = {
    "submit": "#submit-form",
    "check": "#check-form",
    "ballot_new": "#ballot-form",
    "vote": "#vote-form",
    "decide": "#decide-form",
}


def _next_link(proposal: Proposal, step: NextStep | None) -> str:
    if step is None:
        return ""
    if step.key == "ballot" and step.session is not None:
        return reverse("web:ballot", args=[step.session.pk])
    if step.key == "registry":
        return f"{reverse('web:lookup')}?{urlencode({'q': nominee_name(proposal)})}"
    return _STEP_ANCHORS.get(step.key, "")


def verdict_context(verdict: dict) -> dict:
    """The verdict with its rule: legal basis and how far the rule was checked against the text."""
    rule = verdict.get("rule") or None
    level = rule["verification"] if rule else None
    labels = dict(Verification.choices)
    valid_from = rule.get("valid_from") if rule else None
    on = verdict.get("on")
    return {
        "verdict": verdict,
        "verdict_on": date.fromisoformat(on) if on else None,
        "rule": rule,
        "rule_from": date.fromisoformat(valid_from) if valid_from else None,
        "verification_label": labels.get(level, level or ""),
        "unverified": level == Verification.UNVERIFIED,
        "partial": level == Verification.PARTIAL,
    }


@login_required
@require_POST
def proposal_edit(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, proposal_id)
    access.require(perms.can_edit_proposal(request.user, proposal))
    form = EditForm(request.POST)

    def run(data: dict) -> None:
        services.update_proposal(
            request.user,
            proposal,
            achievements=data["achievements"],
            year=data["year"],
            expected_version=data["expected_version"],
        )

    return _run(request, proposal, form, run, _("Đã lưu đề nghị."), "edit_form")


@login_required
@require_POST
def proposal_file(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, proposal_id)
    access.require(services.may_attach(request.user, proposal))
    form = FileForm(request.POST, request.FILES)

    def run(data: dict) -> None:
        upload = data["file"]
        services.attach_file(
            request.user, proposal, name=upload.name, content=upload, kind=data["kind"]
        )

    return _run(request, proposal, form, run, _("Đã thêm tài liệu vào hồ sơ."))


def _run(
    request, proposal, form, run: Callable[[dict], object], done: str, name: str | None = None
) -> HttpResponse:
    """Validate the form, run the service, say what happened, go back to the proposal.

    The form's data reaches `run` with the version the page showed (`expected_version`). A
    conflict (changed since, or a state that no longer allows the step) answers 409 with the
    page as it is now and the form (context key `name`) as the user filled it in.
    """
    version = VersionForm(request.POST)
    try:
        if not form.is_valid() or not version.is_valid():
            raise ValidationFailed(form_issues(form) + form_issues(version))
        run(form.cleaned_data | version.cleaned_data)
    except Conflict as exc:
        return _conflict(request, proposal, exc, **({name: form} if name else {}))
    except ValidationFailed as exc:
        _errors(request, exc.issues)
    else:
        messages.success(request, done)
    return _back(proposal)


def _conflict(request: HttpRequest, proposal: Proposal, exc: Conflict, **forms) -> HttpResponse:
    _errors(request, exc.issues)
    fresh = _proposal(request, proposal.pk)
    context = _detail_context(request, fresh, **forms)
    return render(request, "web/awards/proposal.html", context, status=409)


def _acting(request: HttpRequest, proposal_id: int, step: str) -> Proposal:
    """The proposal, once the user is one who takes this step (the state is the service's)."""
    proposal = _proposal(request, proposal_id)
    if services.TRANSITIONS[step].who == services.UNIT:
        access.require(perms.can_edit_proposal(request.user, proposal))
    else:
        access.require(perms.can_review_proposals(request.user))
    return proposal


@login_required
@require_POST
def proposal_submit(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _acting(request, proposal_id, "submit")

    def run(data: dict) -> None:
        services.submit_proposal(
            request.user,
            proposal,
            justification=data["justification"],
            expected_version=data["expected_version"],
        )

    form = SubmitForm(request.POST)
    return _run(request, proposal, form, run, _("Đã gửi đề nghị."), "submit_form")


@login_required
@require_POST
def proposal_check(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _acting(request, proposal_id, "check")

    def run(data: dict) -> None:
        services.check_proposal(request.user, proposal, expected_version=data["expected_version"])

    done = _("Đã xác nhận hồ sơ đủ; chờ hội đồng xét.")
    return _run(request, proposal, VersionForm(request.POST), run, done)


@login_required
@require_POST
def proposal_return(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _acting(request, proposal_id, "return")

    def run(data: dict) -> None:
        services.return_proposal(
            request.user, proposal, data["reasons"], expected_version=data["expected_version"]
        )

    done = _("Đã trả lại hồ sơ để đơn vị bổ sung.")
    form = ReasonForm(request.POST, prefix="return")
    return _run(request, proposal, form, run, done, "return_form")


@login_required
@require_POST
def proposal_vote(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _acting(request, proposal_id, "vote")
    form = CouncilVoteForm(selectors.closed_sessions(proposal), request.POST)

    def run(data: dict) -> None:
        session_id, candidate_id = form.chosen()
        session = None if session_id is None else get_object_or_404(BallotSession, pk=session_id)
        services.record_council_vote(
            request.user,
            proposal,
            session,
            candidate_id=candidate_id,
            expected_version=data["expected_version"],
        )

    done = _("Đã ghi kết quả bỏ phiếu của hội đồng.")
    return _run(request, proposal, form, run, done, "vote_form")


@login_required
@require_POST
def proposal_ballot(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """The council's secret ballot for the persons proposed: a draft session, then the ballot
    page (trustees collect their shares, the session opens)."""
    proposal = _acting(request, proposal_id, "vote")
    try:
        session = council.open_council_ballot(request.user, proposal, _closes_at(proposal))
    except ValidationFailed as exc:
        _errors(request, exc.issues)
        return _back(proposal)
    messages.success(request, _("Đã lập phiên bỏ phiếu kín #%(id)s.") % {"id": session.pk})
    return redirect("web:ballot", session.pk)


def _closes_at(proposal: Proposal) -> datetime:
    """The end of the council step's due day, or of the next day when that has passed."""
    today = timezone.localdate()
    day = proposal.due_on if proposal.due_on and proposal.due_on > today else today + timedelta(1)
    return timezone.make_aware(datetime.combine(day, time(17, 0)))


@login_required
@require_POST
def proposal_forward(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _acting(request, proposal_id, "forward")

    def run(data: dict) -> None:
        services.forward_proposal(
            request.user, proposal, to=data["to"], expected_version=data["expected_version"]
        )

    form = ForwardForm(request.POST)
    return _run(request, proposal, form, run, _("Đã trình cấp trên."), "forward_form")


@login_required
@require_POST
def proposal_decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _acting(request, proposal_id, "decide")

    def run(data: dict) -> None:
        services.decide_proposal(
            request.user,
            proposal,
            number=data["number"],
            decided_on=data["decided_on"],
            signer=data["signer"],
            expected_version=data["expected_version"],
        )

    done = _("Đã ghi quyết định khen thưởng; đã vào sổ khen thưởng.")
    return _run(request, proposal, DecideForm(request.POST), run, done, "decide_form")


@login_required
@require_POST
def proposal_reject(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _acting(request, proposal_id, "reject")

    def run(data: dict) -> None:
        services.reject_proposal(
            request.user, proposal, data["reasons"], expected_version=data["expected_version"]
        )

    done = _("Đã ghi kết luận không khen thưởng.")
    form = ReasonForm(request.POST, prefix="reject")
    return _run(request, proposal, form, run, done, "reject_form")


# One evidence file


@login_required
def proposal_file_download(request: HttpRequest, proposal_id: int, file_id: int) -> HttpResponse:
    """One evidence file, for those who may see the proposal. It is read from the name the
    server generated, sent as an attachment under a cleaned name, never sniffed or rendered."""
    proposal = _proposal(request, proposal_id)
    stored = files.evidence_file(request.user, proposal, file_id)
    handle = files.open_stored(stored) if stored is not None else None
    if handle is None:
        raise Http404(_("Không có tài liệu này trong hồ sơ."))
    return files.attachment_response(handle, stored)


# The dossier bundle


@login_required
@require_POST
def proposal_dossier(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, proposal_id)
    return _bundle(request, [proposal], f"ho-so-de-nghi-{proposal.pk}.zip")


@login_required
@require_POST
def proposals_dossier(request: HttpRequest) -> HttpResponse:
    """One bundle for several proposals of one proposing unit, ticked on the list."""
    access.require(perms.uses_proposals(request.user))
    ids = [int(x) for x in request.POST.getlist("id") if x.isdigit()][:200]
    found = {p.pk: p for p in Proposal.objects.filter(pk__in=ids).select_related("proposing_unit")}
    proposals = [found[i] for i in dict.fromkeys(ids) if i in found]
    name = (
        f"ho-so-{proposals[0].proposing_unit.code}-{timezone.localdate():%Y%m%d}.zip"
        if proposals
        else ""
    )
    return _bundle(request, proposals, name, back="web:proposals")


def _bundle(request, proposals: list[Proposal], filename: str, back: str = "") -> HttpResponse:
    """The bundle is zipped by the background worker; its page offers the file when ready."""
    try:
        job = job_services.start_dossier(request.user, proposals, filename)
    except ValidationFailed as exc:
        _errors(request, exc.issues)
        if back:
            return redirect(back)
        return redirect("web:proposal", proposal_id=proposals[0].pk)
    return jobs.to_job(request, job)
