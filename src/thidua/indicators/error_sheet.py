"""A refused upload sent back as an .xlsx: the sheet as read, its bad cells filled and commented.

The officer fixes the file where the marks are instead of matching a list of errors to cells.
Cells are rewritten from what was read (values, not the original formatting), at the same
places, so that "H10" in the list is H10 in this file; text is never written as a formula.
"""

from __future__ import annotations

import io
from collections import defaultdict

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from thidua.common.errors import Issue

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
BOLD = Font(bold=True)
AUTHOR = "thidua"


def marked_workbook(rows: list[list], issues: list[Issue]) -> bytes:
    """The sheet `rows` (row 1 first) with each issue's cell marked, and a list of all issues."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Số liệu")
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                _put(sheet.cell(r, c), value)
    by_cell: dict[str, list[str]] = defaultdict(list)
    for issue in issues:
        if issue.cell:
            by_cell[issue.cell].append(issue.message)
    for ref, messages in by_cell.items():
        cell = sheet[ref]
        cell.fill = ERROR_FILL
        cell.comment = Comment("\n".join(messages), AUTHOR, width=320, height=120)
    _list(book.create_sheet(_("Lỗi")), issues)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _list(sheet, issues: list[Issue]) -> None:
    headers = [_("Ô"), _("Dòng"), _("Cột"), _("Giá trị"), _("Lỗi")]
    for c, text in enumerate(headers, start=1):
        sheet.cell(1, c, text).font = BOLD
    for r, issue in enumerate(issues, start=2):
        values = [issue.cell, issue.row, issue.column, issue.value, issue.message]
        for c, value in enumerate(values, start=1):
            if value is not None:
                _put(sheet.cell(r, c), value)
        if issue.cell:
            sheet.cell(r, 1).hyperlink = f"#'{_('Số liệu')}'!{issue.cell}"
    for letter, width in zip("ABCDE", (8, 8, 24, 16, 80), strict=True):
        sheet.column_dimensions[letter].width = width


def _put(cell, value) -> None:
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # as text: never a formula, whatever it starts with
    else:
        cell.value = value
