"""Import values from an Excel or CSV file: find every error in the file, then write all or nothing.

Two layouts are read, told apart by the header row:

* wide (the template): a row per member unit, a column per indicator;
* long: one value per row — unit, indicator, period, value (and optionally a note).

Rows and columns in the errors are those the user sees in Excel: the header is row 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from thidua.accounts.actors import Actor
from thidua.common.errors import Issue, ValidationFailed
from thidua.common.periods import Period, PeriodError, parse_period
from thidua.common.spreadsheet import (
    Column,
    FileUnreadable,
    column_named,
    header_key,
    read_rows,
)
from thidua.common.text import shown, text_problem, unit_key
from thidua.indicators import services
from thidua.indicators.models import Indicator, Value
from thidua.indicators.selectors import peer_values
from thidua.indicators.validation import value_period
from thidua.indicators.vnnumbers import NumberError, Reading, read_cell, settle
from thidua.orgs.models import Cluster, Membership, Unit

# Marks in the template's hidden code row (row 2) naming the cluster and period it was made for.
CLUSTER_MARK = "cluster:"
PERIOD_MARK = "period:"
_HEADER_SCAN = 15


def _key(text) -> str:
    return header_key(text)


# The columns of the long layout (and the unit columns of the wide one), by their headers.
COLUMNS = (
    Column("unit_code", ("mã đơn vị", "mã", "mã tỉnh", "mã ĐV", "unit_code", "code")),
    Column(
        "unit_name",
        (
            "đơn vị", "tên đơn vị", "tỉnh", "tỉnh, thành phố", "tỉnh/thành phố", "địa phương",
            "thành viên", "unit", "unit_name",
        ),
    ),
    Column("indicator", ("chỉ tiêu", "mã chỉ tiêu", "tên chỉ tiêu", "indicator", "indicator_code")),
    Column("period", ("kỳ", "kỳ báo cáo", "period")),
    Column("value", ("giá trị", "số liệu", "value")),
    Column("note", ("ghi chú", "note")),
    Column("justification", ("giải trình", "justification")),
    Column("source", ("nguồn", "nguồn số liệu", "source")),
    Column("ignored", ("stt", "tt", "số tt", "số thứ tự", "đơn vị tính", "measure")),
)  # fmt: skip


@dataclass
class ImportResult:
    ok: bool
    written: int = 0
    unchanged: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    layout: str = ""  # "wide" or "long"
    period: str = ""
    # The file itself could not be read (missing, too large, not Excel/CSV, damaged).
    unreadable: bool = False
    # What a valid file writes, cell by cell (old → new); the unchanged cells are only counted.
    changes: list[Change] = field(default_factory=list)
    reports: list = field(default_factory=list)  # the reports written to (not in a dry run)

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "written": self.written,
            "unchanged": self.unchanged,
            "errors": [i.as_dict() for i in self.errors],
            "warnings": [i.as_dict() for i in self.warnings],
        }


@dataclass
class Change:
    """One cell of the file that writes something: the value it replaces and the new one."""

    unit: Unit
    indicator: Indicator
    period: str
    old: Decimal | None
    new: Decimal
    row: int | None
    cell: str | None
    warnings: list[str] = field(default_factory=list)


def import_file(
    actor: Actor,
    path,
    cluster: Cluster,
    period: str | None = None,
    *,
    dry_run: bool = False,
    filename: str | None = None,
    reason: str = "",
) -> ImportResult:
    """Import `path` (a path or a binary file object) into `cluster`'s report for `period`.

    `filename` gives the original name (and so the type) of an uploaded temporary file;
    `reason` is required by the service when the file corrects values accepted before.
    Nothing is written unless the whole file is valid; with `dry_run` nothing is written at all.
    """
    try:
        rows = read_rows(path, filename)
    except FileUnreadable as exc:
        return ImportResult(ok=False, errors=[exc.as_issue()], unreadable=True)
    return _Import(actor, cluster, period, rows).run(dry_run, reason)


def _text(cell) -> str:
    """A code or name cell as text: Excel gives 80.0 for a typed 80."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


# Looking things up --------------------------------------------------------------------------------


