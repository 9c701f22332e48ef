from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from thidua.accounts.actors import Actor, user_or_none
from thidua.common.errors import Issue
from thidua.common.periods import PeriodError, parse_period
from thidua.indicators.importing import ImportResult, import_file
from thidua.indicators.management import workflow
from thidua.indicators.models import Report, Value
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
        parser.add_argument(
            "--submit",
            action="store_true",
            help="Nhập xong thì gửi luôn báo cáo của các đơn vị vừa được ghi số liệu "
            "(cán bộ nhập số liệu của đơn vị mình); mã thoát 1 nếu có báo cáo không gửi được",
        )
        parser.add_argument(
            "--confirm-blank", action="store_true", help=workflow.CONFIRM_HELP + " (với --submit)"
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
        if options["submit"] and dry_run:
            raise CommandError("--submit không đi cùng --dry-run.", returncode=2)
        actor = workflow.actor_named(user)
        since = Value.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        result = import_file(actor, file, found, period, dry_run=dry_run, reason=options["reason"])
        sent = None
        if options["submit"] and result.ok:
            sent = workflow.apply(
                "submit",
                actor,
                _written(actor, found, result, since),
                found,
                result.period,
                confirm_blank=options["confirm_blank"],
            )
        self.stdout.write(_report(result, found, dry_run, options["json"], sent))
        if result.unreadable:
            raise CommandError(result.errors[0].message, returncode=2)
        if not result.ok:
            raise CommandError("Tệp bị từ chối; không có số liệu nào được ghi.", returncode=1)
        if sent is not None and sent.refused:
            raise CommandError(f"{len(sent.refused)} báo cáo không gửi được.", returncode=1)


def _written(actor: Actor, cluster: Cluster, result: ImportResult, since: int) -> list[Report]:
    """The reports this import wrote values into (values after `since`, by this actor)."""
    user = user_or_none(actor)
    values = Value.objects.filter(
        pk__gt=since,
        entered_via="import",
        entered_by=user,
        report__cluster=cluster,
        report__period=result.period,
    )
    reports = Report.objects.filter(pk__in=values.values("report_id")).select_related("unit")
    return list(reports.order_by("unit__code"))


def _report(result, cluster, dry_run: bool, as_json: bool, sent) -> str:
    if as_json:
        data = result.as_dict() | ({"submitted": sent.as_dict()} if sent is not None else {})
        return json.dumps(data, ensure_ascii=False, indent=2)
    text = _summary(result, cluster, dry_run)
    if sent is None:
        return text
    if not sent.done and not sent.refused:
        return (
            text + "\nKhông có số liệu mới nào được ghi nên không gửi báo cáo nào "
            "(gửi bằng `thidua report submit`)."
        )
    return text + "\nGửi báo cáo: " + sent.text()


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
    where = f"Ô {issue.cell} · " if issue.cell else ""  # the cell as Excel names it (H10)
    return f"{where}{', '.join(parts)}: {issue.message}" if parts else issue.message
