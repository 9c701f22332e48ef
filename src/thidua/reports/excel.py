"""The review figures as an Excel workbook: a summary sheet and one sheet per indicator.

Values are numbers with a number format (Excel shows the separators of the reader's locale),
never formulas; text from users (unit names) is neutralised so that it cannot become one.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from thidua.common.spreadsheet import safe

HEADER_FILL = PatternFill("solid", fgColor="DDE6EE")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def review_xlsx(data: dict) -> bytes:
    book = Workbook()
    _summary(book.active, data)
    used = {book.active.title}
    for code, entry in data["indicators"].items():
        sheet = book.create_sheet(_sheet_name(entry.get("short_name") or code, used))
        _indicator(sheet, code, entry, data)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def number_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def _summary(sheet: Worksheet, data: dict) -> None:
    sheet.title = _("Tổng hợp")
    headers = [
        _("Mã"),
        _("Chỉ tiêu"),
        _("Đơn vị tính"),
        _("Giá trị toàn cụm"),
        _("Bình quân"),
        _("Thấp nhất"),
        _("Cao nhất"),
        _("Số đơn vị có số liệu"),
        _("Đạt mức giao ước"),
        _("Ghi chú"),
    ]
    row = _title(sheet, f"{data['cluster']['name']} – {data['period_label']}", data, len(headers))
    _header(sheet, row, headers)
    for code, e in data["indicators"].items():
        row += 1
        fmt = number_format(e["decimals"])
        threshold = e.get("threshold")
        cells = [
            (code, None),
            (e["name"], None),
            (e["measure"], None),
            (e["cluster_value"], number_format(max(e["decimals"], 2))),
            (e["mean"], number_format(max(e["decimals"], 2))),
            (e["min"], fmt),
            (e["max"], fmt),
            (e["count"], "0"),
            (f"{threshold['count']}/{threshold['of']}" if threshold else "", None),
            (_("Số liệu minh họa") if e.get("illustrative") else "", None),
        ]
        _write_row(sheet, row, cells)
    _widths(sheet, [22, 48, 12, 16, 14, 14, 14, 12, 14, 18])


def _title(sheet: Worksheet, title: str, data: dict, width: int) -> int:
    """Title, then the narrative across the table's width; returns the header row number."""
    sheet.cell(1, 1, safe(title)).font = TITLE
    row = 2
    narrative = data.get("narrative")
    if narrative:
        cell = sheet.cell(3, 1, safe(narrative))
        cell.alignment = WRAP
        sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width)
        sheet.row_dimensions[3].height = 15 * (len(narrative) // 140 + 2)
        row = 4
    if data.get("basis") == "accepted+submitted":
        sheet.cell(row + 1, 1, _("Tính cả báo cáo đã gửi nhưng chưa được tiếp nhận."))
        row += 1
    return row + 1


def _indicator(sheet: Worksheet, code: str, entry: dict, data: dict) -> None:
    headers = [_("Hạng"), _("Mã đơn vị"), _("Tên đơn vị"), _("Giá trị")]
    title = f"{entry['name']} ({entry['measure']})"
    if entry.get("illustrative"):
        title += " – " + _("Số liệu minh họa")
    sheet.cell(1, 1, safe(title)).font = TITLE
    sheet.cell(2, 1, safe(f"{data['cluster']['name']} – {data['period_label']} ({code})"))
    row = 4
    _header(sheet, row, headers)
    fmt = number_format(entry["decimals"])
    for r in entry["ranking"]:
        row += 1
        _write_row(sheet, row, [(r["rank"], "0"), (r["unit_code"], None), (r["unit_name"], None)])
        _write_row(sheet, row, [(r["value"], fmt)], start=4)
    for name in entry.get("missing") or []:
        row += 1
        _write_row(sheet, row, [(None, None), (None, None), (name, None)])
        _write_row(sheet, row, [(_("chưa có số liệu"), None)], start=4)
    row += 1
    for label, value, decimals in _footer(entry):
        row += 1
        sheet.cell(row, 3, label).font = BOLD
        _write_row(sheet, row, [(value, number_format(decimals))], start=4)
        sheet.cell(row, 4).font = BOLD
    _widths(sheet, [8, 12, 32, 16])


def _footer(entry: dict) -> list[tuple[str, Decimal, int]]:
    d = entry["decimals"]
    rows = [(_("Bình quân cụm"), entry["mean"], max(d, 2))]
    if entry.get("total") is not None:
        rows.insert(0, (_("Toàn cụm"), entry["total"], d))
    threshold = entry.get("threshold")
    if threshold and threshold.get("value") is not None:
        rows.append((_("Mức giao ước"), threshold["value"], 0))
    return rows


def _header(sheet: Worksheet, row: int, headers: list[str]) -> None:
    for col, text in enumerate(headers, start=1):
        cell = sheet.cell(row, col, text)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    sheet.freeze_panes = sheet.cell(row + 1, 1)


def _write_row(sheet: Worksheet, row: int, cells: list[tuple], start: int = 1) -> None:
    for col, (value, fmt) in enumerate(cells, start=start):
        cell = sheet.cell(row, col, safe(value))
        if isinstance(value, str):
            cell.data_type = "s"
        elif fmt and value is not None:
            cell.number_format = fmt


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width


def _sheet_name(name: str, used: set[str]) -> str:
    base = SHEET_NAME_BAD.sub(" ", name).strip().strip("'")
    base = (base[:1].upper() + base[1:])[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in {u.lower() for u in used}:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate
