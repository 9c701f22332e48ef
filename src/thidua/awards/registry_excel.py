"""The registry's search results as an Excel workbook (the officials' copy of a search)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook

from thidua.awards.models import AwardEntry
from thidua.common.spreadsheet import safe_row
from thidua.common.xlsx_out import bold, to_bytes

WIDTHS = (34, 10, 44, 40, 8, 18, 16)


def registry_workbook(entries: Iterable[AwardEntry]) -> bytes:
    """One sheet, a bold heading row, then one row per entry (written as it is read)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Sổ khen thưởng"))
    headings = [
        _("Họ và tên / tập thể"),
        _("Năm sinh"),
        _("Đơn vị"),
        _("Hình thức khen thưởng"),
        _("Năm"),
        _("Số quyết định"),
        _("Ngày quyết định"),
    ]
    for width, letter in zip(WIDTHS, "ABCDEFG", strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([bold(sheet, h) for h in headings])
    for e in entries:
        sheet.append(
            safe_row(
                [
                    e.recipient_name,
                    e.birth_year,
                    e.unit_name,
                    e.award_type.name,
                    e.year,
                    e.decision_number,
                    e.decision_date.strftime("%d/%m/%Y") if e.decision_date else None,
                ]
            )
        )
    return to_bytes(book)
