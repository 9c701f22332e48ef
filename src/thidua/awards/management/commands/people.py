from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from thidua.accounts.permissions import SYSTEM
from thidua.awards.duplicates import duplicate_candidates, merge_people
from thidua.awards.histories import CLI_LIMIT, import_histories
from thidua.awards.imports import report
from thidua.awards.models import Person
from thidua.awards.privacy import person_record
from thidua.common.errors import ValidationFailed


class Command(BaseCommand):
    help = (
        "Hồ sơ cá nhân: duplicates [--json] (có thể trùng: cùng tên, năm sinh, đơn vị); "
        "merge KEEP_ID OTHER_ID --reason TEXT (hợp nhất, giữ mọi bản ghi); "
        "import FILE [--dry-run] [--json] (xếp loại, sáng kiến, đơn vị theo năm)"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        dup = sub.add_parser("duplicates", help="Liệt kê hồ sơ có thể trùng (không tự hợp nhất)")
        dup.add_argument("--json", action="store_true")
        export = sub.add_parser("export", help="Xuất toàn bộ hồ sơ của một cá nhân (JSON)")
        export.add_argument("person", type=int)
        export.add_argument("-o", "--output")
        merge = sub.add_parser("merge", help="Hợp nhất OTHER vào KEEP sau khi đã đối chiếu")
        merge.add_argument("keep", type=int)
        merge.add_argument("other", type=int)
        merge.add_argument("--reason", required=True)
        merge.add_argument("--json", action="store_true")

        imp = sub.add_parser(
            "import",
            help="Nhập quá trình hằng năm (xếp loại, sáng kiến, đơn vị) từ Excel/CSV, "
            "tất cả hoặc không",
        )
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true")
        imp.add_argument("--json", action="store_true")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _export(self, person: int, output: str | None, **options):
        _export_person(self, person, output)

    def _import(self, file: str, dry_run: bool, json: bool, **options):
        result = import_histories(SYSTEM, file, filename=file, dry_run=dry_run, limit=CLI_LIMIT)
        report(self, result, as_json=json, dry_run=dry_run, kept="không đổi")

    def _duplicates(self, json: bool, **options):
        groups = duplicate_candidates()
        if json:
            self.stdout.write(_dumps([g.as_dict() for g in groups]))
            return
        for g in groups:
            self.stdout.write(f"{g.full_name} ({g.birth_year}) – {g.reason}:")
            for p in g.people:
                counts = ", ".join(f"{k} {v}" for k, v in p["records"].items())
                self.stdout.write(f"  #{p['id']} {p['unit'] or '(không ghi đơn vị)'} – {counts}")
        self.stdout.write(f"{len(groups)} nhóm có thể trùng.")

    def _merge(self, keep, other, reason, json: bool, **options):
        people = Person.objects.in_bulk([keep, other])
        missing = [str(i) for i in (keep, other) if i not in people]
        if missing:
            raise CommandError(f"Không có cá nhân mã {', '.join(missing)}.", returncode=2)
        try:
            result = merge_people(SYSTEM, people[keep], people[other], reason, via="cli")
        except ValidationFailed as exc:
            raise CommandError("\n".join(i.message for i in exc.issues), returncode=1) from exc
        if json:
            self.stdout.write(_dumps(result.as_dict()))
            return
        moved = ", ".join(f"{k} {v}" for k, v in result.moved.items())
        self.stdout.write(f"Đã hợp nhất #{other} vào #{keep}: {moved}.")


def _export_person(command, person: int, output: str | None, **options) -> None:
    found = Person.objects.filter(pk=person).first()
    if found is None:
        raise CommandError(f"Không có cá nhân mã {person}.", returncode=2)
    text = _dumps(person_record(SYSTEM, found, via="cli"))
    if output:
        Path(output).write_text(text, encoding="utf-8")
        command.stdout.write(f"Đã ghi {output}")
    else:
        command.stdout.write(text)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
