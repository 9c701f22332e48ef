"""The ranking as an Excel workbook: totals per criterion, then every explanation.

Rows come from `engine.MemberScore.as_dict()` or from `selectors.visible`, where a unit that
may see only another's total has no `criteria`: its points columns stay empty.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from thidua.common.spreadsheet import safe_row


def scores_xlsx(data: dict) -> bytes:
    book = Workbook()
    _ranking_sheet(book.active, data["ranking"])
    _detail_sheet(book.create_sheet("Giải trình"), data["ranking"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _codes(ranking: list[dict]) -> list[str]:
    full = next((r for r in ranking if r.get("criteria")), None)
    return [c["code"] for c in full["criteria"]] if full else []


def _ranking_sheet(sheet, ranking: list[dict]) -> None:
    sheet.title = "Xếp hạng"
    codes = _codes(ranking)
    sheet.append(["Hạng", "Mã", "Đơn vị", "Tổng điểm", *codes])
    for r in ranking:
        pts = {c["code"]: float(c["points"]) for c in r.get("criteria") or []}
        sheet.append(
            safe_row([r["rank"], r["unit_code"], r["unit_name"], float(r["total"])])
            + [pts.get(c) for c in codes]
        )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in sheet.iter_rows(min_row=2, min_col=4):
        for cell in row:
            cell.number_format = "#,##0.00"
    sheet.freeze_panes = "D2"
    sheet.column_dimensions["C"].width = 18


def _detail_sheet(detail, ranking: list[dict]) -> None:
    detail.append(["Đơn vị", "Mã", "Tiêu chí", "Điểm", "Tối đa", "Giải trình"])
    for r in ranking:
        for c in r.get("criteria") or []:
            detail.append(
                safe_row(
                    [
                        r["unit_name"],
                        c["code"],
                        c["name"],
                        float(c["points"]),
                        float(c["max"]),
                        c["explanation"],
                    ]
                )
            )
    detail.column_dimensions["C"].width = 50
    detail.column_dimensions["F"].width = 80
