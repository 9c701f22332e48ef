from __future__ import annotations

import json
from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from thidua.awards.deadlines import all_overdue, overdue, overdue_row


class Command(BaseCommand):
    help = (
        "Đề nghị khen thưởng: overdue [--user TÊN] [--today YYYY-MM-DD] [--json] "
        "(quá hạn bước hiện tại)"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        late = sub.add_parser("overdue", help="Đề nghị quá hạn xử lý (tính theo ngày làm việc)")
        late.add_argument("--today", help="Ngày tính (mặc định hôm nay)")
        late.add_argument("--user", help="Chỉ những đề nghị người dùng này phải xử lý")
        late.add_argument("--json", action="store_true")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _overdue(self, today, user, json: bool, **options):
        day = _date(today) if today else None
        found = overdue(_user(user), day) if user else all_overdue(day)
        rows = [overdue_row(p, day) for p in found]
        if json:
            self.stdout.write(_dumps(rows))
            return
        for r in rows:
            self.stdout.write(
                f"#{r['id']} {r['nominee']} – {r['award']} {r['year']} – {r['status_label']} – "
                f"hạn {r['due_on']}, trễ {r['working_days_late']} ngày làm việc "
                f"({r['proposing_unit']})"
            )
        self.stdout.write(f"{len(rows)} đề nghị quá hạn.")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError("Ngày phải theo dạng YYYY-MM-DD.", returncode=2) from exc


def _user(username: str):
    found = get_user_model().objects.filter(username=username).first()
    if found is None:
        raise CommandError(f"Không có người dùng {username}.", returncode=2)
    return found


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
