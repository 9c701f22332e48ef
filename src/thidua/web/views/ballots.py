"""Secret ballots: the head sets up, opens and closes a session; an elector votes once.

The pages show counts only while a session is open, and after counting the tally with the
published receipts; nothing shown links a person to a choice. The receipt is rendered in the
answer to the vote itself and kept nowhere else, so it is shown exactly once. A trustee
collects their key share once before voting opens (the answer to that POST, never cached) and
types it back after voting ends; only the sum is decrypted.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from thidua.accounts import permissions as perms
from thidua.awards.catalogue import award_name
from thidua.awards.models import AwardType, Subject
from thidua.ballots import selectors, services
from thidua.ballots.minutes import ballot_minutes_docx, ballot_minutes_name
from thidua.ballots.models import BallotSession, SessionStatus
from thidua.common.errors import ValidationFailed
from thidua.orgs.models import Cluster
from thidua.reports.docx import DOCX
from thidua.web import access, page_cache
from thidua.web.ballot_forms import CorrectionForm, SessionForm, VoteForm
from thidua.web.forms import form_issues


def _viewable_cluster(request: HttpRequest, code: str, year: int) -> Cluster:
    cluster = access.cluster_or_404(code)
    access.require(perms.can_view_cluster(request.user, cluster.pk, year))
    return cluster


def _session(request: HttpRequest, pk: int) -> BallotSession:
    session = get_object_or_404(BallotSession.objects.select_related("cluster"), pk=pk)
    access.require(selectors.may_view(request.user, session))
    return services.close_if_due(session)


def _back(session: BallotSession) -> HttpResponse:
    return redirect("web:ballot", pk=session.pk)


def _errors(request: HttpRequest, exc: ValidationFailed) -> None:
    for issue in exc.issues:
        messages.error(request, issue.message)


@login_required
def ballot_list(request: HttpRequest, code: str, year: int) -> HttpResponse:
    cluster = _viewable_cluster(request, code, year)
    context = {
        "cluster": cluster,
        "year": year,
        "sessions": selectors.sessions_for(cluster, year),
        "waiting": {s.pk for s in selectors.waiting_for(request.user)},
        "can_run": perms.can_run_cluster(request.user, cluster.pk, year),
    }
    return render(request, "web/ballots.html", context)


def _awards() -> list[AwardType]:
    """Awards a cluster proposes for its members: those given to collectives."""
    return [a for a in AwardType.objects.filter(active=True) if Subject.COLLECTIVE in a.subjects]


@login_required
def ballot_new(request: HttpRequest, code: str, year: int) -> HttpResponse:
    cluster = _viewable_cluster(request, code, year)
    access.require(perms.can_run_cluster(request.user, cluster.pk, year))
    form = SessionForm(
        selectors.ranking_candidates(cluster, year),
        services.default_electorate(cluster, year),
        _awards(),
        request.POST or None,
        default_count=selectors.DEFAULT_CANDIDATES,
    )
    issues = []
    if request.method == "POST":
        try:
            session = _create(request, form, cluster, year)
        except ValidationFailed as exc:
            issues = exc.issues
        else:
            messages.success(request, _("Đã tạo phiên bỏ phiếu; kiểm tra lại rồi mở bỏ phiếu."))
            return _back(session)
    context = {"cluster": cluster, "year": year, "form": form, "issues": issues}
    return render(request, "web/ballot_new.html", context)


def _create(request: HttpRequest, form: SessionForm, cluster: Cluster, year: int):
    if not form.is_valid():
        raise ValidationFailed(form_issues(form))
    data = form.cleaned_data
    return services.create_session(
        request.user,
        cluster,
        year,
        data["title"].strip(),
        data["closes_at"],
        candidates=form.chosen_candidates(),
        electors=form.chosen_electors(),
        rules=form.rules(),
        award_code=data["award_code"],
    )


@login_required
def ballot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    elector = selectors.elector_of(request.user, session)
    candidates = list(session.candidates.select_related("unit"))
    may_vote = session.status == SessionStatus.OPEN and elector is not None and not elector.voted
    may_close = session.status == SessionStatus.OPEN
    trustees = list(session.trustees.select_related("user"))
    context = {
        "trustees": trustees,
        "trustee": next((t for t in trustees if t.user_id == request.user.pk), None),
        "counted": sum(1 for t in trustees if t.partial is not None),
        "session": session,
        "candidates": candidates,
        "turnout": selectors.turnout(session),
        # Issue 20: before the deadline, not all voted -> closing asks for a reason.
        "early_close": services.early_close(session) if may_close else "",
        "elector": elector,
        "vote_form": VoteForm(candidates) if may_vote else None,
        "can_run": perms.can_run_cluster(request.user, session.cluster_id, session.year),
        "correction_form": CorrectionForm(),
        "corrections": list(session.corrections.all()),
        "minutes_url": _minutes_url(session, request.user),
        "award_name": award_name(session.award_code),
    } | _receipt_search(request, session)
    return render(request, "web/ballot.html", context)


def _receipt_search(request: HttpRequest, session: BallotSession) -> dict:
    """A voter looks up their own receipt in the published list (unit names for codes)."""
    receipts = (session.result or {}).get("receipts", [])
    wanted = "".join(request.GET.get("receipt", "").split()).upper()
    found = next((r for r in receipts if r["receipt"] == wanted), None) if wanted else None
    return {"receipts": receipts, "wanted": wanted, "found": found}


@login_required
def ballot_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """Biên bản kiểm phiếu (.docx) of a closed session: the head, the board and the electors."""
    session = _session(request, pk)
    if session.status != SessionStatus.CLOSED:
        raise Http404(_("Biên bản kiểm phiếu chỉ có khi phiên bỏ phiếu đã kết thúc."))
    access.require(selectors.may_read_minutes(request.user, session))
    # Counts and results only, no voter: the same document for whoever may read it.
    key = page_cache.download_key("ballot-minutes", request, session.pk)
    content = page_cache.built(request, key, lambda: ballot_minutes_docx(session))
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{ballot_minutes_name(session)}"'
    return response


@login_required
@require_POST
def ballot_open(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    try:
        services.open_session(request.user, session)
    except ValidationFailed as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Đã mở bỏ phiếu."))
    return _back(session)


@login_required
@require_POST
def ballot_close(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    try:
        services.close_session(request.user, session, reason=request.POST.get("reason", ""))
    except ValidationFailed as exc:
        _errors(request, exc)
    else:
        session.refresh_from_db()
        if session.status == SessionStatus.COUNTING:
            messages.success(
                request, _("Đã kết thúc bỏ phiếu; người giữ khóa nhập mảnh khóa để kiểm phiếu.")
            )
        else:
            messages.success(request, _("Đã kết thúc bỏ phiếu."))
    return _back(session)


@never_cache
@login_required
@require_POST
def ballot_vote(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    access.require(session.electors.filter(user=request.user).exists())
    form = VoteForm(list(session.candidates.select_related("unit")), request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(form_issues(form))
        receipt = services.cast_vote(request.user, session, form.approved_ids())
    except ValidationFailed as exc:
        _errors(request, exc)
        return _back(session)
    return render(request, "web/ballot_receipt.html", {"session": session, "receipt": receipt})


@never_cache
@login_required
@require_POST
def ballot_share(request: HttpRequest, pk: int) -> HttpResponse:
    """A trustee's key share, shown in this answer only: the server erases its copy."""
    session = _session(request, pk)
    try:
        code = services.collect_share(request.user, session)
    except ValidationFailed as exc:
        _errors(request, exc)
        return _back(session)
    return render(request, "web/ballot_share.html", {"session": session, "code": code})


