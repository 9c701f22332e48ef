"""The history upload in Chromium: the officer of Tây Ninh (since the 2025 merger) checks a
sheet across it (2023, 2024 in Long An's department, Tây Ninh's predecessor, 2025 in Tây
Ninh's), imports it, and a row for another province's department is refused with its row and
column, nothing written. Each upload lands on its job's page, which polls until the worker
(here `run_queued` in the test's process) has run it and then shows the result."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NAME = "Võ Thị Qua Sáp Nhập"
SHEET = (
    "Họ và tên,Năm sinh,Đơn vị,Năm,Xếp loại,Sáng kiến,Phạm vi sáng kiến\n"
    f"{NAME},1982,Sở Tài chính tỉnh Long An,2023,HTXSNV,,\n"
    f"{NAME},1982,Sở Tài chính tỉnh Long An,2024,Hoàn thành xuất sắc nhiệm vụ,Sổ tay chi,cơ sở\n"
    f"{NAME},1982,Sở Tài chính tỉnh Tây Ninh,2025,htxsnv,Bảng đối chiếu,cấp tỉnh\n"
)
FOREIGN = (
    "Họ và tên,Năm sinh,Đơn vị,Năm,Xếp loại\nNgười Tỉnh Khác,1970,Sở Y tế tỉnh Cà Mau,2024,HTNV\n"
)


def tay_ninh_officer() -> None:
    from datetime import date

    from django.contrib.auth import get_user_model

    from thidua.accounts.models import Role, RoleAssignment
    from thidua.orgs.reference import unit_on

    user = get_user_model().objects.create_user("tayninh", password="thidua-demo-2019")
    RoleAssignment.objects.create(
        user=user, role=Role.OFFICER, unit=unit_on("80", date(2026, 1, 1))
    )


def upload(page, live_server, name: str, text: str, *, check: bool) -> None:
    from thidua.jobs.worker import run_queued

    page.goto(f"{live_server.url}/awards/people/import/")
    page.set_input_files(
        "#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.set_checked("#id_dry_run", check)
    page.locator("#history-upload button[type=submit]").click()
    page.wait_for_url("**/viec/*/")
    expect(page.locator("#job-progress")).to_have_attribute("data-state", "queued")
    assert run_queued() == 1
    page.wait_for_selector("#job-progress[data-state=done], #job-progress[data-state=failed]")


def test_an_officer_checks_then_imports_a_history_across_the_merger(
    demo, page, live_server, login, shot
):
    from thidua.awards.models import Person

    tay_ninh_officer()
    login("tayninh")
    page.goto(f"{live_server.url}/awards/")
    page.get_by_role("link", name="Nhập từ tệp").click()
    expect(page.locator("h1")).to_have_text("Nhập quá trình xếp loại, sáng kiến")
    upload(page, live_server, "qua-trinh.csv", SHEET, check=True)
    expect(page.locator("#job-progress")).to_contain_text("Sẽ ghi 3 dòng")
    expect(page.locator("#job-progress")).to_contain_text("1 cá nhân mới")
    assert not Person.objects.filter(full_name=NAME).exists()
    upload(page, live_server, "qua-trinh.csv", SHEET, check=False)
    expect(page.locator("#job-progress")).to_contain_text("Đã ghi 3 dòng")
    shot("people-import-done")
    [person] = Person.objects.filter(full_name=NAME)
    assert sorted(person.ratings.values_list("year", flat=True)) == [2023, 2024, 2025]
    assert person.unit.name == "Sở Tài chính tỉnh Tây Ninh"
    upload(page, live_server, "qua-trinh.csv", SHEET, check=False)
    expect(page.locator("#job-progress")).to_contain_text("Đã ghi 0 dòng; 3 dòng không đổi")
    upload(page, live_server, "khac.csv", FOREIGN, check=False)
    errors = page.locator("#job-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("Đơn vị")
    expect(errors.first).to_contain_text("Sở Y tế tỉnh Cà Mau")
    expect(page.locator("#job-progress")).to_contain_text("không có gì được ghi")
    shot("people-import-refused")
    assert not Person.objects.filter(full_name="Người Tỉnh Khác").exists()
