"""The REST API under /api/v1/: who may read and write what, errors, schema and docs.

Cast: `camau` runs TNB in 2019, `longan` (80) and `kiengiang` (91) are officers of TNB members,
`hanoi` is an officer outside TNB, `xem` views TNB. TNB's `2019` window is open (see demo).
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from thidua.accounts import tokens
from thidua.accounts.permissions import SYSTEM
from thidua.indicators import services
from thidua.indicators.models import Report, ReportingWindow, ReportStatus, Value
from thidua.orgs.models import Membership
from thidua.reports.aggregation import review

V1 = "/api/v1"
TNB_2019 = f"{V1}/clusters/TNB/periods/2019/reports"
TNB_H1 = f"{V1}/clusters/TNB/periods/2019H1/reports"


@pytest.fixture
def as_user(users):
    def login(username: str, **kwargs) -> Client:
        client = Client(**kwargs)
        client.force_login(users[username])
        return client

    return login


def body(response) -> dict | list:
    return json.loads(response.content, parse_float=Decimal)


def put_values(client: Client, unit_code: str, values: list[dict], **extra) -> object:
    payload = json.dumps({"values": values, **extra})
    return client.put(f"{TNB_2019}/{unit_code}/values", payload, content_type="application/json")


def growth(value) -> list[dict]:
    return [{"indicator": "grdp_growth", "value": value}]


def current(unit, code: str = "grdp_growth", period: str = "2019") -> Value | None:
    return Value.objects.filter(
        unit=unit, indicator__code=code, period=period, is_current=True
    ).first()


# --- authentication ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", f"{V1}/me"),
        ("get", f"{V1}/units"),
        ("get", f"{V1}/clusters/TNB"),
        ("get", f"{TNB_H1}"),
        ("get", f"{V1}/clusters/TNB/periods/2019H1/review"),
        ("post", f"{TNB_H1}/80/accept"),
    ],
)
def test_anonymous_gets_401(client, db, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_me_lists_the_roles_of_the_caller(as_user):
    data = as_user("longan").get(f"{V1}/me").json()
    assert data["user"]["username"] == "longan"
    assert data["is_board"] is False
    assert [(r["role"], r["unit_code"]) for r in data["roles"]] == [("officer", "80")]


def test_a_session_write_without_csrf_token_is_refused(as_user, unit):
    client = as_user("longan", enforce_csrf_checks=True)
    assert put_values(client, "80", growth("8.2")).status_code == 403
    assert current(unit("80")) is None


def test_a_token_write_needs_no_csrf_token(users, unit):
    key = tokens.create_token(SYSTEM, users["longan"], "script").key
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {key}"})
    assert put_values(client, "80", growth("8.2")).status_code == 200
    assert current(unit("80")).entered_via == "api"


# --- reference data ---------------------------------------------------------------------


def test_units_resolve_a_reused_code_by_date(as_user):
    client = as_user("xem")
    both = client.get(f"{V1}/units", {"q": "80"}).json()
    assert {u["name"] for u in both["items"]} == {"Long An", "Tây Ninh"}
    in_2019 = client.get(f"{V1}/units", {"q": "80", "valid_on": "2019-07-01"}).json()
    assert [u["name"] for u in in_2019["items"]] == ["Long An"]
    assert in_2019["items"][0]["valid_to"] == "2025-06-30"


def test_units_are_searched_by_name_without_diacritics(as_user):
    data = as_user("xem").get(f"{V1}/units", {"q": "kien giang", "valid_on": "2019-01-01"})
    codes = [u["code"] for u in data.json()["items"]]
    # the province, then its departments ("Sở Tài chính tỉnh Kiên Giang", data/departments.csv)
    assert codes[0] == "91" and len(codes) > 1
    assert all(c.startswith("91.") for c in codes[1:])


def test_the_lineage_of_a_merged_unit_names_its_predecessors(as_user):
    client = as_user("xem")
    today = client.get(f"{V1}/units", {"q": "80", "valid_on": "2025-07-01"}).json()["items"][0]
    data = client.get(f"{V1}/units/{today['id']}/lineage").json()
    assert {p["unit"]["name"] for p in data["predecessors"]} == {"Long An", "Tây Ninh"}
    assert data["successors"] == []
    assert client.get(f"{V1}/units/999999/lineage").status_code == 404
    assert client.get(f"{V1}/units/abc/lineage").status_code == 422


def test_a_cluster_lists_its_members_head_first_and_its_meetings(as_user):
    data = as_user("hanoi").get(f"{V1}/clusters/TNB", {"year": 2019}).json()
    assert len(data["members"]) == 12
    assert (data["members"][0]["unit"]["name"], data["members"][0]["role"]) == ("Cà Mau", "head")
    assert [m["period"] for m in data["meetings"]] == ["2019H1"]
    assert data["meetings"][0]["host"]["name"] == "Kiên Giang"


def test_clusters_and_catalogue_are_listed(as_user):
    client = as_user("hanoi")
    assert {c["code"] for c in client.get(f"{V1}/clusters").json()} >= {"TNB", "TP5"}
    catalogue = {i["code"]: i for i in body(client.get(f"{V1}/indicators"))}
    assert catalogue["grdp_growth"]["min_value"] == Decimal("-100")
    assert catalogue["grdp_growth"]["measure"] == "%"


def test_an_unknown_cluster_is_404(as_user):
    assert as_user("bantw").get(f"{V1}/clusters/NOPE").status_code == 404
    assert as_user("bantw").get(f"{V1}/clusters/NOPE/periods/2019/reports").status_code == 404


# --- worklist and reading reports -------------------------------------------------------


def test_the_head_sees_the_worklist_of_all_members(as_user, django_assert_max_num_queries):
    client = as_user("camau")
    with django_assert_max_num_queries(12):
        rows = client.get(TNB_H1).json()
    assert len(rows) == 12
    assert {r["status"] for r in rows} == {"accepted"}


def test_an_outsider_cannot_see_the_worklist(as_user):
    response = as_user("hanoi").get(TNB_H1)
    assert response.status_code == 403
    assert response.json()["detail"]


def test_a_bad_period_code_is_400_with_the_accepted_forms(as_user):
    response = as_user("camau").get(f"{V1}/clusters/TNB/periods/2019H3/reports")
    assert response.status_code == 400
    assert "2019H1" in response.json()["detail"]


def test_a_period_never_opened_is_404(as_user):
    assert as_user("camau").get(f"{V1}/clusters/TNB/periods/2018/reports").status_code == 404


def test_a_unit_outside_the_cluster_is_404(as_user):
    assert as_user("camau").get(f"{TNB_H1}/01").status_code == 404


def test_a_unit_code_resolves_to_the_member_of_that_year(as_user):
    data = as_user("xem").get(f"{TNB_H1}/80").json()
    assert data["unit"]["name"] == "Long An"
    assert data["status"] == "accepted"
    by_code = {v["indicator"]: v for v in data["values"]}
    assert by_code["grdp_growth"]["value"] == 9.89


def test_a_reused_code_resolves_to_the_unit_of_the_periods_year(as_user, tnb, unit):
    Membership.objects.create(
        cluster=tnb, year=2025, unit=unit("80", date(2025, 7, 1)), role="member"
    )
    ReportingWindow.objects.create(
        cluster=tnb, period="2025H2", deadline=date(2026, 1, 15), entry_closes=date(2026, 1, 31)
    )
    board = as_user("bantw")
    assert board.get(f"{V1}/clusters/TNB/periods/2025H2/reports/80").json()["unit"]["name"] == (
        "Tây Ninh"
    )
    assert board.get(f"{TNB_H1}/80").json()["unit"]["name"] == "Long An"


def test_an_officer_cannot_read_another_members_draft_but_can_once_submitted(as_user):
    assert put_values(as_user("kiengiang"), "91", growth("7.5")).status_code == 200
    longan = as_user("longan")
    draft = longan.get(f"{TNB_2019}/91")
    assert draft.status_code == 403
    assert "7.5" not in draft.content.decode()
    assert as_user("kiengiang").get(f"{TNB_2019}/91").json()["values"][0]["value"] == 7.5
    assert as_user("kiengiang").post(f"{TNB_2019}/91/submit").status_code == 200
    submitted = longan.get(f"{TNB_2019}/91")
    assert submitted.status_code == 200
    assert body(submitted)["values"][0]["value"] == Decimal("7.5")


def test_a_member_without_a_report_shows_as_missing(as_user):
    data = as_user("longan").get(f"{TNB_2019}/83").json()
    assert (data["status"], data["values"]) == ("missing", [])


# --- writing values ---------------------------------------------------------------------


def test_an_officer_writes_its_own_unit(as_user, unit):
    response = put_values(as_user("longan"), "80", growth("8.2"))
    assert response.status_code == 200, response.content
    assert response.json() == {
        "written": 1,
        "unchanged": 0,
        "warnings": [],
        "dry_run": False,
        "status": "draft",
    }
    stored = current(unit("80"))
    assert stored.value == Decimal("8.2")
    assert stored.entered_via == "api"
    again = put_values(as_user("longan"), "80", growth(8.2)).json()
    assert (again["written"], again["unchanged"]) == (0, 1)


def test_a_json_number_is_stored_exactly(as_user, unit):
    put_values(as_user("longan"), "80", [{"indicator": "budget_revenue", "value": 12345.678901}])
    assert current(unit("80"), "budget_revenue").value == Decimal("12345.678901")


def test_an_officer_gets_403_for_another_unit(as_user, unit):
    assert put_values(as_user("kiengiang"), "91", growth("7.5")).status_code == 200
    longan = as_user("longan")
    response = put_values(longan, "91", growth("8.2"))
    assert response.status_code == 403
    assert current(unit("91")).value == Decimal("7.5")
    assert longan.post(f"{TNB_2019}/91/submit").status_code == 403


def test_a_viewer_cannot_write(as_user, unit):
    assert put_values(as_user("xem"), "80", growth("8.2")).status_code == 403


@pytest.mark.parametrize(
    "value,words",
    [
        ("-150", "không được nhỏ hơn"),
        ("tám", "không phải là số"),
        ("1_000", "chỉ dùng các chữ số 0–9"),
        ("１２", "chỉ dùng các chữ số 0–9"),
        ("١٢", "chỉ dùng các chữ số 0–9"),
        ("2²", "chỉ dùng các chữ số 0–9"),
    ],
)
def test_a_bad_value_returns_422_with_the_message_and_writes_nothing(as_user, unit, value, words):
    values = [{"indicator": "grdp", "value": "100"}, {"indicator": "grdp_growth", "value": value}]
    response = put_values(as_user("longan"), "80", values)
    assert response.status_code == 422
    [issue] = response.json()["detail"]
    assert (issue["row"], issue["column"], issue["value"]) == (1, "value", value)
    assert words in issue["message"]
    assert current(unit("80"), "grdp") is None
    assert not Report.objects.filter(unit=unit("80"), period="2019").exists()


def test_an_unknown_indicator_is_named_in_the_422(as_user):
    response = put_values(as_user("longan"), "80", [{"indicator": "gdp", "value": 1}])
    assert response.status_code == 422
    assert response.json()["detail"][0]["column"] == "indicator"


def test_a_malformed_body_is_422_in_the_same_shape(as_user):
    client = as_user("longan")
    response = put_values(client, "80", [{"indicator": "grdp", "value": 1}, {"indicator": "x"}])
    assert response.status_code == 422
    [issue] = response.json()["detail"]
    assert (issue["row"], issue["column"]) == (1, "value")
    not_a_number = put_values(client, "80", [{"indicator": "grdp", "value": True}])
    assert "số" in not_a_number.json()["detail"][0]["message"]


def test_a_warning_is_returned_and_must_be_justified_before_submitting(as_user):
    client = as_user("longan")
    written = put_values(client, "80", growth("35")).json()
    assert "cao bất thường" in written["warnings"][0]["message"]
    refused = client.post(f"{TNB_2019}/80/submit")
    assert refused.status_code == 422
    justified = [{"indicator": "grdp_growth", "value": "35", "justification": "Nhà máy mới"}]
    put_values(client, "80", justified)
    assert client.post(f"{TNB_2019}/80/submit").json()["status"] == "submitted"


def test_dry_run_checks_but_writes_nothing(as_user, unit):
    client = as_user("longan")
    path = f"{TNB_2019}/80/values?dry_run=true"
    payload = json.dumps({"values": growth("8.2")})
    response = client.put(path, payload, content_type="application/json")
    assert response.json()["written"] == 1
    assert response.json()["dry_run"] is True
    assert current(unit("80")) is None


def test_an_accepted_report_cannot_be_written(as_user):
    response = as_user("camau").put(
        f"{TNB_H1}/80/values", json.dumps({"values": []}), content_type="application/json"
    )
    assert response.status_code == 200
    values = json.dumps({"values": [{"indicator": "grdp_growth", "value": "9"}]})
    refused = as_user("longan").put(f"{TNB_H1}/80/values", values, content_type="application/json")
    assert refused.status_code == 409
    assert "Đã tiếp nhận" in refused.json()["detail"][0]["message"]


def test_the_annual_report_cannot_change_the_accepted_mid_year_figures(as_user, tnb, unit):
    # Issue 16, finding 4: longan's PUT on the annual report with a 2019H1 value and a reason.
    before = review(tnb, "2019H1")
    values = [{"indicator": "grdp_growth", "period": "2019H1", "value": "8.0"}]
    response = put_values(as_user("longan"), "80", values, reason="Cục Thống kê điều chỉnh")
    assert response.status_code == 409
    detail = response.json()["detail"][0]
    assert (detail["row"], detail["column"]) == (0, "value")
    assert "2019H1" in detail["message"] and "mở lại" in detail["message"]
    assert current(unit("80"), period="2019H1").value == Decimal("9.89")
    assert review(tnb, "2019H1") == before
    assert before["indicators"]["grdp_growth"]["mean"] == Decimal("8.20")


# --- the head's decisions ---------------------------------------------------------------


def _submitted(actor, tnb, unit, indicators) -> Report:
    item = services.ValueInput(unit, indicators["grdp_growth"], "2019", Decimal("8.2"))
    services.write_values(actor, tnb, "2019", [item])
    report = Report.objects.get(cluster=tnb, unit=unit, period="2019")
    return services.submit_report(actor, report)


def test_the_head_accepts(as_user, users, tnb, unit, indicators):
    _submitted(users["longan"], tnb, unit("80"), indicators)
    assert as_user("longan").post(f"{TNB_2019}/80/accept").status_code == 403
    response = as_user("camau").post(f"{TNB_2019}/80/accept")
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert Report.objects.get(unit=unit("80"), period="2019").status == ReportStatus.ACCEPTED


def test_the_head_returns_with_a_comment_only(as_user, users, tnb, unit, indicators):
    _submitted(users["longan"], tnb, unit("80"), indicators)
    head = as_user("camau")
    empty = head.post(f"{TNB_2019}/80/return", {"comment": " "}, content_type="application/json")
    assert empty.status_code == 422
    assert empty.json()["detail"][0]["column"] == "comment"
    returned = head.post(
        f"{TNB_2019}/80/return", {"comment": "Kiểm tra lại"}, content_type="application/json"
    )
    assert (returned.json()["status"], returned.json()["head_comment"]) == (
        "returned",
        "Kiểm tra lại",
    )


def test_the_head_reopens_an_accepted_report_with_a_reason(as_user):
    head = as_user("camau")
    response = head.post(
        f"{TNB_H1}/80/reopen",
        {"reason": "Cục Thống kê điều chỉnh"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "returned"


def test_accepting_a_draft_conflicts_with_its_state_409(as_user):
    assert put_values(as_user("longan"), "80", growth("8.2")).status_code == 200
    response = as_user("camau").post(f"{TNB_2019}/80/accept")
    assert response.status_code == 409
    assert "Đang nhập" in response.json()["detail"][0]["message"]


def test_a_stale_edit_is_refused_with_409_and_nothing_is_overwritten(as_user):
    first = {"values": [{"indicator": "grdp_growth", "value": "8.2", "version": 0}]}
    assert (
        as_user("longan").put(f"{TNB_2019}/80/values", first, "application/json").status_code == 200
    )
    # The head's secretariat corrects it, having read version 1.
    fix = {"values": [{"indicator": "grdp_growth", "value": "8.4", "version": 1}]}
    assert as_user("camau").put(f"{TNB_2019}/80/values", fix, "application/json").status_code == 200
    # The officer saves again from the page it loaded before the correction (version 1).
    stale = {"values": [{"indicator": "grdp_growth", "value": "8.3", "version": 1}]}
    response = as_user("longan").put(f"{TNB_2019}/80/values", stale, "application/json")
    assert response.status_code == 409
    assert "8,4" in response.json()["detail"][0]["message"]
    current = Value.objects.get(
        unit__code="80", indicator__code="grdp_growth", period="2019", is_current=True
    )
    assert current.value == Decimal("8.4")


def test_a_decision_on_a_report_that_does_not_exist_is_404(as_user):
    assert as_user("camau").post(f"{TNB_2019}/83/accept").status_code == 404


# --- review -----------------------------------------------------------------------------


def test_the_review_json_has_the_cluster_figures(as_user):
    response = as_user("xem").get(f"{V1}/clusters/TNB/periods/2019H1/review")
    assert response.status_code == 200
    data = body(response)
    assert data["members"] == 12
    assert data["indicators"]["grdp_growth"]["mean"] == Decimal("8.2")
    assert re.search(r'"mean": 8\.2[,}]', response.content.decode())
    assert len(data["indicators"]["grdp_growth"]["ranking"]) == 12


def test_an_outsider_cannot_see_the_review(as_user):
    assert as_user("hanoi").get(f"{V1}/clusters/TNB/periods/2019H1/review").status_code == 403


# --- schema and docs --------------------------------------------------------------------


def test_the_openapi_schema_is_valid_json_listing_the_paths(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    assert {
        "/api/v1/me",
        "/api/v1/units",
        "/api/v1/units/{unit_id}/lineage",
        "/api/v1/clusters",
        "/api/v1/clusters/{code}",
        "/api/v1/indicators",
        "/api/v1/clusters/{code}/periods/{period}/reports",
        "/api/v1/clusters/{code}/periods/{period}/reports/{unit_code}",
        "/api/v1/clusters/{code}/periods/{period}/reports/{unit_code}/values",
        "/api/v1/clusters/{code}/periods/{period}/reports/{unit_code}/submit",
        "/api/v1/clusters/{code}/periods/{period}/reports/{unit_code}/accept",
        "/api/v1/clusters/{code}/periods/{period}/reports/{unit_code}/return",
        "/api/v1/clusters/{code}/periods/{period}/reports/{unit_code}/reopen",
        "/api/v1/clusters/{code}/periods/{period}/review",
    } <= set(paths)


def test_every_operation_declares_its_error_responses(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            assert "401" in declared, (method, path)
            if "{period}" in path:
                assert {"400", "403", "404", "422"} <= declared, (method, path)


def test_the_docs_page_works_without_internet(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert not [s for s in sources if "://" in s or s.startswith("//")]
    assert "cdn." not in html


def test_the_swagger_files_are_served_by_the_app_itself(client, db):
    html = client.get("/api/docs").content.decode()
    for source in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        response = client.get(source)
        assert response.status_code == 200, source
    assert '"validatorUrl": null' in html


def test_the_review_json_carries_the_narrative_in_both_languages(client, users):
    client.force_login(users["xem"])
    data = client.get("/api/v1/clusters/TNB/periods/2019H1/review").json()
    assert "Trà Vinh tăng 17%" in data["narrative"]
    assert "Trà Vinh growing 17%" in data["narrative_en"]


def test_the_review_report_downloads_through_the_api(client, users):
    client.force_login(users["xem"])
    response = client.get("/api/v1/clusters/TNB/periods/2019H1/review/document?format=docx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert (
        client.get("/api/v1/clusters/TNB/periods/2019H1/review/document?format=xlsx").content[:2]
        == b"PK"
    )
