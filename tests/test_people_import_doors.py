"""The history import through the API and the web page: the same checks, the same JSON, the
officer's own unit only."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from thidua.awards.models import Person, Rating

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


def test_the_web_page_checks_then_imports(client_for):
    officer = client_for("longan")
    url = reverse("web:people_import")
    page = officer.get(url)
    assert page.status_code == 200 and "Xếp loại" in page.content.decode()
    checked = officer.post(url, {"file": upload(HEADER + LA_ROW), "dry_run": "on"})
    assert "Sẽ ghi 1 dòng" in checked.content.decode()
    assert not Person.objects.filter(full_name="Phan Thị Qua Cửa").exists()
    done = officer.post(url, {"file": upload(HEADER + LA_ROW)})
    assert "Đã ghi 1 dòng" in done.content.decode()
    assert Person.objects.filter(full_name="Phan Thị Qua Cửa").exists()
    refused = officer.post(url, {"file": upload(HEADER + KG_ROW)})
    text = refused.content.decode()
    assert "không có gì được ghi" in text and "Sở Tài chính tỉnh Kiên Giang" in text
    assert client_for("xem").get(url).status_code == 403
