"""Backlog cases in and out of Excel: the programme's cases as a workbook (formula-like text
neutralised), and a list of new cases read from a workbook, all or nothing.

The import accepts the export's own columns, so a unit may fill in the exported sheet. Every
row is checked by the same rules as the form and the API (`backlog.clean_input`) and against
the units the user may add cases for; one bad row and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor
from thidua.accounts.audit import Change, record_many
from thidua.awards import audit_actions, backlog, backlog_permissions, backlog_selectors
from thidua.awards.models import AwardEntry, BacklogCase, BacklogProgramme, WarPeriod
from thidua.common.errors import Issue, ValidationFailed
from thidua.common.spreadsheet import (
    CellProblem,
    Column,
    FileUnreadable,
    cells,
    cleaned,
    locate,
    missing,
    read_rows,
    safe_row,
)
from thidua.common.text import name_key, unit_key
from thidua.common.xlsx_out import bold, to_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A page's export; a programme holds thousands of cases at most.
MAX_EXPORT = 20_000
MAX_IMPORT_ROWS = 2_000
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YES = {"x", "co", "1", "true", "yes", "truy tang"}
_NO = {"", "khong", "0", "false", "no"}


def _headings() -> list[tuple[str, str, int]]:
    """(column, heading, width): the export's columns, which the import reads back."""
    return [
        ("id", _("Số hồ sơ"), 10),
        ("full_name", _("Họ và tên"), 30),
        ("birth_year", _("Năm sinh"), 10),
        ("unit", _("Đơn vị tiếp nhận"), 30),
        ("service_unit", _("Đơn vị khi tham gia kháng chiến"), 34),
        ("war_period", _("Thời kỳ"), 40),
        ("service_start", _("Tham gia từ"), 14),
        ("service_end", _("Đến"), 14),
        ("posthumous", _("Truy tặng"), 10),
        ("next_of_kin_name", _("Thân nhân nhận thay"), 28),
        ("next_of_kin_relation", _("Quan hệ"), 14),
        ("received_on", _("Ngày tiếp nhận"), 14),
        ("status", _("Trạng thái"), 20),
        ("decided_on", _("Ngày có kết quả"), 14),
        ("note", _("Ghi chú"), 50),
    ]


def _day(value: dt.date | None) -> str | None:
    return value.strftime("%d/%m/%Y") if value else None


def cases_workbook(programme: BacklogProgramme, cases) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Hồ sơ tồn đọng"))
    headings = _headings()
    for index, (_key, _title, width) in enumerate(headings):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.append([bold(sheet, title) for _key, title, _width in headings])
    for case in cases[:MAX_EXPORT]:
        sheet.append(
            safe_row(
                [
                    case.pk,
                    case.full_name,
                    case.birth_year,
                    case.unit.name,
                    case.service_unit,
                    case.get_war_period_display(),
                    _day(case.service_start),
                    _day(case.service_end),
                    _("có") if case.posthumous else "",
                    case.next_of_kin_name,
                    case.next_of_kin_relation,
                    _day(case.received_on),
                    case.get_status_display(),
                    _day(case.decided_on),
                    case.note,
                ]
            )
        )
    return to_bytes(book)


def export_filename(programme: BacklogProgramme) -> str:
    """An ASCII file name from the programme's code (which the board typed)."""
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", programme.code).strip("-")[:40] or "chuong-trinh"
    return f"ho-so-ton-dong-{code}.xlsx"


# The import


@dataclass
class CaseImport:
    ok: bool = False
    added: list[BacklogCase] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)


def import_cases(
    actor: Actor,
    programme: BacklogProgramme,
    source,
    *,
    filename: str | None = None,
    dry_run: bool = False,
    via: str = "web",
) -> CaseImport:
    """Read, check every row, then add all cases in one transaction (or none)."""
    perms.require(backlog_permissions.may_add(actor))
    result = CaseImport()
    try:
        rows = read_rows(source, filename)
    except FileUnreadable as exc:
        result.errors.append(exc.as_issue())
        return result
    inputs = _parse(actor, rows, result.errors)
    if result.errors:
        return result
    result.ok = True
    if dry_run:
        return result
    with transaction.atomic():
        result.added = _write(actor, programme, inputs, result.warnings, via)
    return result


