from django.core.management.base import BaseCommand, CommandError

from thidua.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu vào FILE (kèm FILE.sha256)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            method, checksum = backup(file)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(f"Đã sao lưu ({method}) vào {file}; SHA-256 {checksum}")
