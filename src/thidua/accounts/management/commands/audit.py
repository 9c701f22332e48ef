from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from thidua.accounts.audit import checkpoint, checkpoint_problems, parse_checkpoints, verify_chain
from thidua.accounts.models import AuditEntry
from thidua.indicators.integrity import mismatches

SHOWN = 50  # problems listed; the rest are counted


class Command(BaseCommand):
    help = (
        "Nhật ký thay đổi: `thidua audit verify [--checkpoint DÒNG_HOẶC_TỆP …]` kiểm tra chuỗi "
        "băm, các điểm kiểm tra và số liệu hiện hành; `thidua audit checkpoint` in điểm kiểm tra "
        "để cất ngoài cơ sở dữ liệu."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify")
        verify.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="DÒNG_HOẶC_TỆP",
            help="Dòng `thidua-audit v2 …`, hoặc tệp chứa các dòng đó (ví dụ tệp .sha256 của "
            "bản sao lưu); dùng được nhiều lần.",
        )
        sub.add_parser("checkpoint", help="In điểm kiểm tra của mục mới nhất.")

    def handle(self, *args, action, **options):
        if action == "checkpoint":
            self.stdout.write(checkpoint().line())
            return
        self._verify(options["checkpoint"])

    def _verify(self, sources: list[str]) -> None:
        checkpoints = []
        for source in sources:
            path = Path(source)
            found = parse_checkpoints(path.read_text() if path.is_file() else source)
            if not found:
                raise CommandError(f"Không đọc được điểm kiểm tra nào từ “{source}”.", returncode=2)
            checkpoints += found
        problems = []
        broken = verify_chain()
        if broken is not None:
            problems.append(
                f"Chuỗi nhật ký bị hỏng tại mục #{broken.pk} ({broken.at:%Y-%m-%d %H:%M}, "
                f"{broken.action})."
            )
        problems += checkpoint_problems(checkpoints)
        problems += mismatches()
        if problems:
            shown = problems[:SHOWN]
            if len(problems) > SHOWN:
                shown.append(f"… và {len(problems) - SHOWN} chỗ khác.")
            raise CommandError("\n".join(shown), returncode=1)
        checked = f", khớp {len(checkpoints)} điểm kiểm tra" if checkpoints else ""
        self.stdout.write(
            f"Chuỗi nhật ký nguyên vẹn: {AuditEntry.objects.count()} mục{checked}; "
            "số liệu hiện hành khớp nhật ký."
        )
