from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from thidua.accounts.permissions import SYSTEM
from thidua.common.periods import PeriodError, parse_period
from thidua.indicators.importing import ImportResult, import_file
from thidua.indicators.validation import Issue
from thidua.orgs.models import Cluster


class Command(BaseCommand):
    help = (
        "Nhập số liệu từ tệp Excel (.xlsx) hoặc CSV, tất cả hoặc không gì cả: "
        "`thidua import F.xlsx --cluster TNB --period 2019H1 [--dry-run] [--json]`. "
        "Mã thoát: 0 đã ghi, 1 tệp bị từ chối, 2 sai cách dùng."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx hoặc .csv (UTF-8)")
        parser.add_argument("--cluster", required=True, help="Mã cụm, khối thi đua (ví dụ TNB)")
        parser.add_argument(
            "--period", help="Kỳ báo cáo (2019, 2019H1, …); tệp dạng dòng có thể tự ghi kỳ"
        )
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi")
        parser.add_argument("--json", action="store_true", help="Kết quả dạng JSON")
        parser.add_argument("--user", help="Ghi dưới tên tài khoản này (mặc định: hệ thống)")
        parser.add_argument(
            "--reason", default="", help="Lý do sửa, khi sửa số liệu đã được tiếp nhận"
        )

    def handle(self, *args, file, cluster, period, dry_run, user, **options):
        found = Cluster.objects.filter(code=cluster).first()
        if found is None:
            raise CommandError(f"Không có cụm/khối mã “{cluster}”.", returncode=2)
        if period:
            try:
                period = parse_period(period).code
            except PeriodError as exc:
                raise CommandError(str(exc), returncode=2) from exc
        if not Path(file).is_file():
            raise CommandError(f"Không tìm thấy tệp “{file}”.", returncode=2)
        result = import_file(
            _actor(user), file, found, period, dry_run=dry_run, reason=options["reason"]
        )
        as_json = options["json"]
        self.stdout.write(_as_json(result) if as_json else _summary(result, found, dry_run))
        if result.unreadable:
            raise CommandError(result.errors[0].message, returncode=2)
        if not result.ok:
            raise CommandError("Tệp bị từ chối; không có số liệu nào được ghi.", returncode=1)


def _actor(username: str | None):
    if not username:
        return SYSTEM
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"Không có tài khoản “{username}”.", returncode=2)
    return user


def _as_json(result: ImportResult) -> str:
    return json.dumps(result.as_dict(), ensure_ascii=False, indent=2)


def _summary(result: ImportResult, cluster: Cluster, dry_run: bool) -> str:
    if not result.ok:
        lines = [f"Tệp bị từ chối, không có số liệu nào được ghi ({len(result.errors)} lỗi):"]
        lines += [f"  {issue_line(i)}" for i in result.errors]
        return "\n".join(lines)
    where = f"{cluster.code}, kỳ {result.period}"
    if dry_run:
        head = f"Kiểm tra xong ({where}): tệp hợp lệ, sẽ ghi {result.written} số liệu"
        head += f", {result.unchanged} không đổi. Chưa ghi gì (--dry-run)."
    else:
        head = f"Đã ghi {result.written} số liệu ({where}), {result.unchanged} không đổi."
    lines = [head]
    if result.warnings:
        lines.append("Cảnh báo (cần giải trình trước khi gửi báo cáo):")
        lines += [f"  {issue_line(i)}" for i in result.warnings]
    return "\n".join(lines)


def issue_line(issue: Issue) -> str:
    """'Dòng 5, cột grdp_growth, giá trị “abc”: …' with the parts that are known."""
    parts = []
    if issue.row is not None:
        parts.append(f"Dòng {issue.row}")
    if issue.column:
        parts.append(f"cột {issue.column}")
    if issue.value not in (None, ""):
        parts.append(f"giá trị “{issue.value}”")
    return f"{', '.join(parts)}: {issue.message}" if parts else issue.message
