"""Spreadsheets in and out, for every importer and export.

In: `read_rows` / `stream_rows` read a workbook's data sheet or a CSV file (measured first by
`common.sheets`), and `Column` specs say which header names a column and how a cell becomes a
value (as pretix's importers do): the indicator values, the awards registry, the backlog cases
and the eligibility list read their headers through them. Out: text that Excel would run as a
formula is neutralised (`safe`).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import IO, Any, TypeAlias

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

from thidua.common import sheets
from thidua.common.errors import Issue
from thidua.common.numbers import format_vn
from thidua.common.text import name_key

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
CSV_SUFFIXES = (".csv", ".txt")
DATA_SHEET = "Số liệu"  # the sheet read from a workbook that has it, else the first visible
# A file to read: its path, or an open binary file (an upload).
Source: TypeAlias = "str | Path | IO[bytes]"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value: object) -> object:
    """Text starting like a formula gets a leading apostrophe; numbers and dates pass as is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe(v) for v in values]


class FileUnreadable(Exception):
    def __init__(self, message: str, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.row = row  # where reading stopped, when known (a CSV cell too long)
        self.column = column

    def as_issue(self) -> Issue:
        return Issue(self.message, row=self.row, column=self.column)


# Reading the file


def read_rows(
    source: Source, filename: str | None = None, *, limit: int | None = None
) -> list[list]:
    """The data sheet as rows of cells (None for empty), row 1 first.

    `limit` caps the file size (default: the upload limit); the CLI's registry import of
    historical lists passes a larger one.
    """
    name = filename or getattr(source, "name", None) or str(source)
    suffix = Path(str(name)).suffix.lower()
    if suffix not in EXCEL_SUFFIXES + CSV_SUFFIXES:
        raise FileUnreadable(
            _("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv); “%(name)s” không phải loại này.")
            % {"name": Path(str(name)).name}
        )
    data = _read_bytes(source, name, limit)
    _measure(data, suffix, limit)
    rows = _excel_rows(data, name) if suffix in EXCEL_SUFFIXES else _csv_rows(data)
    return [[_clean(c) for c in row] for row in rows]


def stream_rows(
    source: Source, filename: str | None = None, *, limit: int | None = None
) -> tuple[int, Iterator[list[Any]]]:
    """The data sheet's rows one at a time (cells as read, not stripped) and row 1's number.

    For large files: an Excel sheet is held once by the reader (python-calamine) and handed
    out row by row, instead of also being copied into Python lists like `read_rows` does.
    Returns (first_row_number, iterator of rows); the first row is the header.
    """
    name = filename or getattr(source, "name", None) or str(source)
    suffix = Path(str(name)).suffix.lower()
    if suffix not in EXCEL_SUFFIXES:
        return 1, iter(read_rows(source, filename, limit=limit))
    data = _read_bytes(source, name, limit)
    _measure(data, suffix, limit)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        del data
        sheet = book.get_sheet_by_name(_data_sheet(book))
        return sheet.start[0] + 1 if sheet.start else 1, sheet.iter_rows()
    except (python_calamine.CalamineError, ValueError, OSError, IndexError) as exc:
        raise FileUnreadable(
            _("Không đọc được tệp Excel “%(name)s”: tệp hỏng, có mật khẩu hoặc không phải Excel.")
            % {"name": Path(str(name)).name}
        ) from exc


def _measure(data: bytes, suffix: str, limit: int | None) -> None:
    """Before the Excel reader sees a workbook: an upload (no `limit`) within the web's limits,
    a file given to the CLI within the larger ones; never one that would exhaust memory."""
    limits = sheets.Limits.for_uploads() if limit is None else sheets.Limits.for_cli()
    try:
        sheets.check_workbook(data, suffix, limits)
    except sheets.SheetRefused as exc:
        raise FileUnreadable(exc.message) from None


def _data_sheet(book: python_calamine.CalamineWorkbook) -> str:
    names = [
        m.name
        for m in book.sheets_metadata
        if m.typ == python_calamine.SheetTypeEnum.WorkSheet
        and m.visible == python_calamine.SheetVisibleEnum.Visible
    ]
    return DATA_SHEET if DATA_SHEET in names else (names or book.sheet_names)[0]


def _read_bytes(source: Source, name: str, limit: int | None = None) -> bytes:
    limit = limit or int(getattr(settings, "THIDUA_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
    if hasattr(source, "read"):
        data = source.read(limit + 1)
        too_big = len(data) > limit
    else:
        if not os.path.isfile(source):
            raise FileUnreadable(_("Không tìm thấy tệp “%(name)s”.") % {"name": source})
        too_big = os.path.getsize(source) > limit
        data = b"" if too_big else Path(source).read_bytes()
    if too_big:
        raise FileUnreadable(
            _("Tệp quá lớn: giới hạn là %(limit)s MB. Hãy chia nhỏ tệp hoặc xóa các trang thừa.")
            % {"limit": round(limit / 1024 / 1024, 1)}
        )
    if not data:
        raise FileUnreadable(_("Tệp “%(name)s” rỗng.") % {"name": Path(str(name)).name})
    return data


def _excel_rows(data: bytes, name: str) -> list[list]:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = _data_sheet(book)
        # Keep leading empty rows and columns so that row and column numbers match Excel's.
        return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except (python_calamine.CalamineError, ValueError, OSError, IndexError) as exc:
        raise FileUnreadable(
            _("Không đọc được tệp Excel “%(name)s”: tệp hỏng, có mật khẩu hoặc không phải Excel.")
            % {"name": Path(str(name)).name}
        ) from exc


def _csv_rows(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileUnreadable(
            _("Tệp CSV phải lưu ở mã UTF-8 (trong Excel: Lưu thành → “CSV UTF-8”).")
        ) from exc
    lines = text.splitlines(keepends=True)  # the ends: a quoted cell keeps its line breaks
    first = next((line for line in lines if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count) if first else ","
    reader = csv.reader(lines, delimiter=delimiter)
    rows: list[list] = []
    try:
        rows.extend(reader)
    except csv.Error as exc:  # a cell over the csv module's limit (131,072 characters)
        raise _csv_problem(rows, lines, reader.line_num, delimiter) from exc
    return rows


def _csv_problem(rows: list[list], lines: list[str], line: int, delimiter: str) -> FileUnreadable:
    limit = csv.field_size_limit()
    index = _long_field(lines[line - 1], delimiter, limit) if 0 < line <= len(lines) else None
    header = rows[0] if rows else []
    column = None
    if index is not None:
        column = str(header[index]) if index < len(header) and header[index] else str(index + 1)
    message = _("Ô dài quá %(max)s ký tự (hoặc có dấu ngoặc kép không đóng); không đọc được tệp.")
    return FileUnreadable(message % {"max": format_vn(limit)}, row=line, column=column)


def _long_field(line: str, delimiter: str, limit: int) -> int | None:
    """Which cell of a CSV line runs past `limit` characters (an error path: a plain loop)."""
    index, size, quoted = 0, 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            index, size = index + 1, 0
        else:
            size += 1
            if size > limit:
                return index
    return None


def _clean(cell: object) -> object:
    if isinstance(cell, str):
        cell = cell.strip()
        return cell or None
    return cell


# Columns


class CellProblem(ValueError):
    """A cell that does not read as its column's value; the message is for the user."""


def header_key(text: object) -> str:
    """A header as compared: no diacritics or case, '_' as a space ('Mã ĐV' → 'ma dv')."""
    return name_key(str(text)).replace("_", " ")


@dataclass(frozen=True)
class Column:
    """A column an importer reads: `name` is its key in a read row; `aliases` are the headers
    that name it (compared by `header_key`, so also in the other language's or without
    diacritics; translated texts are read when compared); `clean` turns a cell into the
    value, raising CellProblem with the user's message."""

    name: str
    aliases: tuple = ()
    clean: Callable | None = None
    required: bool = False

    @cached_property
    def keys(self) -> frozenset[str]:
        return frozenset(header_key(a) for a in self.aliases)

    def value(self, cell: object) -> Any:
        return self.clean(cell) if self.clean else cell


def column_named(text: object, columns: Iterable[Column]) -> Column | None:
    """The first column whose aliases hold this header."""
    key = header_key(text)
    return next((c for c in columns if key in c.keys), None)


def locate(header: Iterable, columns: Iterable[Column]) -> dict[str, int]:
    """Each column's index in the header row: the first cell that names it."""
    pairs = [(c.name, c.keys) for c in columns]
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = header_key(cell or "")
        for name, keys in pairs:
            if key in keys and name not in found:
                found[name] = index
    return found


def missing(found: dict[str, int], columns: Iterable[Column]) -> list[Column]:
    """The required columns the header row does not name."""
    return [c for c in columns if c.required and c.name not in found]


def cells(raw: list, found: dict[str, int]) -> dict:
    """One row's cells by column name (None past the row's end)."""
    return {name: raw[i] if i < len(raw) else None for name, i in found.items()}


def cleaned(cell: object, column: Column, row: int, problems: list[Issue]) -> Any:
    """The column's value of a cell, or None with the problem recorded at its row and column."""
    try:
        return column.value(cell)
    except CellProblem as exc:
        problems.append(Issue(str(exc), row=row, column=column.name))
        return None
