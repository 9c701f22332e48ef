"""A secret ballot in Chromium: three trustees collect their key shares, the head opens it,
three members vote, the head closes it, two trustees type their shares back, the tally shows
the votes and a voter finds their receipt in the published list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.locator("h1")).to_have_text("Đăng nhập")


def vote(page: Page, login, username: str, choice: int, shot=None) -> tuple[str, str]:
    """Log in, open the waiting ballot from the dashboard, approve one candidate."""
    login(username)
    expect(page.locator("#waiting-ballots")).to_contain_text("Cờ thi đua của Chính phủ")
    if shot:
        shot("22-ballot-waiting-dashboard")
    page.locator("#waiting-ballots").get_by_role("link").first.click()
    option = page.locator("#ballot-form .choices label").nth(choice)
    unit = option.inner_text().split("hạng theo điểm")[0].strip()
    option.click()
    page.get_by_role("button", name="Bỏ phiếu").click()
    expect(page.locator("h1")).to_have_text("Phiếu của bạn đã được ghi nhận")
    receipt = page.locator("#receipt").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{16}", receipt)
    expect(page.locator(".notice")).to_contain_text("Mã chỉ hiển thị một lần")
    return unit, receipt


def collect_share(page: Page, login, username: str, session_url: str) -> str:
    login(username)
    page.goto(session_url)
    page.get_by_role("button", name="Nhận mảnh khóa (chỉ một lần)").click()
    expect(page.locator("h1")).to_have_text("Mảnh khóa kiểm phiếu của bạn")
    code = page.locator("#share-code").inner_text().strip()
    assert code.startswith("TDK-")
    log_out(page)
    return code


def enter_share(page: Page, login, username: str, session_url: str, code: str) -> None:
    login(username)
    page.goto(session_url)
    page.fill("#share-input", code)
    page.get_by_role("button", name="Nhập mảnh khóa để kiểm phiếu").click()


def test_the_head_opens_a_ballot_three_members_vote_and_a_voter_finds_their_receipt(
    demo, page: Page, live_server, login, shot, confirmations
):
    login("camau")
    page.goto(f"{live_server.url}/clusters/TNB/?year=2019")
    page.locator("#scoring-links").get_by_role("link", name="Bỏ phiếu").click()
    page.get_by_role("link", name="Tạo phiên bỏ phiếu").click()
    page.fill("#id_title", "Bỏ phiếu đề nghị tặng Cờ thi đua của Chính phủ năm 2019")
    page.select_option("#id_award_code", label="Cờ thi đua của Chính phủ")
    # Three of twelve vote in this test: the quorum and the basis are set to fit.
    page.fill("#id_quorum_pct", "20")
    page.select_option("#id_pass_basis", "present")
    expect(page.locator("#candidates input:checked")).to_have_count(3)
    expect(page.locator("#electors input:checked")).to_have_count(12)
    shot("20-ballot-new")
    page.locator("#session-form").get_by_role("button", name="Tạo phiên bỏ phiếu").click()
    expect(page.locator(".messages")).to_contain_text("Đã tạo phiên bỏ phiếu")
    session_url = page.url
    log_out(page)
    codes = {
        name: collect_share(page, login, name, session_url)
        for name in ("hoidong", "longan", "kiengiang")
    }
    login("camau")
    page.goto(session_url)
    page.get_by_role("button", name="Mở bỏ phiếu").click()
    expect(page.locator(".messages")).to_contain_text("Đã mở bỏ phiếu.")
    expect(page.locator("#turnout")).to_contain_text("0/12")
    shot("21-ballot-open-head")
    log_out(page)

    first, receipt = vote(page, login, "longan", 0, shot)
    shot("22-ballot-receipt")
    log_out(page)
    assert vote(page, login, "kiengiang", 0)[0] == first
    log_out(page)
    second, _receipt = vote(page, login, "tiengiang", 1)
    log_out(page)

    login("camau")
    page.goto(session_url)
    expect(page.locator("#turnout")).to_contain_text("3/12")
    expect(page.locator("#tally")).to_have_count(0)
    shot("23-ballot-turnout")
    # Before the deadline with 3 of 12 votes: a reason, then a question naming the turnout.
    page.fill("#close-reason", "Hết giờ họp, các thành viên còn lại vắng mặt")
    confirmations.dismiss_next()
    page.get_by_role("button", name="Kết thúc bỏ phiếu").click()
    assert confirmations.texts[-1].startswith("Kết thúc bỏ phiếu khi mới có 3/12 phiếu?")
    expect(page.locator("#turnout")).to_contain_text("3/12")  # dismissed: still open
    page.get_by_role("button", name="Kết thúc bỏ phiếu").click()
    expect(page.locator(".messages")).to_contain_text("người giữ khóa nhập mảnh khóa")
    expect(page.locator("#counting")).to_contain_text("0/2")
    expect(page.locator("#tally")).to_have_count(0)
    log_out(page)
    enter_share(page, login, "hoidong", session_url, codes["hoidong"])
    expect(page.locator(".messages")).to_contain_text("chờ người giữ khóa khác")
    log_out(page)
    enter_share(page, login, "kiengiang", session_url, codes["kiengiang"])
    expect(page.locator(".messages")).to_contain_text("Đã kiểm phiếu")
    votes = page.locator("#tally tbody tr td:nth-child(3)")
    row_first = page.locator("#tally tbody tr", has_text=first)
    expect(row_first.locator("td").nth(2)).to_have_text("2")
    expect(row_first).to_contain_text("trúng")
    expect(page.locator("#tally tbody tr", has_text=second).locator("td").nth(2)).to_have_text("1")
    expect(votes).to_have_count(3)
    expect(page.locator("#receipts tbody tr")).to_have_count(3)
    shot("24-ballot-tally")
    log_out(page)

    login("longan")
    page.goto(session_url)
    page.fill("#receipt-search", receipt.lower())
    page.get_by_role("button", name="Tra mã").click()
    expect(page.locator("#receipt-found")).to_contain_text(receipt)
    expect(page.locator("#receipt-found")).to_contain_text("đã được tính")
    expect(page.locator("#receipts tr.found")).to_contain_text(receipt)
    shot("25-ballot-receipt-found")
