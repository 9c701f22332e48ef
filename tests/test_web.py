"""The web pages, each for the role it serves and against the roles it does not.

Cast (see conftest): `camau` runs TNB as head secretariat, `longan` and `kiengiang` are officers of
TNB members, `hanoi` is an officer outside TNB, `bantw` the central board, `xem` a TNB viewer.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from thidua.indicators import services
from thidua.indicators.models import Report, ReportStatus, Value

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client, users):
    def login(name: str):
        client.force_login(users[name])
        return client

    return login


@pytest.fixture
def long_an(unit):
    return unit("80")


@pytest.fixture
def entry_url(long_an):
    return reverse("web:entry", args=["TNB", "2019", long_an.pk])


@pytest.fixture
def draft(as_user, entry_url, long_an):
    """Long An's year-end report with one value, saved as a draft through the form."""
    as_user("longan").post(entry_url, {"v_grdp_growth": "7,5", "save": "1"})
    return Report.objects.get(cluster__code="TNB", unit=long_an, period="2019")


@pytest.fixture
def submitted(draft, users):
    return services.submit_report(users["longan"], draft)


def year_end_values(unit_obj):
    return Value.objects.filter(report__unit=unit_obj, report__period="2019")


def h1_report(unit_obj) -> Report:
    return Report.objects.get(cluster__code="TNB", unit=unit_obj, period="2019H1")


# Who may not see ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/clusters/TNB/",
        "/clusters/TNB/2019H1/review/",
        "/clusters/TNB/2019H1/review/chart.svg",
        "/clusters/TNB/2019H1/review.xlsx",
        "/clusters/TNB/2019H1/worklist/",
        "/clusters/TNB/2019/upload/",
        "/reports/1/",
    ],
)
def test_the_public_is_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_an_officer_cannot_open_another_units_draft(as_user, draft):
    url = reverse("web:report", args=[draft.pk])
    assert as_user("kiengiang").get(url).status_code == 403
    assert as_user("hanoi").get(url).status_code == 403
    assert as_user("xem").get(url).status_code == 403


def test_peers_see_a_report_once_it_is_submitted(as_user, submitted):
    response = as_user("kiengiang").get(reverse("web:report", args=[submitted.pk]))
    assert response.status_code == 200


def test_an_officer_cannot_enter_data_for_another_unit(as_user, entry_url):
    assert as_user("kiengiang").get(entry_url).status_code == 403
    response = as_user("hanoi").post(entry_url, {"v_grdp_growth": "9", "save": "1"})
    assert response.status_code == 403
    assert not Report.objects.filter(cluster__code="TNB", period="2019").exists()


def test_a_unit_outside_the_cluster_has_no_entry_page(as_user, unit):
    url = reverse("web:entry", args=["TNB", "2019", unit("01").pk])
    assert as_user("camau").get(url).status_code == 404


@pytest.mark.parametrize("name", ["longan", "xem", "bantw"])
def test_only_the_head_and_the_board_open_the_worklist(as_user, name):
    status = as_user(name).get("/clusters/TNB/2019H1/worklist/").status_code
    assert status == (200 if name == "bantw" else 403)


def test_an_outsider_cannot_see_the_cluster_or_its_review(as_user):
    client = as_user("hanoi")
    assert client.get("/clusters/TNB/").status_code == 403
    assert client.get("/clusters/TNB/2019H1/review/").status_code == 403
    assert client.get("/clusters/TNB/2019H1/review.xlsx").status_code == 403


def test_a_viewer_cannot_upload(as_user):
    assert as_user("xem").get("/clusters/TNB/2019/upload/").status_code == 403
    assert as_user("hanoi").get("/clusters/TNB/2019/upload/").status_code == 403


def test_a_viewer_cannot_act_on_a_report(as_user, submitted):
    response = as_user("xem").post(reverse("web:accept", args=[submitted.pk]))
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED


# Login and dashboards -------------------------------------------------------------------------


