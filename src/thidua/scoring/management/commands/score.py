from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from thidua.common.numbers import format_vn
from thidua.orgs.models import Cluster
from thidua.reports.jsonout import dumps
from thidua.scoring.engine import current_regulation, score
from thidua.scoring.exports import scores_xlsx


class Command(BaseCommand):
    help = (
        "Chấm điểm, xếp hạng các thành viên theo quy định của cụm: score --cluster TNB --year 2019"
    )

    def add_arguments(self, parser):
        parser.add_argument("--cluster", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--format",
            choices=["text", "json", "xlsx", "docx"],
            default="text",
            help="docx: biên bản chấm điểm, xếp hạng thi đua (cần -o TỆP.docx).",
        )
        parser.add_argument("-o", "--output")

    def handle(self, *args, cluster, year, format, output, **options):
        found = Cluster.objects.filter(code=cluster).first()
        if found is None:
            raise CommandError(f"Không có cụm/khối mã “{cluster}”.", returncode=2)
        regulation = current_regulation(found, year)
        if regulation is None:
            raise CommandError(
                f"Cụm {cluster} chưa có quy định chấm điểm năm {year}.", returncode=2
            )
        results = score(regulation)
        if format == "docx":
            if not output:
                raise CommandError("--format docx cần -o TỆP.docx", returncode=2)
            from thidua.scoring.minutes import scoring_minutes_docx

            Path(output).write_bytes(scoring_minutes_docx(regulation, results=results))
            self.stdout.write(f"Đã ghi biên bản {output}")
            return
        data = {
            "cluster": {"code": found.code, "name": found.name},
            "year": year,
            "regulation": {"name": regulation.name, "version": regulation.version},
            "ranking": [r.as_dict() for r in results],
        }
        if format == "xlsx":
            if not output:
                raise CommandError("--format xlsx cần -o TỆP.xlsx", returncode=2)
            Path(output).write_bytes(scores_xlsx(data))
            self.stdout.write(f"Đã ghi {output}")
            return
        text = dumps(data) if format == "json" else _text(data)
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text)


def _text(data: dict) -> str:
    lines = [f"{data['cluster']['name']} – năm {data['year']} ({data['regulation']['name']})"]
    for r in data["ranking"]:
        lines.append(f"{r['rank']:>3}. {r['unit_name']:<14} {format_vn(r['total'], 2):>8} điểm")
    return "\n".join(lines)
