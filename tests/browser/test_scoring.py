"""Scoring in Chromium: the regulation, an officer's self score, the head's review, the ranking."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_an_officer_self_scores_the_head_reviews_and_publishes(
    demo, page: Page, live_server, login, shot
):
    login("longan")
    page.goto(f"{live_server.url}/clusters/TNB/?year=2019")
    page.locator("#scoring-links").get_by_role("link", name="Quy định chấm điểm").click()
    expect(page.locator("table.criteria")).to_contain_text("Tốc độ tăng trưởng GRDP")
    shot("30-regulation")
    page.get_by_role("link", name="Xếp hạng").first.click()
    expect(page.locator("#rank-80")).to_be_visible()
    expect(page.locator("table.ranking tbody tr")).to_have_count(1)
    page.locator("#rank-80").get_by_role("link", name="Bảng điểm").click()
    row = page.locator("#c-B3")
    row.locator("summary", has_text="Tự chấm").click()
    row.locator("input[name=points]").fill("9,5")
    row.locator("textarea[name=note]").fill("Nhân rộng 14 mô hình điển hình")
    shot("31-sheet-self-score")
    row.get_by_role("button", name="Lưu điểm tự chấm").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu điểm tiêu chí B3.")
    expect(page.locator("#c-B3 td.self")).to_contain_text("9,5")
    page.get_by_role("button", name="Đăng xuất").click()

    login("camau")
    page.goto(f"{live_server.url}/clusters/TNB/2019/scores/")
    expect(page.locator("table.ranking tbody tr")).to_have_count(12)
    page.locator("#rank-80").get_by_role("link", name="Bảng điểm").click()
    row = page.locator("#c-B3")
    row.locator("summary", has_text="Thẩm định").click()
    page.fill("#review-B3", "9")
    page.fill("#reason-B3", "Hai mô hình chưa được công nhận")
    row.get_by_role("button", name="Lưu điểm thẩm định").click()
    expect(page.locator("#c-B3")).to_have_class(r"depth-1 differs")
    shot("32-sheet-reviewed")
    page.get_by_role("link", name="Xếp hạng").last.click()
    page.get_by_role("button", name="Công bố kết quả").click()
    expect(page.locator(".messages")).to_contain_text("Đã công bố kết quả")
    shot("33-ranking-published")
