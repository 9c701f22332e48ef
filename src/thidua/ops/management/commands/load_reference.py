from django.core.management.base import BaseCommand

from thidua.ops.reference import load_reference


class Command(BaseCommand):
    help = (
        "Nạp danh mục tỉnh, lịch sử sắp xếp 2025, danh mục chỉ tiêu và phong trào (chạy lại được)."
    )

    def handle(self, *args, **options):
        load_reference()
        self.stdout.write("Đã nạp dữ liệu tham chiếu.")