def _parse(
    actor: Actor, rows: list[list], errors: list[Issue]
) -> list[tuple[int, backlog.CaseInput]]:
    """(row number, input) for each filled row, or nothing when any row is wrong."""
    if not rows:
        errors.append(Issue(_("Tệp không có dữ liệu.")))
        return []
    columns = _columns()
    found = locate(rows[0], columns)
    for column in missing(found, columns):
        msg = _("Thiếu cột “%(c)s” ở dòng tiêu đề.") % {"c": column.aliases[0]}
        errors.append(Issue(msg, row=1))
    if errors:
        return []
    units = _unit_lookup(actor)
    body = [r for r in rows[1:] if any(c not in (None, "") for c in r)]
    if not body:
        errors.append(Issue(_("Tệp chỉ có dòng tiêu đề, không có hồ sơ nào.")))
    if len(body) > MAX_IMPORT_ROWS:
        msg = _("Tệp có %(n)s dòng; mỗi lần nhập tối đa %(max)s hồ sơ.")
        errors.append(Issue(msg % {"n": len(body), "max": MAX_IMPORT_ROWS}))
        return []
    inputs = []
    for number, raw in enumerate(rows[1:], start=2):
        if not any(c not in (None, "") for c in raw):
            continue
        data = _row_input(number, cells(raw, found), columns, units, errors)
        if data is not None:
            inputs.append((number, data))
    return [] if errors else inputs


def _columns() -> list[Column]:
    """The export's columns, named by their heading (in the reader's language) or their key."""
    cleans = {
        "full_name": _text,
        "war_period": _war_period,
        "received_on": _date,
        "birth_year": _year,
        "service_unit": _text,
        "service_start": _date,
        "service_end": _date,
        "posthumous": _flag,
        "next_of_kin_name": _text,
        "next_of_kin_relation": _text,
        "note": _text,
    }
    required = ("full_name", "war_period")
    return [
        Column(key, (title, key), cleans.get(key), key in required)
        for key, title, _width in _headings()
    ]


def _unit_lookup(actor: Actor) -> dict[str, object]:
    """The units the user adds cases for, by code and by name (without diacritics)."""
    found: dict[str, object] = {}
    for unit in backlog_selectors.units_for(actor):
        found.setdefault(unit.code.lower(), unit)
        found.setdefault(unit_key(unit.name), unit)
    return found


def _row_input(number: int, row: dict, columns: list[Column], units: dict, errors: list[Issue]):
    problems: list[Issue] = []
    by_name = {c.name: c for c in columns}

    def value(name: str):
        return cleaned(row.get(name), by_name[name], number, problems)

    unit = _unit(row.get("unit"), units, number, problems)
    data = backlog.CaseInput(
        full_name=value("full_name"),
        unit=unit,
        war_period=value("war_period") or "",
        received_on=value("received_on") or timezone.localdate(),
        birth_year=value("birth_year"),
        service_unit=value("service_unit"),
        service_start=value("service_start"),
        service_end=value("service_end"),
        posthumous=bool(value("posthumous")),
        next_of_kin_name=value("next_of_kin_name"),
        next_of_kin_relation=value("next_of_kin_relation"),
        note=value("note"),
    )
    if not problems:
        try:
            data = backlog.clean_input(data, row=number)
        except ValidationFailed as exc:
            problems += exc.issues
    errors += problems
    return None if problems else data


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _unit(value, units: dict, row: int, problems: list[Issue]):
    """The receiving unit among those the user adds cases for (its own, when only one)."""
    text = _text(value)
    if not text:
        if len({u.pk for u in units.values()}) == 1:
            return next(iter(units.values()))
        msg = _("Cần ghi đơn vị tiếp nhận (mã hoặc tên đơn vị của bạn).")
        problems.append(Issue(msg, row=row, column="unit"))
        return None
    found = units.get(text.lower()) or units.get(unit_key(text))
    if found is None:
        msg = _("“%(u)s” không phải đơn vị bạn được thêm hồ sơ.") % {"u": text}
        problems.append(Issue(msg, row=row, column="unit"))
    return found


def _war_period(value) -> str:
    text = name_key(_text(value))
    for code, label in WarPeriod.choices:
        if text in (code.replace("_", " "), name_key(str(label))):
            return code
    keywords = {"phap": WarPeriod.FRENCH, "my": WarPeriod.AMERICAN, "bao ve": WarPeriod.DEFENCE}
    hits = {code for word, code in keywords.items() if re.search(rf"\b{word}\b", text)}
    if len(hits) == 1:
        return hits.pop()
    raise CellProblem(
        _("Thời kỳ “%(v)s” không rõ: ghi chống Pháp, chống Mỹ hoặc bảo vệ Tổ quốc.")
        % {"v": _text(value)}
    )


