"""Synthetic national-size data for the benchmarks: deterministic (seeded), bulk-loaded.

    python -m benchmarks.generate --scale small|medium|national [--database sqlite|postgres]
                                  [--out DIR] [--postgres-url URL] [--no-xlsx]

What it makes (national; small is about 1/100, medium 1/10 of the records and people):

* the reference data (the 34 provinces valid from 1 July 2025, the award catalogue, the
  indicators) and clusters of provinces (six regional "cụm") plus one "khối" of departments
  per province, with one accepted report per member for `PERIOD` so reviews have figures;
* ~100,000 units under the provinces: departments, communes and enterprises;
* 1,000,000 people with Vietnamese names drawn from the surname, middle and given-name
  frequencies of `thidua.awards.demo`, each with yearly ratings for the last ten years;
* 10,000,000 registry records over 30 years (1996–2025), mostly individual titles;
* `registry_1m.xlsx`: a list in the registry import format (half people already known, half
  new), written with openpyxl write_only; small scale writes 10,000 rows.

The database is made fresh: SQLite `bench.sqlite3` in DIR, or PostgreSQL database
`thidua_bench_<scale>` on 127.0.0.1:5432 (user postgres; `--postgres-url` names another, which is
dropped and made anew too). Loads go through
`thidua.common.bulk.insert_rows` (COPY on PostgreSQL, executemany on SQLite).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from itertools import accumulate
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SEED = 2026
PERIOD = "2025H1"
FIRST_YEAR, LAST_YEAR = 1996, 2025
RATING_YEARS = range(2016, 2026)
SCALES = {
    # units, people, registry records, rows of the import file
    "small": {"units": 1_000, "people": 10_000, "records": 100_000, "xlsx": 10_000},
    "medium": {"units": 10_000, "people": 100_000, "records": 1_000_000, "xlsx": 1_000_000},
    "national": {"units": 100_000, "people": 1_000_000, "records": 10_000_000, "xlsx": 1_000_000},
}
HEADERS = (
    "Họ và tên", "Năm sinh", "Đơn vị", "Hình thức khen thưởng", "Năm", "Số quyết định",
    "Ngày quyết định",
)  # fmt: skip
DEPARTMENTS = (
    "Sở Tài chính", "Sở Nội vụ", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Xây dựng",
    "Sở Nông nghiệp và Môi trường", "Sở Tư pháp", "Sở Công Thương", "Sở Văn hóa, Thể thao và "
    "Du lịch", "Sở Khoa học và Công nghệ", "Sở Dân tộc và Tôn giáo", "Thanh tra tỉnh",
    "Văn phòng UBND tỉnh", "Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "Ban Quản lý các khu "
    "công nghiệp", "Đài Phát thanh và Truyền hình", "Bảo hiểm xã hội tỉnh", "Kho bạc Nhà nước "
    "khu vực", "Cục Thuế tỉnh",
)  # fmt: skip
COMPANY_WORDS = (
    "Thành Công", "Phú Thịnh", "Hưng Phát", "Đại Việt", "Minh Phát", "An Khang", "Tân Tiến",
    "Hoàng Long", "Sông Hồng", "Mê Kông", "Trường Sơn", "Bình Minh", "Đông Á", "Phương Nam",
)  # fmt: skip
COMMUNE_WORDS = (
    "Tân", "An", "Phú", "Bình", "Hòa", "Long", "Thạnh", "Mỹ", "Đông", "Tây", "Vĩnh", "Phước",
    "Thuận", "Hưng", "Lợi", "Định", "Trung", "Xuân", "Sơn", "Hải",
)  # fmt: skip
# Individual titles and forms with the share of records they get (grassroots titles dominate).
INDIVIDUAL_AWARDS = (
    ("LDTT", 55), ("CSTDCS", 22), ("GK", 12), ("BK_BT", 6), ("CSTDBT", 2.5), ("BK_TTG", 1.2),
    ("CSTDTQ", 0.2), ("HCLD_III", 0.1),
)  # fmt: skip
COLLECTIVE_AWARDS = (("TTLDTT", 60), ("TTLDXS", 25), ("BK_BT", 10), ("CO_TD_BT", 5))
COLLECTIVE_SHARE = 0.05
RATINGS = (("HTXS", 15), ("HTT", 60), ("HT", 22), ("KHT", 3))
# The central board member the web figures (review page, throughput) are logged in as.
BENCH_USER = "bench_board"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--postgres-url", help="default: " + postgres_url("<scale>"))
    parser.add_argument("--no-xlsx", action="store_true", help="do not write the import file")
    args = parser.parse_args(argv)
    out = args.out or Path("/tmp/thidua-bench") / f"{args.scale}-{args.database}"
    info = generate(args.scale, args.database, out, xlsx=not args.no_xlsx, pg_url=args.postgres_url)
    print(json.dumps(info, ensure_ascii=False, indent=2))
    return 0


def postgres_url(scale: str, url: str | None = None) -> str:
    return url or f"postgres://postgres@127.0.0.1:5432/thidua_bench_{scale}"


def database_env(scale: str, database: str, out: Path, pg_url: str | None = None) -> dict[str, str]:
    """The environment under which thidua uses the generated database."""
    env = {"THIDUA_DATA_DIR": str(out), "DJANGO_SETTINGS_MODULE": "thidua.settings"}
    env.setdefault("THIDUA_SECRET_KEY", "bench-only-key-" + "x" * 40)
    # A closed benchmark install: bench_board signs in with its password alone (the second
    # factor's cost is not what is measured; the server says it is off).
    env["THIDUA_REQUIRE_TWO_FACTOR"] = "false"
    if database == "postgres":
        env["THIDUA_DATABASE_URL"] = postgres_url(scale, pg_url)
    else:
        env["THIDUA_SQLITE_FILE"] = "bench.sqlite3"
    return env


def generate(
    scale: str, database: str, out: Path, *, xlsx: bool = True, pg_url: str | None = None
) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    _fresh_database(scale, database, out, pg_url)
    os.environ.update(database_env(scale, database, out, pg_url))
    import django

    django.setup()
    from django.core.management import call_command

    timings: dict[str, float] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    timings["migrate"] = time.perf_counter() - started
    builder = Builder(SCALES[scale], random.Random(SEED))
    for step in ("reference", "units", "clusters", "users", "people", "ratings", "records"):
        t = time.perf_counter()
        getattr(builder, step)()
        timings[step] = round(time.perf_counter() - t, 1)
        print(f"  {step}: {timings[step]} s", file=sys.stderr, flush=True)
    t = time.perf_counter()
    _settle(database)
    timings["statistics"] = round(time.perf_counter() - t, 1)
    if xlsx:
        t = time.perf_counter()
        builder.xlsx(out / import_file_name(scale))
        timings["xlsx"] = round(time.perf_counter() - t, 1)
    timings["total"] = round(time.perf_counter() - started, 1)
    info = {"scale": scale, "database": database, "out": str(out), "timings_s": timings}
    info["counts"] = builder.counts
    (out / "generated.json").write_text(json.dumps(info, ensure_ascii=False, indent=2))
    return info


def _settle(database: str) -> None:
    """What a live registry has after its background upkeep: planner statistics, and on
    PostgreSQL a vacuumed heap (autovacuum does both after a bulk load)."""
    from django.db import connection

    from thidua.awards.models import AwardEntry, Person, Rating
    from thidua.awards.name_search import NAME_KEYS
    from thidua.common.bulk import refresh_statistics

    tables = [m._meta.db_table for m in (AwardEntry, Person, Rating)] + [NAME_KEYS]
    if database == "postgres":
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
    else:
        refresh_statistics(*tables)


def import_file_name(scale: str) -> str:
    return f"registry_{SCALES[scale]['xlsx']}.xlsx"


def bench_user():
    """The board member BENCH_USER (no usable password: the figures log in with force_login).

    Made by `generate`; made here too when missing, for data generated before it existed.
    """
    from django.contrib.auth import get_user_model

    from thidua.accounts.models import Role, RoleAssignment

    user, created = get_user_model().objects.get_or_create(
        username=BENCH_USER, defaults={"first_name": "Benchmark", "last_name": "Board"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    RoleAssignment.objects.get_or_create(user=user, role=Role.BOARD, unit=None, cluster=None)
    return user


def _fresh_database(scale: str, database: str, out: Path, pg_url: str | None = None) -> None:
    if database == "postgres":
        parts = urlsplit(postgres_url(scale, pg_url))
        name, admin = parts.path.lstrip("/"), urlunsplit(parts._replace(path="/postgres"))
        for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
            subprocess.run(
                ["psql", "-d", admin, "-qc", sql],
                check=True,
                capture_output=True,
            )
        return
    for suffix in ("", "-wal", "-shm"):
        (out / f"bench.sqlite3{suffix}").unlink(missing_ok=True)


def _picker(rng: random.Random, pairs):
    names = [p[0] for p in pairs]
    cum = list(accumulate(p[1] for p in pairs))

    def pick(k: int) -> list:
        return rng.choices(names, cum_weights=cum, k=k)

    return pick


class Builder:
    def __init__(self, sizes: dict, rng: random.Random):
        self.sizes, self.rng = sizes, rng
        self.counts: dict[str, int] = {}
        self.provinces: list[tuple[int, str, str]] = []  # (id, code, name)
        self.unit_list: list[tuple[int, str]] = []  # (id, name) of the units under provinces
        self.person_list: list[tuple[int, str, int, int, str]] = []  # id, name, born, unit id, unit

    def reference(self) -> None:
        from thidua.ops.reference import load_reference
        from thidua.orgs.models import Unit

        load_reference()
        day = dt.date(2025, 7, 1)
        self.provinces = [
            (u.pk, u.code, u.name)
            for u in Unit.objects.valid_on(day).filter(parent=None, kind__in=["province", "city"])
        ]
        self.counts["provinces"] = len(self.provinces)

    def units(self) -> None:
        from django.db import transaction

        from thidua.common.bulk import insert_rows, reserve_ids
        from thidua.common.text import unit_key
        from thidua.orgs.models import Unit

        rows = list(self._unit_rows(self.sizes["units"]))
        with transaction.atomic():
            ids = reserve_ids(Unit._meta.db_table, len(rows))
            insert_rows(
                Unit._meta.db_table,
                ("id", "code", "name", "name_key", "kind", "parent_id", "valid_from", "note"),
                (
                    (pk, code, name, unit_key(name), kind, parent, "2025-07-01", "benchmark")
                    for pk, (code, name, kind, parent) in zip(ids, rows, strict=True)
                ),
            )
        self.unit_list = [(pk, row[1]) for pk, row in zip(ids, rows, strict=True)]
        self.dept_ids = {
            parent: [pk for pk, r in zip(ids, rows, strict=True) if r[3] == parent][
                : len(DEPARTMENTS)
            ]
            for parent, *_ in self.provinces
        }
        self.counts["units"] = len(rows)

    def _unit_rows(self, total: int):
        """Departments first, then communes (70%) and enterprises (30%), round the provinces."""
        n = 0
        for pk, code, name in self.provinces:
            for i, dept in enumerate(DEPARTMENTS):
                yield (
                    f"{code}-S{i:02d}",
                    f"{dept.removesuffix(' tỉnh')} {_province_words(name)}",
                    "department",
                    pk,
                )
                n += 1
        rng, i = self.rng, 0
        while n < total:
            pk, code, name = self.provinces[i % len(self.provinces)]
            if rng.random() < 0.7:
                word = " ".join(rng.sample(COMMUNE_WORDS, 2))
                kind, label = "commune", f"{rng.choice(['Xã', 'Phường'])} {word} {i}, {name}"
            else:
                word = rng.choice(COMPANY_WORDS)
                kind, label = "enterprise", f"Công ty TNHH {word} {name} số {i}"
            yield f"{code}-U{i:06d}", label, kind, pk
            n += 1
            i += 1

    def clusters(self) -> None:
        """Six regional clusters of provinces, one khối of departments per province, reports."""
        from django.db import transaction

        from thidua.orgs.models import Cluster, Membership

        year = int(PERIOD[:4])
        groups = [self.provinces[i::6] for i in range(6)]
        with transaction.atomic():
            members = []
            for n, group in enumerate(groups, start=1):
                cluster = Cluster.objects.create(
                    code=f"BENCH{n}", name=f"Cụm thi đua số {n}", kind="cum", organiser="central"
                )
                members += [(cluster, pk) for pk, *_ in group]
            for pk, code, name in self.provinces:
                cluster = Cluster.objects.create(
                    code=f"KHOI{code}",
                    name=f"Khối các sở, ngành {_province_words(name)}",
                    kind="khoi",
                    organiser="province",
                    organiser_unit_id=pk,
                )
                members += [(cluster, d) for d in self.dept_ids.get(pk, [])]
            seen: set = set()
            rows = []
            for cluster, unit in members:
                role = "member" if cluster.pk in seen else "head"
                seen.add(cluster.pk)
                rows.append(Membership(cluster=cluster, year=year, unit_id=unit, role=role))
            Membership.objects.bulk_create(rows, batch_size=200)
            self._reports(members)
        self.counts["clusters"] = len(groups) + len(self.provinces)
        self.counts["memberships"] = len(members)

    def _reports(self, members) -> None:
        from decimal import Decimal

        from django.utils import timezone

        from thidua.indicators.models import Indicator, Report, Value

        indicators = list(Indicator.objects.filter(active=True, formula=""))
        now = timezone.now()
        reports = Report.objects.bulk_create(
            [
                Report(cluster=c, unit_id=u, period=PERIOD, status="accepted", accepted_at=now)
                for c, u in members
            ],
            batch_size=200,
        )
        values = [
            Value(
                unit_id=r.unit_id,
                indicator=ind,
                period=PERIOD,
                value=Decimal(self.rng.randint(50, 5000)) / 10,
                report=r,
                entered_via="import",
            )
            for r in reports
            for ind in indicators
        ]
        Value.objects.bulk_create(values, batch_size=200)
        self.counts["values"] = len(values)

    def users(self) -> None:
        bench_user()

    def people(self) -> None:
        from django.db import transaction

        from thidua.awards.models import Person
        from thidua.common.bulk import insert_rows, reserve_ids
        from thidua.common.text import name_key

        n, rng = self.sizes["people"], self.rng
        names = self._names(n)
        units = [self.unit_list[i] for i in _indices(rng, len(self.unit_list), n)]
        born = [rng.randint(1962, 2002) for _ in range(n)]
        now = _now()
        keys: dict[str, str] = {}
        with transaction.atomic():
            ids = reserve_ids(Person._meta.db_table, n)
            insert_rows(
                Person._meta.db_table,
                (
                    "id",
                    "full_name",
                    "name_key",
                    "birth_year",
                    "gender",
                    "unit_id",
                    "unit_name",
                    "position",
                    "national_id",
                    "created_at",
                ),  # fmt: skip
                (
                    (
                        pk,
                        nm,
                        keys.get(nm) or keys.setdefault(nm, name_key(nm)),
                        b,
                        g,
                        u[0],
                        u[1],
                        "",
                        "",
                        now,
                    )  # fmt: skip
                    for pk, (nm, g), b, u in zip(ids, names, born, units, strict=True)
                ),
            )
        self.person_list = [
            (pk, nm, b, u[0], u[1])
            for pk, (nm, _g), b, u in zip(ids, names, born, units, strict=True)
        ]
        self.counts["people"] = n

    def _names(self, n: int) -> list[tuple[str, str]]:
        from thidua.awards.demo import GIVEN, MIDDLE, SURNAMES

        rng = self.rng
        genders = rng.choices(["M", "F"], k=n)
        surnames = _picker(rng, SURNAMES)(n)
        middle = {g: _picker(rng, MIDDLE[g]) for g in "MF"}
        mids = {g: iter(middle[g](n)) for g in "MF"}
        given = {g: iter(rng.choices(GIVEN[g], k=n)) for g in "MF"}
        return [
            (f"{s} {next(mids[g])} {next(given[g])}", g)
            for s, g in zip(surnames, genders, strict=True)
        ]

    def ratings(self) -> None:
        from django.db import transaction

        from thidua.awards.models import Rating
        from thidua.common.bulk import insert_rows

        pick = _picker(self.rng, RATINGS)
        years = list(RATING_YEARS)

        def rows():
            for start in range(0, len(self.person_list), 10_000):
                chunk = self.person_list[start : start + 10_000]
                levels = iter(pick(len(chunk) * len(years)))
                for pk, *_ in chunk:
                    for y in years:
                        yield (pk, y, next(levels))

        with transaction.atomic():
            written = insert_rows(Rating._meta.db_table, ("person_id", "year", "rating"), rows())
        self.counts["ratings"] = written

    def records(self) -> None:
        from django.db import transaction

        from thidua.awards.models import AwardEntry, AwardType
        from thidua.common.bulk import insert_rows
        from thidua.common.text import name_key

        codes = dict(AwardType.objects.values_list("code", "pk"))
        solo = _picker(self.rng, [(codes[c], w) for c, w in INDIVIDUAL_AWARDS])
        group = _picker(self.rng, [(codes[c], w) for c, w in COLLECTIVE_AWARDS])
        total, rng, now = self.sizes["records"], self.rng, _now()
        keys: dict[str, str] = {}

        def key(text: str) -> str:
            return keys.get(text) or keys.setdefault(text, name_key(text))

        def rows():
            for start in range(0, total, 50_000):
                k = min(50_000, total - start)
                people = _indices(rng, len(self.person_list), k)
                awards, collective_awards = solo(k), group(k)
                for j in range(k):
                    year = rng.randint(FIRST_YEAR, LAST_YEAR)
                    number = f"{start + j + 1}/QĐ-UBND"
                    decided = _decision_day(rng, year)
                    if rng.random() < COLLECTIVE_SHARE:
                        unit, name = self.unit_list[people[j] % len(self.unit_list)]
                        yield (collective_awards[j], year, None, unit, name, key(name), None, name,
                               True, number, decided, "", "benchmark", now)  # fmt: skip
                        continue
                    pk, name, born, unit, unit_name = self.person_list[people[j]]
                    yield (awards[j], year, pk, unit, name, key(name), born, unit_name, False,
                           number, decided, "", "benchmark", now)  # fmt: skip

        from thidua.awards.counts import recount
        from thidua.awards.name_search import remember_words
        from thidua.awards.registry import ENTRY_COLUMNS

        with transaction.atomic():
            written = insert_rows(AwardEntry._meta.db_table, ENTRY_COLUMNS, rows())
            remember_words(keys.values())
            recount()  # the registry's kept statistics, as an import would have left them
        self.counts["records"] = written

    def xlsx(self, path: Path) -> None:
        write_import_file(path, self.sizes["xlsx"], self.person_list, random.Random(SEED + 1))
        self.counts["xlsx_rows"] = self.sizes["xlsx"]


def write_import_file(path: Path, n: int, people: list[tuple], rng: random.Random) -> None:
    """n rows in the registry import format: half known people, half new ones."""
    from openpyxl import Workbook

    from thidua.awards.models import AwardType

    names = dict(AwardType.objects.values_list("code", "name"))
    pick = _picker(rng, INDIVIDUAL_AWARDS)
    awards = pick(n)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(HEADERS)
    known = _indices(rng, len(people), n)
    for i in range(n):
        _pk, name, born, _unit, unit_name = people[known[i]]
        if i % 2:  # a new person: another given name and birth year in the same unit
            name = name.rsplit(" ", 1)[0] + " " + rng.choice(("Hoàng", "Khôi", "Thư", "Vy"))
            born = 1960 + (born + i) % 40
        year = rng.randint(2000, LAST_YEAR)
        award = names[awards[i]] if i % 3 else awards[i]  # a code now and then, as people write
        decided = _decision_day(rng, year)
        sheet.append(
            (name, born, unit_name, award, year, f"{i + 1}/QĐ-UBND", decided.strftime("%d/%m/%Y"))
        )
    book.save(path)


def _indices(rng: random.Random, size: int, k: int) -> list[int]:
    return [int(rng.random() * size) for _ in range(k)]


def _decision_day(rng: random.Random, year: int) -> dt.date:
    return dt.date(min(year + 1, LAST_YEAR + 1), rng.randint(1, 4), rng.randint(1, 28))


def _province_words(name: str) -> str:
    if name.lower().startswith(("tỉnh ", "thành phố ")):
        return name
    return f"thành phố {name}" if name in {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng",
                                           "Cần Thơ", "Huế"} else f"tỉnh {name}"  # fmt: skip


def _now():
    from django.db import connection
    from django.utils import timezone

    return connection.ops.adapt_datetimefield_value(timezone.now())


if __name__ == "__main__":
    sys.exit(main())
