"""An individual through the workflow in Chromium (issue 19 part 6): the unit officer proposes a
person for a Bằng khen (the council agrees, no ballot: the rule asks for none) and for CSTĐ tỉnh
(the council's secret ballot with the person as candidate, opened from the proposal page); the
board decides both, each page naming the next step, and the public look-up finds the awards."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_awards import NAME, VOTERS, eligible_person, log_out, upload

pytestmark = pytest.mark.browser


def propose(page: Page, base: str, award: str, tmp_path, documents=()) -> str:
    page.goto(f"{base}/awards/proposals/new/")
    page.fill("#pick-q", "tran thi thu nghiem")
    page.get_by_role("button", name="Tìm").click()
    page.locator("#pick-people li", has_text=NAME).get_by_role("link", name="Chọn").click()
    page.select_option("#id_award", label=award)
    page.fill("#id_year", "2025")
    page.fill("#id_achievements", "Hoàn thành xuất sắc nhiệm vụ; sáng kiến cấp tỉnh.")
    page.locator("#proposal-form").get_by_role("button", name="Tạo đề nghị").click()
    expect(page.locator(".messages")).to_contain_text("Đã tạo đề nghị")
    expect(page.locator("#next-step")).to_contain_text("Hoàn thiện hồ sơ và gửi đề nghị")
    for kind, name in documents:
        upload(page, tmp_path, kind, name)
    page.fill("#id_justification", "Thành tích xuất sắc, có xác nhận của đơn vị.")
    page.locator("#submit-form").get_by_role("button", name="Gửi đề nghị").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi đề nghị.")
    expect(page.locator("#next-step")).to_contain_text("Ban Thi đua – Khen thưởng")
    return page.url


def decide(page: Page, number: str) -> str:
    expect(page.locator("#next-step a")).to_have_attribute("href", "#decide-form")
    day = timezone.localdate().strftime("%d/%m/%Y")
    page.fill("#id_number", number)
    page.fill("#id_decided_on", day)
    page.fill("#id_signer", "Chủ tịch UBND tỉnh Long An")
    page.get_by_role("button", name="Ghi quyết định").click()
    expect(page.locator("#decision")).to_contain_text(f"số {number} ngày {day}")
    expect(page.locator("#next-step")).to_contain_text("Đã ghi vào sổ khen thưởng")
    return day


def vote_in_secret(session_id: int) -> None:
    """The electors vote and the trustees count (tests.ballot_keys types the shares back)."""
    from tests.ballot_keys import count, open_ballot
    from thidua.ballots import services as ballots
    from thidua.ballots.models import BallotSession

    users = {u.username: u for u in get_user_model().objects.all()}
    session = open_ballot(users["bantw"], BallotSession.objects.get(pk=session_id))
    candidate = session.candidates.get()
    assert candidate.unit_id is None and candidate.name == NAME
    for n, name in enumerate(VOTERS):
        ballots.cast_vote(users[name], session, [candidate.pk] if n < 11 else [])
    assert count(session).status == "closed"


def test_a_person_reaches_a_decision_with_and_without_a_ballot(
    demo, page: Page, live_server, login, shot, tmp_path
):
    eligible_person()
    login("longan")
    bk_url = propose(page, live_server.url, "Bằng khen cấp Bộ, ban, ngành, tỉnh", tmp_path)
    # The Bằng khen's rule names no documents: the box says so, never "Đã đủ" over nothing.
    expect(page.locator("#dossier-state")).to_contain_text("không quy định thành phần hồ sơ")
    documents = [("to_trinh", "tt.pdf"), ("bao_cao", "bc.pdf"), ("bien_ban", "bb.pdf")]
    cstd = "Chiến sĩ thi đua Bộ, ban, ngành, tỉnh"
    cstd_url = propose(page, live_server.url, cstd, tmp_path, documents)
    expect(page.locator("#dossier-items")).to_contain_text("Biên bản họp Hội đồng TĐKT")
    log_out(page)

    login("bantw")
    # Bằng khen: checked, the council agrees without a ballot, decided.
    page.goto(bk_url)
    page.get_by_role("button", name="Xác nhận hồ sơ đủ").click()
    expect(page.locator("#next-step")).to_contain_text("không yêu cầu bỏ phiếu kín")
    expect(page.locator("#next-step")).to_contain_text("Hạn")
    page.get_by_role("button", name="Ghi Hội đồng nhất trí").click()
    expect(page.locator(".page-head .badge").first).to_have_text("Hội đồng đã bỏ phiếu")
    shot("70-individual-bk-voted")
    decide(page, "1357/QĐ-UBND")

    # CSTĐ tỉnh: checked; the page leads to the council's secret ballot.
    page.goto(cstd_url)
    page.get_by_role("button", name="Xác nhận hồ sơ đủ").click()
    expect(page.locator("#vote-form")).not_to_contain_text("Chưa có phiên bỏ phiếu nào")
    step = page.locator("#next-step")
    expect(step).to_contain_text("Lập phiên bỏ phiếu kín")
    shot("71-individual-cstd-checked")
    step.get_by_role("link").click()
    page.get_by_role("button", name="Lập phiên bỏ phiếu kín").click()
    expect(page.locator(".messages")).to_contain_text("Đã lập phiên bỏ phiếu kín")
    session_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    expect(page.locator("main")).to_contain_text(NAME)
    shot("72-individual-ballot")
    vote_in_secret(session_id)
    page.goto(cstd_url)
    expect(page.locator("#next-step")).to_contain_text(f"Ghi kết quả phiên bỏ phiếu #{session_id}")
    choice = page.locator("#id_result option", has_text=NAME).first.get_attribute("value")
    page.select_option("#id_result", choice)
    page.get_by_role("button", name="Ghi kết quả").click()
    expect(page.locator("#facts")).to_contain_text("11/12 phiếu đồng ý")
    day = decide(page, "2468/QĐ-UBND")
    shot("73-individual-cstd-decided")
    log_out(page)

    # The public look-up finds both decisions.
    page.goto(f"{live_server.url}/tra-cuu/?q=tran+thi+thu+nghiem")
    results = page.locator("#lookup-results")
    for number, award in (
        ("1357/QĐ-UBND", "Bằng khen cấp Bộ, ban, ngành, tỉnh"),
        ("2468/QĐ-UBND", "Chiến sĩ thi đua Bộ, ban, ngành, tỉnh"),
    ):
        row = results.locator("tr", has_text=number)
        expect(row).to_contain_text(NAME)
        expect(row).to_contain_text(award)
        expect(row).to_contain_text(day)
    shot("74-individual-lookup")
