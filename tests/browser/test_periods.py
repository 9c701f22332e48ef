"""Issue 21 in Chromium: the head extends one member's deadline on the periods page; the
member's officer finds the notice in the inbox, counted in the header."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_the_head_extends_a_deadline_and_the_officer_reads_the_notice(
    demo, page: Page, live_server, login, shot, settings
):
    settings.THIDUA_SITE_URL = live_server.url  # the notice's absolute link leads here
    until = (timezone.localdate() + timedelta(days=20)).strftime("%d/%m/%Y")
    login("camau")
    page.goto(f"{live_server.url}/clusters/TNB/")
    page.get_by_role("link", name="Kỳ báo cáo và hạn nộp").click()
    section = page.locator("#period-2019")
    expect(section).to_contain_text("15/01/2020")
    section.get_by_text("Gia hạn cho một đơn vị").click()
    section.locator("select").select_option(label="Long An")
    section.get_by_label("hoặc gia hạn đến ngày").fill(until)
    section.get_by_label("Lý do").fill("Địa phương bị ngập lụt")
    section.get_by_role("button", name="Gia hạn", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(
        f"Đã gia hạn cho Long An đến hết ngày {until}."
    )
    expect(page.locator("#period-2019 #extension-80")).to_contain_text(until)
    shot("50-periods-extended")
    page.get_by_role("button", name="Đăng xuất").click()

    login("longan")
    expect(page.locator(".inbox-link .badge.unread")).to_have_text("1")
    page.locator(".inbox-link").click()
    notice = page.locator(".notice-item").first
    expect(notice).to_contain_text(f"Gia hạn nộp báo cáo Năm 2019 của Long An đến {until}")
    expect(notice).to_contain_text("Địa phương bị ngập lụt")
    shot("51-inbox-extension")
    notice.get_by_role("link", name="Mở trang liên quan").click()
    expect(page.locator("main")).to_contain_text(f"gia hạn đến {until}")
