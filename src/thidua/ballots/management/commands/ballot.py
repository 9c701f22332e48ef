from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from thidua.ballots.models import BallotSession, SessionStatus
from thidua.reports.minutes import ballot_minutes_docx


class Command(BaseCommand):
    help = "Phiên bỏ phiếu: `thidua ballot minutes ID -o bien-ban.docx` ghi biên bản kiểm phiếu."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        minutes = sub.add_parser(
            "minutes", help="Biên bản kiểm phiếu (.docx) của phiên đã kết thúc"
        )
        minutes.add_argument("session", type=int, help="Số của phiên bỏ phiếu")
        minutes.add_argument("-o", "--output", required=True, help="Tệp .docx ghi biên bản")

    def handle(self, *args, action, session, output, **options):
        found = BallotSession.objects.select_related("cluster").filter(pk=session).first()
        if found is None:
            raise CommandError(f"Không có phiên bỏ phiếu số {session}.", returncode=2)
        if found.status != SessionStatus.CLOSED:
            raise CommandError(
                f"Phiên {session} chưa kết thúc: biên bản kiểm phiếu chỉ có sau khi kiểm phiếu.",
                returncode=2,
            )
        data = ballot_minutes_docx(found)
        Path(output).write_bytes(data)
        self.stdout.write(f"Đã ghi biên bản kiểm phiếu {output}")
