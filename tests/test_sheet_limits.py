"""Crafted workbooks are measured and refused before python-calamine reads them (issue 16, no. 2).

The files are written by hand with zipfile (a few hundred bytes each): openpyxl cannot write a
cell at XFD1048576 cheaply. Every door is tried: the shared reader, the web upload, the
regulation upload, the backlog import, `thidua import` and `thidua registry import` (a real
process, with its address space capped: before the guard it died with SIGABRT, exit 134).
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import time
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from thidua.common.spreadsheet import FileUnreadable, read_rows, stream_rows

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Số liệu" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
TWO_FAR_CELLS = (
    '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
)


def crafted(rows: str, *, dimension: str | None = None, shared: str | None = None, head=None):
    """A tiny .xlsx whose sheet holds `rows` as written (the cells' XML)."""
    head = head or '<?xml version="1.0" encoding="UTF-8"?>'
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        f'{head}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{rows}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet.encode("utf-16" if "16" in head else "utf-8"))
        z.writestr("xl/sharedStrings.xml", shared or '<sst count="0" uniqueCount="0"/>')
    return out.getvalue()


def refusal(data: bytes, name: str = "so-lieu.xlsx") -> str:
    with pytest.raises(FileUnreadable) as caught:
        read_rows(io.BytesIO(data), name)
    return caught.value.message


def test_two_cells_a1_and_xfd1048576_are_refused_before_the_reader_naming_the_limit():
    data = crafted(TWO_FAR_CELLS)
    assert len(data) < 2000
    started = time.monotonic()
    message = refusal(data)
    assert time.monotonic() - started < 2
    assert message == "Tệp có ô dùng đến XFD1048576 (16.384 cột), vượt giới hạn 200 cột."


def test_a1_and_zz200000_are_refused_for_their_702_columns():
    data = crafted(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="200000"><c r="ZZ200000"><v>1</v></c></row>'
    )
    assert refusal(data) == "Tệp có ô dùng đến ZZ200000 (702 cột), vượt giới hạn 200 cột."
    rows = (
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="200000"><c r="B200000"><v>1</v></c></row>'
    )
    assert "(200.000 dòng), vượt giới hạn 100.000 dòng" in refusal(crafted(rows))


def test_the_cells_limit_counts_rows_times_columns(settings):
    settings.THIDUA_SHEET_MAX_CELLS = 1000
    data = crafted(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="100"><c r="K100"><v>1</v></c></row>'
    )
    assert refusal(data) == "Tệp có ô dùng đến K100 (1.100 ô), vượt giới hạn 1.000 ô."


def test_a_declared_dimension_over_the_limits_is_refused_with_its_area():
    data = crafted('<row r="1"><c r="A1"><v>1</v></c></row>', dimension="A1:XFD1048576")
    assert refusal(data) == "Tệp khai báo vùng A1:XFD1048576 (16.384 cột), vượt giới hạn 200 cột."


def test_cells_without_a_reference_are_counted_where_the_reader_puts_them():
    """No r attribute: each cell follows the one before it (2,000 columns), each row the last."""
    row = '<row r="1">' + "<c><v>1</v></c>" * 2000 + "</row>"
    assert refusal(crafted(row)) == "Tệp có ô dùng đến GS1 (201 cột), vượt giới hạn 200 cột."
    far = '<row r="1"><c><v>1</v></c></row><row r="300000"><c><v>1</v></c></row>'
    assert "(300.000 dòng)" in refusal(crafted(far))


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="&#88;FD1048576"><v>1</v></c>',  # the reference behind a character entity
        '<c s="1" r="XFD1048576"><v>1</v></c>',  # the reference after another attribute
        '<c foo="a>b" r="XFD1048576"><v>1</v></c>',  # a ">" inside a quoted value
        "<x:c r='XFD1048576' xmlns:x='urn:x'><x:v>1</x:v></x:c>",  # prefixed, single quotes
    ],
)
def test_a_far_cell_written_unusually_is_still_found(cell):
    assert "XFD1048576 (16.384 cột)" in refusal(crafted(f'<row r="1">{cell}</row>'))


def test_a_sheet_in_utf16_is_refused_since_its_cells_would_hide_from_the_scan():
    data = crafted(TWO_FAR_CELLS, head='<?xml version="1.0" encoding="UTF-16"?>')
    assert "UTF-8" in refusal(data)


