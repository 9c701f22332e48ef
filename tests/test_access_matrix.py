"""Who may use which page and API operation: one table, every URL and operation, every role.

A new URL or API operation without a row here fails `test_every_*_has_a_row`: deciding who may
use it is part of adding it. Rows say which roles are let in; everyone else must be refused
(403/404, or the login page / 401 for the anonymous visitor).

Cast: `longan` officer of a TNB member (own unit: Long An), `hanoi` officer outside TNB,
`camau` head secretariat of TNB 2019, `bantw` central board, `xem` viewer of TNB.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

ROLES = ("anon", "longan", "hanoi", "camau", "bantw", "xem")
MEMBERS = {"longan", "camau", "bantw", "xem"}  # who may see the TNB cluster
RUNS = {"camau", "bantw"}  # the head's secretariat and the board
ENTERS = {"longan", "camau", "bantw"}  # Long An's own officer, the head, the board
ALL = {"longan", "hanoi", "camau", "bantw", "xem"}
EVERYONE = ALL | {"anon"}
BOARD = {"bantw"}
OWNER = {"longan"}  # the proposing unit's officer; Long An's own self-assessment
OFFICERS = {"longan", "hanoi", "camau"}  # officers propose for their own units
PROPOSERS = OFFICERS | BOARD  # the proposal pages: officers (their own) and the board (all)

# name: (method, allowed roles). Objects: TNB, 2019H1 (accepted reports) or 2019 (open),
# Long An's unit and report, a draft ballot session.
WEB = {
    "dashboard": ("get", ALL),
    "login": ("get", EVERYONE),
    "logout": ("post", ALL),  # the anonymous visitor is sent to the login page
    "two_factor": ("get", ALL),
    "password_change": ("get", ALL),
    "inbox": ("get", ALL),  # each user's own notices
    "inbox_read": ("post", ALL),
    "inbox_count": ("get", ALL),
    "notice_settings": ("post", ALL),  # each user's own e-mail preference
    "cluster": ("get", MEMBERS),
    "worklist": ("get", RUNS),
    "nudge": ("post", RUNS),  # Long An's 2019H1 report is in: a message, nothing sent
    "periods": ("get", RUNS),
    "period_extend": ("post", RUNS),  # without a unit: a message, nothing changes
    "review": ("get", MEMBERS),
    "review_chart": ("get", MEMBERS),
    "review_xlsx": ("get", MEMBERS),
    "review_docx": ("get", MEMBERS),
    "review_pdf": ("post", MEMBERS),  # starts the PDF in the worker (or: LibreOffice is missing)
    "review_publish": ("post", RUNS),
    "template_xlsx": ("get", MEMBERS),
    "upload": ("get", ENTERS),
    "upload_confirm": ("post", ENTERS),
    "upload_errors": ("get", ENTERS),  # a token of another session leads back to the upload
    "entry": ("get", ENTERS),
    "entry_check": ("post", ENTERS),
    "report": ("get", MEMBERS),
    "accept": ("post", RUNS),
    "return": ("post", RUNS),
    "reopen": ("post", RUNS),
    "exception": ("post", RUNS),
    "regulation": ("get", MEMBERS),
    "regulation_yaml": ("get", MEMBERS),
    "regulation_xlsx": ("get", MEMBERS),
    "regulation_upload": ("post", RUNS),
    "regulation_copy": ("post", RUNS),
    "ranking": ("get", MEMBERS),
    "ranking_xlsx": ("get", MEMBERS),
    "publish": ("post", RUNS),
    "scoring_minutes": ("get", RUNS),  # before publication; members too once published
    "sheet": ("get", ENTERS),
    "self_score": ("post", OWNER),  # the unit's own, not the head's nor the board's
    "review_score": ("post", RUNS),
    "ballots": ("get", MEMBERS),
    "ballot_new": ("get", RUNS),
    "ballot": ("get", MEMBERS),
    "ballot_open": ("post", RUNS),
    "ballot_close": ("post", RUNS),
    "ballot_correct": ("post", RUNS),
    "ballot_vote": ("post", {"longan", "camau"}),  # the electors among the cast
    "ballot_share": ("post", {"longan"}),  # the trustees among the cast (not the head)
    "ballot_count": ("post", {"longan"}),
    "ballot_minutes": ("get", set()),  # a draft session has no minutes yet: nobody
    # Commendation. Objects: a draft proposal of Long An for a person of its department.
    "lookup": ("get", EVERYONE),
    "awards": ("get", ALL),
    "proposals": ("get", PROPOSERS),
    "proposal_new": ("get", OFFICERS),
    "proposals_dossier": ("post", PROPOSERS),  # without ids: a message, back to the list
    "proposal": ("get", OWNER | BOARD),
    "proposal_edit": ("post", OWNER),
    "proposal_file": ("post", OWNER),  # the board adds files only while it reviews
    "proposal_submit": ("post", OWNER),
    "proposal_check": ("post", BOARD),
    "proposal_return": ("post", BOARD),
    "proposal_vote": ("post", BOARD),
    "proposal_ballot": ("post", BOARD),
    "proposal_forward": ("post", BOARD),
    "proposal_decide": ("post", BOARD),
    "proposal_reject": ("post", BOARD),
    "proposal_dossier": ("post", OWNER | BOARD),  # zipped by the worker: to the job's page
    "eligibility": ("get", PROPOSERS),
    "eligibility_batch": ("get", PROPOSERS),  # each officer his units' people (test_eligibility_*)
    "overdue": ("get", PROPOSERS),
    "person": ("get", ALL),  # the national ID only for OWNER | BOARD (test_web_awards)
    "duplicates": ("get", BOARD),
    "people_import": ("get", PROPOSERS),  # each officer his own unit's people (test_people_*)
    "duplicates_merge": ("post", BOARD),
    "backlog": ("get", ALL),  # counts for all; the cases' names only for PROPOSERS (their own)
    "backlog_xlsx": ("get", PROPOSERS),  # each officer its own units' cases, the board all
    "backlog_case_new": ("get", PROPOSERS),  # officers for their units, the board for any
    "backlog_import": ("post", PROPOSERS),  # without a file: a message, back to the programme
    # Objects: a received case of Long An in the demo programme.
    "backlog_case": ("get", OWNER | BOARD),
    "backlog_case_review": ("post", OWNER | BOARD),
    "backlog_case_return": ("post", OWNER | BOARD),  # from "received": a message (conflict)
    "backlog_case_award": ("post", BOARD),
    "backlog_case_reject": ("post", BOARD),  # without a reason: a message, nothing changes
    "proposal_file_download": ("get", OWNER | BOARD),  # an evidence file of the draft
    "registry": ("get", ALL),
    "registry_xlsx": ("get", ALL),
    "registry_import": ("get", BOARD),  # the upload page of a list for the registry
    "award_statistics": ("get", ALL),
    "award_chart": ("get", ALL),
    # Background work; the object is a dossier job started by Long An's officer.
    "job": ("get", OWNER | BOARD),  # the one who started it, and the board
    "job_download": ("get", OWNER | BOARD),
    # Any object's history; this row's object is the draft proposal (the other objects: HISTORY).
    "object_history": ("get", OWNER | BOARD),
}

# The history page per audited object: the rule of the object's own page; anyone else gets 404.
HISTORY = {
    "report": MEMBERS,  # Long An's accepted 2019H1 report
    "draft_report": ENTERS,  # Long An's 2019 draft: its own officer, the head, the board
    "proposal": OWNER | BOARD,  # Long An's draft proposal
    "person": ALL,  # the person page's rule; personal data inside only for OWNER | BOARD
    "session": MEMBERS,
    "regulation": MEMBERS,
    "score": ENTERS,  # a criterion of Long An's sheet: its own officer, the head, the board
    "window": MEMBERS,
    "indicator": ALL,
    "token": {"longan"} | BOARD,  # Long An's API token: its owner and the board
    "batch": BOARD,  # the demo load: no instance behind it
    "unknown": set(),  # an object type nobody audits: 404 even for the board
}

OPEN = "2019"  # the year-end window is open in the demo
R = "/api/v1/clusters/{code}/periods/{period}/reports"
S = "/api/v1/clusters/{code}/years/{year}"
P = "/api/v1/proposals/{proposal_id}"
B = "/api/v1/backlog/{programme}/cases"
API = {
    ("get", "/api/v1/me"): ALL,
    ("get", "/api/v1/units"): ALL,
    ("get", "/api/v1/units/{unit_id}/lineage"): ALL,
    ("get", "/api/v1/clusters"): ALL,
    ("get", "/api/v1/clusters/{code}"): ALL,
    ("get", "/api/v1/indicators"): ALL,
    ("get", R): MEMBERS,
    ("get", R + "/{unit_code}"): MEMBERS,
    ("put", R + "/{unit_code}/values"): ENTERS,
    ("post", R + "/{unit_code}/submit"): ENTERS,
    ("post", R + "/{unit_code}/accept"): RUNS,
    ("post", R + "/{unit_code}/return"): RUNS,
    ("post", R + "/{unit_code}/reopen"): RUNS,
    ("get", "/api/v1/clusters/{code}/periods/{period}/review"): MEMBERS,
    ("get", "/api/v1/clusters/{code}/periods/{period}/review/document"): MEMBERS,
    ("post", "/api/v1/clusters/{code}/periods/{period}/review/publish"): RUNS,
    ("get", S + "/regulation"): MEMBERS,
    ("post", S + "/regulation"): RUNS,
    ("get", S + "/scores"): MEMBERS,
    ("post", S + "/scores/publish"): RUNS,
    ("get", S + "/scores/minutes"): RUNS,
    ("get", S + "/scores/{unit_code}"): ENTERS,
    ("put", S + "/scores/{unit_code}/criteria/{criterion}/self"): OWNER,
    ("put", S + "/scores/{unit_code}/criteria/{criterion}/review"): RUNS,
    ("get", S + "/ballots"): MEMBERS,
    ("post", S + "/ballots"): RUNS,
    ("get", "/api/v1/ballots/{session_id}"): MEMBERS,
    ("get", "/api/v1/ballots/{session_id}/minutes"): set(),
    ("post", "/api/v1/ballots/{session_id}/open"): RUNS,
    ("post", "/api/v1/ballots/{session_id}/close"): RUNS,
    ("post", "/api/v1/ballots/{session_id}/vote"): {"longan", "camau"},
    ("post", "/api/v1/ballots/{session_id}/share"): {"longan"},
    ("post", "/api/v1/ballots/{session_id}/count"): {"longan"},
    ("get", "/api/v1/ballots/{session_id}/board"): MEMBERS,
    ("post", "/api/v1/ballots/{session_id}/correct"): RUNS,
    ("get", "/api/v1/proposals"): PROPOSERS,
    ("post", "/api/v1/proposals"): OFFICERS,
    ("get", P): OWNER | BOARD,
    ("patch", P): OWNER,
    ("post", P + "/files"): OWNER,
    ("post", P + "/submit"): OWNER,
    ("post", P + "/check"): BOARD,
    ("post", P + "/return"): BOARD,
    ("post", P + "/vote"): BOARD,
    ("post", P + "/forward"): BOARD,
    ("post", P + "/decide"): BOARD,
    ("post", P + "/reject"): BOARD,
    ("get", P + "/dossier"): OWNER | BOARD,
    ("post", "/api/v1/eligibility"): PROPOSERS,
    ("post", "/api/v1/eligibility/batch"): PROPOSERS,
    ("get", "/api/v1/people"): PROPOSERS,
    ("get", "/api/v1/people/{person_id}"): ALL,
    ("post", "/api/v1/people/import"): PROPOSERS,
    ("get", "/api/v1/overdue"): PROPOSERS,
    ("get", "/api/v1/backlog/{programme}"): ALL,
    ("get", B): PROPOSERS,  # each officer its own units' cases
    ("post", B): OWNER | BOARD,  # the body names Long An: its officer, the board
    ("get", B + "/{case_id}"): OWNER | BOARD,
    ("post", B + "/{case_id}/review"): OWNER | BOARD,
    ("post", B + "/{case_id}/return"): OWNER | BOARD,  # from "received": 409
    ("post", B + "/{case_id}/award"): BOARD,
    ("post", B + "/{case_id}/reject"): BOARD,
    ("get", P + "/files/{file_id}"): OWNER | BOARD,
    ("get", "/api/v1/registry"): ALL,
    ("get", "/api/v1/registry/statistics"): ALL,
}

BODIES = {
    # Backlog cases first: their "/return" and "/reject" are not the reports' or proposals'.
    B + "/{case_id}/review": {"note": ""},
    B + "/{case_id}/return": {"note": ""},
    B + "/{case_id}/reject": {"note": "thử"},
    B + "/{case_id}/award": {"number": "1/QĐ-CTN", "date": "2020-01-01", "signer": "Chủ tịch"},
    B: lambda objects: {
        "full_name": "Nguyễn Văn Tồn Đọng",
        "birth_year": 1940,
        "unit_id": objects["unit"].pk,
        "war_period": "chong_my",
        "received_on": "2026-01-05",
    },
    # Commendation: "/vote" and "/return" below are the ballots' and the reports'.
    P + "/vote": {"session_id": 1},
    P + "/return": {"reasons": "thử"},
    P + "/reject": {"reasons": "thử"},
    P + "/forward": {"to": "Thủ tướng Chính phủ"},
    P + "/decide": {"number": "1/QĐ", "date": "2020-01-01", "signer": "Chủ tịch"},
    "/api/v1/proposals": {"award": "CSTDBT", "year": 2025},
    "/api/v1/eligibility": {"award": "CSTDBT", "year": 2025},
    "/eligibility/batch": {"nominees": []},
    "/values": {"values": [{"indicator": "grdp_growth", "value": "7.0"}]},
    "/return": {"comment": "Kiểm tra lại"},
    "/reopen": {"reason": "Điều chỉnh"},
    "/self": {"points": "5", "note": "minh chứng"},
    "/review": {"points": "5", "reason": "thẩm định"},
    "/ballots": {"title": "Thử", "closes_at": "2030-01-01T00:00:00+07:00"},
    "/vote": {"approve": []},
    "/count": {"share": "TDK-1-1-0-000000"},
    "/correct": {"reason": "thử", "closes_at": "2030-01-01T00:00:00+07:00"},
}


@pytest.fixture
def objects(users, tnb, unit):
    from thidua.awards import backlog, services
    from thidua.awards.models import BacklogProgramme, Person
    from thidua.ballots import services as ballots
    from thidua.indicators.models import Report
    from thidua.orgs.models import Unit

    session = ballots.create_session(
        users["camau"],
        tnb,
        2019,
        "Thử",
        timezone.now() + timedelta(1),
        candidates=[(unit("80"), 1)],
    )
    report = Report.objects.get(cluster=tnb, unit=unit("80"), period="2019H1")
    person = Person.objects.create(
        full_name="Nguyễn Văn Ma Trận", birth_year=1980, unit=Unit.objects.get(code="80.STC")
    )
    proposal = services.create_proposal(users["longan"], award="CSTDBT", year=2025, person=person)
    evidence = services.attach_file(
        users["longan"], proposal, name="tờ trình.pdf", content=b"%PDF-1.4\n%", kind="to_trinh"
    )
    case = backlog.add_case(
        users["longan"],
        BacklogProgramme.objects.get(code="HCKC-TNB"),
        backlog.CaseInput("Nguyễn Văn Ma Trận", unit("80"), "chong_my", date(2026, 1, 5), 1940),
    ).case
    from thidua.jobs import services as jobs

    job = jobs.start_dossier(users["longan"], [proposal], "ho-so.zip")
    return {
        "job": job,
        "session": session,
        "report": report,
        "unit": unit("80"),
        "proposal": proposal,
        "person": person,
        "file": evidence,
        "case": case,
    }


def client_for(users, role: str) -> Client:
    client = Client()
    if role != "anon":
        client.force_login(users[role])
    return client


def refused(response, role: str) -> bool:
    if role == "anon":
        location = response.get("Location", "")
        return response.status_code in (401, 403, 404) or "/login/" in location
    return response.status_code in (403, 404)


def web_url(name: str, objects) -> str:
    from thidua.web import urls

    pattern = next(p for p in urls.urlpatterns if p.name == name)
    values = {
        "code": "TNB",
        "period": OPEN
        if name in ("entry", "entry_check", "upload", "upload_confirm", "upload_errors")
        else "2019H1",
        "year": 2019,
        "unit_id": objects["unit"].pk,
        "indicator": "grdp_growth",
        "pk": objects["session"].pk if name.startswith("ballot") else objects["report"].pk,
        "proposal_id": objects["proposal"].pk,
        "person_id": objects["person"].pk,
        "programme": "HCKC-TNB",
        "case_id": objects["case"].pk,
        "file_id": objects["file"].pk,
        "object_type": "awards.proposal",
        "object_id": str(objects["proposal"].pk),
        "token": "0" * 32,
        "job_id": objects["job"].pk,
    }
    return reverse(f"web:{name}", kwargs={k: values[k] for k in pattern.pattern.converters})


def web_names() -> set[str]:
    from thidua.web import urls

    return {p.name for p in urls.urlpatterns}


def api_operations() -> set[tuple[str, str]]:
    from thidua.api.app import api

    paths = api.get_openapi_schema()["paths"]
    return {(method, path) for path, ops in paths.items() for method in ops}


def test_every_page_has_a_row():
    assert web_names() == set(WEB), "decide who may use the new page and add its row"


def test_every_api_operation_has_a_row():
    assert api_operations() == set(API), "decide who may use the new operation and add its row"


@pytest.mark.parametrize("name", sorted(WEB))
def test_each_page_lets_in_exactly_its_roles(name, users, objects):
    method, allowed = WEB[name]
    url = web_url(name, objects)
    # Refused roles first: an allowed POST may change the state the next role sees.
    for role in sorted(ROLES, key=lambda r: r in allowed):
        response = getattr(client_for(users, role), method)(url)
        if role in allowed:
            assert not refused(response, role), (name, role, response.status_code)
            assert response.status_code != 405, (name, role)
        else:
            assert refused(response, role), (name, role, response.status_code)


@pytest.mark.parametrize("operation", sorted(API), ids=lambda op: f"{op[0]} {op[1]}")
def test_each_api_operation_lets_in_exactly_its_roles(operation, users, objects):
    method, path = operation
    allowed = API[operation]
    values = {
        "code": "TNB",
        "period": OPEN,
        "year": "2019",
        "unit_code": "80",
        "unit_id": str(objects["unit"].pk),
        "session_id": str(objects["session"].pk),
        "criterion": "B1",
        "proposal_id": str(objects["proposal"].pk),
        "person_id": str(objects["person"].pk),
        "programme": "HCKC-TNB",
        "case_id": str(objects["case"].pk),
        "file_id": str(objects["file"].pk),
    }
    if not path.endswith("/values"):
        values["period"] = "2019H1"  # the accepted mid-year reports exist; 2019's do not yet
    url = path.format(**values)
    body = next((b for suffix, b in BODIES.items() if path.endswith(suffix)), {})
    body = body(objects) if callable(body) else body
    for role in sorted(ROLES, key=lambda r: r in allowed):
        client = client_for(users, role)
        if method == "get":
            response = client.get(url)
        else:
            response = getattr(client, method)(url, json.dumps(body), "application/json")
        if role == "anon":
            assert response.status_code == 401, (operation, response.status_code)
        elif role in allowed:
            assert response.status_code not in (401, 403, 404, 405), (
                operation,
                role,
                response.status_code,
                response.content[:300],
            )
        else:
            assert response.status_code in (403, 404), (operation, role, response.status_code)


@pytest.fixture
def history_objects(users, tnb, unit, indicators, objects):
    """One audited object of each kind in HISTORY, as (object_type, object_id)."""
    from decimal import Decimal

    from thidua.accounts.audit import record
    from thidua.accounts.permissions import SYSTEM
    from thidua.accounts.tokens import create_token
    from thidua.indicators import services as reporting
    from thidua.indicators.models import Report, ReportingWindow
    from thidua.scoring.models import ManualScore, Regulation

    item = reporting.ValueInput(unit("80"), indicators["grdp_growth"], OPEN, Decimal("7.1"))
    reporting.write_values(users["longan"], tnb, OPEN, [item])
    draft = Report.objects.get(cluster=tnb, unit=unit("80"), period=OPEN)
    record(SYSTEM, "awards.person.exported", objects["person"], None, {"sections": ["person"]})
    token = create_token(users["longan"], users["longan"], "thử").token
    regulation = Regulation.objects.filter(cluster=tnb, year=2019).order_by("-version").first()
    score = ManualScore.objects.filter(criterion__regulation=regulation, unit=unit("80")).first()
    window = ReportingWindow.objects.get(cluster=tnb, period="2019H1")
    found = {
        "report": objects["report"],
        "draft_report": draft,
        "proposal": objects["proposal"],
        "person": objects["person"],
        "session": objects["session"],
        "regulation": regulation,
        "score": score,
        "window": window,
        "indicator": indicators["grdp_growth"],
        "token": token,
    }
    result = {k: (o._meta.label_lower, str(o.pk)) for k, o in found.items()}
    return result | {"batch": ("awards.demo", "1"), "unknown": ("orgs.unit", str(unit("80").pk))}


def test_every_history_row_has_its_object(history_objects):
    assert set(history_objects) == set(HISTORY)


@pytest.mark.parametrize("kind", sorted(HISTORY))
def test_each_history_lets_in_exactly_its_roles(kind, users, history_objects):
    allowed = HISTORY[kind]
    url = reverse("web:object_history", args=history_objects[kind])
    for role in ROLES:
        response = client_for(users, role).get(url)
        if role in allowed:
            assert response.status_code == 200, (kind, role, response.status_code)
        elif role == "anon":
            assert "/login/" in response.get("Location", ""), (kind, response.status_code)
        else:
            # 404, not 403: the page does not confirm that the object exists.
            assert response.status_code == 404, (kind, role, response.status_code)
