from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from thidua.common.periods import PeriodError, parse_period
from thidua.indicators.excel_template import write_template
from thidua.orgs.models import Cluster, Membership


class Command(BaseCommand):
    help = "Tạo mẫu Excel nhập số liệu: `thidua template --cluster TNB --period 2019 -o mau.xlsx`"

    def add_arguments(self, parser):
        parser.add_argument("--cluster", required=True, help="Mã cụm, khối thi đua (ví dụ TNB)")
        parser.add_argument("--period", required=True, help="Kỳ báo cáo (2019, 2019H1, …)")
        parser.add_argument("-o", "--output", help="Tệp .xlsx (mặc định: mau-CUM-KY.xlsx)")
        parser.add_argument("--language", choices=["vi", "en"], default="vi")

    def handle(self, *args, cluster, period, output, language, **options):
        found = Cluster.objects.filter(code=cluster).first()
        if found is None:
            raise CommandError(f"Không có cụm/khối mã “{cluster}”.", returncode=2)
        try:
            p = parse_period(period)
        except PeriodError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if not Membership.objects.filter(cluster=found, year=p.year).exists():
            raise CommandError(f"{found.code} không có thành viên năm {p.year}.", returncode=2)
        output = output or f"mau-{found.code}-{p.code}.xlsx"
        if not output.lower().endswith(".xlsx"):
            raise CommandError("Tệp mẫu phải có đuôi .xlsx.", returncode=2)
        try:
            write_template(found, p.code, output, language)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {output}: {exc}", returncode=2) from exc
        self.stdout.write(f"Đã ghi mẫu {output} ({found.code}, kỳ {p.code}).")