def test_shared_strings_declaring_billions_are_refused():
    """The reader sizes its table by the declared count: 4e9 aborted the process as well."""
    shared = '<sst count="4000000000" uniqueCount="4000000000"><si><t>x</t></si></sst>'
    data = crafted('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=shared)
    assert "4.000.000.000 chuỗi ký tự dùng chung, vượt giới hạn 2.000.000" in refusal(data)


def test_a_member_packed_a_thousand_times_is_a_zip_bomb():
    data = crafted('<row r="1"><c r="A1"><v>1</v></c></row>' + " " * (5 * 1024 * 1024))
    assert "nén quá mức" in refusal(data)


def test_unpacked_bytes_are_counted_even_when_the_archive_lies(settings):
    settings.THIDUA_SHEET_MAX_UNPACKED_MB = 1
    settings.THIDUA_SHEET_MAX_RATIO = 10_000
    data = crafted('<row r="1"><c r="A1"><v>1</v></c></row>' + " " * (2 * 1024 * 1024))
    assert "quá lớn (trên 1 MB)" in refusal(data)


@pytest.mark.parametrize("suffix", [".xls", ".xlsb", ".ods"])
def test_formats_that_cannot_be_measured_are_refused_with_a_hint(suffix):
    message = refusal(b"anything at all", f"so-lieu{suffix}")
    assert f"Chưa nhận tệp {suffix}" in message and ".xlsx" in message


def test_an_ordinary_workbook_still_reads(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Mã đơn vị", "Ghi chú"])
    book.active.append(["80", "x" * 300])
    path = tmp_path / "ok.xlsx"
    book.save(path)
    assert read_rows(path) == [["Mã đơn vị", "Ghi chú"], ["80", "x" * 300]]
    first, rows = stream_rows(path, limit=10 * 1024 * 1024)
    assert first == 1 and len(list(rows)) == 2


def test_the_cli_limits_are_larger_but_still_bounded(tmp_path):
    path = tmp_path / "far.xlsx"
    path.write_bytes(
        crafted(
            '<row r="1"><c r="A1"><v>1</v></c></row>'
            '<row r="200000"><c r="G200000"><v>1</v></c></row>'
        )
    )
    assert len(list(stream_rows(path, limit=10 * 1024 * 1024)[1])) == 200_000
    path.write_bytes(crafted(TWO_FAR_CELLS))
    with pytest.raises(FileUnreadable, match="16.384 cột"):
        stream_rows(path, limit=10 * 1024 * 1024)


# The doors ---------------------------------------------------------------------------------------


def test_the_web_upload_refuses_the_file_and_keeps_nothing(client, users, settings):
    from pathlib import Path

    client.force_login(users["longan"])
    folder = Path(settings.DATA_DIR) / "uploads"
    before = set(folder.glob("*"))  # the process's earlier tests may have left their own
    upload = io.BytesIO(crafted(TWO_FAR_CELLS))
    upload.name = "so-lieu.xlsx"
    page = client.post(reverse("web:upload", args=["TNB", "2019H1"]), {"file": upload})
    assert page.status_code == 200
    assert "XFD1048576 (16.384 cột), vượt giới hạn 200 cột" in page.content.decode()
    assert set(folder.glob("*")) == before


def test_the_regulation_upload_refuses_the_file(client, users):
    client.force_login(users["camau"])
    upload = io.BytesIO(crafted(TWO_FAR_CELLS))
    upload.name = "quy-dinh.xlsx"
    page = client.post(reverse("web:regulation_upload", args=["TNB", 2019]), {"file": upload})
    assert page.status_code in (200, 422)
    assert "16.384 cột" in page.content.decode()


def test_the_backlog_import_refuses_the_file(db, users):
    from thidua.awards.backlog_excel import import_cases
    from thidua.awards.models import BacklogProgramme

    programme = BacklogProgramme.objects.first()
    result = import_cases(
        users["longan"], programme, io.BytesIO(crafted(TWO_FAR_CELLS)), filename="x.xlsx"
    )
    assert not result.ok and "16.384 cột" in result.errors[0].message


def test_the_evidence_upload_through_the_api_stores_the_file_without_reading_it(db):
    """An evidence file is kept for people to open, never read by the reader: nothing to refuse."""
    from thidua.common.archives import office_problem

    assert office_problem(crafted(TWO_FAR_CELLS), ".xlsx") is None


def test_thidua_import_exits_2_with_the_message(db, tnb, tmp_path):
    path = tmp_path / "far.xlsx"
    path.write_bytes(crafted(TWO_FAR_CELLS))
    started = time.monotonic()
    with pytest.raises(CommandError) as caught:
        call_command(
            "import", str(path), "--cluster", "TNB", "--period", "2019H1", stdout=io.StringIO()
        )
    assert caught.value.returncode == 2
    assert "16.384 cột" in str(caught.value)
    assert time.monotonic() - started < 5


def _capped():
    cap = 1024**3  # 1 GB of address space: the reader's 550 GB request fails at once
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


@pytest.mark.parametrize("name", ["far.xlsx", "far-dimension.xlsx", "far-strings.xlsx"])
def test_thidua_registry_import_in_a_process_exits_2_not_134(tmp_path, name):
    data = {
        "far.xlsx": crafted(TWO_FAR_CELLS),
        "far-dimension.xlsx": crafted(TWO_FAR_CELLS, dimension="A1:XFD1048576"),
        "far-strings.xlsx": crafted(
            '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
            shared='<sst uniqueCount="4000000000"><si><t>x</t></si></sst>',
        ),
    }[name]
    path = tmp_path / name
    path.write_bytes(data)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("THIDUA_", "DJANGO_"))}
    env |= {"THIDUA_DEBUG": "true", "THIDUA_DATA_DIR": str(tmp_path)}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "thidua", "registry", "import", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_capped,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "vượt giới hạn" in done.stdout
    assert time.monotonic() - started < 30