class _Catalogue:
    """Indicators by code, Vietnamese or English name, short name; a shared key matches none."""

    def __init__(self, indicators: list[Indicator]):
        self.by_code = {i.code: i for i in indicators}
        self.found: dict[str, tuple[Indicator | None, str | None]] = {}
        self.index: dict[str, Indicator | None] = {}
        for ind in indicators:
            names = {ind.code, ind.name_vi, ind.name_en, ind.short_vi, _strip_parens(ind.name_vi)}
            for key in {_key(n) for n in names if n}:
                self.index[key] = None if self.index.get(key, ind) != ind else ind

    def find(self, text: str) -> tuple[Indicator | None, str | None]:
        """The indicator named by a header or cell, and the measure written in parentheses."""
        # A long file names the same few indicators on every row: each text is keyed once.
        if text not in self.found:
            self.found[text] = self._find(text)
        return self.found[text]

    def _find(self, text: str) -> tuple[Indicator | None, str | None]:
        found = self.index.get(_key(text))
        if found is not None:
            return found, None
        inner, outer = _split_parens(text)
        if outer is not None:
            found = self.index.get(_key(inner))
            if found is not None:
                return found, outer
        return None, None


def _split_parens(text: str) -> tuple[str, str | None]:
    text = text.strip()
    if text.endswith(")") and "(" in text:
        start = text.rfind("(")
        return text[:start].strip(), text[start + 1 : -1].strip()
    return text, None


def _strip_parens(text: str) -> str:
    return _split_parens(text)[0]


def _measure_matches(written: str, indicator: Indicator) -> bool:
    return _key(written).replace(" ", "") == _key(indicator.measure).replace(" ", "")


class _Members:
    """The cluster's members in the period's year, found by code or by name."""

    def __init__(self, cluster: Cluster, period: Period):
        self.period = period
        self.units = [
            m.unit
            for m in Membership.objects.filter(cluster=cluster, year=period.year).select_related(
                "unit"
            )
        ]
        self.by_code: dict[str, list[Unit]] = {}
        self.by_name: dict[str, list[Unit]] = {}
        self.found: dict[str, Unit | None] = {}
        for unit in self.units:
            for code in {unit.code, unit.code.lstrip("0") or "0"}:
                self.by_code.setdefault(code, []).append(unit)
            self.by_name.setdefault(unit.name_key, []).append(unit)

    def find(self, text: str) -> Unit | None:
        # A long file names each unit on as many rows as it has values: each text is looked
        # up once.
        if text not in self.found:
            self.found[text] = self._find(text)
        return self.found[text]

    def _find(self, text: str) -> Unit | None:
        text = text.strip()
        candidates = (
            self.by_code.get(text)
            or self.by_code.get(text.lstrip("0") or "0")
            or self.by_name.get(unit_key(text))
        )
        if not candidates:
            return None
        # A code reused after the 2025 reorganisation names the unit valid in the period.
        valid = [u for u in candidates if u.is_valid_on(self.period.end)]
        return (valid or candidates)[0]


# The import itself -------------------------------------------------------------------------------


@dataclass
class _Header:
    row: int  # index in rows (0-based)
    labels: dict[int, str]  # column index → header text as written
    roles: dict[int, str]  # column index → role (unit_code, value, …)
    indicators: dict[int, Indicator]  # wide layout: column → indicator
    data_start: int  # index of the first data row
    marks: dict[str, str]  # cluster/period the template was made for

    @property
    def layout(self) -> str:
        return "long" if {"indicator", "value"} <= set(self.roles.values()) else "wide"

    def column(self, role: str) -> int | None:
        return next((c for c, r in self.roles.items() if r == role), None)


@dataclass
class _Entry:
    """One value cell of the file, on its way to becoming a ValueInput."""

    row: int  # as in Excel
    column: str
    indicator: Indicator
    reading: Reading
    unit: Unit | None = None
    period: str = ""
    value: Decimal | None = None
    note: str = ""
    justification: str = ""
    source: str = ""


