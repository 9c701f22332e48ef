"""The Excel template: what it contains, and that what it writes is what the importer reads."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from thidua.accounts.permissions import SYSTEM
from thidua.indicators import services
from thidua.indicators.excel_template import write_template
from thidua.indicators.importing import import_file
from thidua.indicators.models import Indicator, Value

pytestmark = pytest.mark.django_db


def template(tmp_path, cluster, period, name="mau.xlsx", **kwargs):
    path = tmp_path / name
    write_template(cluster, period, path, **kwargs)
    return path, load_workbook(path)


def column_of(sheet, code: str) -> int:
    return next(c.column for c in sheet[2] if c.value == code)


def row_of(sheet, unit_code: str) -> int:
    return next(c.row for c in sheet["A"] if c.value == unit_code)


def test_the_template_has_its_sheets_header_and_members(tmp_path, tnb):
    _path, book = template(tmp_path, tnb, "2019")
    assert book.sheetnames[:3] == ["Số liệu", "Hướng dẫn", "Chỉ tiêu"]
    data = book["Số liệu"]
    entered = list(Indicator.objects.filter(active=True, formula="").order_by("position"))
    assert [c.value for c in data[1]][:3] == [
        "Mã đơn vị",
        "Đơn vị",
        "Quy mô tổng sản phẩm trên địa bàn (GRDP) (tỷ đồng)",
    ]
    assert [c.value for c in data[2]][2 : 2 + len(entered)] == [i.code for i in entered]
    assert "budget_plan_pct" not in [c.value for c in data[2]]
    assert data.row_dimensions[2].hidden
    assert data.freeze_panes == "C3"
    assert [data.cell(row=r, column=2).value for r in range(3, 15)][:2] == ["Long An", "Tiền Giang"]
    assert data.max_row == 14  # header, codes and the twelve members of 2019
    assert "grdp_growth" in data.cell(row=1, column=column_of(data, "grdp_growth")).comment.text


def test_the_template_validates_numbers_and_offers_the_members(tmp_path, tnb):
    _path, book = template(tmp_path, tnb, "2019")
    data = book["Số liệu"]
    validations = data.data_validations.dataValidation
    lists = [v for v in validations if v.type == "list"]
    assert len(lists) == 1 and str(lists[0].sqref) == "B3:B14"
    rate_col = column_of(data, "hs_graduation_rate")
    letter = data.cell(row=1, column=rate_col).column_letter
    [rate] = [v for v in validations if str(v.sqref) == f"{letter}3:{letter}14"]
    assert (rate.type, rate.operator, rate.formula1, rate.formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    assert "từ 0 đến 100" in rate.error
    assert data.cell(row=3, column=rate_col).number_format == "#,##0.0"
    catalogue = book["Chỉ tiêu"]
    assert catalogue.cell(row=1, column=1).value == "Mã"
    assert "budget_plan_pct" in [c.value for c in catalogue["A"]]


def test_the_template_is_filled_with_the_current_values(tmp_path, tnb):
    _path, book = template(tmp_path, tnb, "2019H1")
    data = book["Số liệu"]
    row = row_of(data, "80")
    assert data.cell(row=row, column=column_of(data, "grdp_growth")).value == pytest.approx(9.89)
    assert data.cell(row=row, column=column_of(data, "budget_plan")).value == 13450
    assert data.cell(row=row, column=column_of(data, "grdp")).value is None


def test_a_filled_template_round_trips(tmp_path, tnb, users, unit):
    path, book = template(tmp_path, tnb, "2019")
    data = book["Số liệu"]
    data.cell(row=row_of(data, "80"), column=column_of(data, "grdp_growth")).value = "9,52"
    data.cell(row=row_of(data, "93"), column=column_of(data, "budget_revenue")).value = 4150
    book.save(path)
    result = import_file(users["camau"], path, tnb, "2019")
    assert result.ok, result.errors
    assert result.written == 2
    assert result.unchanged == 24  # the plans and graduation rates of 2019 filled in
    value = Value.objects.get(
        unit=unit("80"), indicator__code="grdp_growth", period="2019", is_current=True
    )
    assert value.value == Decimal("9.52")


def test_an_untouched_template_imports_as_unchanged(tmp_path, tnb, users):
    path, _book = template(tmp_path, tnb, "2019H1")
    before = Value.objects.count()
    result = import_file(users["camau"], path, tnb)  # the period is read from the template
    assert result.ok, result.errors
    assert (result.written, result.unchanged, result.period) == (0, 48, "2019H1")
    assert Value.objects.count() == before


def test_a_template_imported_for_another_period_or_cluster_is_rejected(tmp_path, tnb, tp5, users):
    path, _book = template(tmp_path, tnb, "2019H1")
    result = import_file(users["camau"], path, tnb, "2019")
    assert not result.ok
    assert "kỳ 2019H1" in result.errors[0].message
    result = import_file(SYSTEM, path, tp5, "2019H1")
    assert "cụm TNB" in result.errors[0].message


def test_an_english_template_round_trips(tmp_path, tp5, unit):
    path, book = template(tmp_path, tp5, "2019H1", language="en")
    data = book.worksheets[0]
    assert data.cell(row=1, column=column_of(data, "grdp_growth")).value == "GRDP growth rate (%)"
    data.cell(row=row_of(data, "48"), column=column_of(data, "grdp_growth")).value = 6.5
    book.save(path)
    result = import_file(SYSTEM, path, tp5, "2019H1")
    assert result.ok, result.errors
    assert result.written == 1


def test_a_template_for_an_actor_hides_other_members_drafts(tmp_path, tnb, users, unit, indicators):
    services.write_values(
        SYSTEM,
        tnb,
        "2019",
        [services.ValueInput(unit("82"), indicators["grdp_growth"], "2019", Decimal("7.3"))],
    )
    services.write_values(
        SYSTEM,
        tnb,
        "2019",
        [services.ValueInput(unit("80"), indicators["grdp_growth"], "2019", Decimal("9.4"))],
    )
    _path, book = template(tmp_path, tnb, "2019", actor=users["longan"])
    data = book["Số liệu"]
    col = column_of(data, "grdp_growth")
    assert data.cell(row=row_of(data, "80"), column=col).value == pytest.approx(9.4)
    assert data.cell(row=row_of(data, "82"), column=col).value is None


def test_the_template_can_be_written_to_a_stream(tnb):
    out = io.BytesIO()
    write_template(tnb, "2019", out)
    assert load_workbook(io.BytesIO(out.getvalue())).sheetnames[0] == "Số liệu"


def test_the_template_command_writes_the_file(tmp_path):
    target = tmp_path / "mau.xlsx"
    out = io.StringIO()
    call_command("template", "--cluster", "TNB", "--period", "2019", "-o", str(target), stdout=out)
    assert target.exists() and "mau.xlsx" in out.getvalue()


@pytest.mark.parametrize(
    "args",
    [
        ["--cluster", "XYZ", "--period", "2019"],
        ["--cluster", "TNB", "--period", "20199"],
        ["--cluster", "TNB", "--period", "2030"],
    ],
)
def test_the_template_command_exits_2_on_wrong_usage(tmp_path, args):
    with pytest.raises(CommandError) as exc:
        call_command("template", *args, "-o", str(tmp_path / "m.xlsx"))
    assert exc.value.returncode == 2
