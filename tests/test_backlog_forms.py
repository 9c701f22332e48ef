"""Backlog cases through the doors: the officer's form, the board's steps (each allowed and
refused), bad input (a Vietnamese message, nothing changed), the list scoped to the unit, the
Excel copy and import, and the API.

Cast: `longan` (officer of Long An), `kiengiang` (officer of another TNB member), `hanoi`
(officer outside TNB), `bantw` (central board), `xem` (viewer of TNB).
"""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from thidua.accounts.models import AuditEntry
from thidua.awards.backlog import CaseInput, Decision, add_case, take_step
from thidua.awards.backlog_excel import import_cases
from thidua.awards.models import AwardEntry, BacklogCase, BacklogProgramme
from thidua.common.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db
CODE = "HCKC-TNB"
TODAY = timezone.localdate()


@pytest.fixture
def programme(db):
    return BacklogProgramme.objects.get(code=CODE)


@pytest.fixture
def long_an(unit):
    return unit("80")


@pytest.fixture
def as_user(client, users):
    def login(name: str):
        client.force_login(users[name])
        return client

    return login


def new_case(users, programme, unit, name="Trần Văn Kháng", born=1938, **extra):
    data = CaseInput(name, unit, "chong_my", TODAY - timedelta(days=10), born, **extra)
    return add_case(users["longan"], programme, data).case


def url(name: str, case: BacklogCase | None = None) -> str:
    kwargs = {"programme": CODE} | ({"case_id": case.pk} if case else {})
    return reverse(f"web:{name}", kwargs=kwargs)


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def form_data(unit, **over) -> dict:
    data = {
        "full_name": "Lê Thị Thanh Niên",
        "birth_year": "1945",
        "unit": str(unit.pk),
        "war_period": "chong_my",
        "service_unit": "Đoàn 559",
        "service_start": "01/03/1965",
        "service_end": "30/04/1975",
        "received_on": TODAY.strftime("%d/%m/%Y"),
        "next_of_kin_name": "",
        "next_of_kin_relation": "",
        "note": "Bản khai có xác nhận của UBND xã",
    }
    return data | over


# Adding a case through the form


def test_an_officer_adds_a_case_of_its_unit_through_the_form_and_it_is_audited(
    as_user, programme, long_an
):
    client = as_user("longan")
    page = client.get(url("backlog_case_new"))
    assert page.status_code == 200 and "Long An" in page.content.decode()
    today = timezone.localdate().strftime("%d/%m/%Y")  # the day as officials write it
    assert f'name="received_on" value="{today}"' in page.content.decode()
    response = client.post(url("backlog_case_new"), form_data(long_an))
    case = BacklogCase.objects.get(programme=programme, full_name="Lê Thị Thanh Niên")
    assert response.status_code == 302 and response["Location"] == url("backlog_case", case)
    assert (case.unit, case.status, case.service_unit) == (long_an, "received", "Đoàn 559")
    assert (case.service_start, case.service_end) == (date(1965, 3, 1), date(1975, 4, 30))
    entry = AuditEntry.objects.get(action="awards.backlog.case_added", object_id=str(case.pk))
    assert (entry.actor_name, entry.via) == ("longan", "web")
    page = client.get(url("backlog_case", case)).content.decode()
    assert f'href="/lich-su/awards.backlogcase/{case.pk}/"' in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"full_name": "   "}, "Họ và tên: Trường này là bắt buộc."),
        ({"posthumous": "on"}, "Truy tặng cần ghi thân nhân nhận thay."),
        ({"service_end": "01/01/1960"}, "Ngày kết thúc phải sau ngày tham gia."),
        ({"service_start": "31/02/1965"}, "Tham gia từ"),
        ({"war_period": "chong_nhat"}, "Thời kỳ"),
        ({"birth_year": "1700"}, "Năm sinh"),
        ({"received_on": "01/01/2099"}, "không được sau hôm nay"),
        ({"full_name": "Tên\x07lạ"}, "ký tự điều khiển"),
    ],
)
def test_bad_input_gives_a_vietnamese_message_and_adds_nothing(
    as_user, programme, long_an, change, message
):
    before = BacklogCase.objects.count()
    response = as_user("longan").post(url("backlog_case_new"), form_data(long_an, **change))
    assert response.status_code == 200  # the form again, with what was typed
    assert any(message in m for m in said(response)), said(response)
    assert BacklogCase.objects.count() == before