class _Import:
    def __init__(self, actor: Actor, cluster: Cluster, period: str | None, rows: list[list]):
        self.actor = actor
        self.cluster = cluster
        self.period_arg = period
        self.rows = rows
        self.errors: list[Issue] = []
        self.period: Period | None = None
        self.columns: dict[str, int] = {}  # header text → column index, for cell references
        self.catalogue = _Catalogue(list(Indicator.objects.all()))

    def error(self, message: str, row: int | None = None, column=None, value=None) -> None:
        text = None if value is None else _text(value)
        self.errors.append(Issue(message, row=row, column=column, value=text))

    def cell_of(self, row: int | None, column: str | None) -> str | None:
        """The cell reference (H10) as Excel names it, when the row and the column are known."""
        col = self.columns.get(column) if column is not None else None
        if row is None or col is None:
            return None
        return f"{get_column_letter(col + 1)}{row}"

    def locate(self, issues: list[Issue]) -> list[Issue]:
        """Give each issue its cell; the header row's own issues point at the header cell."""
        for issue in issues:
            issue.cell = issue.cell or self.cell_of(issue.row, issue.column)
        return issues

    def fail(self, header: _Header | None = None) -> ImportResult:
        self.errors.sort(key=lambda i: i.row or 0)
        self.locate(self.errors)
        return ImportResult(
            ok=False,
            errors=self.errors,
            layout=header.layout if header else "",
            period=self.period.code if self.period else "",
        )

    def run(self, dry_run: bool, reason: str = "") -> ImportResult:
        header = self._find_header()
        if header is None:
            return self.fail()
        for c, label in sorted(header.labels.items(), reverse=True):
            self.columns[label] = c  # a repeated header text names its first column
        self._check_marks(header)
        if header.layout == "long":
            entries = self._long_entries(header)
        else:
            entries = self._wide_entries(header)
        period = self._reporting_period(header, entries)
        if period is None:
            return self.fail(header)
        self.period = period
        members = _Members(self.cluster, period)
        if not members.units:
            msg = _("%(cluster)s không có thành viên năm %(year)s.")
            self.error(msg % {"cluster": self.cluster, "year": period.year})
            return self.fail(header)
        self._resolve_units(header, entries, members)
        self._settle_periods(header, entries)
        self._settle_numbers(entries, members)
        entries = self._without_duplicates(entries)
        if not self.errors and not entries:
            self.error(_("Tệp không có số liệu nào để nhập."))
        if self.errors:
            # The service still checks the values that were read, so one reading lists every
            # error of the file.
            read = [e for e in entries if e.value is not None and e.unit is not None]
            self._write(header, read, True, reason)
            return self.fail(header)
        return self._write(header, entries, dry_run, reason)

    # Header ----------------------------------------------------------------------------------

    def _find_header(self) -> _Header | None:
        for index, row in enumerate(self.rows[:_HEADER_SCAN]):
            header = self._read_header(index, row)
            if header is not None:
                return header
        self.error(
            _(
                "Không tìm thấy dòng tiêu đề. Cần cột đơn vị (“Mã đơn vị” hoặc “Đơn vị”) và "
                "một cột cho mỗi chỉ tiêu, hoặc các cột “Đơn vị”, “Chỉ tiêu”, “Kỳ”, “Giá trị”."
            )
        )
        return None

    def _read_header(self, index: int, row: list) -> _Header | None:
        labels = {c: _text(cell) for c, cell in enumerate(row) if cell is not None}
        roles = {c: r for c, text in labels.items() if (r := _role(text))}
        if not {"unit_code", "unit_name"} & set(roles.values()):
            return None
        indicators = {}
        for c, text in labels.items():
            if c not in roles:
                found, _measure = self.catalogue.find(text)
                if found is not None:
                    indicators[c] = found
        header = _Header(index, labels, roles, indicators, index + 1, {})
        if header.layout == "wide" and not indicators:
            return None
        self._read_code_row(header)
        return header

    def _read_code_row(self, header: _Header) -> None:
        """The template's hidden row 2 holds indicator codes, which win over the header names."""
        if header.data_start >= len(self.rows):
            return
        cells = {c: _text(v) for c, v in enumerate(self.rows[header.data_start]) if v is not None}
        codes = {c: self.catalogue.by_code.get(t) for c, t in cells.items()}
        marks = {c: t for c, t in cells.items() if t.startswith((CLUSTER_MARK, PERIOD_MARK))}
        known = {c for c, t in cells.items() if codes[c] or c in marks or _role(t)}
        if not any(codes.values()) or known != set(cells):
            return
        header.data_start += 1
        for c, ind in codes.items():
            if ind is not None and c not in header.roles:
                header.indicators[c] = ind
                header.labels.setdefault(c, ind.code)
        for text in marks.values():
            key, _sep, value = text.partition(":")
            header.marks[key] = value.strip()

    def _check_marks(self, header: _Header) -> None:
        made_for = header.marks.get(CLUSTER_MARK.rstrip(":"))
        if made_for and made_for != self.cluster.code:
            msg = _("Tệp mẫu này lập cho cụm %(made)s, không phải %(cluster)s.")
            self.error(msg % {"made": made_for, "cluster": self.cluster.code}, row=header.row + 2)

    # Rows ----------------------------------------------------------------------------------

    def _data_rows(self, header: _Header):
        for index in range(header.data_start, len(self.rows)):
            row = self.rows[index]
            if any(cell is not None for cell in row):
                yield index + 1, row

    def _wide_entries(self, header: _Header) -> list[_Entry]:
        self._check_wide_columns(header)
        entries = []
        for excel_row, row in self._data_rows(header):
            for c, ind in header.indicators.items():
                reading = self._read(row, c, excel_row, header.labels[c])
                if reading is not None:
                    entries.append(_Entry(excel_row, header.labels[c], ind, reading))
        return entries

    def _check_wide_columns(self, header: _Header) -> None:
        for c, text in header.labels.items():
            if c in header.roles:
                continue
            column_has_data = any(
                c < len(row) and row[c] is not None for _r, row in self._data_rows(header)
            )
            ind = header.indicators.get(c)
            if ind is None:
                if column_has_data:
                    msg = _("Không nhận ra chỉ tiêu “%(h)s”.")
                    self.error(msg % {"h": text}, row=header.row + 1, column=text)
                continue
            _found, measure = self.catalogue.find(text)
            if measure is not None and not _measure_matches(measure, ind):
                self.error(_measure_message(text, measure, ind), row=header.row + 1, column=text)
            if column_has_data and (ind.is_derived or not ind.active):
                self.error(_not_entered(ind), row=header.row + 1, column=text)
        for c in [c for c, ind in header.indicators.items() if ind.is_derived or not ind.active]:
            del header.indicators[c]

    def _long_entries(self, header: _Header) -> list[_Entry]:
        entries = []
        ind_col, value_col = header.column("indicator"), header.column("value")
        for excel_row, row in self._data_rows(header):
            reading = self._read(row, value_col, excel_row, header.labels[value_col])
            ind_text = _text(_cell(row, ind_col))
            if reading is None:
                continue
            if not ind_text:
                self.error(_("Thiếu chỉ tiêu."), excel_row, header.labels[ind_col])
                continue
            ind, measure = self.catalogue.find(ind_text)
            if ind is None:
                msg = _("Không nhận ra chỉ tiêu “%(h)s”.")
                self.error(msg % {"h": ind_text}, excel_row, header.labels[ind_col], ind_text)
            elif measure is not None and not _measure_matches(measure, ind):
                msg = _measure_message(ind_text, measure, ind)
                self.error(msg, excel_row, header.labels[ind_col], ind_text)
            elif ind.is_derived or not ind.active:
                self.error(_not_entered(ind), excel_row, header.labels[ind_col], ind_text)
            else:
                entry = _Entry(excel_row, header.labels[value_col], ind, reading)
                if self._texts(entry, row, header):
                    entries.append(entry)
        return entries

    def _texts(self, entry: _Entry, row: list, header: _Header) -> bool:
        """Note, justification and source, checked here (the dry run) against what the database
        takes: a 600-character note used to pass the check and fail the write."""
        ok = True
        for name in ("note", "justification", "source"):
            col = header.column(name)
            text = _text(_cell(row, col))
            limit = Value._meta.get_field(name).max_length
            problem = text_problem(text, limit, lines=name != "source")
            if problem:
                self.error(problem, entry.row, header.labels[col], shown(text))
                ok = False
            setattr(entry, name, text)
        return ok

    def _read(self, row: list, col: int | None, excel_row: int, label: str) -> Reading | None:
        cell = _cell(row, col)
        try:
            return read_cell(cell)
        except NumberError as exc:
            self.error(exc.message, excel_row, label, cell)
            return None

    # Period --------------------------------------------------------------------------------

    def _reporting_period(self, header: _Header, entries: list[_Entry]) -> Period | None:
        made_for = header.marks.get(PERIOD_MARK.rstrip(":"))
        known_errors = len(self.errors)
        raw = self.period_arg or made_for or self._period_from_rows(header, entries)
        if not raw:
            if len(self.errors) == known_errors:
                self.error(_("Cần chọn kỳ báo cáo cho tệp này (ví dụ 2019H1)."))
            return None
        try:
            period = parse_period(raw)
        except PeriodError as exc:
            self.error(str(exc))
            return None
        if made_for and parse_period(made_for) != period:
            msg = _("Tệp mẫu này lập cho kỳ %(made)s, không phải %(period)s.")
            self.error(msg % {"made": made_for, "period": period.code}, row=header.row + 2)
        return period

    def _period_from_rows(self, header: _Header, entries: list[_Entry]) -> str | None:
        col = header.column("period")
        if header.layout != "long" or col is None:
            return None
        found: dict[str, set[str]] = {"period": set(), "year": set()}
        for entry in entries:
            try:
                p = parse_period(_text(_cell(self.rows[entry.row - 1], col)))
            except PeriodError:
                continue
            found[entry.indicator.period_basis].add(p.code)
        candidates = found["period"] or found["year"]
        if len(candidates) == 1:
            return candidates.pop()
        if candidates:
            msg = _("Tệp có số liệu của nhiều kỳ (%(periods)s): hãy chọn kỳ báo cáo.")
            self.error(msg % {"periods": ", ".join(sorted(candidates))})
        return None

    def _settle_periods(self, header: _Header, entries: list[_Entry]) -> None:
        col = header.column("period") if header.layout == "long" else None
        label = header.labels.get(col) if col is not None else None
        for entry in entries:
            expected = value_period(entry.indicator, self.period.code)
            entry.period = expected
            if col is None:
                continue
            raw = _text(_cell(self.rows[entry.row - 1], col))
            if not raw:
                continue
            try:
                given = parse_period(raw).code
            except PeriodError as exc:
                self.error(str(exc), entry.row, label, raw)
                continue
            if given != expected:
                self.error(_period_message(entry, given, self.period), entry.row, label, raw)

    # Units ---------------------------------------------------------------------------------

    def _resolve_units(self, header: _Header, entries: list[_Entry], members: _Members) -> None:
        code_col, name_col = header.column("unit_code"), header.column("unit_name")
        resolved: dict[int, Unit | None] = {}
        for entry in entries:
            if entry.row not in resolved:
                row = self.rows[entry.row - 1]
                resolved[entry.row] = self._row_unit(
                    entry.row,
                    header,
                    members,
                    _text(_cell(row, code_col)),
                    _text(_cell(row, name_col)),
                )
            entry.unit = resolved[entry.row]

    def _row_unit(self, excel_row, header, members, code: str, name: str) -> Unit | None:
        code_label = header.labels.get(header.column("unit_code"))
        name_label = header.labels.get(header.column("unit_name"))
        if not code and not name:
            self.error(
                _("Dòng có số liệu nhưng thiếu đơn vị."), excel_row, name_label or code_label
            )
            return None
        by_code = members.find(code) if code else None
        by_name = members.find(name) if name else None
        if code and by_code is None:
            self.error(self._unknown_unit(code), excel_row, code_label, code)
            return None
        if name and by_name is None and by_code is None:
            self.error(self._unknown_unit(name), excel_row, name_label, name)
            return None
        if code and name and by_code != by_name:
            msg = _("Mã đơn vị “%(code)s” là %(unit)s, không khớp với tên “%(name)s”.")
            self.error(
                msg % {"code": code, "unit": by_code, "name": name}, excel_row, name_label, name
            )
            return None
        return by_code or by_name

    def _unknown_unit(self, text: str) -> str:
        msg = _("Không tìm thấy đơn vị “%(u)s” trong các thành viên của %(cluster)s năm %(year)s.")
        return msg % {"u": text, "cluster": self.cluster.code, "year": self.period.year}

    # Numbers -------------------------------------------------------------------------------

    def _settle_numbers(self, entries: list[_Entry], members: _Members) -> None:
        unclear = {e.indicator.pk for e in entries if e.reading.ambiguous}
        stored = peer_values(members.units, unclear, self.period.year)
        cells = [(e.reading, e.indicator) for e in entries]
        for entry, value in zip(entries, settle(cells, stored=stored), strict=True):
            if isinstance(value, NumberError):
                self.error(value.message, entry.row, entry.column, entry.reading.raw)
            else:
                entry.value = value

    def _without_duplicates(self, entries: list[_Entry]) -> list[_Entry]:
        """The entries less a second value for one unit, indicator and period (an error)."""
        seen: dict[tuple, int] = {}
        kept = []
        for entry in entries:
            key = (entry.unit.pk if entry.unit else None, entry.indicator.pk, entry.period)
            if entry.unit is not None and key in seen:
                msg = _("Trùng với dòng %(first)s: cùng đơn vị, chỉ tiêu và kỳ.")
                self.error(msg % {"first": seen[key]}, entry.row, entry.column, entry.reading.raw)
                continue
            seen.setdefault(key, entry.row)
            kept.append(entry)
        return kept

    # Writing -------------------------------------------------------------------------------

    def _write(self, header: _Header, entries: list[_Entry], dry_run: bool, reason: str):
        """The service checks the values (and leaves out those equal to the stored ones) and,
        unless `dry_run`, writes them: one read of the stored values, one set of checks."""
        inputs = [
            services.ValueInput(
                unit=e.unit,
                indicator=e.indicator,
                period=e.period,
                value=e.value,
                note=e.note,
                justification=e.justification,
                source=e.source,
                row=e.row,
                column=e.column,
            )
            for e in entries
        ]
        result = ImportResult(
            ok=True, layout=header.layout, period=self.period.code, unchanged=len(inputs)
        )
        if not inputs:
            return result
        try:
            written = services.write_values(
                self.actor,
                self.cluster,
                self.period.code,
                inputs,
                via="import",
                reason=reason,
                dry_run=dry_run,
                skip_unchanged=True,
            )
        except ValidationFailed as exc:
            self.errors.extend(_as_typed(exc.issues, entries))
            return self.fail(header)
        result.written = written.written
        result.unchanged = written.unchanged
        result.warnings = self.locate(_as_typed(written.warnings, entries))
        result.changes = self._changes(written.changes, result.warnings)
        result.reports = [] if dry_run else written.reports
        return result

    def _changes(self, pairs, warnings: list[Issue]) -> list[Change]:
        said: dict[tuple, list[str]] = {}
        for w in warnings:
            said.setdefault((w.row, w.column), []).append(w.message)
        return [
            Change(
                unit=item.unit,
                indicator=item.indicator,
                period=item.period,
                old=old.value if old is not None else None,
                new=item.value,
                row=item.row,
                cell=self.cell_of(item.row, item.column),
                warnings=said.get((item.row, item.column), []),
            )
            for item, old in pairs
        ]


