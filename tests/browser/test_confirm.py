"""Issue 20 in Chromium: irreversible buttons ask first, naming what will happen (Cancel sends
nothing, OK proceeds); error pages look like the site and lead back."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_submitting_and_accepting_ask_first_and_cancel_changes_nothing(
    demo, page: Page, live_server, login, shot, confirmations
):
    login("longan")
    page.locator("tr", has_text="Năm 2019").get_by_role("link", name="Nhập số liệu").click()
    entry_url = page.url
    page.fill("input[name=v_grdp_growth]", "7,5")
    confirmations.dismiss_next()
    page.get_by_role("button", name="Lưu và gửi báo cáo").click()
    assert confirmations.texts == [
        "Gửi báo cáo năm 2019 của Long An cho cụm TNB? Sau khi gửi, chỉ sửa được khi cụm "
        "trưởng trả lại."
    ]
    assert page.url == entry_url  # nothing sent
    expect(page.locator("input[name=v_grdp_growth]")).to_have_value("7,5")
    page.get_by_role("button", name="Lưu và gửi báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi báo cáo tới cụm trưởng.")
    page.get_by_role("button", name="Đăng xuất").click()

    login("camau")
    page.goto(f"{live_server.url}/clusters/TNB/2019/worklist/")
    confirmations.dismiss_next()
    page.locator("#row-80").get_by_role("button", name="Tiếp nhận").click()
    assert confirmations.texts[-1] == (
        "Tiếp nhận báo cáo năm 2019 của Long An (1 số liệu, 0 cảnh báo chưa giải trình)?"
    )
    expect(page.locator("#row-80")).to_contain_text("Đã gửi")  # dismissed: still waiting
    shot("40-worklist-accept-dismissed")
    page.locator("#row-80").get_by_role("button", name="Tiếp nhận").click()
    expect(page.locator(".messages")).to_contain_text("Đã tiếp nhận báo cáo của Long An.")
    expect(page.locator("#row-80")).to_contain_text("Đã tiếp nhận")


def test_a_missing_page_and_a_forbidden_page_look_like_the_site(
    demo, page: Page, live_server, login, shot
):
    login("hanoi")
    page.goto(f"{live_server.url}/clusters/TNB/2019/worklist/")
    expect(page.locator("h1")).to_have_text("Bạn không có quyền xem trang này")
    shot("41-error-403")
    page.goto(f"{live_server.url}/khong-co-trang-nay/")
    expect(page.locator("h1")).to_have_text("Không tìm thấy trang")
    shot("42-error-404")
    page.get_by_role("button", name="EN").click()
    expect(page.locator("h1")).to_have_text("Page not found")
    shot("43-error-404-en")
    page.get_by_role("link", name="Back to the home page").click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_an_empty_search_says_what_was_searched_and_the_history_shows_names(
    demo, page: Page, live_server, login, shot
):
    login("camau")
    page.goto(f"{live_server.url}/awards/registry/?q=nguyen+van+anh&year=1950")
    expect(page.locator("#registry-empty")).to_contain_text("“nguyen van anh”")
    expect(page.locator("body")).not_to_contain_text("Nhập ít nhất 2 ký tự")
    shot("44-registry-empty")
    page.goto(f"{live_server.url}/tra-cuu/?q=zzzz+qqqq")
    expect(page.locator("#lookup-empty")).to_contain_text("Không tìm thấy")
    shot("45-lookup-empty")
