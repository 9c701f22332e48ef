from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from thidua.accounts.permissions import SYSTEM
from thidua.common import sheets
from thidua.common.errors import ValidationFailed
from thidua.orgs.models import Cluster
from thidua.scoring import regulation_io, services
from thidua.scoring.engine import current_regulation


class Command(BaseCommand):
    help = "Quy định chấm điểm: export (YAML/Excel), import (tạo phiên bản mới), copy sang năm sau."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        exp = sub.add_parser("export")
        exp.add_argument("--cluster", required=True)
        exp.add_argument("--year", type=int, required=True)
        exp.add_argument("-o", "--output", required=True, help="FILE.yaml hoặc FILE.xlsx")
        imp = sub.add_parser("import")
        imp.add_argument("file", help="FILE.yaml hoặc FILE.xlsx")
        imp.add_argument("--cluster", help="chỉ nhận tệp là quy định của cụm này (cùng --year)")
        imp.add_argument("--year", type=int)
        cp = sub.add_parser("copy")
        cp.add_argument("--cluster", required=True)
        cp.add_argument("--from-year", type=int, required=True)
        cp.add_argument("--to-year", type=int, required=True)

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except ValidationFailed as exc:
            for issue in exc.issues:
                where = f"tiêu chí thứ {issue.row}, " if issue.row else ""
                self.stderr.write(f"{where}{issue.column or ''}: {issue.message}")
            raise CommandError("Quy định bị từ chối; không có gì được ghi.", returncode=1) from exc

    def _regulation(self, cluster: str, year: int):
        found = Cluster.objects.filter(code=cluster).first()
        regulation = current_regulation(found, year) if found else None
        if regulation is None:
            raise CommandError(f"Không có quy định của cụm {cluster} năm {year}.", returncode=2)
        return regulation

    def _export(self, cluster, year, output, **options):
        regulation = self._regulation(cluster, year)
        if output.endswith(".xlsx"):
            Path(output).write_bytes(regulation_io.export_xlsx(regulation))
        else:
            Path(output).write_text(regulation_io.export_yaml(regulation), encoding="utf-8")
        self.stdout.write(f"Đã ghi {output}")

    def _import(self, file, cluster=None, year=None, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"Không có tệp {file}.", returncode=2)
        if (cluster is None) != (year is None):
            raise CommandError("--cluster và --year đi cùng nhau.", returncode=2)
        target = None
        if cluster is not None:
            found = Cluster.objects.filter(code=cluster).first()
            if found is None:
                raise CommandError(f"Không có cụm {cluster}.", returncode=2)
            target = (found, year)
        try:
            regulation = services.import_regulation_file(
                SYSTEM,
                path.read_bytes(),
                excel=path.suffix.lower() == ".xlsx",
                target=target,
                via="cli",
                limits=sheets.Limits.for_cli(),
            )
        except services.Unreadable as exc:
            raise CommandError(exc.issues[0].message, returncode=2) from None
        self.stdout.write(f"Đã tạo {regulation}")

    def _copy(self, cluster, from_year, to_year, **options):
        regulation = services.copy_to_year(
            SYSTEM, self._regulation(cluster, from_year), to_year, via="cli"
        )
        self.stdout.write(f"Đã tạo {regulation}")
