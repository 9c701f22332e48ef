"""Entry as fast as Excel (issue 20, part 3), the server's side: the error summary, the blank
required indicators asked about before a submit, values shown with the precision typed, the
upload preview old → new with one click to save and one to submit, errors with cell references
and as a marked .xlsx. The keyboard itself is tested in Chromium (tests/browser/test_entry_keys)."""

# The fixtures as_user, entry_url and long_an are test_web's, imported: F811 is their use.
# ruff: noqa: F811

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tests.test_web import as_user, entry_url, long_an  # noqa: F401 (fixtures)
from thidua.covenants.models import Covenant, Target
from thidua.indicators.error_sheet import ERROR_FILL
from thidua.indicators.models import Indicator, Report, ReportStatus, Value
from thidua.scoring.required import blank_required, required_indicators

pytestmark = pytest.mark.django_db


@pytest.fixture
def export_pledged(tnb):
    """The TNB covenant pledges an export figure for the year: export_value becomes required."""
    covenant = Covenant.objects.get(cluster=tnb, year=2019)
    export = Indicator.objects.get(code="export_value")
    return Target.objects.create(covenant=covenant, indicator=export, period="2019", value=100)


def current(unit_obj, code: str) -> Value:
    return Value.objects.get(unit=unit_obj, indicator__code=code, period="2019", is_current=True)


