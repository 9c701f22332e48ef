"""The review table as an Excel workbook: one summary sheet, one ranking sheet per indicator."""

from __future__ import annotations

from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

HEADER = Font(bold=True)
FILL = PatternFill("solid", fgColor="DDE7F0")


def _number_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _header(ws, titles: list[str]) -> None:
    ws.append(titles)
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = HEADER, FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_review(data: dict, stream: BinaryIO) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Tổng hợp")
    ws.append([f"{data['cluster']['name']} – {data['period_label']}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([_("Số thành viên"), data["members"], _("Đã báo cáo"), data["reported"]])
    ws.append([])
    _header(
        ws,
        [
            _("Mã"),
            _("Chỉ tiêu"),
            _("Đơn vị tính"),
            _("Toàn cụm"),
            _("Tổng"),
            _("Bình quân"),
            _("Thấp nhất"),
            _("Cao nhất"),
            _("Số đơn vị có số liệu"),
            _("Đạt ngưỡng"),
            _("Cùng kỳ năm trước"),
            _("Ghi chú"),
        ],
    )
    for code, ind in data["indicators"].items():
        threshold = ind["threshold"]
        previous = ind["previous"]
        ws.append(
            [
                code,
                ind["name"],
                ind["measure"],
                ind["cluster_value"],
                ind["total"],
                ind["mean"],
                ind["min"],
                ind["max"],
                ind["count"],
                f"{threshold['count']}/{threshold['of']}" if threshold else None,
                previous["value"] if previous else None,
                _("số liệu minh họa") if ind.get("illustrative") else None,
            ]
        )
        for col in range(4, 9):
            ws.cell(ws.max_row, col).number_format = _number_format(ind["decimals"])
        ws.cell(ws.max_row, 11).number_format = _number_format(ind["decimals"])
    _widths(ws, [18, 48, 12, 14, 14, 14, 14, 14, 12, 12, 14, 18])
    for code, ind in data["indicators"].items():
        _ranking_sheet(wb, code, ind)
    wb.save(stream)


def _ranking_sheet(wb: Workbook, code: str, ind: dict) -> None:
    ws = wb.create_sheet(code[:31])
    ws.append([ind["name"], ind["measure"]])
    ws["A1"].font = Font(bold=True)
    _header(ws, [_("Hạng"), _("Mã đơn vị"), _("Đơn vị"), _("Giá trị")])
    for r in ind["ranking"]:
        ws.append([r["rank"], r["unit_code"], r["unit_name"], r["value"]])
        ws.cell(ws.max_row, 4).number_format = _number_format(ind["decimals"])
    for name in ind["missing"]:
        ws.append([None, None, name, _("chưa có số liệu")])
    _widths(ws, [8, 12, 28, 16])


def _widths(ws, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
