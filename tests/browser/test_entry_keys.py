"""Issue 20, part 3 in Chromium: entry by keyboard as in Excel (Tab and Enter from value to value,
Enter never sends), the error summary, the question before sending blank required indicators,
and the upload preview → save → submit in three clicks."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from thidua.indicators.models import Report, ReportStatus, Value

pytestmark = pytest.mark.browser


def open_entry(page: Page) -> str:
    page.locator("tr", has_text="Năm 2019").get_by_role("link", name="Nhập số liệu").click()
    expect(page.locator("h1")).to_contain_text("Long An")
    return page.url


def focused_name(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.name")


def year_end_values():
    return Value.objects.filter(unit__code="80", report__period="2019")


def test_tab_and_enter_go_from_value_to_value_and_enter_never_sends(
    demo, page: Page, live_server, login, shot
):
    login("longan")
    entry_url = open_entry(page)
    values = page.locator("input.number:not([disabled])")
    first, second, third = (values.nth(i).get_attribute("name") for i in range(3))
    assert (first, second, third) == ("v_grdp", "v_grdp_growth", "v_budget_revenue")
    page.focus(f"input[name={first}]")
    page.keyboard.type("21.345,6")
    page.keyboard.press("Tab")
    assert focused_name(page) == second  # not the explanation of GRDP
    page.keyboard.type("7,5")
    page.keyboard.press("Enter")
    assert focused_name(page) == third
    page.keyboard.press("Shift+Tab")  # back, through the explanation of the row above
    assert focused_name(page) == "j_grdp_growth"
    page.keyboard.press("Shift+Tab")
    assert focused_name(page) == second
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert page.url == entry_url
    expect(page.locator(".messages")).to_have_count(0)
    assert not year_end_values().exists()  # Enter saved nothing
    shot("50-entry-keyboard")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu 2 số liệu.")
    expect(page.locator("input[name=v_grdp]")).to_have_value("21.345,6")  # as typed


def test_without_the_script_enter_sends_nothing_either(demo, browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "longan")
    page.fill("#id_password", "thidua-demo-2019")
    page.click("button[type=submit]")
    entry_url = open_entry(page)
    page.fill("input[name=v_grdp_growth]", "7,5")
    page.press("input[name=v_grdp_growth]", "Enter")
    page.wait_for_timeout(500)
    assert page.url == entry_url
    assert not year_end_values().exists()
    context.close()


def test_a_failed_save_sums_up_every_problem_and_each_link_puts_the_cursor_in_its_field(
    demo, page: Page, live_server, login, shot
):
    login("longan")
    open_entry(page)
    page.fill("input[name=v_grdp_growth]", "tám")
    page.fill("input[name=v_export_value]", "-5")
    page.get_by_role("button", name="Lưu nháp").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("2 lỗi cần sửa")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["Tốc độ tăng trưởng GRDP", "Kim ngạch xuất khẩu"]
    )
    expect(page.locator("#check-export_value")).to_contain_text("không được âm")
    shot("51-entry-error-summary")
    summary.get_by_role("link", name="Kim ngạch xuất khẩu").click()
    assert focused_name(page) == "v_export_value"


def test_sending_with_a_blank_required_indicator_asks_first_naming_it(
    demo, page: Page, live_server, login, confirmations
):
    from thidua.covenants.models import Covenant, Target
    from thidua.indicators.models import Indicator

    Target.objects.create(
        covenant=Covenant.objects.get(cluster__code="TNB", year=2019),
        indicator=Indicator.objects.get(code="export_value"),
        period="2019",
        value=100,
    )
    login("longan")
    entry_url = open_entry(page)
    page.fill("input[name=v_grdp_growth]", "7,5")
    confirmations.dismiss_next()
    page.get_by_role("button", name="Lưu và gửi báo cáo").click()
    assert confirmations.texts[0].startswith(
        "Còn trống chỉ tiêu bắt buộc: Kim ngạch xuất khẩu. Vẫn gửi báo cáo khi còn trống?"
    )
    assert "Gửi báo cáo năm 2019 của Long An cho cụm TNB?" in confirmations.texts[0]
    assert page.url == entry_url and not year_end_values().exists()
    page.get_by_role("button", name="Lưu và gửi báo cáo").click()  # accepted this time
    expect(page.locator(".messages")).to_contain_text("Đã gửi báo cáo tới cụm trưởng.")
    assert Report.objects.get(unit__code="80", period="2019").status == ReportStatus.SUBMITTED


def test_an_upload_is_previewed_old_to_new_saved_in_one_click_and_sent_in_one_more(
    demo, page: Page, live_server, login, shot, tmp_path, confirmations
):
    login("longan")
    open_entry(page)
    page.fill("input[name=v_grdp_growth]", "7,5")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu 1 số liệu.")
    page.get_by_role("link", name="Tải lên Excel").click()
    csv = tmp_path / "so-lieu.csv"
    csv.write_text('mã đơn vị,chỉ tiêu,kỳ,giá trị\n80,grdp_growth,2019,"8,1"\n', encoding="utf-8")
    page.set_input_files("#id_file", str(csv))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    row = page.locator("#upload-changes tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td.old")).to_have_text("7,50")
    expect(row.locator("td.new")).to_have_text("8,10")
    shot("52-upload-preview")
    page.get_by_role("button", name="Xác nhận ghi số liệu").click()
    expect(page.locator("h1")).to_have_text("Đã nhập số liệu từ so-lieu.csv")
    shot("53-upload-done")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi báo cáo tới cụm trưởng.")
    assert confirmations.texts[-1].startswith("Gửi báo cáo năm 2019 của Long An cho cụm TNB?")
    assert Report.objects.get(unit__code="80", period="2019").status == ReportStatus.SUBMITTED


def test_a_value_typed_before_htmx_arrived_is_checked_once_it_has(
    demo, page: Page, live_server, login
):
    # A slow network: the page is on screen and typed in while htmx is still on its way.
    login("longan")
    held = []
    page.route("**/htmx*.js", lambda route: held.append(route))
    page.locator("tr", has_text="Năm 2019").get_by_role("link", name="Nhập số liệu").click()
    page.fill("input[name=v_grdp_growth]", "35")
    page.locator("input[name=v_grdp_growth]").blur()
    while not held:
        page.wait_for_timeout(50)
    assert page.evaluate("typeof window.htmx") == "undefined"
    held[0].continue_()
    expect(page.locator("#check-grdp_growth")).to_contain_text("cao bất thường")
