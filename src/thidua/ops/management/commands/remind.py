from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from thidua.ops.reminders import due_now, run_daily


class Command(BaseCommand):
    help = (
        "Gửi nhắc nhở đến hạn hôm nay (hạn nộp báo cáo, phiên bỏ phiếu sắp kết thúc, đề nghị "
        "quá hạn); mỗi nhắc nhở chỉ gửi một lần. --dry-run: chỉ liệt kê, không gửi."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê, không gửi")
        parser.add_argument("--json", action="store_true", help="In danh sách dạng JSON")

    def handle(self, *args, dry_run: bool, json: bool, **options):
        if dry_run:
            rows = [r.row() for r in due_now()]
        else:
            rows = run_daily()["reminders"]
        if json:
            self.stdout.write(_dumps(rows))
            return
        for r in rows:
            self.stdout.write(f"{r['kind']}: {r['recipient']} <{r['email']}> – {r['subject']}")
        verb = "Sẽ gửi" if dry_run else "Đã gửi"
        self.stdout.write(f"{verb} {len(rows)} nhắc nhở.")


def _dumps(rows) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)
