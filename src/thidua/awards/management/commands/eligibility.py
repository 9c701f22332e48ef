from __future__ import annotations

import json
from argparse import ArgumentTypeError
from dataclasses import replace
from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError

from thidua.awards.eligibility import Nominee, evaluate_many
from thidua.awards.eligibility_file import problem_line, read_nominees
from thidua.awards.models import Person
from thidua.common.spreadsheet import FileUnreadable
from thidua.orgs.models import Unit


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
        found = read_nominees(path, path, limit=2 * 1024**3)
    except FileUnreadable as exc:
        raise CommandError(str(exc), returncode=2) from exc
    if found.problems:
        raise CommandError("\n".join(problem_line(p) for p in found.problems), returncode=1)
    return found.nominees


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
