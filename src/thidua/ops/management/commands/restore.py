from django.core.management.base import BaseCommand, CommandError

from thidua.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Khôi phục FILE vào cơ sở dữ liệu đang cấu hình (phải trống); kiểm tra mã SHA-256 trước."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            method = restore(file)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(f"Đã khôi phục ({method}) từ {file}.")
