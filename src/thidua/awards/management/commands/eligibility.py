from __future__ import annotations

import json
from argparse import ArgumentTypeError
from dataclasses import replace
from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError

from thidua.awards.eligibility import Nominee, evaluate_many
from thidua.awards.models import Person
from thidua.awards.people_match import written
from thidua.common.spreadsheet import Column, FileUnreadable, cells, locate, read_rows
from thidua.common.text import name_key, text_problem
from thidua.orgs.models import Unit

# The file's columns, by their names as headers (with spaces or '_', any case).
COLUMNS = tuple(
    Column(name, (name,))
    for name in ("person_id", "full_name", "birth_year", "unit_code", "award", "year")
)


class Command(BaseCommand):
    help = (
        "Xét điều kiện khen thưởng: --person ID --award CODE --year Y, hoặc --file FILE "
        "(cột person_id hoặc full_name + birth_year, hoặc unit_code; award; year)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--person", type=int)
        parser.add_argument("--unit", help="Mã đơn vị (tập thể), hiệu lực trong năm xét")
        parser.add_argument("--award")
        parser.add_argument("--year", type=int)
        parser.add_argument("--file")
        parser.add_argument(
            "--on",
            type=_day,
            help="Ngày xét đề nghị (YYYY-MM-DD hoặc DD/MM/YYYY; mặc định hôm nay): xét theo "
            "tiêu chuẩn có hiệu lực ngày đó",
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, person, unit, award, year, file, on, json: bool, **options):
        if file:
            nominees = [replace(n, on=on) for n in _from_file(file)]
        elif (person or unit) and award and year:
            unit_id = _unit(unit, year) if unit else None
            nominees = [Nominee(award, year, person_id=person, unit_id=unit_id, on=on)]
            if person and not Person.objects.filter(pk=person).exists():
                raise CommandError(f"Không có cá nhân mã {person}.", returncode=2)
        else:
            raise CommandError("Cần --person/--unit, --award và --year, hoặc --file.", returncode=2)
        verdicts = [v.as_dict() for v in evaluate_many(nominees)]
        if json:
            data = verdicts[0] if len(verdicts) == 1 and not file else verdicts
            self.stdout.write(_dumps(data))
            return
        for v in verdicts:
            self.stdout.write(_text(v))


def _day(text: str) -> date:
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
    raise ArgumentTypeError(f"Ngày “{text}” không hợp lệ (YYYY-MM-DD hoặc DD/MM/YYYY).")


def _unit(code: str, year: int) -> int:
    found = Unit.objects.valid_on(date(year, 12, 31)).filter(code=code).first()
    if found is None:
        raise CommandError(f"Không có đơn vị mã {code} năm {year}.", returncode=2)
    return found.pk


def _from_file(path: str) -> list[Nominee]:
    try:
        rows = read_rows(path, path, limit=2 * 1024**3)
    except FileUnreadable as exc:
        raise CommandError(str(exc), returncode=2) from exc
    found = locate(rows[0], COLUMNS)
    people = {}
    nominees, problems = [], []
    for number, raw in enumerate(rows[1:], start=2):
        row = cells(raw, found)
        if any(isinstance(c, str) and text_problem(c, 300) for c in raw):
            problems.append(f"Dòng {number}: có ô dài quá 300 ký tự hoặc có ký tự điều khiển.")
            continue
        award, year = str(row.get("award") or "").strip(), _whole(row.get("year"))
        if not award or year is None:
            problems.append(f"Dòng {number}: cần cột award và year hợp lệ.")
            continue
        born = _whole(row.get("birth_year")) if row.get("birth_year") else None
        if row.get("person_id"):
            if _whole(row["person_id"]) is None:
                problems.append(f"Dòng {number}: person_id phải là số.")
                continue
            nominees.append(Nominee(award, year, person_id=_whole(row["person_id"])))
        elif row.get("unit_code"):
            nominees.append(
                Nominee(award, year, unit_id=_unit(str(row["unit_code"]).removesuffix(".0"), year))
            )
        elif row.get("full_name"):
            if row.get("birth_year") and born is None:
                problems.append(f"Dòng {number}: birth_year phải là một năm (chữ số 0–9).")
                continue
            people.setdefault((str(row["full_name"]), born), []).append((number, award, year))
        else:
            problems.append(f"Dòng {number}: cần person_id, full_name hoặc unit_code.")
    nominees += _by_name(people, problems)
    if problems:
        raise CommandError("\n".join(problems), returncode=1)
    return nominees


def _whole(value) -> int | None:
    """A whole number as Excel or CSV give it (1980, 1980.0, "1980"); ASCII digits only:
    "1980²" made int() fail with a traceback, "１９８０" passed as 1980."""
    if isinstance(value, int | float) and float(value).is_integer():
        return int(value)
    text = str(value or "").strip().removesuffix(".0")
    return int(text) if text.isascii() and text.isdigit() else None


def _by_name(people: dict, problems: list[str]) -> list[Nominee]:
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
        if not ids:
            ids = loose.get((name_key(name), born), [])
            spelled = len(ids) > 1
        else:
            spelled = False
        for number, award, year in wanted:
            if len(ids) == 1:
                out.append(Nominee(award, year, person_id=ids[0]))
                continue
            if not ids:
                what = "không tìm thấy"
            elif spelled:
                what = f"không ai viết đúng như vậy, có {len(ids)} người cùng tên khi bỏ dấu"
            else:
                what = f"có {len(ids)} người trùng tên và năm sinh"
            problems.append(f"Dòng {number}: {what}; hãy ghi person_id.")
    return out


_MARKS = {"passed": "✓", "failed": "✗", "to_verify": "?"}


def _text(v: dict) -> str:
    who = f"cá nhân #{v['person_id']}" if v["person_id"] else f"tập thể #{v['unit_id']}"
    when = f", xét ngày {date.fromisoformat(v['on']):%d/%m/%Y}" if v.get("on") else ""
    head = f"{who} – {v['award_name']} năm {v['year']}{when}: {v['outcome_text'].upper()}"
    lines = [head]
    if v.get("rule"):
        lines.append(f"  Căn cứ: {v['rule']['legal_basis']} ({v['rule']['verification']})")
        if v["rule"].get("decree"):
            lines.append(f"  Văn bản đang có hiệu lực: {v['rule']['decree']}")
    lines += [f"  [{_MARKS[c['status']]}] {c['detail']}" for c in v["conditions"]]
    return "\n".join(lines)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
