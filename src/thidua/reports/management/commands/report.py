from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from thidua.common.numbers import format_measure
from thidua.common.periods import PeriodError, parse_period
from thidua.indicators.management import workflow
from thidua.orgs.models import Cluster
from thidua.reports.jsonout import dumps
from thidua.reports.publication import latest, publication_facts, shown_review

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
        _add_live(rv)
        _add_publish(sub)
        workflow.add_parsers(sub)

    def handle(self, *args, kind, cluster, period, **options):
        if kind == "publish":
            return _publish(self, cluster, period, options.get("user"))
        if kind in workflow.ACTIONS:
            return workflow.run(self, kind, dict(options, cluster=cluster, period=period))
        return self._review(cluster, period, **options)

    def _review(self, cluster, period, *, format, include_submitted, **options):
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
        live = options.get("live", False)
        payload = self._render(found, p.code, format, options["language"], include_submitted, live)
        self._emit(payload, output)

    def _render(
        self,
        cluster,
        period: str,
        format: str,
        language: str,
        include_submitted: bool,
        live: bool = False,
    ):
        if format in ("docx", "pdf"):
            return _document(cluster, period, format, language, include_submitted, live)
        shown = shown_review(cluster, period, live=live, include_submitted=include_submitted)
        data = shown.narrated()
        if format == "json":  # the exact figures; the narrative is written from those shown
            data = dict(shown.exact_narrated(), live=shown.live, changes=shown.changes)
            if shown.publication is not None:
                data["publication"] = publication_facts(shown.publication)
            return dumps(data)
        if format == "md":
            from thidua.reports.markdown import review_markdown

            return review_markdown(data)
        if format == "xlsx":
            from thidua.reports.excel import review_xlsx

            return review_xlsx(data)
        return _published_lines(shown) + _text(data)

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


def _document(
    cluster, period: str, format: str, language: str, include_submitted: bool, live: bool = False
) -> bytes:
    from thidua.reports.documents import review_docx, review_pdf
    from thidua.reports.docx import DocumentError, docx_to_pdf

    published = None if live or include_submitted else latest(cluster, period)
    make = review_pdf if format == "pdf" else review_docx
    try:
        if published is not None:
            stored = bytes(published.document)
            return docx_to_pdf(stored) if format == "pdf" else stored
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


def _add_live(parser) -> None:
    parser.add_argument(
        "--live",
        action="store_true",
        help="Số liệu hiện tại thay cho bản đã công bố (nếu kỳ đã công bố).",
    )


def _add_publish(sub) -> None:
    pb = sub.add_parser("publish", help="Công bố báo cáo của kỳ cho hội nghị (không sửa được)")
    pb.add_argument("--cluster", required=True)
    pb.add_argument("--period", required=True)
    pb.add_argument("--user", help="Công bố dưới tên tài khoản này (mặc định: hệ thống)")


def _publish(command, cluster: str, period: str, username: str | None) -> None:
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    from thidua.accounts.permissions import SYSTEM
    from thidua.reports.publication import publish_review

    try:
        p = parse_period(period)
    except PeriodError as exc:
        raise CommandError(str(exc), returncode=2) from exc
    found = Cluster.objects.filter(code=cluster).first()
    if found is None:
        raise CommandError(f"Không có cụm/khối mã “{cluster}”.", returncode=2)
    actor = SYSTEM
    if username:
        actor = get_user_model().objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"Không có tài khoản “{username}”.", returncode=2)
    try:
        done = publish_review(actor, found, p.code, via="cli")
    except PermissionDenied as exc:
        raise CommandError(f"Không có quyền công bố: {exc}", returncode=3) from exc
    replaced = f", thay cho lần công bố #{done.replaces_id}" if done.replaces_id else ""
    command.stdout.write(
        f"Đã công bố #{done.pk} {found.code} {p.code}: {len(done.reports)} báo cáo, "
        f"SHA-256 {done.document_sha256}{replaced}."
    )


def _published_lines(shown) -> str:
    """Above the text review: when and by whom it was published, and what changed since."""
    pub = shown.publication
    if pub is None:
        return ""
    at = timezone.localtime(pub.published_at).strftime("%H:%M %d/%m/%Y")
    if shown.live:
        return f"Số liệu hiện tại (đã công bố lúc {at} bởi {pub.published_by_name}).\n"
    lines = [f"Công bố lúc {at} bởi {pub.published_by_name} (SHA-256 {pub.document_sha256})."]
    if shown.changes:
        lines.append(f"Thay đổi sau khi công bố ({len(shown.changes)}):")
        for c in shown.changes:
            old = format_measure(c["published"], c["measure"], c["decimals"])
            new = format_measure(c["live"], c["measure"], c["decimals"])
            lines.append(f"  {c['indicator_name']} – {c['unit_name']}: {old} → {new}")
    return "\n".join(lines) + "\n"
