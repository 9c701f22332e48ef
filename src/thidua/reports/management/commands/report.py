from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from thidua.common.numbers import format_measure
from thidua.common.periods import PeriodError, parse_period
from thidua.indicators.management import workflow
from thidua.orgs.models import Cluster
from thidua.reports.aggregation import exact_and_shown, review
from thidua.reports.jsonout import dumps
from thidua.reports.narrative import narrate

TEXT_FORMATS = ("json", "text", "md")
BINARY_FORMATS = ("docx", "pdf", "xlsx")


class Command(BaseCommand):
    help = (
        "Báo cáo của cụm. `thidua report review --cluster TNB --period 2019H1 --format json`; "
        "docx, pdf, xlsx ghi ra tệp với -o. `thidua report submit|accept|return|reopen "
        "--cluster TNB --period 2019 (--unit 80 … | --all) [--user U]`: gửi, tiếp nhận, trả lại, "
        "mở lại báo cáo (mã thoát 0 xong, 1 có báo cáo bị từ chối, 2 sai cách dùng)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        rv = sub.add_parser("review", help="Số liệu tổng hợp sơ kết / tổng kết của cụm")
        rv.add_argument("--cluster", required=True)
        rv.add_argument("--period", required=True)
        rv.add_argument("--format", choices=TEXT_FORMATS + BINARY_FORMATS, default="text")
        rv.add_argument("-o", "--output", help="Tệp ghi kết quả (cần cho docx, pdf, xlsx).")
        rv.add_argument("--language", choices=["vi", "en"], default="vi")
        rv.add_argument(
            "--include-submitted",
            action="store_true",
            help="Tính cả báo cáo đã gửi nhưng chưa được tiếp nhận.",
        )
        workflow.add_parsers(sub)

    def handle(self, *args, kind, **options):
        if kind in workflow.ACTIONS:
            workflow.run(self, kind, options)
        else:
            self._review(**options)

    def _review(self, *, cluster, period, format, include_submitted, **options):
        try:
            p = parse_period(period)
        except PeriodError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        found = Cluster.objects.filter(code=cluster).first()
        if found is None:
            raise CommandError(f"Không có cụm/khối mã “{cluster}”.", returncode=2)
        output = options.get("output")
        if format in BINARY_FORMATS and not output and not self._binary_stdout():
            raise CommandError(f"Định dạng {format} cần -o TỆP.", returncode=2)
        payload = self._render(found, p.code, format, options["language"], include_submitted)
        self._emit(payload, output)

    def _render(self, cluster, period: str, format: str, language: str, include_submitted: bool):
        if format in ("docx", "pdf"):
            return _document(cluster, period, format, language, include_submitted)
        if format == "json":  # the exact figures; the narrative is written from those shown
            data, shown = exact_and_shown(cluster, period, include_submitted=include_submitted)
            data["narrative"] = narrate(shown, cluster, "vi")
            data["narrative_en"] = narrate(shown, cluster, "en")
            return dumps(data)
        data = review(cluster, period, include_submitted=include_submitted)
        data["narrative"] = narrate(data, cluster, "vi")
        data["narrative_en"] = narrate(data, cluster, "en")
        if format == "md":
            from thidua.reports.markdown import review_markdown

            return review_markdown(data)
        if format == "xlsx":
            from thidua.reports.excel import review_xlsx

            return review_xlsx(data)
        return _text(data)

    def _binary_stdout(self):
        stream = getattr(self.stdout, "_out", None)
        buffer = getattr(stream, "buffer", None)
        return buffer if buffer is not None and not stream.isatty() else None

    def _emit(self, payload: str | bytes, output: str | None) -> None:
        if output:
            data = payload.encode("utf-8") if isinstance(payload, str) else payload
            Path(output).write_bytes(data)
            size = f"{len(data):,}".replace(",", ".")
            self.stderr.write(f"Đã ghi {output} ({size} byte).")
        elif isinstance(payload, str):
            self.stdout.write(payload)
        else:
            buffer = self._binary_stdout()
            buffer.write(payload)
            buffer.flush()


def _document(cluster, period: str, format: str, language: str, include_submitted: bool) -> bytes:
    from thidua.reports.documents import DocumentError, review_docx, review_pdf

    make = review_pdf if format == "pdf" else review_docx
    try:
        return make(cluster, period, language=language, include_submitted=include_submitted)
    except DocumentError as exc:
        raise CommandError(str(exc), returncode=3) from exc


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