def test_column_letters_round_trip():
    from thidua.common import sheets

    assert [sheets.column_number(x) for x in ("A", "Z", "AA", "GR", "XFD")] == [
        1,
        26,
        27,
        200,
        16384,
    ]
    assert sheets.column_letters(16384) == "XFD"


def test_a_body_above_the_upload_limit_is_refused_before_it_is_read(client, users, settings):
    settings.THIDUA_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(users["camau"])
    big = io.BytesIO(b"x" * (1024 * 1024 + 100 * 1024))
    big.name = "so-lieu.csv"
    page = client.post(reverse("web:upload", args=["TNB", "2019"]), {"file": big})
    assert page.status_code == 413
    assert page.content.decode() == "Tệp quá lớn: tối đa 1 MB."
    big.seek(0)
    answer = client.post("/api/v1/proposals/1/files", {"file": big})
    assert answer.status_code == 413
    assert answer.json()["detail"][0]["column"] == "file"
    small = io.BytesIO(b"x" * 1000)
    small.name = "so-lieu.csv"
    assert (
        client.post(reverse("web:upload", args=["TNB", "2019"]), {"file": small}).status_code == 200
    )


def test_thidua_eligibility_file_exits_2_with_the_message(db, tmp_path):
    path = tmp_path / "far.xlsx"
    path.write_bytes(crafted(TWO_FAR_CELLS))
    with pytest.raises(CommandError) as caught:
        call_command("eligibility", "--file", str(path), stdout=io.StringIO())
    assert caught.value.returncode == 2 and "16.384 cột" in str(caught.value)


def test_cells_far_out_of_order_go_to_the_exact_walk_and_are_still_measured(tmp_path):
    """Rows going up with a low one last: each would raise the maximum and compile a pattern."""
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>' for i in range(2, 400))
    low = '<row r="1"><c r="A1"><v>1</v></c></row>'
    path = tmp_path / "order.xlsx"
    path.write_bytes(crafted(rows + low))
    assert len(read_rows(path)) == 399
    far = '<row r="500"><c r="GS500"><v>1</v></c></row>'
    assert "GS500 (201 cột)" in refusal(crafted(rows + far + low))


@pytest.mark.parametrize("extra", ["", "<c><v>1</v></c>"], ids=["usual", "exact walk"])
def test_the_cells_limit_is_the_area_from_a1_to_the_farthest_row_and_column(settings, extra):
    """J1 and A100 each fit; together they span A1:J100 (a cell without reference: K1)."""
    settings.THIDUA_SHEET_MAX_CELLS = 999
    rows = (
        f'<row r="1"><c r="J1"><v>1</v></c>{extra}</row><row r="100"><c r="A100"><v>1</v></c></row>'
    )
    assert "ô), vượt giới hạn 999 ô." in refusal(crafted(rows))
