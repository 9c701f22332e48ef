"""The nominees of a batch eligibility file (`thidua eligibility --file` and the web's batch
check): columns person_id, or full_name + birth_year, or unit_code; award; year.

Read once, checked row by row, then resolved in a fixed number of queries whatever the size:
unit codes in one, names in one (`_by_name`). A row that cannot be read is a problem naming
its row; a file with problems gives no verdict at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from django.utils.translation import gettext as _

from thidua.awards.eligibility import Nominee
from thidua.awards.models import Person
from thidua.awards.people_match import written
from thidua.common.errors import Issue
from thidua.common.spreadsheet import Column, cells, locate, read_rows
from thidua.common.text import name_key, text_problem
from thidua.orgs.models import Unit

# The file's columns, by their names as headers (with spaces or '_', any case).
COLUMNS = tuple(
    Column(name, (name,))
    for name in ("person_id", "full_name", "birth_year", "unit_code", "award", "year")
)


@dataclass
class NomineeFile:
    rows: list[tuple[int, Nominee]] = field(default_factory=list)  # (row number, nominee)
    problems: list[Issue] = field(default_factory=list)
    read: int = 0  # data rows read

    @property
    def nominees(self) -> list[Nominee]:
        return [n for _number, n in self.rows]


def read_nominees(source, filename=None, *, limit=None, on: date | None = None) -> NomineeFile:
    """The file's nominees in the file's order (considered on `on`); FileUnreadable when the
    file cannot be read at all."""
    rows = read_rows(source, filename, limit=limit)
    found = NomineeFile()
    if not rows:
        found.problems.append(Issue(_("Tệp không có dữ liệu.")))
        return found
    header = locate(rows[0], COLUMNS)
    people: dict[tuple, list] = {}
    units: dict[tuple, list] = {}
    for number, raw in enumerate(rows[1:], start=2):
        found.read += 1
        _row(number, raw, header, found, people, units)
    found.rows += _by_unit(units, found.problems) + _by_name(people, found.problems)
    found.rows.sort(key=lambda r: r[0])
    if on is not None:
        found.rows = [(number, replace(n, on=on)) for number, n in found.rows]
    return found


def _row(number: int, raw: list, header: dict, found: NomineeFile, people, units) -> None:
    row = cells(raw, header)
    problems = found.problems

    def fail(column: str | None, message: str) -> None:
        problems.append(Issue(message, row=number, column=column))

    if all(c is None for c in raw):
        return
    if any(isinstance(c, str) and text_problem(c, 300) for c in raw):
        return fail(None, _("có ô dài quá 300 ký tự hoặc có ký tự điều khiển."))
    award, year = str(row.get("award") or "").strip(), _whole(row.get("year"))
    if not award or year is None:
        return fail("award", _("cần cột award và year hợp lệ."))
    born = _whole(row.get("birth_year")) if row.get("birth_year") else None
    if row.get("person_id"):
        person_id = _whole(row["person_id"])
        if person_id is None:
            return fail("person_id", _("person_id phải là số."))
        found.rows.append((number, Nominee(award, year, person_id=person_id)))
    elif row.get("unit_code"):
        code = str(row["unit_code"]).removesuffix(".0")
        units.setdefault((code, year), []).append((number, award))
    elif row.get("full_name"):
        if row.get("birth_year") and born is None:
            return fail("birth_year", _("birth_year phải là một năm (chữ số 0–9)."))
        people.setdefault((str(row["full_name"]), born), []).append((number, award, year))
    else:
        fail(None, _("cần person_id, full_name hoặc unit_code."))


def _whole(value) -> int | None:
    """A whole number as Excel or CSV give it (1980, 1980.0, "1980"); ASCII digits only:
    "1980²" made int() fail with a traceback, "１９８０" passed as 1980."""
    if isinstance(value, int | float) and float(value).is_integer():
        return int(value)
    text = str(value or "").strip().removesuffix(".0")
    return int(text) if text.isascii() and text.isdigit() else None


def _by_unit(wanted: dict, problems: list[Issue]) -> list[tuple[int, Nominee]]:
    """The unit of each (code, year): the one with that code valid on 31 December."""
    candidates: dict[str, list[Unit]] = {}
    for unit in Unit.objects.filter(code__in={code for code, _y in wanted}).only(
        "id", "code", "valid_from", "valid_to"
    ):
        candidates.setdefault(unit.code, []).append(unit)
    out = []
    for (code, year), rows in wanted.items():
        day = date(year, 12, 31)
        unit = next(
            (
                u
                for u in candidates.get(code, [])
                if (u.valid_from is None or u.valid_from <= day)
                and (u.valid_to is None or u.valid_to >= day)
            ),
            None,
        )
        for number, award in rows:
            if unit is None:
                msg = _("không có đơn vị mã %(code)s năm %(year)s.")
                problems.append(
                    Issue(msg % {"code": code, "year": year}, row=number, column="unit_code")
                )
            else:
                out.append((number, Nominee(award, year, unit_id=unit.pk)))
    return out


def _by_name(people: dict, problems: list[Issue]) -> list[tuple[int, Nominee]]:
    """The person of each (name, birth year): spelled as written first (Nguyễn Văn An is not
    Nguyễn Văn Ân); without diacritics only when that finds exactly one person."""
    exact: dict[tuple, list[int]] = {}
    loose: dict[tuple, list[int]] = {}
    for pk, full_name, key, born in Person.objects.filter(
        name_key__in={name_key(n) for n, _b in people}, merged_into=None
    ).values_list("pk", "full_name", "name_key", "birth_year"):
        exact.setdefault((written(full_name), born), []).append(pk)
        loose.setdefault((key, born), []).append(pk)
    out = []
    for (name, born), wanted in people.items():
        ids = exact.get((written(name), born), [])
        spelled = False
        if not ids:
            ids = loose.get((name_key(name), born), [])
            spelled = len(ids) > 1
        for number, award, year in wanted:
            if len(ids) == 1:
                out.append((number, Nominee(award, year, person_id=ids[0])))
                continue
            if not ids:
                what = _("không tìm thấy")
            elif spelled:
                what = _("không ai viết đúng như vậy, có %(n)s người cùng tên khi bỏ dấu") % {
                    "n": len(ids)
                }
            else:
                what = _("có %(n)s người trùng tên và năm sinh") % {"n": len(ids)}
            msg = _("%(what)s; hãy ghi person_id.") % {"what": what}
            problems.append(Issue(msg, row=number, column="full_name"))
    return out


def problem_line(issue: Issue) -> str:
    """A problem as the command line prints it: "Dòng 3: …"."""
    return _("Dòng %(row)s: %(message)s") % {"row": issue.row, "message": issue.message}
