"""The reporting cycle in Chromium: an officer submits, the head accepts, the review shows it."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from thidua.common.numbers import format_measure

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs"


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.locator("h1")).to_have_text("Đăng nhập")


def test_an_officer_submits_the_head_accepts_and_the_review_shows_it(
    demo, page: Page, live_server, login, shot
):
    login("longan")
    shot("01-officer-dashboard")
    page.locator("tr", has_text="Năm 2019").get_by_role("link", name="Nhập số liệu").click()
    page.fill("input[name=v_grdp_growth]", "7,5")
    page.locator("input[name=v_grdp_growth]").blur()
    expect(page.locator("#check-grdp_growth")).to_be_empty()
    shot("02-entry-form")
    page.get_by_role("button", name="Lưu và gửi báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi báo cáo tới cụm trưởng.")
    expect(page.locator(".page-head .badge").first).to_have_text("Đã gửi")
    shot("03-report-submitted")
    log_out(page)

    login("camau")
    page.goto(f"{live_server.url}/clusters/TNB/2019/worklist/")
    row = page.locator("#row-80")
    expect(row).to_contain_text("Đã gửi")
    row.get_by_role("button", name="Tiếp nhận").click()
    expect(page.locator(".messages")).to_contain_text("Đã tiếp nhận báo cáo của Long An.")
    expect(page.locator("#row-80")).to_contain_text("Đã tiếp nhận")
    shot("04-worklist-accepted")

    page.goto(f"{live_server.url}/clusters/TNB/2019/review/?indicator=grdp_growth")
    mean = format_measure(Decimal("7.5"), "%", 2)
    expect(page.locator("[data-code=grdp_growth-mean]")).to_have_text(mean)
    expect(page.locator("#chart svg")).to_be_visible()
    shot("05-review-2019")


def test_a_warning_is_shown_as_the_officer_types_and_the_head_returns_with_a_comment(
    demo, page: Page, live_server, login, shot
):
    login("longan")
    page.locator("tr", has_text="Năm 2019").get_by_role("link", name="Nhập số liệu").click()
    page.fill("input[name=v_grdp_growth]", "35")
    page.locator("input[name=v_grdp_growth]").blur()
    expect(page.locator("#check-grdp_growth")).to_contain_text("cao bất thường")
    page.fill("input[name=j_grdp_growth]", "Nhà máy lọc dầu mới đi vào hoạt động")
    shot("06-entry-warning")
    page.get_by_role("button", name="Lưu và gửi báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi báo cáo")
    log_out(page)

    login("camau")
    page.goto(f"{live_server.url}/clusters/TNB/2019/worklist/")
    row = page.locator("#row-80")
    row.locator("summary", has_text="Trả lại").click()
    row.get_by_role("button", name="Trả lại báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Cần ghi ý kiến khi trả lại báo cáo.")
    row = page.locator("#row-80")
    row.locator("summary", has_text="Trả lại").click()
    row.locator("textarea[name=comment]").fill("Đề nghị kiểm tra lại tốc độ tăng trưởng.")
    shot("07-return-comment")
    row.get_by_role("button", name="Trả lại báo cáo").click()
    expect(page.locator("#row-80")).to_contain_text("Trả lại")


def test_an_upload_is_checked_with_a_progress_bar_then_confirmed(
    demo, page: Page, live_server, login, shot, tmp_path
):
    login("longan")
    page.goto(f"{live_server.url}/clusters/TNB/2019/upload/")
    csv = tmp_path / "so-lieu.csv"
    csv.write_text('mã đơn vị,chỉ tiêu,kỳ,giá trị\n80,grdp_growth,2019,"8,1"\n', encoding="utf-8")
    page.set_input_files("#id_file", str(csv))
    page.evaluate(
        "document.addEventListener('htmx:xhr:progress',"
        " e => (window.sent = window.sent || []).push(e.detail.loaded))"
    )
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.locator("#upload-result")).to_contain_text("Tệp hợp lệ")
    assert page.evaluate("window.sent.length") > 0
    assert page.evaluate("document.querySelector('#upload-progress progress').value") == 100
    shot("08-upload-checked")
    page.get_by_role("button", name="Xác nhận ghi số liệu").click()
    expect(page.locator(".messages")).to_contain_text("Đã nhập 1 số liệu")


def test_the_language_switch_and_the_pages_for_the_readme(
    demo, page: Page, live_server, login, shot
):
    login("camau")
    shot("09-head-dashboard")
    page.goto(f"{live_server.url}/clusters/TNB/2019H1/review/")
    expect(page.locator("#chart svg")).to_be_visible()
    expect(page.locator("table.review")).to_contain_text("12/12")
    expect(page.locator(".notice")).to_contain_text("số liệu minh họa")
    shot("10-review-2019H1")
    if os.environ.get("THIDUA_README_SCREENSHOT") == "1":
        # Only on request: the committed picture should not change on every test run.
        page.screenshot(path=str(DOCS / "screenshot-review.png"), full_page=True)
    page.get_by_role("button", name="EN").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text(re.compile("Cluster figures"))
    expect(page.locator("#chart svg")).to_be_visible()
    shot("11-review-english")
