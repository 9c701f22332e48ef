from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from thidua.ballots import crypto, services
from thidua.ballots.minutes import ballot_minutes_docx
from thidua.ballots.models import BallotSession, SessionStatus
from thidua.common.errors import ValidationFailed


class Command(BaseCommand):
    help = (
        "Phiên bỏ phiếu: `thidua ballot minutes ID -o bien-ban.docx` ghi biên bản kiểm phiếu; "
        "`thidua ballot count ID --user TEN` người giữ khóa nhập mảnh khóa (từ bàn phím, không "
        "hiện); `thidua ballot verify ID` kiểm lại mọi chứng minh và kết quả từ bảng công bố."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        minutes = sub.add_parser(
            "minutes", help="Biên bản kiểm phiếu (.docx) của phiên đã kết thúc"
        )
        minutes.add_argument("session", type=int, help="Số của phiên bỏ phiếu")
        minutes.add_argument("-o", "--output", required=True, help="Tệp .docx ghi biên bản")
        count = sub.add_parser("count", help="Người giữ khóa nhập mảnh khóa để kiểm phiếu")
        count.add_argument("session", type=int, help="Số của phiên bỏ phiếu")
        count.add_argument("--user", required=True, help="Tài khoản của người giữ khóa")
        verify = sub.add_parser("verify", help="Kiểm lại phiếu, tổng và giải mã từ bảng công bố")
        verify.add_argument("session", type=int, help="Số của phiên bỏ phiếu")
        partial = sub.add_parser(
            "partial",
            help="Trên máy của người giữ khóa: giải mã từng phần từ bảng công bố (.json) và "
            "mảnh khóa, không cần máy chủ; gửi kết quả qua API /count",
        )
        partial.add_argument("board", help="Tệp bảng công bố (GET /api/v1/ballots/ID/board)")
        partial.add_argument("-o", "--output", help="Tệp .json ghi kết quả (mặc định: màn hình)")

    def handle(self, *args, action, session=None, **options):
        if action == "partial":
            return self._partial(options["board"], options.get("output"))
        found = BallotSession.objects.select_related("cluster").filter(pk=session).first()
        if found is None:
            raise CommandError(f"Không có phiên bỏ phiếu số {session}.", returncode=2)
        if action == "count":
            return self._count(found, options["user"])
        if action == "verify":
            return self._verify(found)
        if found.status != SessionStatus.CLOSED:
            raise CommandError(
                f"Phiên {session} chưa kết thúc: biên bản kiểm phiếu chỉ có sau khi kiểm phiếu.",
                returncode=2,
            )
        data = ballot_minutes_docx(found)
        Path(options["output"]).write_bytes(data)
        self.stdout.write(f"Đã ghi biên bản kiểm phiếu {options['output']}")

    def _partial(self, path: str, output: str | None) -> None:
        """Offline: the share stays on the trustee's machine; only the result is sent."""
        board = json.loads(Path(path).read_text(encoding="utf-8"))
        code = getpass.getpass("Mảnh khóa: ") if sys.stdin.isatty() else sys.stdin.readline()
        try:
            session_id, index, share = crypto.parse_share(code)
        except crypto.CryptoError:
            raise CommandError("Mã mảnh khóa không đọc được.", returncode=1) from None
        commitments = [bytes.fromhex(c) for c in board["commitments"]]
        if session_id != board["session"] or not crypto.check_share(commitments, index, share):
            raise CommandError("Mảnh khóa không khớp với bảng công bố này.", returncode=1)
        if not board.get("encrypted_tally"):
            raise CommandError("Bảng công bố chưa có tổng để giải mã.", returncode=1)
        text = json.dumps({"partial": services.partial_decryption(board, index, share)})
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"Đã ghi {output}: gửi tệp này qua API /ballots/{session_id}/count")
        else:
            self.stdout.write(text)

    def _count(self, session: BallotSession, username: str) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản “{username}”.", returncode=2)
        # The share is read without echo from a terminal, else from standard input.
        code = getpass.getpass("Mảnh khóa: ") if sys.stdin.isatty() else sys.stdin.readline()
        try:
            counted = services.enter_share(user, session, code, via="cli")
        except (ValidationFailed, PermissionDenied) as exc:
            messages = getattr(exc, "issues", None)
            text = "; ".join(i.message for i in messages) if messages else str(exc)
            raise CommandError(text, returncode=1) from None
        if counted.status == SessionStatus.CLOSED:
            self.stdout.write("Đã kiểm phiếu: kết quả được công bố.")
        else:
            self.stdout.write("Đã nhận mảnh khóa; chờ người giữ khóa khác để kiểm phiếu.")

    def _verify(self, session: BallotSession) -> None:
        problems = services.audit_board(session)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) on the board.", returncode=1)
        n = session.ballots.count()
        self.stdout.write(
            f"Bảng công bố của phiên {session.pk} đúng: {n} phiếu, mọi chứng minh khớp."
        )