def test_an_officer_may_not_add_a_case_for_another_unit(as_user, users, programme, unit):
    before = BacklogCase.objects.count()
    response = as_user("longan").post(url("backlog_case_new"), form_data(unit("91")))
    assert any("Đơn vị tiếp nhận" in m for m in said(response))  # not one of its choices
    with pytest.raises(PermissionDenied):
        new_case({"longan": users["kiengiang"]}, programme, unit("80"))
    assert BacklogCase.objects.count() == before


def test_viewers_may_not_open_the_form(as_user):
    assert as_user("xem").get(url("backlog_case_new")).status_code == 403


# The steps: each allowed and refused


def step(client, name: str, case: BacklogCase, data: dict | None = None):
    return client.post(url(f"backlog_case_{name}", case), data or {})


def test_the_unit_takes_its_case_into_review_and_back_and_others_may_not(
    as_user, users, programme, long_an
):
    case = new_case(users, programme, long_an)
    for outsider in ("kiengiang", "hanoi", "xem"):
        assert step(as_user(outsider), "review", case).status_code == 403
    case.refresh_from_db()
    assert case.status == "received"
    response = step(as_user("longan"), "review", case, {"review-note": "Đủ bản khai"})
    assert response.status_code == 302 and "Đã chuyển hồ sơ sang thẩm định." in said(response)
    case.refresh_from_db()
    assert case.status == "in_review" and "Đủ bản khai" in case.note
    assert step(as_user("kiengiang"), "return", case).status_code == 403
    step(as_user("longan"), "return", case)
    case.refresh_from_db()
    assert case.status == "received"
    moved = AuditEntry.objects.filter(action="awards.backlog.case_moved", object_id=str(case.pk))
    assert [e.after["status"] for e in moved.order_by("id")] == ["in_review", "received"]


def test_only_the_board_records_the_award_and_it_goes_into_the_registry(
    as_user, users, programme, long_an
):
    case = new_case(users, programme, long_an)
    take_step(users["longan"], case, "review")
    decision = {
        "award-number": "123/QĐ-CTN",
        "award-decided_on": (TODAY - timedelta(days=3)).strftime("%d/%m/%Y"),
        "award-signer": "Chủ tịch nước",
    }
    assert step(as_user("longan"), "award", case, decision).status_code == 403
    assert step(as_user("xem"), "award", case, decision).status_code == 403
    assert not AwardEntry.objects.filter(source=f"backlog case #{case.pk}").exists()
    response = step(as_user("bantw"), "award", case, decision)
    assert "Đã ghi kết quả khen thưởng; quyết định đã vào sổ khen thưởng." in said(response)
    case.refresh_from_db()
    assert (case.status, case.decided_on) == ("awarded", TODAY)
    entry = AwardEntry.objects.get(source=f"backlog case #{case.pk}")
    assert (entry.award_type.code, entry.recipient_name, entry.birth_year) == (
        "HC_KC",
        "Trần Văn Kháng",
        1938,
    )
    assert (entry.decision_number, entry.signer) == ("123/QĐ-CTN", "Chủ tịch nước")
    assert AuditEntry.objects.filter(action="awards.registry.entry_added", object_id=str(entry.pk))
    page = as_user("longan").get(url("backlog_case", case)).content.decode()
    assert "123/QĐ-CTN" in page and "Đã ghi vào sổ khen thưởng." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"award-number": "", "award-signer": "X"}, "Số quyết định"),
        ({"award-number": "1/QĐ", "award-signer": "X", "award-decided_on": "01/01/2099"}, "sau"),
        ({"award-number": "1/QĐ", "award-signer": "", "award-decided_on": "01/01/2020"}, "Người"),
    ],
)
def test_a_bad_decision_is_refused_with_a_message_and_nothing_changes(
    as_user, users, programme, long_an, data, message
):
    case = new_case(users, programme, long_an)
    take_step(users["longan"], case, "review")
    response = step(as_user("bantw"), "award", case, data)
    assert any(message in m for m in said(response)), said(response)
    case.refresh_from_db()
    assert case.status == "in_review"
    assert not AwardEntry.objects.filter(source=f"backlog case #{case.pk}").exists()