def test_login_with_the_demo_password_leads_to_the_dashboard(client):
    response = client.post("/login/", {"username": "longan", "password": "thidua-demo-2019"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "Báo cáo của đơn vị" in client.get("/").content.decode()


def test_a_wrong_password_is_told_in_vietnamese(client):
    response = client.post("/login/", {"username": "longan", "password": "sai"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_the_officer_dashboard_shows_what_is_due_with_deadline_and_lock_date(as_user, entry_url):
    html = as_user("longan").get("/").content.decode()
    assert "Năm 2019" in html
    assert entry_url in html
    assert "20/07/2019" in html and "31/07/2019" in html


def test_the_head_dashboard_shows_its_cluster_worklists(as_user, submitted):
    html = as_user("camau").get("/").content.decode()
    assert "/clusters/TNB/2019/worklist/" in html
    assert "Long An" in html  # waiting for the head
    assert "chờ xử lý" in html


def test_the_board_dashboard_lists_every_cluster(as_user):
    html = as_user("bantw").get("/").content.decode()
    assert "Cụm thi đua các tỉnh Tây Nam Bộ" in html
    assert "Cụm thi đua năm thành phố trực thuộc Trung ương" in html


def test_a_viewer_dashboard_lists_only_its_clusters(as_user):
    html = as_user("xem").get("/").content.decode()
    assert "Tây Nam Bộ" in html
    assert "năm thành phố" not in html


def test_the_language_switch_turns_the_pages_english(as_user):
    client = as_user("longan")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Sign out" in html


# Cluster page ---------------------------------------------------------------------------------


def test_the_cluster_page_shows_members_roles_meeting_and_covenant(as_user):
    html = as_user("xem").get("/clusters/TNB/?year=2019").content.decode()
    assert "Cụm trưởng" in html and "Cà Mau" in html
    assert "Rạch Giá, Kiên Giang" in html and "06/08/2019" in html
    assert "Thu ngân sách 6 tháng đầu năm đạt từ 55% dự toán năm trở lên" in html
    assert "≥ 55,0%" in html


def test_the_cluster_page_tells_who_is_late(as_user, unit):
    html = as_user("xem").get("/clusters/TNB/").content.decode()
    assert html.count("badge late") == 0  # the demo's mid-year reports came in on time
    Report.objects.filter(unit=unit("82"), period="2019H1").update(is_late=True)
    html = as_user("xem").get("/clusters/TNB/").content.decode()
    assert html.count("badge late") == 1


# Data entry -----------------------------------------------------------------------------------


def test_the_entry_form_stores_a_vietnamese_decimal(as_user, entry_url, long_an):
    response = as_user("longan").post(entry_url, {"v_grdp_growth": "8,2", "save": "1"})
    assert response.status_code == 302
    value = Value.objects.get(unit=long_an, indicator__code="grdp_growth", period="2019")
    assert value.value == Decimal("8.2")
    assert value.entered_via == "web"


def test_thousands_separators_are_read_the_vietnamese_way(as_user, entry_url, long_an):
    as_user("longan").post(entry_url, {"v_budget_revenue": "19.360", "save": "1"})
    value = Value.objects.get(unit=long_an, indicator__code="budget_revenue", period="2019")
    assert value.value == Decimal("19360")


def test_a_number_that_is_not_one_is_shown_at_its_field_and_nothing_is_stored(
    as_user, entry_url, long_an
):
    response = as_user("longan").post(
        entry_url, {"v_grdp_growth": "tám", "v_export_value": "120", "save": "1"}
    )
    assert response.status_code == 200
    assert "“tám” không phải là số" in response.content.decode()
    assert not year_end_values(long_an).exists()


def test_an_impossible_value_is_a_hard_error_at_its_field(as_user, entry_url, long_an):
    response = as_user("longan").post(entry_url, {"v_hs_graduation_rate": "120", "save": "1"})
    html = response.content.decode()
    assert "không được lớn hơn 100,0" in html
    assert 'aria-invalid="true"' in html
    assert not year_end_values(long_an).exists()


def test_the_year_end_form_cannot_change_the_plan_of_the_accepted_mid_year_report(
    as_user, entry_url, long_an
):
    # Issue 16, finding 4, the web door: the year's plan belongs to the accepted 2019H1 report.
    data = {"v_budget_plan": "13.500", "reason": "HĐND điều chỉnh", "save": "1"}
    html = as_user("longan").post(entry_url, data).content.decode()
    assert "thuộc báo cáo kỳ 2019H1" in html and "mở lại" in html
    plan = Value.objects.get(unit=long_an, indicator__code="budget_plan", is_current=True)
    assert (plan.version, plan.report.period) == (1, "2019H1")
    page = as_user("longan").get(entry_url).content.decode()
    # The period in words, not its code (issue 20).
    assert "Số liệu của báo cáo 6 tháng đầu năm 2019; cần cụm trưởng mở lại" in page
    assert re.search(r'name="v_budget_plan"[^>]*disabled', page)


def test_a_warning_needs_a_justification_before_submitting(as_user, entry_url, long_an):
    client = as_user("longan")
    response = client.post(entry_url, {"v_grdp_growth": "35", "submit": "1"})
    assert "cần giải trình trước khi gửi" in response.content.decode()
    report = Report.objects.get(unit=long_an, period="2019")
    assert report.status == ReportStatus.DRAFT
    page = client.get(entry_url).content.decode()
    assert "cao bất thường" in page
    response = client.post(
        entry_url, {"v_grdp_growth": "35", "j_grdp_growth": "Nhà máy mới", "submit": "1"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_the_live_check_reports_warnings_without_writing(as_user, long_an):
    url = reverse("web:entry_check", args=["TNB", "2019", long_an.pk, "grdp_growth"])
    response = as_user("longan").post(url, {"v_grdp_growth": "35"}, headers={"HX-Request": "true"})
    assert "cao bất thường" in response.content.decode()
    assert not year_end_values(long_an).exists()


def test_a_submitted_report_shows_a_read_only_form(as_user, submitted, entry_url):
    html = as_user("longan").get(entry_url).content.decode()
    assert "không sửa được" in html
    assert "Lưu nháp" not in html


def test_entry_after_the_lock_date_is_refused_with_the_date(as_user, unit):
    url = reverse("web:entry", args=["TNB", "2019H1", unit("80").pk])
    html = as_user("longan").get(url).content.decode()
    assert "không sửa được" in html  # accepted in the demo


# The head's worklist --------------------------------------------------------------------------


def test_the_worklist_has_a_row_per_member_with_status(as_user, submitted):
    html = as_user("camau").get("/clusters/TNB/2019/worklist/").content.decode()
    assert html.count('<tr id="row-') == 12
    assert "Đã gửi" in html
    assert reverse("web:accept", args=[submitted.pk]) in html


def test_the_head_accepts_a_report(as_user, submitted):
    response = as_user("camau").post(reverse("web:accept", args=[submitted.pk]), follow=True)
    assert "Đã tiếp nhận báo cáo của Long An." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.ACCEPTED


def test_returning_without_a_comment_shows_the_error_and_changes_nothing(as_user, submitted):
    url = reverse("web:return", args=[submitted.pk])
    response = as_user("camau").post(url, {"comment": "  "}, follow=True)
    assert "Cần ghi ý kiến khi trả lại báo cáo." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED
    assert submitted.head_comment == ""


def test_a_returned_report_shows_the_head_comment_to_the_officer(as_user, submitted, entry_url):
    as_user("camau").post(reverse("web:return", args=[submitted.pk]), {"comment": "Kiểm tra lại"})
    html = as_user("longan").get(entry_url).content.decode()
    assert "Kiểm tra lại" in html
    assert "Lưu nháp" in html


def test_reopening_needs_a_reason(as_user, unit):
    report = h1_report(unit("80"))
    client = as_user("camau")
    response = client.post(reverse("web:reopen", args=[report.pk]), {"reason": ""}, follow=True)
    assert "Cần ghi lý do mở lại báo cáo." in response.content.decode()
    client.post(reverse("web:reopen", args=[report.pk]), {"reason": "Sai số thu ngân sách"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED


def test_the_head_grants_an_entry_exception_with_a_vietnamese_date(as_user, draft):
    response = as_user("camau").post(
        reverse("web:exception", args=[draft.pk]), {"until": "31/12/2099"}, follow=True
    )
    assert "31/12/2099" in response.content.decode()
    draft.refresh_from_db()
    assert draft.entry_exception_until.isoformat() == "2099-12-31"


# Report detail and history --------------------------------------------------------------------


def test_the_report_page_keeps_old_versions_with_who_and_why(as_user, unit):
    report = h1_report(unit("80"))
    client = as_user("camau")
    client.post(reverse("web:reopen", args=[report.pk]), {"reason": "Cục Thống kê đính chính"})
    url = reverse("web:entry", args=["TNB", "2019H1", unit("80").pk])
    client.post(url, {"v_grdp_growth": "9,9", "reason": "Số liệu đính chính", "save": "1"})
    html = client.get(reverse("web:report", args=[report.pk])).content.decode()
    assert "9,89%" in html and "9,90%" in html
    assert "Số liệu đính chính" in html
    assert "camau" in html
    assert "Mở lại để sửa" in html and "Cục Thống kê đính chính" in html


# Review ---------------------------------------------------------------------------------------


def test_the_review_page_shows_figures_thresholds_and_illustrative_marks(as_user):
    html = as_user("xem").get("/clusters/TNB/2019H1/review/").content.decode()
    assert "8,20%" in html  # GRDP growth of the cluster, as in the review article
    assert "49.630 tỷ đồng" in html
    assert "12/12" in html
    assert "số liệu minh họa" in html
    assert "Trà Vinh" in html and "17,00%" in html


def test_the_review_chart_is_an_svg_of_the_members(as_user):
    response = as_user("xem").get("/clusters/TNB/2019H1/review/chart.svg?indicator=grdp_growth")
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<svg")
    assert "Trà Vinh" in svg


def test_the_review_downloads_as_xlsx(as_user):
    response = as_user("xem").get("/clusters/TNB/2019H1/review.xlsx")
    assert response["Content-Disposition"].endswith('tong-hop-TNB-2019H1.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    summary = [str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "Tốc độ tăng trưởng GRDP" in summary
    ranking = [row for row in book["Tăng trưởng GRDP"].iter_rows(values_only=True) if row[0] == 1]
    assert "Trà Vinh" in ranking[0]


def test_the_review_page_needs_few_queries(as_user, django_assert_max_num_queries):
    client = as_user("xem")
    with django_assert_max_num_queries(20):
        client.get("/clusters/TNB/2019H1/review/")


# Excel in and out -----------------------------------------------------------------------------


def test_the_entry_template_downloads(as_user):
    response = as_user("longan").get("/clusters/TNB/2019/template.xlsx")
    assert response.status_code == 200
    load_workbook(io.BytesIO(response.content))


def test_the_template_does_not_leak_another_units_draft(as_user, draft):
    response = as_user("kiengiang").get("/clusters/TNB/2019/template.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row]
    assert 7.5 not in cells and "7,5" not in cells
    mine = load_workbook(
        io.BytesIO(as_user("longan").get("/clusters/TNB/2019/template.xlsx").content)
    )
    cells = [c for row in mine.worksheets[0].iter_rows(values_only=True) for c in row]
    assert 7.5 in cells or Decimal("7.5") in cells


def _csv(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("so-lieu.csv", text.encode("utf-8"), content_type="text/csv")


def test_an_upload_is_checked_first_and_written_only_when_confirmed(as_user, long_an):
    client = as_user("longan")
    url = reverse("web:upload", args=["TNB", "2019"])
    csv = 'mã đơn vị,chỉ tiêu,kỳ,giá trị\n80,grdp_growth,2019,"7,5"\n'
    response = client.post(url, {"file": _csv(csv)})
    html = response.content.decode()
    assert "Xác nhận ghi số liệu" in html
    assert not year_end_values(long_an).exists()
    token = response.context["token"]
    client.post(reverse("web:upload_confirm", args=["TNB", "2019"]), {"token": token})
    value = Value.objects.get(unit=long_an, indicator__code="grdp_growth", period="2019")
    assert value.value == Decimal("7.5")


def test_upload_errors_are_listed_row_by_row(as_user):
    client = as_user("longan")
    csv = "mã đơn vị,chỉ tiêu,kỳ,giá trị\n80,grdp_growth,2019,abc\n80,export_value,2019,xyz\n"
    response = client.post(reverse("web:upload", args=["TNB", "2019"]), {"file": _csv(csv)})
    html = response.content.decode()
    assert "Xác nhận ghi số liệu" not in html
    assert '<td class="num">2</td>' in html and "“abc” không phải là số" in html
    assert '<td class="num">3</td>' in html and "“xyz” không phải là số" in html


def test_the_entry_form_shows_stored_values_in_vietnamese_notation(as_user, unit):
    url = reverse("web:entry", args=["TNB", "2019H1", unit("80").pk])
    html = as_user("longan").get(url).content.decode()
    assert 'value="9,89"' in html
    assert 'value="13.450"' in html


def test_submitting_an_empty_report_says_it_has_no_figures(as_user, entry_url):
    response = as_user("longan").post(entry_url, {"submit": "1"})
    assert "Báo cáo chưa có số liệu nào." in response.content.decode()


def test_the_worklist_and_dashboard_take_a_bounded_number_of_queries(
    as_user, django_assert_max_num_queries
):
    client = as_user("camau")
    with django_assert_max_num_queries(15):
        client.get("/clusters/TNB/2019H1/worklist/")
    with django_assert_max_num_queries(25):
        client.get("/")


def test_the_ui_is_vietnamese_even_for_an_english_browser_until_english_is_chosen(client):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Đăng nhập" in page
    client.cookies["django_language"] = "en"
    assert "Log in" in client.get("/login/").content.decode()


def test_the_review_page_shows_the_narrative(as_user):
    html = as_user("xem").get("/clusters/TNB/2019H1/review/").content.decode()
    assert "tăng bình quân 8,2%, riêng Trà Vinh tăng 17%" in html


def test_the_review_report_downloads_as_an_official_word_file(as_user):
    from docx import Document

    response = as_user("xem").get("/clusters/TNB/2019H1/review.docx")
    assert response["Content-Disposition"].endswith('bao-cao-TNB-2019H1.docx"')
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "gần 50 nghìn tỷ đồng" in text


def test_an_outsider_cannot_download_the_review_report(as_user):
    assert as_user("hanoi").get("/clusters/TNB/2019H1/review.docx").status_code in (403, 404)


def test_a_stale_form_does_not_overwrite_a_newer_value(as_user, entry_url, long_an):
    as_user("longan").post(entry_url, {"v_grdp_growth": "8,2", "ver_grdp_growth": "0", "save": "1"})
    as_user("camau").post(entry_url, {"v_grdp_growth": "8,4", "ver_grdp_growth": "1", "save": "1"})
    page = as_user("longan").post(
        entry_url, {"v_grdp_growth": "8,3", "ver_grdp_growth": "1", "save": "1"}
    )
    assert "vừa được camau sửa thành 8,4" in page.content.decode()
    current = Value.objects.get(
        unit=long_an, indicator__code="grdp_growth", period="2019", is_current=True
    )
    assert current.value == Decimal("8.4")
    # Having seen the newer value, the officer may save deliberately (the page carries version 2).
    as_user("longan").post(entry_url, {"v_grdp_growth": "8,3", "ver_grdp_growth": "2", "save": "1"})
    current = Value.objects.get(
        unit=long_an, indicator__code="grdp_growth", period="2019", is_current=True
    )
    assert current.value == Decimal("8.3")
