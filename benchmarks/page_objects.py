"""What the `pages` figure needs beyond the generated registries (benchmarks.pages).

The generator makes registries, not workflows: a ballot (closed, for its minutes), a proposal
with a file, a backlog programme with a case, a scoring regulation of the figure's cluster and
year (2025) and an officer of its member unit are made here when the data has none, marked
"benchmark pages", and kept for the next runs. The writes that have a service go through it
(audited, as the system or the board member); the generator's CLI and `bench_board` are left
as they are.
"""

from __future__ import annotations

import datetime as dt

OFFICER = "bench_officer"
MARK = "benchmark pages"
# A one-page PDF, enough for the upload check (its signature) and the download.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def ensure_objects(cluster, unit_id: int | None, year: int) -> list[str]:
    """Make what is missing for the figure's cluster, member unit and year; what was made."""
    from django.db import transaction

    from thidua.awards.models import AwardType, Person

    made = []
    with transaction.atomic():
        person = Person.objects.exclude(unit=None).order_by("id").first()
        award = AwardType.objects.order_by("id").first()
        if cluster is not None and _closed_ballot(cluster, year):
            made.append("ballot")
        if person and award and _proposal(person, award):
            made.append("proposal")
        if person and award and _programme(person, award):
            made.append("programme")
        if cluster is not None and _regulation(cluster, year):
            made.append("regulation")
        if unit_id is not None and _officer(unit_id):
            made.append("officer")
        if _finished_job():
            made.append("job")
    return made


def officer():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=OFFICER)


def _finished_job() -> bool:
    """A background job of the board member's, done, with its file: the job's page and its
    download (what the worker leaves, written here as it writes it)."""
    from django.utils import timezone

    from benchmarks.generate import bench_user
    from thidua.jobs import files
    from thidua.jobs.models import Job

    if Job.objects.filter(title=MARK, state=Job.State.DONE).exists():
        return False
    path = files.write_output(PDF, ".pdf")
    now = timezone.now()
    Job.objects.create(
        kind=Job.Kind.REVIEW_PDF,
        title=MARK,
        state=Job.State.DONE,
        started_by=bench_user(),
        output_name="bao-cao.pdf",
        output_path=path.name,
        started_at=now,
        finished_at=now,
    )
    return True


def _closed_ballot(cluster, year: int) -> bool:
    """A session opened with no electors and closed through the service: below the quorum, so
    its minutes say no tally was made (the key ceremony needs trustees the data lacks)."""
    from django.utils import timezone

    from benchmarks.generate import bench_user
    from thidua.ballots import services
    from thidua.ballots.models import BallotSession, SessionStatus

    if BallotSession.objects.filter(status=SessionStatus.CLOSED).exists():
        return False
    now = timezone.now()
    session = BallotSession.objects.create(
        cluster=cluster, year=year, title=MARK, closes_at=now - dt.timedelta(minutes=1),
        status=SessionStatus.OPEN, opened_at=now - dt.timedelta(hours=1),
    )  # fmt: skip
    services.close_session(bench_user(), session, via="cli")
    return True


def _proposal(person, award) -> bool:
    from thidua.accounts.permissions import SYSTEM
    from thidua.awards import services
    from thidua.awards.models import DocumentKind, Proposal, ProposalFile

    proposal = Proposal.objects.order_by("id").first()
    made = proposal is None
    if made:
        unit = person.unit.parent or person.unit
        proposal = Proposal.objects.create(
            award_type=award, year=2025, person=person, proposing_unit=unit, achievements=MARK
        )
    if not ProposalFile.objects.filter(proposal=proposal).exists():
        services.attach_file(
            SYSTEM, proposal, name="to-trinh.pdf", content=PDF, kind=DocumentKind.SUBMISSION,
            via="cli",
        )  # fmt: skip
        made = True
    return made


def _programme(person, award) -> bool:
    from thidua.awards.models import BacklogCase, BacklogProgramme

    if BacklogProgramme.objects.exists():
        return False
    programme = BacklogProgramme.objects.create(
        code="BENCH", name=MARK, award_type=award, legal_basis="-"
    )
    BacklogCase.objects.create(
        programme=programme, full_name=person.full_name, birth_year=person.birth_year,
        unit=person.unit, war_period="chong_my", received_on=dt.date(2025, 1, 2),
    )  # fmt: skip
    return True


def _regulation(cluster, year: int) -> bool:
    """A small regulation of the year: one criterion ranked on an indicator with figures of the
    year, one scored by hand (the regulation, scores and minutes pages read it)."""
    from thidua.accounts.permissions import SYSTEM
    from thidua.indicators.models import Value
    from thidua.scoring import services
    from thidua.scoring.models import Regulation

    if Regulation.objects.filter(cluster=cluster, year=year).exists():
        return False
    found = Value.objects.filter(period__startswith=str(year)).order_by("indicator__code")
    indicator = found.values_list("indicator__code", "period").first()
    if indicator is None:
        return False
    ranked = {
        "code": "A1", "name": "Xếp hạng chỉ tiêu", "method": "rank", "max": 20,
        "indicator": indicator[0], "period": indicator[1], "rank_points": list(range(20, 0, -1)),
    }  # fmt: skip
    data = {
        "cluster": cluster.code, "year": year, "name": f"Quy định chấm điểm {year} ({MARK})",
        "legal_basis": "-",
        "criteria": [
            {"code": "A", "name": "Chỉ tiêu", "method": "section", "max": 20, "children": [ranked]},
            {"code": "B", "name": "Công tác thi đua", "method": "manual", "max": 10},
        ],
    }  # fmt: skip
    services.import_regulation(SYSTEM, data, via="cli")
    return True


def _officer(unit_id: int) -> bool:
    """The officer of the figure's member unit: the pages for officers are requested as it."""
    from django.contrib.auth import get_user_model

    from thidua.accounts.models import Role, RoleAssignment

    user, created = get_user_model().objects.get_or_create(
        username=OFFICER, defaults={"first_name": "Benchmark", "last_name": "Officer"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    _role, made = RoleAssignment.objects.get_or_create(
        user=user, role=Role.OFFICER, unit_id=unit_id, cluster=None
    )
    return made
