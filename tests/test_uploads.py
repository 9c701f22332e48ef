"""Uploaded Office files are opened as archives first: zip bombs and fakes are refused."""

import io
import zipfile

import pytest

from thidua.common.archives import office_problem
from thidua.common.spreadsheet import FileUnreadable, read_rows


def xlsx_like(extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = xlsx_like({"xl/worksheets/sheet1.xml": b"0" * (50 * 1024 * 1024)})
    assert len(bomb) < 200_000  # small on the wire
    assert "quá lớn" in office_problem(bomb, ".xlsx", max_unpacked=10 * 1024 * 1024)


def test_too_many_entries_are_refused():
    many = xlsx_like({f"xl/x{i}.xml": b"" for i in range(30)})
    assert "quá nhiều" in office_problem(many, ".xlsx", max_entries=20)


def test_a_renamed_file_is_not_an_office_document():
    assert "không phải" in office_problem(b"%PDF-1.7 fake", ".xlsx")
    assert office_problem(xlsx_like(), ".docx") is not None  # an Excel named .docx


def test_a_web_upload_of_a_bomb_never_reaches_the_excel_reader(settings):
    bomb = xlsx_like({"xl/worksheets/sheet1.xml": b"0" * (250 * 1024 * 1024)})
    with pytest.raises(FileUnreadable, match="quá lớn"):
        read_rows(io.BytesIO(bomb), "so-lieu.xlsx")


def test_exports_neutralise_text_that_looks_like_a_formula(db, tnb, unit, tmp_path):
    from openpyxl import load_workbook

    from thidua.indicators.excel_template import write_template
    from thidua.orgs.models import Unit

    Unit.objects.filter(pk=unit("80").pk).update(name='=HYPERLINK("http://x","Long An")')
    path = tmp_path / "mau.xlsx"
    write_template(tnb, "2019", path)
    cells = [c.value for row in load_workbook(path).worksheets[0].iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
    assert '\'=HYPERLINK("http://x","Long An")' in cells


def test_score_and_regulation_exports_are_neutralised_too(db):
    from thidua.scoring.exports import scores_xlsx

    data = {
        "ranking": [
            {
                "rank": 1,
                "unit_code": "80",
                "unit_name": "@SUM(A1:A9)",
                "total": 1,
                "criteria": [
                    {"code": "A", "name": "+cmd", "points": 1, "max": 1, "explanation": "-2+3"}
                ],
            }
        ]
    }
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(scores_xlsx(data)))
    texts = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not any(isinstance(v, str) and v[:1] in "=+-@" for v in texts)
