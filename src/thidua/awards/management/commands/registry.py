from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from thidua.awards import counts, warm
from thidua.awards.aliases import parse_mapping
from thidua.awards.imports import report
from thidua.awards.registry import as_search_row, import_registry, search, statistics
from thidua.common.errors import ValidationFailed


class Command(BaseCommand):
    help = (
        'Sổ khen thưởng: import FILE [--dry-run] [--json] [--map "Tên=MÃ" ...]; '
        "search QUERY [--born YEAR]; "
        "stats [--by ...] [--verify] [--recount] [--json]; warm"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser(
            "import", help="Nhập danh sách khen thưởng (Excel/CSV), tất cả hoặc không"
        )
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true")
        imp.add_argument("--json", action="store_true")
        imp.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="TÊN=MÃ",
            help="Tên hình thức khen thưởng trong tệp = mã trong danh mục (lặp lại được); "
            "ánh xạ đã dùng được lưu thành tên gọi khác",
        )
        find = sub.add_parser("search", help="Tìm theo tên, không phân biệt dấu")
        find.add_argument("query")
        find.add_argument("--born", type=int)
        find.add_argument("--award")
        find.add_argument("--year", type=int)
        find.add_argument("--limit", type=int, default=50)
        find.add_argument("--json", action="store_true")
        stats = sub.add_parser("stats", help="Thống kê theo năm, hình thức hoặc đơn vị")
        stats.add_argument("--by", choices=["year", "award", "unit"], default="year")
        stats.add_argument("--json", action="store_true")
        stats.add_argument(
            "--verify",
            action="store_true",
            help="So các số đếm lưu sẵn với một lần đếm toàn bộ sổ; khác nhau thì mã thoát 1",
        )
        stats.add_argument(
            "--recount",
            action="store_true",
            help="Đếm lại toàn bộ sổ và lưu (sau khi nạp dữ liệu không qua lệnh import)",
        )

        warmer = sub.add_parser(
            "warm", help="Đọc trước chỉ mục tên vào bộ nhớ đệm của CSDL (sau khi khởi động)"
        )
        warmer.add_argument("--quiet", action="store_true")
        warmer.add_argument("--json", action="store_true")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _import(self, file, dry_run, json: bool, map: list[str], **options):
        try:
            mapping = parse_mapping(map)
        except ValidationFailed as exc:
            raise CommandError(exc.issues[0].message, returncode=2) from exc
        result = import_registry(
            file, dry_run=dry_run, filename=file, progress=self._writing, mapping=mapping
        )
        if result.ok and not json:
            for a in result.aliases_added:
                self.stdout.write(f"Đã lưu tên gọi khác: “{a['name']}” = {a['award']}.")
        report(self, result, as_json=json, dry_run=dry_run, kept="đã có trong sổ")
        if result.ok and result.written and not dry_run:
            warm.warm()  # the new entries' index pages, and the rest, for the next searches

    def _warm(self, quiet: bool, json: bool, **options):
        found = warm.warm()
        if json:
            self.stdout.write(_dumps(found))
        elif not quiet:
            self.stdout.write(
                f"Đã đọc trước chỉ mục tên ({found['method']}) trong {found['seconds']} s."
            )

    def _writing(self, rows: int) -> None:
        self.stderr.write(
            f"Đang ghi {rows} dòng (một giao dịch: dừng giữa chừng thì không ghi gì)."
        )
        self.stderr.flush()

    def _search(self, query, born, award, year, limit, json: bool, **options):
        rows = [
            as_search_row(e) for e in search(query, born=born, award=award, year=year, limit=limit)
        ]
        if json:
            self.stdout.write(_dumps(rows))
            return
        for r in rows:
            born_text = f" ({r['born']})" if r["born"] else ""
            award = f"{r['award']} {r['year']} – QĐ {r['decision']}"
            self.stdout.write(f"{r['person']}{born_text} – {r['unit']} – {award}")
        if not rows:
            self.stdout.write("Không tìm thấy.")

    def _stats(self, by, json: bool, verify: bool, recount: bool, **options):
        if recount:
            with transaction.atomic():
                counts.recount()
        if verify:
            return self._verify(json)
        rows = statistics(by=by)
        if json:
            self.stdout.write(_dumps(rows))
            return
        for r in rows:
            key = next(v for k, v in r.items() if k != "count")
            self.stdout.write(f"{key}: {r['count']}")

    def _verify(self, json: bool) -> None:
        wrong = counts.differences()
        if json:
            self.stdout.write(_dumps({"ok": not wrong, "differences": wrong}))
        elif not wrong:
            self.stdout.write("Các số đếm lưu sẵn khớp với đếm toàn bộ sổ.")
        for d in [] if json else wrong:
            self.stdout.write(
                f"{d['dimension']} {d['item'] or '(trống)'}: lưu {d['stored']}, đếm {d['counted']}"
            )
        if wrong:
            raise CommandError(
                f"{len(wrong)} số đếm khác với đếm toàn bộ sổ "
                "(sửa bằng: thidua registry stats --recount).",
                returncode=1,
            )


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
