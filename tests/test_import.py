"""Importing values from Excel and CSV: layouts, Vietnamese numbers and names, all or nothing."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from thidua.accounts.models import AuditEntry
from thidua.accounts.permissions import SYSTEM
from thidua.indicators import services
from thidua.indicators.importing import import_file
from thidua.indicators.models import Report, Value
from thidua.orgs.models import Cluster, Membership, Unit

pytestmark = pytest.mark.django_db

REVENUE = "Thu ngân sách nhà nước trên địa bàn (tỷ đồng)"
DOSSIERS = (
    "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn tại Trung tâm Phục vụ hành chính công (%)"
)
TNB_CODES = ["96", "91", "80", "82", "83", "84", "86", "87", "89", "93", "94", "95"]


def xlsx(path, rows, sheet="Số liệu"):
    book = Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def csv_file(path, rows, *, delimiter=",", bom=True):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8-sig" if bom else "utf-8")
    return path


def counts():
    return Value.objects.count(), AuditEntry.objects.count(), Report.objects.count()


def current(unit, code, period):
    return Value.objects.get(unit=unit, indicator__code=code, period=period, is_current=True)


def where(result):
    return {(e.row, e.column, e.value) for e in result.errors}


def test_a_filled_wide_workbook_is_written(tmp_path, tnb, users, unit):
    path = xlsx(
        tmp_path / "so-lieu.xlsx",
        [
            ["Mã đơn vị", "Đơn vị", "grdp_growth", REVENUE, DOSSIERS],
            ["80", "Long An", 9.5, 18500, 96.5],
            ["82", "Tiền Giang", 7.1, 9600, 98],
            ["96", "Cà Mau", 7.4, 12500, None],
        ],
    )
    audit_before = AuditEntry.objects.count()
    result = import_file(users["camau"], path, tnb, "2019")
    assert result.ok, result.errors
    assert (result.written, result.layout) == (8, "wide")
    assert current(unit("80"), "grdp_growth", "2019").value == Decimal("9.5")
    assert current(unit("82"), "budget_revenue", "2019").value == Decimal(9600)
    assert current(unit("80"), "on_time_dossier_rate", "2019").entered_via == "import"
    assert not Value.objects.filter(
        unit=unit("96"), indicator__code="on_time_dossier_rate"
    ).exists()
    assert AuditEntry.objects.count() == audit_before + 8


def test_a_long_csv_with_bom_and_vietnamese_headers_is_written(tmp_path, tnb, users, unit):
    path = csv_file(
        tmp_path / "so-lieu.csv",
        [
            ["Đơn vị", "Chỉ tiêu", "Kỳ", "Giá trị", "Ghi chú"],
            ["Long An", "grdp_growth", "2019", "9,5", "ước tính"],
            ["Tiền Giang", "Thu ngân sách nhà nước trên địa bàn", "2019", "9.600", ""],
            ["Cà Mau", "Kim ngạch xuất khẩu (triệu USD)", "2019", "1.234,5", ""],
        ],
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    result = import_file(users["camau"], path, tnb)
    assert result.ok, result.errors
    assert (result.written, result.layout, result.period) == (3, "long", "2019")
    growth = current(unit("80"), "grdp_growth", "2019")
    assert (growth.value, growth.note) == (Decimal("9.5"), "ước tính")
    assert current(unit("82"), "budget_revenue", "2019").value == Decimal(9600)
    assert current(unit("96"), "export_value", "2019").value == Decimal("1234.5")


def test_a_semicolon_csv_without_bom_with_codes_is_written(tmp_path, tnb, users, unit):
    path = csv_file(
        tmp_path / "so-lieu.csv",
        [
            ["unit_code", "indicator", "period", "value"],
            ["80", "grdp_growth", "2019", "8,25"],
            ["93", "on_time_dossier_rate", "2019", "81,4%"],
        ],
        delimiter=";",
        bom=False,
    )
    result = import_file(users["camau"], path, tnb, "2019")
    assert result.ok, result.errors
    assert current(unit("80"), "grdp_growth", "2019").value == Decimal("8.25")
    assert current(unit("93"), "on_time_dossier_rate", "2019").value == Decimal("81.4")


def test_vietnamese_numbers_typed_as_text_are_read(tmp_path, tnb, users, unit):
    path = xlsx(
        tmp_path / "so-lieu.xlsx",
        [
            ["Mã đơn vị", "Đơn vị", "grdp_growth", REVENUE, DOSSIERS],
            ["80", "Long An", "8,2", "9.360", "81,4%"],
            ["82", "Tiền Giang", "-1,5", "1.234,5", "97"],
        ],
    )
    result = import_file(users["camau"], path, tnb, "2019")
    assert result.ok, result.errors
    assert current(unit("80"), "grdp_growth", "2019").value == Decimal("8.2")
    assert current(unit("80"), "budget_revenue", "2019").value == Decimal(9360)
    assert current(unit("80"), "on_time_dossier_rate", "2019").value == Decimal("81.4")
    assert current(unit("82"), "grdp_growth", "2019").value == Decimal("-1.5")
    assert current(unit("82"), "budget_revenue", "2019").value == Decimal("1234.5")


def test_units_are_found_by_name_with_or_without_diacritics_and_prefixes(
    tmp_path, tnb, users, unit
):
    path = xlsx(
        tmp_path / "so-lieu.xlsx",
        [
            ["Đơn vị", "grdp_growth"],
            ["tinh long an", 9.1],
            ["HẬU GIANG", 7.2],
            ["Tỉnh Bến Tre", 7.3],
            ["Tra Vinh", 7.4],
        ],
    )
    result = import_file(users["camau"], path, tnb, "2019")
    assert result.ok, result.errors
    for code, value in [("80", "9.1"), ("93", "7.2"), ("83", "7.3"), ("84", "7.4")]:
        assert current(unit(code), "grdp_growth", "2019").value == Decimal(value)


def test_a_city_is_found_with_its_tp_prefix(tmp_path, tp5, unit):
    path = xlsx(
        tmp_path / "tp5.xlsx",
        [
            ["Đơn vị", "grdp_growth"],
            ["TP. Cần Thơ", 7.5],
            ["Thành phố Hà Nội", 7.0],
            ["tp ho chi minh", 7.9],
        ],
    )
    result = import_file(SYSTEM, path, tp5, "2019H1")
    assert result.ok, result.errors
    assert current(unit("92"), "grdp_growth", "2019H1").value == Decimal("7.5")
    assert current(unit("01"), "grdp_growth", "2019H1").value == Decimal("7.0")
    assert current(unit("79"), "grdp_growth", "2019H1").value == Decimal("7.9")


def test_year_based_indicators_take_the_year_of_the_reporting_period(tmp_path, tp5, unit):
    path = xlsx(
        tmp_path / "tp5.xlsx",
        [["Mã đơn vị", "Tỷ lệ tốt nghiệp THPT", "grdp_growth"], ["48", 98.2, 7.1]],
    )
    result = import_file(SYSTEM, path, tp5, "2019H1")
    assert result.ok, result.errors
    assert current(unit("48"), "hs_graduation_rate", "2019").value == Decimal("98.2")
    assert current(unit("48"), "grdp_growth", "2019H1").value == Decimal("7.1")


def test_a_reused_code_names_the_unit_valid_in_the_period(tmp_path, tnb):
    long_an = Unit.objects.get(code="80", name="Long An")
    tay_ninh = Unit.objects.get(code="80", name="Tây Ninh")
    Membership.objects.create(cluster=tnb, year=2025, unit=long_an, role="member")
    Membership.objects.create(cluster=tnb, year=2025, unit=tay_ninh, role="head")
    path = csv_file(tmp_path / "f.csv", [["mã đơn vị", "chỉ tiêu", "giá trị"], ["80", "grdp", 1]])
    assert import_file(SYSTEM, path, tnb, "2025H1").ok
    assert import_file(SYSTEM, path, tnb, "2025").ok
    assert current(long_an, "grdp", "2025H1").value == 1
    assert current(tay_ninh, "grdp", "2025").value == 1


def test_an_ambiguous_value_is_rejected(tmp_path, tnb, users):
    path = xlsx(
        tmp_path / "f.xlsx",
        [["Mã đơn vị", "Kim ngạch xuất khẩu (triệu USD)"], ["80", "1.250"]],
    )
    before = counts()
    result = import_file(users["camau"], path, tnb, "2019")
    assert not result.ok
    [error] = result.errors
    assert (error.row, error.column, error.value) == (2, "Kim ngạch xuất khẩu (triệu USD)", "1.250")
    assert "không rõ là 1250 hay 1,25" in error.message
    assert counts() == before


def test_an_ambiguous_amount_is_settled_by_the_rest_of_its_column(tmp_path, tnb, users, unit):
    path = xlsx(
        tmp_path / "f.xlsx",
        [["Mã đơn vị", REVENUE], ["80", "9.360"], ["82", 4750], ["83", 2980]],
    )
    result = import_file(users["camau"], path, tnb, "2019")
    assert result.ok, result.errors
    assert current(unit("80"), "budget_revenue", "2019").value == Decimal(9360)


def test_a_bad_cell_rejects_the_whole_file(tmp_path, tnb, users):
    good = [[code, "", 7.0, 3000, 95] for code in ["84", "86", "87", "89", "91", "94", "95"]]
    path = xlsx(
        tmp_path / "f.xlsx",
        [
            ["Mã đơn vị", "Đơn vị", "grdp_growth", "budget_revenue", "on_time_dossier_rate"],
            ["80", "Long An", 9.5, 18500, 96.5],
            ["82", "Tiền Giang", 7.1, -5, 97],
            ["74", "Bình Dương", 8.0, 10000, 95],
            ["83", "Bến Tre", "không có", 5000, 105],
            *good,
        ],
    )
    before = counts()
    result = import_file(users["camau"], path, tnb, "2019")
    assert not result.ok
    assert where(result) == {
        (3, "budget_revenue", "-5"),
        (4, "Mã đơn vị", "74"),
        (5, "grdp_growth", "không có"),
        (5, "on_time_dossier_rate", "105"),
    }
    messages = " ".join(e.message for e in result.errors)
    assert "không được âm" in messages and "không được lớn hơn 100" in messages
    assert "không phải là số" in messages and "Không tìm thấy đơn vị “74”" in messages
    assert counts() == before


def test_a_unit_code_and_name_that_disagree_are_rejected(tmp_path, tnb, users):
    path = xlsx(tmp_path / "f.xlsx", [["Mã đơn vị", "Đơn vị", "grdp"], ["80", "Tiền Giang", 1]])
    result = import_file(users["camau"], path, tnb, "2019")
    assert where(result) == {(2, "Đơn vị", "Tiền Giang")}


def test_the_same_value_twice_in_one_file_is_rejected(tmp_path, tnb, users):
    path = csv_file(
        tmp_path / "f.csv",
        [
            ["đơn vị", "chỉ tiêu", "kỳ", "giá trị"],
            ["Long An", "grdp_growth", "2019", "9,5"],
            ["80", "Tốc độ tăng trưởng GRDP", "2019", "9,6"],
        ],
    )
    result = import_file(users["camau"], path, tnb, "2019")
    [error] = result.errors
    assert (error.row, error.column, error.value) == (3, "giá trị", "9,6")
    assert "dòng 2" in error.message


def test_rows_of_another_period_are_rejected(tmp_path, tnb, users):
    path = csv_file(
        tmp_path / "f.csv",
        [
            ["đơn vị", "chỉ tiêu", "kỳ", "giá trị"],
            ["Long An", "grdp_growth", "2019", "9,5"],
            ["Long An", "budget_revenue", "2019H1", "9.360"],
        ],
    )
    before = counts()
    result = import_file(users["camau"], path, tnb, "2019")
    assert where(result) == {(3, "kỳ", "2019H1")}
    assert counts() == before


def test_a_derived_indicator_is_rejected_unless_its_column_is_empty(tmp_path, tnb, users):
    header = ["Mã đơn vị", "grdp_growth", "Thu ngân sách so với dự toán năm (%)"]
    path = xlsx(tmp_path / "f.xlsx", [header, ["80", 9.5, 60]])
    result = import_file(users["camau"], path, tnb, "2019")
    [error] = result.errors
    assert (error.row, error.column) == (1, header[2])
    assert "tính toán" in error.message
    path = xlsx(tmp_path / "g.xlsx", [header, ["80", 9.5, None]])
    assert import_file(users["camau"], path, tnb, "2019").ok


def test_an_unknown_indicator_column_with_data_is_rejected(tmp_path, tnb, users):
    path = xlsx(tmp_path / "f.xlsx", [["Mã đơn vị", "grdp", "Số con mèo"], ["80", 1, 2]])
    result = import_file(users["camau"], path, tnb, "2019")
    assert where(result) == {(1, "Số con mèo", None)}


def test_a_measure_in_the_header_that_differs_from_the_indicator_is_rejected(tmp_path, tnb, users):
    header = ["Mã đơn vị", "Thu ngân sách nhà nước trên địa bàn (triệu đồng)"]
    path = xlsx(tmp_path / "f.xlsx", [header, ["80", 9360000]])
    result = import_file(users["camau"], path, tnb, "2019")
    [error] = result.errors
    assert "triệu đồng" in error.message and "tỷ đồng" in error.message


def test_dry_run_checks_everything_and_writes_nothing(tmp_path, tnb, users):
    path = xlsx(tmp_path / "f.xlsx", [["Mã đơn vị", "grdp_growth"], ["80", 9.5], ["82", 7.0]])
    before = counts()
    result = import_file(users["camau"], path, tnb, "2019", dry_run=True)
    assert result.ok and result.written == 2
    assert counts() == before


def test_an_officer_may_change_only_their_own_unit(tmp_path, tnb, users, unit):
    path = xlsx(tmp_path / "f.xlsx", [["Mã đơn vị", "grdp_growth"], ["80", 9.5], ["82", 7.0]])
    before = counts()
    result = import_file(users["longan"], path, tnb, "2019")
    assert where(result) == {(3, "grdp_growth", "7")}
    assert "không có quyền" in result.errors[0].message
    assert counts() == before


def test_unchanged_values_of_other_members_do_not_stop_an_officer(tmp_path, tnb, users, unit):
    path = xlsx(
        tmp_path / "f.xlsx",
        [["Mã đơn vị", "budget_plan", "grdp_growth"], ["80", 13450, 9.5], ["82", 7760, None]],
    )
    result = import_file(users["longan"], path, tnb, "2019")
    assert result.ok, result.errors
    assert (result.written, result.unchanged) == (1, 2)


def test_a_file_with_reading_errors_still_lists_its_value_errors_once_each(tmp_path, tnb, users):
    path = csv_file(
        tmp_path / "f.csv",
        [
            ["đơn vị", "chỉ tiêu", "kỳ", "giá trị"],
            ["Long An", "grdp_growth", "2018", "9,5"],
            ["Tiền Giang", "on_time_dossier_rate", "2019", "105"],
            ["Mèo Vạc", "grdp_growth", "2019", "7"],
        ],
    )
    before = counts()
    result = import_file(users["camau"], path, tnb, "2019")
    assert not result.ok
    assert sorted(e.row for e in result.errors) == [2, 3, 4]  # one error a row, none twice
    assert (3, "giá trị", "105") in where(result)
    assert "không được lớn hơn 100" in result.errors[1].message
    assert counts() == before


def test_a_long_file_needs_its_period_when_rows_span_several(tmp_path, tnb, users):
    path = csv_file(
        tmp_path / "f.csv",
        [
            ["đơn vị", "chỉ tiêu", "kỳ", "giá trị"],
            ["Long An", "grdp_growth", "2019", "9,5"],
            ["Long An", "grdp_growth", "2019H1", "9,1"],
        ],
    )
    result = import_file(users["camau"], path, tnb)
    assert not result.ok
    assert "nhiều kỳ" in result.errors[0].message


def test_a_wide_file_without_period_is_rejected(tmp_path, tnb, users):
    path = xlsx(tmp_path / "f.xlsx", [["Mã đơn vị", "grdp_growth"], ["80", 9.5]])
    result = import_file(users["camau"], path, tnb)
    assert not result.ok and "kỳ báo cáo" in result.errors[0].message


def test_a_file_without_a_recognisable_header_is_rejected(tmp_path, tnb, users):
    path = csv_file(tmp_path / "f.csv", [["a", "b"], ["1", "2"]])
    result = import_file(users["camau"], path, tnb, "2019")
    assert not result.ok and not result.unreadable
    assert "tiêu đề" in result.errors[0].message


def test_a_title_above_the_header_is_skipped(tmp_path, tnb, users, unit):
    path = xlsx(
        tmp_path / "f.xlsx",
        [
            ["Số liệu cụm Tây Nam Bộ năm 2019"],
            [],
            ["STT", "Đơn vị", "grdp_growth"],
            [1, "Long An", 9.5],
        ],
    )
    result = import_file(users["camau"], path, tnb, "2019")
    assert result.ok, result.errors
    assert current(unit("80"), "grdp_growth", "2019").value == Decimal("9.5")


def test_an_uploaded_stream_is_read_with_its_original_name(tnb, users):
    out = io.BytesIO()
    book = Workbook()
    book.active.append(["Mã đơn vị", "grdp_growth"])
    book.active.append(["80", 9.5])
    book.save(out)
    out.seek(0)
    result = import_file(users["camau"], out, tnb, "2019", filename="upload.xlsx")
    assert result.ok, result.errors


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("f.pdf", b"%PDF-1.4", "Chỉ nhận tệp Excel"),
        ("f.xlsx", b"not a zip file", "không phải định dạng Office"),
        ("f.csv", b"\xd0\xf5n v\xf2,grdp\n", "UTF-8"),
        ("f.csv", b"", "rỗng"),
    ],
)
def test_an_unreadable_file_is_refused(tmp_path, tnb, users, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    result = import_file(users["camau"], path, tnb, "2019")
    assert not result.ok and result.unreadable
    assert words in result.errors[0].message


def test_a_file_above_the_size_cap_is_refused(tmp_path, tnb, users, settings):
    settings.THIDUA_MAX_UPLOAD_BYTES = 1024
    path = csv_file(tmp_path / "f.csv", [["đơn vị", "grdp"]] + [["Long An", "1"]] * 200)
    result = import_file(users["camau"], path, tnb, "2019")
    assert result.unreadable and "quá lớn" in result.errors[0].message
    with open(path, "rb") as stream:
        assert import_file(users["camau"], stream, tnb, "2019").unreadable


def test_the_query_count_does_not_grow_with_the_rows(tmp_path, tnb, users):
    def run(indicators, name):
        rows = [["mã đơn vị", "chỉ tiêu", "kỳ", "giá trị"]]
        rows += [[c, ind, "2019", "7,5"] for ind in indicators for c in TNB_CODES]
        path = csv_file(tmp_path / name, rows)
        # Each run starts from the same state: its writes are rolled back afterwards.
        with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
            result = import_file(users["camau"], path, tnb, "2019")
            transaction.set_rollback(True)
        assert result.ok and result.written == len(rows) - 1, result.errors
        return len(ctx.captured_queries)

    small = run(["grdp_growth"], "12.csv")
    large = run(["social_investment", "export_value"], "24.csv")
    assert large <= small + 2, (small, large)


def test_the_import_reads_the_stored_values_once_and_checks_once(tmp_path, tnb, users):
    """The importer hands its rows to the service's check (`skip_unchanged`), which reads the
    current values once; it no longer reads them itself first."""
    rows = [["mã đơn vị", "chỉ tiêu", "kỳ", "giá trị"]]
    rows += [[c, "grdp_growth", "2019", "7,5"] for c in TNB_CODES]
    path = csv_file(tmp_path / "f.csv", rows)
    for dry_run in (True, False):
        with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
            result = import_file(users["camau"], path, tnb, "2019", dry_run=dry_run)
            transaction.set_rollback(True)
        assert result.ok and result.written == len(TNB_CODES), result.errors
        current = [
            q["sql"]
            for q in ctx.captured_queries
            if q["sql"].startswith('SELECT "indicators_value"."id"') and "is_current" in q["sql"]
        ]
        assert len(current) == 1, current
        members = 'SELECT "orgs_membership"."unit_id" AS "unit_id"'
        checks = [q for q in ctx.captured_queries if q["sql"].startswith(members)]
        assert len(checks) == 1  # the batch's membership check ran once


# The command ---------------------------------------------------------------------------


def run_import(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *[str(a) for a in args], stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def good_file(tmp_path):
    return xlsx(tmp_path / "good.xlsx", [["Mã đơn vị", "grdp_growth"], ["80", 9.5], ["82", 7.0]])


@pytest.fixture
def bad_file(tmp_path):
    return xlsx(
        tmp_path / "bad.xlsx",
        [["Mã đơn vị", "grdp_growth", "budget_revenue"], ["80", 9.5, 100], ["82", "abc", -5]],
    )


def test_the_import_command_writes_and_exits_0(good_file, unit):
    code, out = run_import(good_file, "--cluster", "TNB", "--period", "2019")
    assert code == 0
    assert "Đã ghi 2 số liệu" in out
    assert current(unit("80"), "grdp_growth", "2019").value == Decimal("9.5")


def test_the_import_command_rejects_a_bad_file_with_exit_1_and_error_lines(bad_file):
    before = counts()
    code, out = run_import(bad_file, "--cluster", "TNB", "--period", "2019")
    assert code == 1
    assert "Dòng 3, cột grdp_growth, giá trị “abc”: " in out
    assert "Ô C3 · Dòng 3, cột budget_revenue, giá trị “-5”: " in out
    assert counts() == before


def test_the_import_command_prints_json(bad_file):
    code, out = run_import(bad_file, "--cluster", "TNB", "--period", "2019", "--json")
    data = json.loads(out)
    assert code == 1
    assert data["ok"] is False and data["written"] == 0
    assert {"row": 3, "column": "grdp_growth", "value": "abc"}.items() <= data["errors"][0].items()
    assert set(data["errors"][0]) == {"row", "column", "value", "message", "cell"}
    assert data["errors"][0]["cell"] == "B3"  # the cell as Excel names it
    assert "“" in out  # ensure_ascii=False keeps Vietnamese readable


def test_the_import_command_dry_run_writes_nothing(good_file):
    before = counts()
    code, out = run_import(good_file, "--cluster", "TNB", "--period", "2019", "--dry-run", "--json")
    assert code == 0
    assert json.loads(out)["written"] == 2
    assert counts() == before


def test_the_import_command_acts_as_the_given_user(good_file):
    code, out = run_import(good_file, "--cluster", "TNB", "--period", "2019", "--user", "longan")
    assert code == 1
    assert "không có quyền" in out


@pytest.mark.parametrize(
    "args",
    [
        ["--cluster", "XYZ", "--period", "2019"],
        ["--cluster", "TNB", "--period", "2019X7"],
        ["--cluster", "TNB", "--period", "2019", "--user", "nobody"],
    ],
)
def test_the_import_command_exits_2_on_wrong_usage(good_file, args):
    assert run_import(good_file, *args)[0] == 2


def test_the_import_command_exits_2_on_a_missing_or_unreadable_file(tmp_path):
    assert run_import(tmp_path / "missing.xlsx", "--cluster", "TNB", "--period", "2019")[0] == 2
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    assert run_import(broken, "--cluster", "TNB", "--period", "2019")[0] == 2


def test_the_command_line_exits_2_on_missing_arguments(good_file, capsys):
    from thidua.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["thidua", "import", str(good_file)])
    assert exc.value.code == 2
    assert "--cluster" in capsys.readouterr().err


def test_a_cluster_without_members_that_year_is_reported(tmp_path, users):
    empty = Cluster.objects.create(code="EMPTY", name="Cụm rỗng", kind="cum", organiser="central")
    path = xlsx(tmp_path / "f.xlsx", [["Mã đơn vị", "grdp"], ["80", 1]])
    result = import_file(SYSTEM, path, empty, "2019")
    assert not result.ok and "không có thành viên" in result.errors[0].message


def test_a_correction_of_a_value_accepted_before_needs_a_reopening_and_a_reason(
    tmp_path, tnb, users, unit
):
    path = xlsx(tmp_path / "f.xlsx", [["Mã đơn vị", "budget_plan"], ["80", 13500]])
    before = counts()
    # The plan belongs to Long An's accepted mid-year report: not even the head's annual file
    # changes it while that report stays accepted.
    refused = import_file(users["camau"], path, tnb, "2019", reason="Nghị quyết HĐND điều chỉnh")
    assert where(refused) == {(2, "budget_plan", "13500")}
    assert "mở lại" in refused.errors[0].message
    assert counts() == before
    mid_year = Report.objects.get(cluster=tnb, unit=unit("80"), period="2019H1")
    services.reopen_report(users["camau"], mid_year, "Nghị quyết HĐND điều chỉnh")
    refused = import_file(users["camau"], path, tnb, "2019H1")
    assert "lý do" in refused.errors[0].message
    result = import_file(users["camau"], path, tnb, "2019H1", reason="Nghị quyết HĐND điều chỉnh")
    assert result.ok, result.errors
    assert current(unit("80"), "budget_plan", "2019").reason == "Nghị quyết HĐND điều chỉnh"
