"""Column specs shared by the importers (common.spreadsheet): headers by their aliases, cells
cleaned with the problem placed at its row and column."""

from __future__ import annotations

from thidua.common.errors import Issue
from thidua.common.spreadsheet import (
    CellProblem,
    Column,
    cells,
    cleaned,
    column_named,
    locate,
    missing,
)


def _year(cell) -> int:
    text = str(cell).strip()
    if not (text.isascii() and text.isdigit()):
        raise CellProblem(f"“{text}” không phải một năm.")
    return int(text)


COLUMNS = (
    Column("full_name", ("Họ và tên", "full_name"), required=True),
    Column("year", ("Năm", "year"), clean=_year, required=True),
    Column("unit", ("Đơn vị",)),
)


def test_headers_are_found_without_diacritics_case_or_underscores():
    header = ["STT", "HO VA TEN", "Full Name", "năm", None]
    assert locate(header, COLUMNS) == {"full_name": 1, "year": 3}
    assert column_named("  Đơn   vị ", COLUMNS).name == "unit"
    assert column_named("don vi tinh", COLUMNS) is None


def test_a_required_column_missing_is_named():
    found = locate(["Đơn vị", "Năm"], COLUMNS)
    assert [c.name for c in missing(found, COLUMNS)] == ["full_name"]


def test_a_cell_is_cleaned_or_its_problem_placed():
    found = locate(["Họ và tên", "Năm"], COLUMNS)
    row = cells(["Lê Lan"], found)
    assert row == {"full_name": "Lê Lan", "year": None}
    problems: list[Issue] = []
    assert cleaned("1990", COLUMNS[1], 2, problems) == 1990
    assert cleaned("１９９０", COLUMNS[1], 3, problems) is None
    assert cleaned("Lê Lan", COLUMNS[0], 3, problems) == "Lê Lan"  # no clean: the cell as read
    assert [(p.row, p.column, p.message) for p in problems] == [
        (3, "year", "“１９９０” không phải một năm.")
    ]
