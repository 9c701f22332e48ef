import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from thidua.awards import audit_actions
from thidua.demo import load_demo, login_lines
from thidua.server import serve


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu (cụm TNB, TP5 năm 2019) và chạy máy chủ web. Không đặt "
        "THIDUA_DATABASE_URL: nạp vào cơ sở dữ liệu của thư mục dữ liệu, nơi mọi lệnh khác đọc; "
        "có đặt: nạp vào tệp riêng demo.sqlite3, trừ khi có --use-configured-database. "
        "--no-serve: nạp xong thì thoát; --no-worker: không chạy việc nền kèm máy chủ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Không chạy `thidua worker` (việc nền) kèm máy chủ web.",
        )
        parser.add_argument(
            "--use-configured-database",
            action="store_true",
            help="Nạp vào cơ sở dữ liệu của THIDUA_DATABASE_URL (mặc định: không bao giờ).",
        )

    def handle(self, *args, host, port, no_serve, no_worker, use_configured_database, **options):
        if not use_configured_database and _holds_other_data():
            raise CommandError(
                f"{settings.DATABASES['default']['NAME']} đã có dữ liệu không phải dữ liệu mẫu; "
                "không nạp. Dùng THIDUA_DATA_DIR khác cho bản chạy thử.",
                returncode=2,
            )
        call_command("migrate", interactive=False, verbosity=0)
        load_demo()
        db = settings.DATABASES["default"]
        self.stdout.write(
            f"Đã nạp dữ liệu mẫu vào {db['NAME']} ({db['ENGINE'].rsplit('.', 1)[-1]})."
        )
        if os.environ.get("THIDUA_SQLITE_FILE") == "demo.sqlite3":
            self.stdout.write(
                f"Các lệnh khác đọc dữ liệu mẫu khi đặt THIDUA_DATABASE_URL=sqlite:///{db['NAME']}"
            )
        self.stdout.write("Tài khoản dùng thử / demo logins:")
        for line in login_lines():
            self.stdout.write(line)
        if no_serve:
            return
        self.stdout.write(f"Mở trình duyệt / open: http://{host}:{port}/  (Ctrl-C để dừng)")
        self.stdout.flush()
        serve(host, port, worker=not no_worker)


def _holds_other_data() -> bool:
    """Accounts in the database but no demo ever loaded there: someone's real data."""
    from django.contrib.auth import get_user_model

    from thidua.accounts.models import AuditEntry

    tables = set(connection.introspection.table_names())
    if not {"auth_user", AuditEntry._meta.db_table} <= tables:
        return False
    if not get_user_model().objects.exists():
        return False
    return not AuditEntry.objects.filter(action=audit_actions.DEMO_LOADED).exists()