def test_a_rejection_needs_its_reason_and_only_the_board_gives_it(
    as_user, users, programme, long_an
):
    case = new_case(users, programme, long_an)
    assert step(as_user("longan"), "reject", case, {"reject-note": "x"}).status_code == 403
    response = step(as_user("bantw"), "reject", case, {"reject-note": "  "})
    assert any("Lý do không đủ điều kiện" in m for m in said(response)), said(response)
    case.refresh_from_db()
    assert case.status == "received"
    with pytest.raises(ValidationFailed, match="Cần ghi lý do"):
        take_step(users["bantw"], case, "reject", note="")
    step(as_user("bantw"), "reject", case, {"reject-note": "Không có giấy tờ chứng minh"})
    case.refresh_from_db()
    assert (case.status, case.decided_on) == ("rejected", TODAY)
    assert "Không có giấy tờ chứng minh" in case.note
    entry = AuditEntry.objects.filter(object_id=str(case.pk), action="awards.backlog.case_moved")
    assert entry.get().reason == "Không có giấy tờ chứng minh"


def test_a_step_the_status_does_not_allow_is_a_conflict_and_changes_nothing(
    as_user, users, programme, long_an
):
    case = new_case(users, programme, long_an)
    decision = Decision("1/QĐ", TODAY, "Chủ tịch nước")
    with pytest.raises(Conflict, match="Không thể ghi kết quả khen thưởng"):
        take_step(users["bantw"], case, "award", decision=decision)
    response = step(as_user("longan"), "return", case)
    assert any("Không thể trả về bước tiếp nhận" in m for m in said(response))
    case.refresh_from_db()
    assert case.status == "received" and not case.note


# Seeing cases


def test_the_case_page_is_for_the_unit_and_the_board(as_user, users, programme, long_an):
    case = new_case(users, programme, long_an, name="Nguyễn <b>In Đậm</b>")
    for name in ("kiengiang", "hanoi", "xem"):
        assert as_user(name).get(url("backlog_case", case)).status_code == 403
    page = as_user("longan").get(url("backlog_case", case)).content.decode()
    assert "Nguyễn &lt;b&gt;In Đậm&lt;/b&gt;" in page and "<b>In Đậm</b>" not in page
    assert 'id="review-form"' in page and 'id="award-form"' not in page
    board = as_user("bantw").get(url("backlog_case", case)).content.decode()
    assert 'id="reject-form"' in board


def test_the_programme_page_lists_only_the_units_own_cases(
    as_user, users, programme, long_an, unit
):
    mine = new_case(users, programme, long_an, name="Phạm Văn Của Long An")
    other = add_case(
        users["kiengiang"],
        programme,
        CaseInput("Võ Thị Của Kiên Giang", unit("91"), "chong_phap", TODAY, 1930),
    ).case
    page = as_user("longan").get(url("backlog")).content.decode()
    assert "Phạm Văn Của Long An" in page and "Võ Thị Của Kiên Giang" not in page
    viewer = as_user("xem").get(url("backlog")).content.decode()
    assert 'id="backlog-kpis"' in viewer and 'id="backlog-cases"' not in viewer
    assert mine.full_name not in viewer
    board = as_user("bantw").get(url("backlog"), {"q": "kien giang"}).content.decode()
    assert other.full_name in board and mine.full_name not in board


# Excel


