from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from thidua.demo import load_demo, login_lines
from thidua.server import serve


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu (cụm TNB, TP5 năm 2019) và chạy máy chủ web. "
        "--no-serve: chỉ nạp vào cơ sở dữ liệu đang cấu hình rồi thoát."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true")

    def handle(self, *args, host, port, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        load_demo()
        db = settings.DATABASES["default"]
        self.stdout.write(
            f"Đã nạp dữ liệu mẫu vào {db['NAME']} ({db['ENGINE'].rsplit('.', 1)[-1]})."
        )
        self.stdout.write("Tài khoản dùng thử / demo logins:")
        for line in login_lines():
            self.stdout.write(line)
        if no_serve:
            return
        self.stdout.write(f"Mở trình duyệt / open: http://{host}:{port}/  (Ctrl-C để dừng)")
        self.stdout.flush()
        serve(host, port)
