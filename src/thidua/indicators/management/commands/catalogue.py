from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from thidua.common.errors import ValidationFailed
from thidua.indicators.catalogue import export_catalogue, load_catalogue


class Command(BaseCommand):
    help = "Danh mục chỉ tiêu: xuất (export -o F.csv) hoặc nhập (import F.csv [--rules R.csv])."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        exp = sub.add_parser("export")
        exp.add_argument("-o", "--output", required=True)
        imp = sub.add_parser("import")
        imp.add_argument("file")
        imp.add_argument("--rules", help="CSV quy tắc kiểm tra hợp lý")

    def handle(self, *args, action, **options):
        if action == "export":
            Path(options["output"]).write_text(export_catalogue(), encoding="utf-8-sig")
            self.stdout.write(f"Đã ghi {options['output']}")
            return
        rows = _read(options["file"])
        rules = _read(options["rules"]) if options.get("rules") else []
        try:
            changed = load_catalogue(rows, rules)
        except ValidationFailed as exc:
            for issue in exc.issues:
                self.stderr.write(f"Dòng {issue.row}, cột {issue.column}: {issue.message}")
            raise CommandError("Danh mục bị từ chối; không có gì được ghi.", returncode=1) from exc
        self.stdout.write(f"Đã cập nhật {changed} chỉ tiêu.")


def _read(path: str) -> list[dict[str, str]]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CommandError(f"Không đọc được tệp {path}: {exc}", returncode=2) from exc
    return list(csv.DictReader(text.splitlines()))
