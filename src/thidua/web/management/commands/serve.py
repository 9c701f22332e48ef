from django.core.management import call_command
from django.core.management.base import BaseCommand

from thidua.server import serve


class Command(BaseCommand):
    help = "Chạy máy chủ web (gunicorn) với cấu hình từ biến môi trường."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--migrate", action="store_true", help="Chạy migrate trước khi phục vụ."
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Không chạy `thidua worker` kèm theo (khi đã chạy riêng).",
        )

    def handle(self, *args, host, port, workers, migrate, no_worker, **options):
        if migrate:
            call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"thidua: http://{host}:{port}/")
        serve(host, port, workers=workers, worker=not no_worker)
