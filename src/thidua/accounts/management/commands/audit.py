from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from thidua.accounts.audit import verify_chain
from thidua.accounts.models import AuditEntry


class Command(BaseCommand):
    help = "Nhật ký thay đổi: `thidua audit verify` kiểm tra chuỗi băm, báo mắt xích hỏng đầu tiên."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify")

    def handle(self, *args, action, **options):
        broken = verify_chain()
        if broken is not None:
            raise CommandError(
                f"Chuỗi nhật ký bị hỏng tại mục #{broken.pk} ({broken.at:%Y-%m-%d %H:%M}, "
                f"{broken.action}).",
                returncode=1,
            )
        self.stdout.write(f"Chuỗi nhật ký nguyên vẹn: {AuditEntry.objects.count()} mục.")
