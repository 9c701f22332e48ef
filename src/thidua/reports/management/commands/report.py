from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from thidua.common.numbers import format_measure
from thidua.common.periods import PeriodError, parse_period
from thidua.orgs.models import Cluster
from thidua.reports.aggregation import review
from thidua.reports.jsonout import dumps
from thidua.reports.narrative import narrate


class Command(BaseCommand):
    help = "Báo cáo của cụm. `thidua report review --cluster TNB --period 2019H1 --format json`"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        rv = sub.add_parser("review", help="Số liệu tổng hợp sơ kết / tổng kết của cụm")
        rv.add_argument("--cluster", required=True)
        rv.add_argument("--period", required=True)
        rv.add_argument("--format", choices=["json", "text"], default="text")
        rv.add_argument(
            "--include-submitted",
            action="store_true",
            help="Tính cả báo cáo đã gửi nhưng chưa được tiếp nhận.",
        )

    def handle(self, *args, kind, cluster, period, format, include_submitted, **options):
        try:
            p = parse_period(period)
        except PeriodError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        found = Cluster.objects.filter(code=cluster).first()
        if found is None:
            raise CommandError(f"Không có cụm/khối mã “{cluster}”.", returncode=2)
        data = review(found, p.code, include_submitted=include_submitted)
        data["narrative"] = narrate(data, found, "vi")
        data["narrative_en"] = narrate(data, found, "en")
        self.stdout.write(dumps(data) if format == "json" else _text(data))


def _text(data: dict) -> str:
    lines = [
        f"{data['cluster']['name']} – {data['period_label']}",
        f"Thành viên: {data['members']}, đã báo cáo: {data['reported']}",
    ]
    for code, e in data["indicators"].items():
        value = format_measure(e["cluster_value"], e["measure"], e["decimals"])
        line = f"- {e['name']} ({code}): {value}, {e['count']}/{data['members']} có số liệu"
        if e["threshold"]:
            t = e["threshold"]
            line += f"; đạt mức: {t['count']}/{t['of']}"
        lines.append(line)
    return "\n".join(lines)
