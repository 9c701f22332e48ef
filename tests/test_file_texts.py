"""Text read from files is checked in the check (dry-run) step: length and characters as the
database takes them, ASCII digits in years (issue 16, no. 8). Before: a 600-character note passed
the check and failed the write with a 500, a NUL went through, a 131 KB CSV cell, "²" in a year
and a NUL in a registry file ended in tracebacks."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from thidua.accounts.models import AuditEntry
from thidua.awards.models import AwardEntry, BacklogCase, BacklogProgramme
from thidua.awards.registry import import_registry
from thidua.indicators.importing import import_file
from thidua.indicators.models import Value

pytestmark = pytest.mark.django_db

LONG_HEADER = ["Đơn vị", "Chỉ tiêu", "Kỳ", "Giá trị", "Ghi chú", "Nguồn"]
REGISTRY_HEADER = ["Họ và tên", "Năm sinh", "Đơn vị", "Hình thức khen thưởng", "Năm", "Số QĐ"]


def csv_bytes(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def long_rows(note: str = "", source: str = "", period: str = "2019") -> bytes:
    return csv_bytes([LONG_HEADER, ["Long An", "grdp_growth", period, "9,5", note, source]])


def values_import(users, tnb, data: bytes, *, dry_run=False):
    return import_file(
        users["camau"], io.BytesIO(data), tnb, "2019", dry_run=dry_run, filename="s.csv"
    )


def where(result) -> list[tuple]:
    return [(e.row, e.column, e.message) for e in result.errors]


def test_a_600_character_note_is_a_row_and_column_error_in_the_dry_run(users, tnb):
    before = Value.objects.count()
    result = values_import(users, tnb, long_rows(note="x" * 600), dry_run=True)
    assert where(result) == [(2, "Ghi chú", "Dài 600 ký tự, vượt giới hạn 500 ký tự.")]
    assert result.errors[0].value == "x" * 60 + "…"
    assert not values_import(users, tnb, long_rows(note="x" * 600)).ok
    assert Value.objects.count() == before


def test_a_note_of_exactly_500_characters_with_line_breaks_is_written(users, tnb):
    note = ("dòng một\ndòng hai\t" * 50)[:500]
    result = values_import(users, tnb, long_rows(note=note))
    assert result.ok, result.errors
    assert (
        Value.objects.get(
            indicator__code="grdp_growth", is_current=True, unit__code="80", period="2019"
        ).note
        == note.strip()
    )


@pytest.mark.parametrize("text", ["ghi\x00chú", "ghi\x1bchú", "ghi\x7fchú"])
def test_a_control_character_in_a_note_is_refused(users, tnb, text):
    result = values_import(users, tnb, long_rows(note=text), dry_run=True)
    assert where(result) == [
        (2, "Ghi chú", f"Có ký tự điều khiển không được phép (mã {ord(text[3])}).")
    ]


def test_a_line_break_in_a_single_line_source_is_refused(users, tnb):
    result = values_import(users, tnb, long_rows(source="Cục\nThống kê"), dry_run=True)
    assert where(result) == [(2, "Nguồn", "Có ký tự điều khiển không được phép (mã 10).")]


def test_a_131_kb_csv_cell_is_a_row_and_column_error_not_a_traceback(users, tnb):
    result = values_import(users, tnb, long_rows(note="x" * 140_000), dry_run=True)
    assert not result.ok and result.unreadable
    assert [(e.row, e.column) for e in result.errors] == [(2, "Ghi chú")]
    assert "Ô dài quá 131.072 ký tự" in result.errors[0].message


@pytest.mark.parametrize("period", ["2019²", "２０１９", "٢٠١٩"])
def test_a_period_written_with_other_digits_is_a_row_error(users, tnb, period):
    result = values_import(users, tnb, long_rows(period=period), dry_run=True)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Kỳ")]


def test_the_web_check_shows_the_error_and_nothing_can_be_confirmed(client, users):
    client.force_login(users["camau"])
    upload = io.BytesIO(long_rows(note="x" * 600))
    upload.name = "so-lieu.csv"
    page = client.post(reverse("web:upload", args=["TNB", "2019"]), {"file": upload})
    assert page.status_code == 200
    assert "vượt giới hạn 500 ký tự" in page.content.decode()
    assert (
        "upload_confirm" not in page.content.decode()
        and 'name="token"' not in page.content.decode()
    )


# The registry ------------------------------------------------------------------------------------


def registry(data: bytes, name: str = "ds.csv"):
    return import_registry(io.BytesIO(data), filename=name)


@pytest.mark.parametrize("year", ["2020²", "２０２０", "٢٠٢٠"])
def test_a_year_with_other_digits_is_a_row_and_column_error(year):
    before = AwardEntry.objects.count()
    result = registry(csv_bytes([REGISTRY_HEADER, ["Lê Lan", "1980", "", "LDTT", year, ""]]))
    assert not result.ok
    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "year", year)]
    assert AwardEntry.objects.count() == before


def test_a_birth_year_with_a_superscript_is_a_row_error():
    result = registry(csv_bytes([REGISTRY_HEADER, ["Lê Lan", "1980²", "", "LDTT", "2020", ""]]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "birth_year")]


def test_a_nul_in_a_registry_name_is_a_row_and_column_error():
    result = registry(csv_bytes([REGISTRY_HEADER, ["Lê\x00Lan", "1980", "", "LDTT", "2020", ""]]))
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "full_name", "Có ký tự điều khiển không được phép (mã 0).")
    ]


def test_registry_texts_longer_than_their_columns_are_row_errors():
    rows = [
        REGISTRY_HEADER,
        ["L" * 201, "1980", "", "LDTT", "2020", ""],  # a person: Person.full_name is 200
        ["T" * 300, "", "", "LDTT", "2020", ""],  # a collective: the entry's 300 is enough
        ["Lê Lan", "1980", "U" * 301, "LDTT", "2020", "Q" * 61],
    ]
    result = registry(csv_bytes(rows))
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "full_name"),
        (4, "unit"),
        (4, "decision_number"),
    ]


def test_a_131_kb_cell_in_a_registry_csv_names_its_row():
    result = registry(csv_bytes([REGISTRY_HEADER, ["x" * 140_000, "1980", "", "LDTT", "2020", ""]]))
    assert not result.ok and [(e.row, e.column) for e in result.errors] == [(2, "Họ và tên")]


def test_a_nul_in_a_registry_xlsx_is_refused_too():
    """Excel writes a control character as _x0000_; the reader turns it back into one."""
    from tests.test_sheet_limits import crafted

    def row(number: int, cells: list[str]) -> str:
        return (
            f'<row r="{number}">'
            + "".join(
                f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{c}</t></is></c>'
                for i, c in enumerate(cells)
            )
            + "</row>"
        )

    data = crafted(
        row(1, REGISTRY_HEADER)
        + row(2, ["Lê_x0000_Lan", "1980", "Sở_x0001_Nội vụ", "LDTT", "2020"])
    )
    result = registry(data, "ds.xlsx")
    assert [(e.row, e.column) for e in result.errors] == [(2, "full_name"), (2, "unit")]


def test_the_registry_command_exits_1_with_the_row(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "ds.csv"
    path.write_bytes(csv_bytes([REGISTRY_HEADER, ["Lê\x00Lan", "1980", "", "LDTT", "2020²", ""]]))
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("registry", "import", str(path), stdout=out)
    assert caught.value.returncode == 1
    assert "Dòng 2, cột year" in out.getvalue() and "Dòng 2, cột full_name" in out.getvalue()


# The backlog -------------------------------------------------------------------------------------


def test_a_backlog_birth_year_with_a_superscript_is_a_row_error(users):
    from thidua.awards.backlog_excel import import_cases

    header = ["Họ và tên", "Năm sinh", "Đơn vị tiếp nhận", "Thời kỳ"]
    data = csv_bytes([header, ["Đinh Văn Một", "1941²", "80", "chống Mỹ"]])
    before = (BacklogCase.objects.count(), AuditEntry.objects.count())
    programme = BacklogProgramme.objects.first()
    result = import_cases(users["longan"], programme, io.BytesIO(data), filename="ho-so.csv")
    assert [(e.row, e.column) for e in result.errors] == [(2, "birth_year")]
    assert (BacklogCase.objects.count(), AuditEntry.objects.count()) == before


# thidua eligibility --file -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "says"),
    [
        (["Lê Lan", "1980²", "HCLD_III", "2025"], "Dòng 2: birth_year phải là một năm"),
        (["Lê Lan", "1980", "HCLD_III", "2025²"], "Dòng 2: cần cột award và year hợp lệ."),
        (["Lê\x00Lan", "1980", "HCLD_III", "2025"], "Dòng 2: có ô dài quá 300 ký tự"),
    ],
)
def test_eligibility_from_a_file_names_the_bad_row_and_exits_1(tmp_path, row, says):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "ds.csv"
    path.write_bytes(csv_bytes([["full_name", "birth_year", "award", "year"], row]))
    with pytest.raises(CommandError) as caught:
        call_command("eligibility", "--file", str(path), stdout=io.StringIO())
    assert caught.value.returncode == 1 and says in str(caught.value)