def _year(value) -> int | None:
    text = _text(value)
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):  # "1975²" or "１９７５" are not years
        raise CellProblem(_("Năm sinh “%(v)s” không phải một năm.") % {"v": text})
    return int(text)


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    match = _DATE.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CellProblem(
            _("Ngày “%(v)s” không hợp lệ (ghi ngày/tháng/năm).") % {"v": text}
        ) from None


def _flag(value) -> bool:
    text = name_key(_text(value))
    if text in _YES:
        return True
    if text not in _NO:
        raise CellProblem(
            _("Cột truy tặng ghi “x” hoặc để trống (nhận được “%(v)s”).") % {"v": _text(value)}
        )
    return False


def _write(actor: Actor, programme, inputs, warnings: list[Issue], via: str) -> list[BacklogCase]:
    for _row, data in inputs:
        perms.require(backlog_permissions.may_add(actor, data.unit.pk))
    cases = BacklogCase.objects.bulk_create(
        [
            BacklogCase(programme=programme, name_key=name_key(d.full_name), **vars(d))
            for _row, d in inputs
        ]
    )
    if not all(c.pk for c in cases):  # a database that does not return ids from bulk inserts
        cases = list(BacklogCase.objects.filter(programme=programme).order_by("-id")[: len(cases)])
        cases.reverse()
    warnings += _duplicates(
        programme, [(row, c) for (row, _d), c in zip(inputs, cases, strict=True)]
    )
    changes = [
        Change(
            audit_actions.BACKLOG_CASE_ADDED,
            c,
            None,
            {
                "programme": programme.code,
                "full_name": c.full_name,
                "birth_year": c.birth_year,
                "unit": c.unit_id,
                "war_period": c.war_period,
                "posthumous": c.posthumous,
                "imported": True,
            },
        )
        for c in cases
    ]
    summary = Change(
        audit_actions.BACKLOG_IMPORTED,
        programme,
        None,
        {"cases": len(cases), "warnings": len(warnings)},
    )
    record_many(actor, [*changes, summary], via=via)
    return cases


def _duplicates(programme: BacklogProgramme, rows: list[tuple[int, BacklogCase]]) -> list[Issue]:
    """The registry, the programme's other cases and the file's other rows with the same name
    and birth year: two queries for the whole import."""
    cases = [c for _row, c in rows]
    keys = {(c.name_key, c.birth_year) for c in cases}
    names = {k for k, _born in keys}
    entries = AwardEntry.objects.filter(
        award_type=programme.award_type, name_key__in=names
    ).values_list("name_key", "birth_year", "year", "decision_number")
    ids = {c.pk for c in cases}
    others = (
        BacklogCase.objects.filter(programme=programme, name_key__in=names)
        .exclude(pk__in=ids)
        .values_list("name_key", "birth_year", "id")
    )
    in_registry: dict[tuple, list] = {}
    for key, born, year, number in entries:
        in_registry.setdefault((key, born), []).append((year, number))
    received: dict[tuple, list] = {}
    for key, born, pk in others:
        received.setdefault((key, born), []).append(pk)
    in_file: dict[tuple, list[int]] = {}
    for row, case in rows:
        in_file.setdefault((case.name_key, case.birth_year), []).append(row)
    warnings = []
    for row, case in rows:
        for year, number in in_registry.get((case.name_key, case.birth_year), [])[:3]:
            msg = _("%(name)s (%(born)s): sổ khen thưởng đã có %(a)s năm %(y)s, QĐ %(n)s.")
            values = {
                "name": case.full_name,
                "born": case.birth_year or "?",
                "a": programme.award_type.code,
                "y": year,
                "n": number or "—",
            }
            warnings.append(Issue(msg % values, row=row, column="full_name"))
        for pk in received.get((case.name_key, case.birth_year), [])[:3]:
            msg = _("%(name)s (%(born)s): đã tiếp nhận hồ sơ trùng tên và năm sinh (#%(id)s).")
            values = {"name": case.full_name, "born": case.birth_year or "?", "id": pk}
            warnings.append(Issue(msg % values, row=row, column="full_name"))
        twins = [r for r in in_file[(case.name_key, case.birth_year)] if r != row]
        if twins:
            msg = _("%(name)s (%(born)s): trùng tên và năm sinh với dòng %(rows)s của tệp.")
            values = {
                "name": case.full_name,
                "born": case.birth_year or "?",
                "rows": ", ".join(str(r) for r in twins),
            }
            warnings.append(Issue(msg % values, row=row, column="full_name"))
    return warnings