@never_cache
@login_required
@require_POST
def ballot_count(request: HttpRequest, pk: int) -> HttpResponse:
    """A trustee types their share back; the tally is out once enough trustees have."""
    session = _session(request, pk)
    try:
        session = services.enter_share(request.user, session, request.POST.get("share", ""))
    except ValidationFailed as exc:
        _errors(request, exc)
    else:
        if session.status == SessionStatus.CLOSED:
            messages.success(request, _("Đã kiểm phiếu: kết quả được công bố."))
        else:
            messages.success(
                request, _("Đã nhận mảnh khóa của bạn; chờ người giữ khóa khác để kiểm phiếu.")
            )
    return _back(session)


@login_required
@require_POST
def ballot_correct(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    access.require(perms.can_run_cluster(request.user, session.cluster_id, session.year))
    form = CorrectionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(form_issues(form))
        data = form.cleaned_data
        new = services.correct(request.user, session, data["reason"], data["closes_at"])
    except ValidationFailed as exc:
        _errors(request, exc)
        return _back(session)
    messages.success(
        request, _("Đã tạo phiên bỏ phiếu lại; mở phiên mới để các thành viên bỏ phiếu.")
    )
    return _back(new)


def _minutes_url(session: BallotSession, user) -> str | None:
    """The minutes' link (biên bản kiểm phiếu, .docx): a closed session, for whoever may read
    them (`ballots.selectors.may_read_minutes`)."""
    if session.status != SessionStatus.CLOSED or not selectors.may_read_minutes(user, session):
        return None
    return reverse("web:ballot_minutes", args=[session.pk])