def _as_typed(issues: list[Issue], entries: list[_Entry]) -> list[Issue]:
    """Show the value as typed in the file, not as the service normalised it."""
    typed = {(e.row, e.column): e.reading.raw for e in entries}
    for issue in issues:
        issue.value = typed.get((issue.row, issue.column), issue.value)
    return issues


def _cell(row: list, col: int | None):
    if col is None or col >= len(row):
        return None
    return row[col]


def _role(text: str) -> str | None:
    found = column_named(text, COLUMNS)
    return found.name if found else None


def _measure_message(header: str, measure: str, indicator: Indicator) -> str:
    return _("“%(h)s” ghi đơn vị tính “%(m)s”, nhưng %(name)s tính bằng %(measure)s.") % {
        "h": header,
        "m": measure,
        "name": indicator.name_vi,
        "measure": indicator.measure,
    }


def _not_entered(indicator: Indicator) -> str:
    if indicator.is_derived:
        return _(
            "%(name)s là chỉ tiêu tính toán (%(formula)s), không nhập trực tiếp: "
            "hãy xóa số liệu này."
        ) % {"name": indicator.name_vi, "formula": indicator.formula}
    return _("%(name)s không còn được sử dụng: hãy xóa số liệu này.") % {"name": indicator.name_vi}


def _period_message(entry: _Entry, given: str, period: Period) -> str:
    return _(
        "Kỳ %(given)s không thuộc kỳ báo cáo %(period)s: %(name)s của kỳ này ghi kỳ %(expected)s."
    ) % {
        "given": given,
        "period": period.code,
        "name": entry.indicator.name_vi,
        "expected": entry.period,
    }