def csv_file(text: str, name: str = "so-lieu.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


# The error summary ------------------------------------------------------------------------------


def test_a_failed_save_lists_every_problem_at_the_top_with_links_to_the_fields(
    as_user, entry_url, long_an
):
    data = {"v_grdp_growth": "tám", "v_hs_graduation_rate": "120", "save": "1"}
    html = as_user("longan").post(entry_url, data).content.decode()
    summary = html[
        html.index('id="error-summary"') : html.index("</div>", html.index("error-summary"))
    ]
    assert "2 lỗi cần sửa" in summary
    assert (
        '<a href="#id_v_grdp_growth">Tốc độ tăng trưởng GRDP</a>: “tám” không phải là số' in summary
    )
    assert (
        '<a href="#id_v_hs_graduation_rate">' in summary and "không được lớn hơn 100,0" in summary
    )
    # … and each message also stands at its own field.
    check = html[html.index('id="check-grdp_growth"') :]
    assert "“tám” không phải là số" in check[: check.index("</td>")]
    assert not Value.objects.filter(unit=long_an, report__period="2019").exists()


def test_a_page_without_errors_has_no_summary(as_user, entry_url):
    assert 'id="error-summary"' not in as_user("longan").get(entry_url).content.decode()


# Blank required indicators ----------------------------------------------------------------------


def test_required_indicators_come_from_the_regulation_and_the_covenant_of_the_period(
    tnb, export_pledged
):
    # The regulation scores graduation on the year's data and growth, revenue and the plan
    # share (a formula: revenue and plan) on the mid-year data; the covenant adds exports.
    assert [i.code for i in required_indicators(tnb, "2019")] == [
        "hs_graduation_rate",
        "export_value",
    ]
    assert [i.code for i in required_indicators(tnb, "2019H1")] == [
        "grdp_growth",
        "budget_revenue",
        "budget_plan",
    ]


def test_without_regulation_or_covenant_every_entered_indicator_is_required(tnb):
    Covenant.objects.filter(cluster=tnb, year=2019).delete()
    tnb.regulations.filter(year=2019).delete()
    codes = {i.code for i in required_indicators(tnb, "2019")}
    entered = Indicator.objects.filter(active=True, formula="").values_list("code", flat=True)
    assert codes == set(entered)


def test_blank_required_takes_the_same_queries_for_one_unit_or_many(
    tnb, long_an, unit, export_pledged, django_assert_num_queries
):
    with django_assert_num_queries(6):
        blank_required(tnb, "2019", [long_an.pk])
    units = [long_an.pk, unit("82").pk, unit("86").pk]
    with django_assert_num_queries(6):
        blanks = blank_required(tnb, "2019", units)
    assert {u: [i.code for i in b] for u, b in blanks.items()} == {
        u: ["export_value"] for u in units
    }


def test_submitting_with_a_blank_required_indicator_is_refused_until_confirmed(
    as_user, entry_url, long_an, export_pledged
):
    client = as_user("longan")
    page = client.get(entry_url).content.decode()
    assert re.search(r'name="v_export_value"[^>]*data-required="1"', page)
    response = client.post(entry_url, {"v_grdp_growth": "7,5", "submit": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Còn trống chỉ tiêu bắt buộc: Kim ngạch xuất khẩu. Báo cáo chưa được gửi." in html
    assert 'name="confirm_blank" value="export_value"' in html  # the no-script checkbox
    report = Report.objects.get(unit=long_an, period="2019")
    assert report.status == ReportStatus.DRAFT
    assert current(long_an, "grdp_growth").value == Decimal("7.5")  # the draft is saved
    # The page shown carries the new version: confirming does not trip the stale-form check.
    ver = re.search(r'name="ver_grdp_growth" value="(\d+)"', html).group(1)
    confirmed = {"v_grdp_growth": "7,5", "ver_grdp_growth": ver}
    response = client.post(entry_url, confirmed | {"confirm_blank": "export_value", "submit": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_confirmation_for_other_indicators_does_not_cover_a_blank_one(
    as_user, entry_url, long_an, export_pledged
):
    data = {"v_grdp_growth": "7,5", "confirm_blank": "grdp,budget_revenue", "submit": "1"}
    html = as_user("longan").post(entry_url, data).content.decode()
    assert "Kim ngạch xuất khẩu. Báo cáo chưa được gửi." in html
    assert Report.objects.get(unit=long_an, period="2019").status == ReportStatus.DRAFT


def test_filling_the_required_indicator_submits_without_asking(
    as_user, entry_url, long_an, export_pledged
):
    data = {"v_grdp_growth": "7,5", "v_export_value": "1.250", "submit": "1"}
    assert as_user("longan").post(entry_url, data).status_code == 302
    assert Report.objects.get(unit=long_an, period="2019").status == ReportStatus.SUBMITTED


# Precision --------------------------------------------------------------------------------------


def test_a_value_comes_back_with_the_precision_typed(as_user, entry_url, long_an):
    client = as_user("longan")
    client.post(entry_url, {"v_grdp": "21.345,6", "v_grdp_growth": "8,205", "save": "1"})
    assert current(long_an, "grdp").value == Decimal("21345.6")
    page = client.get(entry_url).content.decode()
    assert 'value="21.345,6"' in page  # GRDP is kept in whole tỷ đồng, but 21.346 was not typed
    assert 'value="8,205"' in page
    report = Report.objects.get(unit=long_an, period="2019")
    history = client.get(reverse("web:report", args=[report.pk])).content.decode()
    assert "21.345,6 tỷ đồng" in history and "21.346 tỷ đồng" not in history


def test_english_mode_shows_and_reads_english_numbers(as_user, entry_url, long_an):
    client = as_user("longan")
    client.post(entry_url, {"v_grdp": "21.345,6", "save": "1"})
    client.cookies["django_language"] = "en"
    page = client.get(entry_url).content.decode()
    assert 'value="21,345.6"' in page and "Write numbers in English notation" in page
    client.post(entry_url, {"v_grdp": "21,345.7", "ver_grdp": "1", "save": "1"})
    assert current(long_an, "grdp").value == Decimal("21345.7")


# Upload preview, save, submit -------------------------------------------------------------------


def test_the_upload_preview_lists_old_and_new_per_cell_and_counts_the_unchanged(
    as_user, entry_url, long_an
):
    client = as_user("longan")
    client.post(entry_url, {"v_grdp_growth": "7,5", "v_export_value": "120", "save": "1"})
    text = (
        "mã đơn vị,chỉ tiêu,kỳ,giá trị\n"
        '80,grdp_growth,2019,"8,1"\n'
        "80,export_value,2019,120\n"
        '80,grdp,2019,"21.345,6"\n'
    )
    response = client.post(reverse("web:upload", args=["TNB", "2019"]), {"file": csv_file(text)})
    html = response.content.decode()
    table = html[
        html.index('id="upload-changes"') : html.index("</table>", html.index("upload-changes"))
    ]
    rows = [
        [
            " ".join(re.sub(r"<[^>]+>", " ", td).split())
            for td in re.findall(r"<td.*?</td>", tr, re.S)
        ]
        for tr in re.findall(r"<tr.*?</tr>", table, re.S)[1:]
    ]
    # unit, indicator (period), measure, cell, old, →, new, warnings
    assert rows == [
        ["Long An", "Tốc độ tăng trưởng GRDP (Năm 2019)", "%", "D2", "7,50", "→", "8,10", ""],
        [
            "Long An",
            "Quy mô tổng sản phẩm trên địa bàn (GRDP) (Năm 2019)",
            "tỷ đồng",
            "D4",
            "chưa có",
            "→",
            "21.345,6",
            "",
        ],
    ]  # the unchanged export figure is counted, not listed
    assert "1 số liệu giống số đã lưu: không đổi, không liệt kê." in html
    assert current(long_an, "grdp_growth").value == Decimal("7.5")  # nothing written yet


def test_a_warning_stands_in_the_preview_row_of_its_cell(as_user):
    text = "mã đơn vị,chỉ tiêu,kỳ,giá trị\n80,grdp_growth,2019,35\n"
    response = as_user("longan").post(
        reverse("web:upload", args=["TNB", "2019"]), {"file": csv_file(text)}
    )
    html = response.content.decode()
    row = re.search(r'<tr class="has-warning">.*?</tr>', html, re.S).group(0)
    assert "D2" in row and "cao bất thường" in row


def test_one_click_saves_and_the_result_page_offers_one_click_to_submit(
    as_user, long_an, export_pledged
):
    client = as_user("longan")
    text = 'mã đơn vị,chỉ tiêu,kỳ,giá trị\n80,grdp_growth,2019,"8,1"\n'
    preview = client.post(reverse("web:upload", args=["TNB", "2019"]), {"file": csv_file(text)})
    done = client.post(
        reverse("web:upload_confirm", args=["TNB", "2019"]), {"token": preview.context["token"]}
    )
    html = done.content.decode()
    assert done.status_code == 200
    assert "Đã nhập 1 số liệu từ so-lieu.csv" in html
    assert "8,10" in html and 'id="upload-changes"' in html
    entry = reverse("web:entry", args=["TNB", "2019", long_an.pk])
    form = re.search(rf'<form method="post" action="{entry}".*?</form>', html, re.S).group(0)
    assert ">Gửi báo cáo</button>" in form
    assert 'name="confirm_blank" value="export_value"' in form
    assert "Còn trống chỉ tiêu bắt buộc: Kim ngạch xuất khẩu." in form  # asked on the button
    sent = client.post(entry, {"submit": "1", "confirm_blank": "export_value"})
    assert sent.status_code == 302
    assert Report.objects.get(unit=long_an, period="2019").status == ReportStatus.SUBMITTED
    assert current(long_an, "grdp_growth").value == Decimal("8.1")


# Errors: cell references and the marked workbook ------------------------------------------------


def bad_upload(client):
    text = (
        "mã đơn vị,chỉ tiêu,kỳ,giá trị\n"
        "80,grdp_growth,2019,abc\n"
        "80,export_value,2019,-5\n"
        "99,grdp,2019,10\n"
    )
    return client.post(
        reverse("web:upload", args=["TNB", "2019"]), {"file": csv_file(text, "bad.csv")}
    )


def test_upload_errors_carry_the_cell_reference(as_user):
    response = bad_upload(as_user("longan"))
    errors = {(e.cell, e.row) for e in response.context["result"].errors}
    assert {("D2", 2), ("D3", 3), ("A4", 4)} <= errors
    html = response.content.decode()
    assert '<td class="nowrap">D2</td><td class="num">2</td>' in html


def test_the_errors_download_as_the_sheet_with_the_bad_cells_marked(as_user):
    client = as_user("longan")
    response = bad_upload(client)
    url = reverse("web:upload_errors", args=["TNB", "2019", response.context["errors_token"]])
    assert url in response.content.decode()
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="loi-bad.xlsx"'
    book = load_workbook(io.BytesIO(download.content))
    sheet = book["Số liệu"]
    assert [c.value for c in sheet[2]] == ["80", "grdp_growth", "2019", "abc"]
    marked = {
        c.coordinate: c.comment.text
        for row in sheet.iter_rows()
        for c in row
        if c.fill.fgColor.rgb == ERROR_FILL.fgColor.rgb
    }
    assert set(marked) == {"D2", "D3", "A4"}
    assert "“abc” không phải là số" in marked["D2"]
    assert "không được âm" in marked["D3"]
    assert "Không tìm thấy đơn vị “99”" in marked["A4"]
    assert sheet["B2"].comment is None and sheet["B2"].fill.fgColor.rgb != ERROR_FILL.fgColor.rgb
    listing = [[c.value for c in row] for row in book["Lỗi"].iter_rows(min_row=2)]
    assert [r[0] for r in listing] == ["D2", "D3", "A4"]


def test_a_formula_in_a_refused_file_comes_back_as_text(as_user):
    text = "mã đơn vị,chỉ tiêu,kỳ,giá trị\n80,grdp_growth,2019,=1+1\n"
    client = as_user("longan")
    response = client.post(reverse("web:upload", args=["TNB", "2019"]), {"file": csv_file(text)})
    url = reverse("web:upload_errors", args=["TNB", "2019", response.context["errors_token"]])
    cell = load_workbook(io.BytesIO(client.get(url).content))["Số liệu"]["D2"]
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_another_user_cannot_download_someone_elses_errors(as_user, users, client):
    response = bad_upload(as_user("longan"))
    url = reverse("web:upload_errors", args=["TNB", "2019", response.context["errors_token"]])
    client.force_login(users["kiengiang"])
    response = client.get(url, follow=True)
    assert response.redirect_chain == [(reverse("web:upload", args=["TNB", "2019"]), 302)]
    assert "Tệp đánh dấu lỗi không còn" in response.content.decode()


def test_a_cell_reference_is_the_cell_the_officer_typed_in_the_template(as_user):
    client = as_user("longan")
    book = load_workbook(io.BytesIO(client.get("/clusters/TNB/2019/template.xlsx").content))
    sheet = book["Số liệu"]
    codes = {c.value: c.column_letter for c in sheet[2] if c.value}  # the hidden code row
    row = next(c.row for c in sheet["A"] if c.value == "80")
    ref = f"{codes['grdp_growth']}{row}"
    sheet[ref] = "bảy"
    data = io.BytesIO()
    book.save(data)
    upload = SimpleUploadedFile("mau.xlsx", data.getvalue())
    response = client.post(reverse("web:upload", args=["TNB", "2019"]), {"file": upload})
    [error] = response.context["result"].errors
    assert error.cell == ref and error.as_dict()["cell"] == ref
    url = reverse("web:upload_errors", args=["TNB", "2019", response.context["errors_token"]])
    marked = load_workbook(io.BytesIO(client.get(url).content))["Số liệu"][ref]
    assert marked.value == "bảy" and "“bảy” không phải là số" in marked.comment.text