def rows_of(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_the_excel_copy_holds_the_users_cases_and_neutralises_formulas(
    as_user, users, programme, long_an
):
    new_case(users, programme, long_an, name='=HYPERLINK("http://x","bấm")')
    response = as_user("longan").get(url("backlog_xlsx"))
    assert response["Content-Disposition"] == 'attachment; filename="ho-so-ton-dong-HCKC-TNB.xlsx"'
    rows = rows_of(response)
    assert rows[0][:3] == ("Số hồ sơ", "Họ và tên", "Năm sinh")
    names = [r[1] for r in rows[1:]]
    assert '\'=HYPERLINK("http://x","bấm")' in names
    assert all(r[3] == "Long An" for r in rows[1:])  # no other unit's case
    everyone = rows_of(as_user("bantw").get(url("backlog_xlsx")))
    assert len(everyone) > len(rows)
    assert as_user("xem").get(url("backlog_xlsx")).status_code == 403


def workbook(rows: list[list]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "ho-so.xlsx"
    return out


HEADER = ["Họ và tên", "Năm sinh", "Đơn vị tiếp nhận", "Thời kỳ", "Tham gia từ", "Truy tặng"]
HEADER += ["Thân nhân nhận thay", "Ngày tiếp nhận"]


def test_an_import_adds_every_row_or_none(users, programme, long_an):
    good = [
        HEADER,
        ["Đinh Văn Một", 1941, "80", "Kháng chiến chống Mỹ", "01/02/1966", "", "", "02/01/2026"],
        ["Đinh Thị Hai", 1943, "Long An", "chống Pháp", None, "x", "Đinh Văn Ba", None],
    ]
    before = BacklogCase.objects.count()
    bad = good + [["Đinh Văn Bốn", 1944, "91", "chống Mỹ", "", "", "", ""]]
    result = import_cases(users["longan"], programme, workbook(bad), filename="ho-so.xlsx")
    assert not result.ok and BacklogCase.objects.count() == before
    assert any(e.row == 4 and "không phải đơn vị bạn" in e.message for e in result.errors)
    posthumous = [HEADER, ["Đinh Văn Năm", 1940, "80", "chống Mỹ", "", "x", "", ""]]
    result = import_cases(users["longan"], programme, workbook(posthumous), filename="a.xlsx")
    assert not result.ok and "thân nhân" in result.errors[0].message
    result = import_cases(users["longan"], programme, workbook(good), filename="ho-so.xlsx")
    assert result.ok and len(result.added) == 2
    one, two = BacklogCase.objects.filter(pk__in=[c.pk for c in result.added]).order_by("id")
    assert (one.war_period, one.service_start, one.received_on) == (
        "chong_my",
        date(1966, 2, 1),
        date(2026, 1, 2),
    )
    assert (two.war_period, two.posthumous, two.next_of_kin_name) == (
        "chong_phap",
        True,
        "Đinh Văn Ba",
    )
    added = AuditEntry.objects.filter(action="awards.backlog.case_added", object_id=str(two.pk))
    assert added.get().after["imported"] is True
    assert AuditEntry.objects.filter(action="awards.backlog.imported").count() == 1


def test_the_import_page_reports_errors_in_vietnamese(as_user, long_an):
    client = as_user("longan")
    upload = workbook([["Tên cột lạ"], ["x"]])
    response = client.post(url("backlog_import"), {"file": upload})
    assert response.status_code == 302
    messages = said(response)
    assert any("Chưa nhập hồ sơ nào" in m for m in messages)
    assert any("Thiếu cột “Họ và tên”" in m for m in messages)
    not_excel = io.BytesIO(b"PK\x03\x04 not really")
    not_excel.name = "x.xlsx"
    messages = said(client.post(url("backlog_import"), {"file": not_excel}))
    assert any("Office" in m or "hỏng" in m for m in messages), messages


# The API


def login(users, name: str) -> Client:
    client = Client()
    client.force_login(users[name])
    return client


def api(client, method: str, path: str, body=None):
    full = f"/api/v1/backlog/{CODE}/cases{path}"
    if method == "get":
        return client.get(full)
    return client.post(full, json.dumps(body or {}), "application/json")


def test_the_api_adds_a_case_and_moves_it_with_the_same_rules(users, long_an):
    client = login(users, "longan")
    body = {
        "full_name": "Hồ Văn Qua API",
        "birth_year": 1939,
        "unit_id": long_an.pk,
        "war_period": "chong_my",
        "received_on": TODAY.isoformat(),
        "posthumous": True,
    }
    refused = api(client, "post", "", body)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["message"] == "Truy tặng cần ghi thân nhân nhận thay."
    created = api(client, "post", "", body | {"next_of_kin_name": "Hồ Thị Con"})
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "received" and data["steps"] == ["review"] and data["warnings"] == []
    case_id = data["id"]
    assert api(login(users, "kiengiang"), "get", f"/{case_id}").status_code == 403
    assert api(login(users, "kiengiang"), "post", "", body).status_code == 403
    decision = {"number": "9/QĐ-CTN", "date": TODAY.isoformat(), "signer": "Chủ tịch nước"}
    assert api(client, "post", f"/{case_id}/award", decision).status_code == 403
    reviewed = api(client, "post", f"/{case_id}/review", {"note": "đủ hồ sơ"})
    assert reviewed.json()["status"] == "in_review"
    again = api(client, "post", f"/{case_id}/review")
    assert again.status_code == 409
    awarded = api(login(users, "bantw"), "post", f"/{case_id}/award", decision)
    assert awarded.status_code == 200 and awarded.json()["registry_entry_id"] is not None
    listed = api(client, "get", "?status=awarded").json()
    assert [c["id"] for c in listed if c["full_name"] == "Hồ Văn Qua API"] == [case_id]
    assert all(c["unit"] == "Long An" for c in api(client, "get", "").json())
    assert api(login(users, "xem"), "get", "").status_code == 403
    empty_reason = api(login(users, "bantw"), "post", f"/{case_id}/reject", {"note": " "})
    assert empty_reason.status_code == 422
