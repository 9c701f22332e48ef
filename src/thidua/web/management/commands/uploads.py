from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from thidua.jobs import services as job_services
from thidua.web import uploads


class Command(BaseCommand):
    help = (
        "Tệp tải lên chưa xác nhận ghi: `thidua uploads purge` xóa các tệp cũ hơn "
        "THIDUA_UPLOAD_KEEP_HOURS giờ, và tệp của việc chạy nền đã xong từ lâu hơn "
        "(chạy hằng ngày)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("purge", help="Xóa tệp tải lên chưa xác nhận đã quá hạn")

    def handle(self, *args, action, **options):
        removed = uploads.purge()
        hours = settings.THIDUA_UPLOAD_KEEP_HOURS
        self.stdout.write(f"Đã xóa {removed} tệp tải lên chưa xác nhận (cũ hơn {hours} giờ).")
        made = job_services.purge_outputs()
        self.stdout.write(f"Đã xóa {made} tệp do việc chạy nền tạo ra (xong hơn {hours} giờ).")
