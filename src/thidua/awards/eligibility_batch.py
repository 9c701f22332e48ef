"""Batch eligibility from a file (the web's upload, run by the worker): the nominees of
`thidua eligibility --file`, each one the user may check (the board any, a unit's officer the
people and collectives of his units), the verdicts in words and as a workbook.

Set-based: the file's people and units in one query each, the records read once per chunk of
nominees (`evaluate_many`), never a query per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from openpyxl import Workbook

from thidua.accounts import permissions as perms
from thidua.awards.eligibility import evaluate_many
from thidua.awards.eligibility_file import NomineeFile, read_nominees
from thidua.awards.models import Person
from thidua.common.errors import Issue
from thidua.common.spreadsheet import FileUnreadable, safe_row
from thidua.common.xlsx_out import bold, to_bytes
from thidua.orgs.models import Unit

CHUNK = 2000  # nominees whose records are read together (and between two progress reports)


@dataclass
class BatchVerdicts:
    ok: bool = False
    verdicts: list[dict] = field(default_factory=list)  # one per nominee, in the file's order
    errors: list[Issue] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {"eligible": 0, "to_verify": 0, "ineligible": 0}
        for v in self.verdicts:
            out[v["outcome"]] += 1
        return out


def may_check_batch(user) -> bool:
    return perms.uses_proposals(user)


def check_file(actor, source, *, filename=None, on: date | None = None, limit=None, watch=None):
    """Every row's verdict, or the problems (then no verdict at all)."""
    perms.require(may_check_batch(actor))
    result = BatchVerdicts()
    try:
        found = read_nominees(source, filename, limit=limit, on=on)
    except FileUnreadable as exc:
        result.errors.append(exc.as_issue())
        return result
    if watch:
        watch("read", found.read)
    names = _names(found)
    _refuse_others(actor, found, names)
    result.errors = found.problems
    if result.errors:
        return result
    if watch:
        watch("checked", len(found.rows))
    for start in range(0, len(found.rows), CHUNK):
        chunk = found.rows[start : start + CHUNK]
        verdicts = evaluate_many([n for _number, n in chunk])
        for (number, nominee), verdict in zip(chunk, verdicts, strict=True):
            who = names[nominee.key] if nominee.key in names else ("", None, "")
            result.verdicts.append(_row(number, who, verdict.as_dict()))
        if watch:
            watch("written", len(result.verdicts))
    result.ok = True
    return result


def _names(found: NomineeFile) -> dict[tuple, tuple]:
    """(name, birth year, unit id) of each person and unit the file names: two queries."""
    people = {n.person_id for n in found.nominees if n.person_id}
    units = {n.unit_id for n in found.nominees if n.unit_id}
    names: dict[tuple, tuple] = {}
    for pk, name, born, unit_id in Person.objects.filter(pk__in=people).values_list(
        "pk", "full_name", "birth_year", "unit_id"
    ):
        names[("p", pk)] = (name, born, unit_id)
    for pk, name in Unit.objects.filter(pk__in=units).values_list("pk", "name"):
        names[("u", pk)] = (name, None, pk)
    return names


def _refuse_others(actor, found: NomineeFile, names: dict) -> None:
    """A row naming someone unknown, or outside the actor's units, is a problem of its row."""
    board = perms.is_board(actor)
    for number, nominee in found.rows:
        known = names.get(nominee.key)
        if known is None:
            msg = _("không có cá nhân mã %(id)s.") % {"id": nominee.person_id}
            found.problems.append(Issue(msg, row=number, column="person_id"))
        elif not board and not perms.can_propose_for(actor, known[2]):
            msg = _(
                "“%(name)s” không thuộc đơn vị bạn đề nghị; chỉ xét được người của đơn vị mình."
            )
            column = "person_id" if nominee.person_id else "unit_code"
            found.problems.append(Issue(msg % {"name": known[0]}, row=number, column=column))
    found.problems.sort(key=lambda i: i.row or 0)


def _row(number: int, who: tuple, verdict: dict) -> dict:
    open_points = [c["detail"] for c in verdict["conditions"] if c["status"] != "passed"]
    return {
        "row": number,
        "name": who[0],
        "birth_year": who[1],
        "collective": verdict["unit_id"] is not None,
        "award": verdict["award"],
        "award_name": verdict["award_name"],
        "year": verdict["year"],
        "outcome": verdict["outcome"],
        "outcome_text": verdict["outcome_text"],
        "points": open_points,
    }


WIDTHS = {"A": 7, "B": 34, "C": 10, "D": 40, "E": 8, "F": 28, "G": 90}


def verdicts_workbook(verdicts: list[dict]) -> bytes:
    """One row per nominee: who, the award, the year, the outcome in words, what is missing."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Kết quả xét điều kiện"))
    for letter, width in WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    headings = [
        _("Dòng"),
        _("Cá nhân / tập thể"),
        _("Năm sinh"),
        _("Hình thức khen thưởng"),
        _("Năm"),
        _("Kết quả"),
        _("Điều kiện chưa đạt hoặc cần xác minh"),
    ]
    sheet.append([bold(sheet, h) for h in headings])
    for v in verdicts:
        sheet.append(
            safe_row(
                [
                    v["row"],
                    v["name"],
                    v["birth_year"],
                    v["award_name"],
                    v["year"],
                    v["outcome_text"],
                    "\n".join(v["points"]),
                ]
            )
        )
    return to_bytes(book)
