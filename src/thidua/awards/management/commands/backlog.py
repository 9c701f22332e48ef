from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from thidua.awards.backlog_selectors import progress
from thidua.awards.models import BacklogProgramme
from thidua.common.numbers import format_vn


class Command(BaseCommand):
    help = "Khen thưởng tồn đọng: progress CODE [--json] (tiến độ theo đơn vị, dự kiến hoàn thành)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        prog = sub.add_parser("progress", help="Tiến độ của một chương trình")
        prog.add_argument("code")
        prog.add_argument("--today", help="Ngày tính (mặc định hôm nay)")
        prog.add_argument("--json", action="store_true")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _progress(self, code, today, json: bool, **options):
        programme = BacklogProgramme.objects.filter(code=code).select_related("award_type").first()
        if programme is None:
            raise CommandError(f"Không có chương trình mã {code}.", returncode=2)
        data = progress(programme, date.fromisoformat(today) if today else None)
        if json:
            self.stdout.write(_dumps(data))
            return
        self.stdout.write(f"{programme.code} – {programme.name}")
        self.stdout.write("  đơn vị: tiếp nhận / thẩm định / đã khen / không đủ ĐK (tổng)")
        for u in data["units"]:
            self.stdout.write(
                f"  {u['unit']}: {u['received']} / {u['in_review']} / {u['awarded']} / "
                f"{u['rejected']} ({u['total']})"
            )
        t = data["totals"]
        self.stdout.write(f"Tổng: {t['total']} hồ sơ, còn {t['open']} chưa xong.")
        pace = format_vn(data["pace_per_month"], 2)
        self.stdout.write(f"Tốc độ {data['pace_months']} tháng gần nhất: {pace} hồ sơ/tháng.")
        projected = data["projected_completion"]
        self.stdout.write(
            f"Dự kiến hoàn thành: {projected:%d/%m/%Y}."
            if projected
            else "Dự kiến hoàn thành: chưa tính được (không có hồ sơ nào được giải quyết)."
        )
        if data["target_date"]:
            verdict = {True: "kịp", False: "không kịp", None: "chưa rõ"}[data["on_track"]]
            self.stdout.write(f"Hạn {data['target_date']:%d/%m/%Y}: {verdict}.")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
