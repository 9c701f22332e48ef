"""The history import through the API and the web page: the same checks, the same JSON, the
officer's own unit only."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from thidua.accounts.models import AuditEntry
from thidua.awards.models import Person, Rating
from thidua.jobs.models import Job
from thidua.jobs.worker import run_queued

pytestmark = pytest.mark.django_db

URL = "/api/v1/people/import"
HEADER = "Họ và tên,Năm sinh,Đơn vị,Năm,Xếp loại\n"
LA_ROW = "Phan Thị Qua Cửa,1984,Sở Tài chính tỉnh Long An,2024,HTTNV\n"
KG_ROW = "Phan Văn Nơi Khác,1984,Sở Tài chính tỉnh Kiên Giang,2024,HTTNV\n"


def upload(text: str, name: str = "qua-trinh.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def client_for(users):
    def login(username: str) -> Client:
        client = Client()
        client.force_login(users[username])
        return client

    return login


def test_the_api_imports_and_answers_the_json_contract(client_for):
    board = client_for("bantw")
    checked = board.post(URL, {"file": upload(HEADER + LA_ROW), "dry_run": "true"})
    assert checked.status_code == 200
    assert json.loads(checked.content) == {
        "ok": True,
        "written": 1,
        "unchanged": 0,
        "people_created": 1,
        "errors": [],
    }
    assert not Person.objects.filter(full_name="Phan Thị Qua Cửa").exists()
    done = board.post(URL, {"file": upload(HEADER + LA_ROW)})
    assert json.loads(done.content)["written"] == 1
    assert Rating.objects.get(person__full_name="Phan Thị Qua Cửa").rating == "HTT"
    again = board.post(URL, {"file": upload(HEADER + LA_ROW)})
    assert (json.loads(again.content)["written"], json.loads(again.content)["unchanged"]) == (0, 1)


def test_the_api_refuses_a_bad_row_with_its_place(client_for):
    answer = client_for("bantw").post(URL, {"file": upload(HEADER + LA_ROW + ",,,2024,HTNV\n")})
    assert answer.status_code == 422
    data = json.loads(answer.content)
    assert data["ok"] is False and data["written"] == 0
    assert [(e["row"], e["column"]) for e in data["errors"]] == [(3, "full_name")]
    assert not Person.objects.filter(full_name="Phan Thị Qua Cửa").exists()


def test_an_officer_cannot_import_into_another_unit_through_the_api(client_for):
    officer = client_for("longan")
    refused = officer.post(URL, {"file": upload(HEADER + KG_ROW)})
    assert refused.status_code == 422
    assert [(e["row"], e["column"]) for e in json.loads(refused.content)["errors"]] == [(2, "unit")]
    assert officer.post(URL, {"file": upload(HEADER + LA_ROW)}).status_code == 200
    assert client_for("xem").post(URL, {"file": upload(HEADER + LA_ROW)}).status_code == 403
    assert Client().post(URL, {"file": upload(HEADER + LA_ROW)}).status_code == 401


def _job(response) -> Job:
    assert response.status_code == 302, response.content[:300]
    return Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def _run(client, job: Job) -> str:
    """The worker runs the job; the job's page as its starter sees it then."""
    run_queued()
    job.refresh_from_db()
    return client.get(job.get_absolute_url()).content.decode()


def test_the_web_page_checks_then_imports_in_the_worker(client_for):
    officer = client_for("longan")
    url = reverse("web:people_import")
    page = officer.get(url)
    assert page.status_code == 200 and "Xếp loại" in page.content.decode()
    checked = _job(officer.post(url, {"file": upload(HEADER + LA_ROW), "dry_run": "on"}))
    assert not Person.objects.filter(full_name="Phan Thị Qua Cửa").exists()  # only queued
    assert "Sẽ ghi 1 dòng, 0 dòng không đổi; 1 cá nhân mới" in _run(officer, checked)
    assert not Person.objects.filter(full_name="Phan Thị Qua Cửa").exists()
    done = _job(officer.post(url, {"file": upload(HEADER + LA_ROW)}))
    assert not Person.objects.filter(full_name="Phan Thị Qua Cửa").exists()
    text = _run(officer, done)
    assert "Đã ghi 1 dòng; 0 dòng không đổi; 1 cá nhân mới" in text
    assert (done.rows_read, done.rows_checked, done.rows_written) == (1, 1, 1)
    assert 'id="rows-written">1' in text
    assert Person.objects.filter(full_name="Phan Thị Qua Cửa").exists()
    again = _job(officer.post(url, {"file": upload(HEADER + LA_ROW)}))
    assert "Đã ghi 0 dòng; 1 dòng không đổi" in _run(officer, again)
    assert (again.rows_read, again.rows_checked, again.rows_written) == (1, 1, 0)
    assert client_for("xem").get(url).status_code == 403
    assert client_for("xem").post(url, {"file": upload(HEADER + LA_ROW)}).status_code == 403


def test_a_refused_file_writes_nothing_and_the_page_names_row_and_column(client_for):
    officer = client_for("longan")
    before = (Person.objects.count(), Rating.objects.count(), AuditEntry.objects.count())
    job = _job(
        officer.post(reverse("web:people_import"), {"file": upload(HEADER + LA_ROW + KG_ROW)})
    )
    text = _run(officer, job)
    assert job.state == "failed" and "không có gì được ghi" in text
    assert 'id="job-errors"' in text and "Sở Tài chính tỉnh Kiên Giang" in text
    assert "<td>Đơn vị</td>" in text and '<td class="num">3</td>' in text
    # the job's own audit entry (started) is the only one
    after = (Person.objects.count(), Rating.objects.count(), AuditEntry.objects.count() - 1)
    assert after == before
    assert not (settings.DATA_DIR / "jobs" / job.file_path).exists()


def test_the_officers_scope_is_checked_again_when_the_worker_runs(client_for, users):
    from thidua.accounts.models import RoleAssignment

    officer = client_for("longan")
    job = _job(officer.post(reverse("web:people_import"), {"file": upload(HEADER + LA_ROW)}))
    RoleAssignment.objects.filter(user=users["longan"]).delete()  # no longer an officer
    run_queued()
    job.refresh_from_db()
    assert job.state == "failed" and "không còn quyền" in job.error
    assert not Person.objects.filter(full_name="Phan Thị Qua Cửa").exists()


def test_the_board_imports_any_units_people_and_a_wrong_file_type_is_refused(client_for):
    board = client_for("bantw")
    url = reverse("web:people_import")
    job = _job(board.post(url, {"file": upload(HEADER + KG_ROW)}))
    assert "Đã ghi 1 dòng" in _run(board, job)
    refused = board.post(url, {"file": upload(HEADER, "qua-trinh.exe")}, follow=True)
    assert "không đúng loại" in refused.content.decode()
    assert Job.objects.filter(params__importer="people").count() == 1
