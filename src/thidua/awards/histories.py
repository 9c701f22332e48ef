"""People's yearly histories from a sheet: ratings, initiatives and the unit of each year.

One row is one person (or one collective) in one year. The whole file is checked first and
written in one transaction, or nothing is written. People are matched as the registry matches
them (thidua.awards.people_match): the name as written, the birth year and the unit through
the lineage, so a history across the 2025 merger stays one person. A unit text that names no
known unit is kept as written; it never refuses a row (except for a unit's officer, who
imports only his own unit's people). Set-based: a fixed number of queries whatever the size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor
from thidua.accounts.audit import record_many
from thidua.awards.history_write import write_histories
from thidua.awards.imports import RowsImport
from thidua.awards.models import RatingLevel, Scope
from thidua.common.errors import Issue
from thidua.common.spreadsheet import Column, FileUnreadable, Source, locate, missing, stream_rows
from thidua.common.text import name_key, shown, text_problem
from thidua.orgs.lineage import UnitResolver

CLI_LIMIT = 64 * 1024 * 1024


COLUMNS = (
    Column(
        "full_name", ("họ và tên", "họ tên", "full_name", "tập thể, cá nhân", "tên"), required=True
    ),
    Column("birth_year", ("năm sinh", "birth_year")),
    Column("unit", ("đơn vị", "đơn vị công tác", "cơ quan, đơn vị", "unit")),
    Column("year", ("năm", "năm đánh giá", "year"), required=True),
    Column("rating", ("xếp loại", "mức xếp loại", "rating")),
    Column("initiative", ("sáng kiến", "tên sáng kiến", "initiative")),
    Column("initiative_scope", ("phạm vi sáng kiến", "phạm vi", "initiative_scope")),
)
# The columns as a Vietnamese header names them (the error table of the web page).
LABELS = {
    "full_name": "Họ và tên",
    "birth_year": "Năm sinh",
    "unit": "Đơn vị",
    "year": "Năm",
    "rating": "Xếp loại",
    "initiative": "Sáng kiến",
    "initiative_scope": "Phạm vi sáng kiến",
}


def _compact(text: str) -> str:
    return "".join(ch for ch in name_key(text) if ch.isalnum())


RATINGS = {
    _compact(text): code
    for code, texts in {
        RatingLevel.HTXS: ("Hoàn thành xuất sắc nhiệm vụ", "HTXSNV", "HTXS"),
        RatingLevel.HTT: ("Hoàn thành tốt nhiệm vụ", "HTTNV", "HTT"),
        RatingLevel.HT: ("Hoàn thành nhiệm vụ", "HTNV", "HT"),
        RatingLevel.KHT: ("Không hoàn thành nhiệm vụ", "KHTNV", "KHT"),
    }.items()
    for text in texts
}
SCOPES = {
    _compact(text): code
    for code, texts in {
        Scope.CO_SO: ("cơ sở", "cấp cơ sở"),
        Scope.BO_TINH: ("cấp bộ", "cấp tỉnh", "bộ", "tỉnh", "cấp bộ, tỉnh", "bộ, ban, ngành, tỉnh"),
        Scope.TOAN_QUOC: ("toàn quốc", "cấp toàn quốc"),
    }.items()
    for text in texts
}


class HistoryImport(RowsImport):
    """ok, written (rows that created or corrected a record), unchanged, people_created,
    errors."""


@dataclass
class Row:
    number: int
    full_name: str
    born: int | None
    unit_text: str
    year: int
    rating: str | None
    initiative: str
    scope: str | None
    unit_id: int | None = None  # the unit of the row (a person's), or the collective itself
    collective: bool = False


def may_import(actor: Actor) -> bool:
    return perms.is_board(actor) or bool(perms.officer_unit_ids(actor))


def import_histories(
    actor: Actor,
    source: Source,
    *,
    filename: str | None = None,
    dry_run: bool = False,
    via: str = "cli",
    limit: int | None = None,
    watch: Callable[[str, int], None] | None = None,
) -> HistoryImport:
    """Check every row, then write them all in one transaction, or nothing.

    `watch(phase, count)` (the worker's progress, as `import_registry` calls it): rows "read"
    and "checked" as they are parsed, then "writing" (the rows to write), "written", "saving".
    """
    if not may_import(actor):
        raise PermissionDenied(_("Chỉ cán bộ thi đua của đơn vị hoặc Ban TĐKT được nhập."))
    result = HistoryImport()
    try:
        first, cells = stream_rows(source, filename, limit=limit)
    except FileUnreadable as exc:
        result.errors.append(exc.as_issue())
        return result
    units = UnitResolver()
    rows = _Parser(units, _scope_of(actor), watch).parse(first, cells, result.errors)
    if result.errors:
        return result
    if watch and not dry_run:
        watch("writing", len(rows))
    with transaction.atomic():
        outcome = write_histories(rows, units, dry_run=dry_run)
        if watch and not dry_run:
            watch("written", outcome.written)
            watch("saving", outcome.written)
        result.errors = outcome.errors
        if result.errors:
            transaction.set_rollback(True)
            return result
        result.ok = True
        result.written, result.unchanged = outcome.written, len(rows) - outcome.written
        result.people_created = outcome.people_created
        if result.written and not dry_run:
            record_many(actor, outcome.changes(filename or source, result), via=via)
    return result


def _scope_of(actor: Actor) -> set[int] | None:
    """The units an officer imports for; None for the board (any unit)."""
    return None if perms.is_board(actor) else perms.officer_unit_ids(actor)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _int(value: object) -> int | None:
    if isinstance(value, int | float) and float(value).is_integer():
        return int(value)
    text = _text(value)
    return int(text) if text.isascii() and text.isdigit() else None


WATCH_EVERY = 10_000  # rows between two calls of `watch`


class _Parser:
    def __init__(self, units: UnitResolver, allowed: set[int] | None, watch=None):
        self.units, self.allowed, self.watch = units, allowed, watch
        self.this_year = dt.date.today().year

    def parse(self, first: int, cells, errors: list[Issue]) -> list[Row]:
        """The rows of `cells` (an iterator, the header first; row 1 is number `first`)."""
        header_cells = next(cells, None)
        if header_cells is None:
            errors.append(Issue(_("Tệp không có dữ liệu.")))
            return []
        header = self.header(header_cells, errors)
        if errors:
            return []
        rows: list[Row] = []
        read = 0
        for read, raw in enumerate(cells, start=1):
            self.seen(read, rows)
            if all(_text(c) == "" for c in raw):
                continue
            got = {k: raw[i] if i < len(raw) else None for k, i in header.items()}
            row = self.row(first + read, got, errors)
            if row is not None:
                rows.append(row)
        self.seen(read, rows, last=True)
        if not rows and not errors:
            errors.append(Issue(_("Tệp chỉ có dòng tiêu đề, không có dòng nào để nhập.")))
        return [] if errors else rows

    def seen(self, read: int, rows: list[Row], last: bool = False) -> None:
        if self.watch and (last or (read and read % WATCH_EVERY == 0)):
            self.watch("read", read)
            self.watch("checked", len(rows))

    def header(self, cells: list, errors: list[Issue]) -> dict[str, int]:
        found = locate(cells, COLUMNS)
        for column in missing(found, COLUMNS):
            msg = _("Thiếu cột “%(c)s” ở dòng tiêu đề (ví dụ: Họ và tên, Năm, Xếp loại).")
            errors.append(Issue(msg % {"c": column.name}, row=1, column=column.name))
        if "rating" not in found and "initiative" not in found:
            msg = _("Cần cột “Xếp loại” (rating) hoặc “Sáng kiến” (initiative).")
            errors.append(Issue(msg, row=1, column="rating"))
        return found

    def row(self, number: int, got: dict, errors: list[Issue]) -> Row | None:
        before = len(errors)

        def fail(column: str, message: str) -> None:
            errors.append(
                Issue(message, row=number, column=column, value=shown(_text(got.get(column))))
            )

        texts = {c: _text(got.get(c)) for c in ("full_name", "unit", "initiative")}
        for column, limit in (("full_name", 200), ("unit", 300), ("initiative", 500)):
            problem = text_problem(texts[column], limit)
            if problem:
                fail(column, problem)
        if not texts["full_name"]:
            fail(
                "full_name", _("Thiếu họ và tên (hoặc mã, tên đơn vị khi là xếp loại của tập thể).")
            )
        year = _int(got.get("year"))
        if year is None or not 1945 <= year <= self.this_year:
            fail("year", _("Năm phải là số từ 1945 đến %(y)s.") % {"y": self.this_year})
        born = self.born(got.get("birth_year"), fail)
        rating = self.rating(got.get("rating"), fail)
        scope = self.initiative(texts["initiative"], got.get("initiative_scope"), fail)
        if rating is None and not texts["initiative"] and _text(got.get("rating")) == "":
            fail("rating", _("Thiếu xếp loại (hoặc sáng kiến) cho năm này."))
        if len(errors) > before:
            return None
        row = Row(number, texts["full_name"], born, texts["unit"], year, rating,  # type: ignore[arg-type]
                  texts["initiative"], scope)  # fmt: skip
        return row if self.place(row, fail) else None

    def born(self, cell: object, fail: Callable[[str, str], None]) -> int | None:
        if _text(cell) == "":
            return None
        born = _int(cell)
        if born is None or not 1900 <= born <= self.this_year:
            fail("birth_year", _("Năm sinh không hợp lệ (để trống nếu là tập thể)."))
            return None
        return born

    def rating(self, cell: object, fail: Callable[[str, str], None]) -> str | None:
        text = _text(cell)
        if not text:
            return None
        found = RATINGS.get(_compact(text))
        if found is None:
            fail(
                "rating",
                _(
                    "Không có mức xếp loại “%(r)s”: ghi Hoàn thành xuất sắc nhiệm vụ, Hoàn thành "
                    "tốt nhiệm vụ, Hoàn thành nhiệm vụ, Không hoàn thành nhiệm vụ (hoặc HTXSNV, "
                    "HTTNV, HTNV, KHTNV)."
                )
                % {"r": shown(text)},
            )
        return found

    def initiative(self, title: str, cell: object, fail: Callable[[str, str], None]) -> str | None:
        text = _text(cell)
        if not title and not text:
            return None
        if not title:
            fail("initiative", _("Có phạm vi sáng kiến nhưng thiếu tên sáng kiến."))
            return None
        found = SCOPES.get(_compact(text)) if text else None
        if found is None:
            fail(
                "initiative_scope",
                _("Phạm vi sáng kiến phải là “cơ sở”, “cấp bộ”, “cấp tỉnh” hoặc “toàn quốc”."),
            )
        return found

    def place(self, row: Row, fail: Callable[[str, str], None]) -> bool:
        """The row's unit as of its year; a collective's row names the unit itself."""
        if row.born is None:
            row.collective = True
            row.unit_id = self.units.find(row.full_name, row.year)
            if row.unit_id is None:
                fail(
                    "birth_year",
                    _(
                        "Thiếu năm sinh: cá nhân cần năm sinh; xếp loại của tập thể cần mã hoặc "
                        "tên một đơn vị có trong danh mục ở cột họ và tên."
                    ),
                )
                return False
            if row.initiative:
                fail("initiative", _("Sáng kiến chỉ ghi cho cá nhân, không ghi cho tập thể."))
                return False
        else:
            row.unit_id = self.units.find(row.unit_text, row.year) if row.unit_text else None
            if (
                row.unit_id is None
                and not row.unit_text
                and self.allowed
                and len(self.allowed) == 1
            ):
                row.unit_id = next(iter(self.allowed))  # an officer's own people
        return self.permitted(row, fail)

    def permitted(self, row: Row, fail: Callable[[str, str], None]) -> bool:
        if self.allowed is None:
            return True
        if row.unit_id is not None and self.units.within(row.unit_id, self.allowed):
            return True
        column = "full_name" if row.collective else "unit"
        fail(
            column,
            _(
                "Cán bộ đơn vị chỉ nhập hồ sơ của đơn vị mình; “%(u)s” không phải đơn vị của bạn "
                "(hoặc không có trong danh mục)."
            )
            % {"u": shown(row.full_name if row.collective else row.unit_text or "—")},
        )
        return False
