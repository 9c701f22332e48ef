"""An illustrative registry for the demo: invented people, records and proposals, never real ones.

About 3,000 officials of the departments ("Sở …") of the twelve TNB provinces, with yearly
ratings 2015–2025, initiatives and the titles those records lead to (LĐTT, CSTĐCS, CSTĐ tỉnh,
a few Bằng khen and orders), a few namesakes (same name and birth year, different units: they
stay different people), a few likely duplicates for the merge review, proposals in every
workflow state and one resistance-war backlog programme. Deterministic (seeded), bulk-written,
marked "demo (minh họa)" and loaded once: a second run finds the marker and writes nothing.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, models
from django.utils import timezone

from thidua.accounts.audit import Change, record_many
from thidua.accounts.permissions import SYSTEM
from thidua.awards import audit_actions
from thidua.awards import counts as registry_counts
from thidua.awards.deadlines import due_for
from thidua.awards.eligibility import Nominee, evaluate_many
from thidua.awards.models import (
    AwardEntry,
    AwardType,
    BacklogCase,
    BacklogProgramme,
    CaseStatus,
    Initiative,
    Person,
    Proposal,
    ProposalStatus,
    Rating,
    WarPeriod,
)
from thidua.awards.name_search import rebuild_words
from thidua.common.text import name_key
from thidua.orgs.models import Unit, UnitKind
from thidua.orgs.reference import unit_on

DEMO_SOURCE = "demo (minh họa)"
SEED = 2019
YEARS = range(2015, 2026)
BATCH = 200
BACKLOG_CODE = "HCKC-TNB"
PEOPLE_TARGET = 3000
# Higher titles earned in this year are not in the registry yet: they are the demo proposals.
PENDING_YEAR = 2025
_DAY_2019 = date(2019, 7, 1)
TNB = ("80", "82", "83", "84", "86", "87", "89", "91", "93", "94", "95", "96")
DEPARTMENTS = (
    ("STC", "Sở Tài chính"),
    ("SNV", "Sở Nội vụ"),
    ("SYT", "Sở Y tế"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SXD", "Sở Xây dựng"),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư"),
    ("STP", "Sở Tư pháp"),
)
# Rough national frequencies (%), with the southern Huỳnh/Võ more common than Hoàng/Vũ.
SURNAMES = (
    ("Nguyễn", 31), ("Trần", 11), ("Lê", 10), ("Phạm", 7), ("Huỳnh", 5), ("Phan", 4.5),
    ("Võ", 4), ("Hoàng", 2), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 1.5), ("Hồ", 1.5), ("Vũ", 1.5),
    ("Ngô", 1.3), ("Trương", 1.2), ("Dương", 1), ("Lý", 0.8), ("Lâm", 0.8), ("Đinh", 0.7),
    ("Châu", 0.5), ("Mai", 0.5),
)  # fmt: skip
MIDDLE = {
    "M": (
        ("Văn", 35), ("Minh", 8), ("Thanh", 7), ("Hữu", 7), ("Quốc", 6), ("Đức", 5), ("Tấn", 5),
        ("Ngọc", 4), ("Công", 4), ("Thành", 4), ("Hoàng", 3), ("Trung", 2), ("Phước", 2),
    ),
    "F": (
        ("Thị", 45), ("Ngọc", 10), ("Thanh", 7), ("Kim", 6), ("Thu", 5), ("Mỹ", 4), ("Hồng", 4),
        ("Minh", 3), ("Bích", 3), ("Phương", 3), ("Thùy", 3),
    ),
}  # fmt: skip
GIVEN = {
    "M": (
        "Dũng Tuấn Hải Nam Long Minh Phúc Thành Trung Hiếu Khoa Bình Cường Đạt Hòa Huy Khánh "
        "Lâm Lộc Nghĩa Phong Quang Sơn Tài Tâm Thắng Thịnh Toàn Trí Việt Vinh Hùng Hưng Tùng "
        "Thái Tiến Hậu Nhân Tín Thiện"
    ).split(),
    "F": (
        "Anh Hà Hằng Hạnh Hoa Hương Lan Linh Mai Ngân Nga Nhung Oanh Phượng Quyên Tâm Thảo "
        "Thủy Trang Tuyết Uyên Vân Yến Diễm Loan Xuân Trinh Thư Nhi Hiền"
    ).split(),
}
POSITIONS = (
    ("Chuyên viên", 50), ("Chuyên viên chính", 20), ("Phó Trưởng phòng", 12),
    ("Trưởng phòng", 8), ("Kế toán", 4), ("Văn thư", 3), ("Phó Giám đốc Sở", 3),
)  # fmt: skip
TOPICS = (
    "số hóa hồ sơ lưu trữ", "rút ngắn thời gian giải quyết thủ tục hành chính",
    "quản lý văn bản điện tử", "kiểm soát chi thường xuyên", "theo dõi tiến độ dự án",
    "tiếp nhận hồ sơ trực tuyến", "tổng hợp số liệu thống kê", "đánh giá cán bộ hằng tháng",
    "kiểm tra, giám sát chuyên ngành", "tuyên truyền pháp luật ở cơ sở",
)  # fmt: skip
TITLE_FORMS = (
    "Giải pháp {t} tại {u}", "Cải tiến quy trình {t}", "Ứng dụng phần mềm {t}",
    "Sáng kiến {t} ở {u}",
)  # fmt: skip


def _weighted(rng: random.Random, pairs) -> str:
    names, weights = zip(*pairs, strict=True)
    return rng.choices(names, weights)[0]


@dataclass
class Dept:
    unit: Unit
    abbr: str
    province: Unit
    label: str  # as written on records: "Sở Tài chính tỉnh Long An"
    pending: set[str] = field(default_factory=set)


@dataclass
class Career:
    person: Person
    dept: Dept
    talent: float
    ratings: dict[int, str] = field(default_factory=dict)
    titles: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    initiatives: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    prior: list[tuple[str, int]] = field(default_factory=list)  # awards before 2015
    pending: set[str] = field(default_factory=set)  # 2025 higher titles: still proposals


def loaded() -> bool:
    return AwardEntry.objects.filter(source=DEMO_SOURCE).exists()


def load_registry_demo(today: date | None = None) -> None:
    if loaded():
        return
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    depts = _departments()
    careers = _people(rng, depts)
    _histories(rng, careers)
    awards = {a.code: a for a in AwardType.objects.all()}
    counts = _write_people_records(careers, awards)
    counts["collective_titles"] = _collectives(rng, depts, careers, awards)
    counts["review_duplicates"] = _likely_duplicates(rng, careers, awards)
    counts["proposals"] = _proposals(rng, careers, depts, awards, today)
    counts["backlog_cases"] = _backlog(rng, awards, today)
    counts["name_words"] = rebuild_words()
    registry_counts.recount()  # the entries above were bulk-written past the counting doors
    summary = Change(
        audit_actions.DEMO_LOADED, None, None, counts, "", object_type="awards.demo", object_id="1"
    )
    record_many(SYSTEM, [summary], via="demo")


# Units and people


def _departments() -> list[Dept]:
    provinces = [unit_on(code, _DAY_2019) for code in TNB]
    existing = {u.code: u for u in Unit.objects.filter(parent__in=provinces)}
    new, depts = [], []
    for province in provinces:
        for abbr, name in DEPARTMENTS:
            code = f"{province.code}.{abbr}"
            unit = existing.get(code) or Unit(
                code=code,
                name=name,
                name_key=name_key(name),
                kind=UnitKind.DEPARTMENT,
                parent=province,
                valid_to=province.valid_to,
                note=DEMO_SOURCE,
            )
            if unit.pk is None:
                new.append(unit)
            depts.append(Dept(unit, abbr, province, f"{name} tỉnh {province.name}"))
    Unit.objects.bulk_create(new, batch_size=BATCH)
    return depts


def _name(rng: random.Random, gender: str) -> str:
    while True:
        middle, given = _weighted(rng, MIDDLE[gender]), rng.choice(GIVEN[gender])
        if middle != given:
            return f"{_weighted(rng, SURNAMES)} {middle} {given}"


def _people(rng: random.Random, depts: list[Dept]) -> list[Career]:
    sizes = [rng.randint(20, 42) for _d in depts]
    scale = PEOPLE_TARGET / sum(sizes)
    careers = []
    for dept, size in zip(depts, sizes, strict=True):
        seen: set[tuple[str, int]] = set()
        for _i in range(round(size * scale)):
            gender = rng.choice("MF")
            full_name, born = _new_name(rng, gender, seen)
            person = Person(
                full_name=full_name,
                birth_year=born,
                gender=gender,
                unit=dept.unit,
                unit_name=dept.label,
                position=_weighted(rng, POSITIONS),
            )
            careers.append(Career(person, dept, rng.random()))
    _namesakes(rng, careers)
    for c in careers:
        c.person.name_key = name_key(c.person.full_name)
    return careers


def _new_name(rng: random.Random, gender: str, seen: set[tuple[str, int]]) -> tuple[str, int]:
    """Two colleagues of one department rarely share name and birth year: draw again."""
    while True:
        drawn = (_name(rng, gender), rng.randint(1965, 1998))
        if drawn not in seen:
            seen.add(drawn)
            return drawn


def _namesakes(rng: random.Random, careers: list[Career]) -> None:
    """A few people share a name and birth year with someone in another province."""
    for _i in range(6):
        a, b = rng.sample(careers, 2)
        if a.dept.province.pk != b.dept.province.pk:
            b.person.full_name, b.person.birth_year = a.person.full_name, a.person.birth_year
            b.person.gender = a.person.gender


# Records: ratings, initiatives and the titles they lead to (law.md §3.1)


def _histories(rng: random.Random, careers: list[Career]) -> None:
    for c in careers:
        if c.person.birth_year <= 1975 and c.talent > 0.7:
            _prior_awards(rng, c)
        start = max(YEARS.start, c.person.birth_year + 23 + rng.randint(0, 6))
        end = min(YEARS.stop - 1, c.person.birth_year + 60)
        for year in range(start, end + 1):
            _year(rng, c, year)


def _prior_awards(rng: random.Random, c: Career) -> None:
    if rng.random() < 0.35:
        c.prior.append(("BK_BT", rng.randint(2008, 2011)))
        if rng.random() < 0.35:
            c.prior.append(("BK_TTG", rng.randint(2012, 2014)))


def _rating(rng: random.Random, talent: float) -> str:
    score = rng.random() + 0.2 * talent
    if score > 0.93:
        return "HTXS"
    if score > 0.22:
        return "HTT"
    return "HT" if score > 0.015 else "KHT"


def _year(rng: random.Random, c: Career, year: int) -> None:
    rating = _rating(rng, c.talent)
    c.ratings[year] = rating
    if rating in ("HTXS", "HTT") and rng.random() < 0.93:
        c.titles[year].append("LDTT")
        # Those who were CSTĐCS last year often are again: that is how streaks happen.
        again = 0.55 if _held(c, "CSTDCS", year - 1) else 0.02 + 0.12 * c.talent
        if rng.random() < again:
            c.initiatives[year].append("co_so")
            c.titles[year].append("CSTDCS")
    if rng.random() < 0.06:
        c.initiatives[year].append("co_so")
    _higher_titles(rng, c, year)


def _held(c: Career, title: str, year: int) -> bool:
    return title in c.titles.get(year, ())


def _higher_titles(rng: random.Random, c: Career, year: int) -> None:
    streak = all(_held(c, "CSTDCS", y) for y in range(year - 2, year + 1))
    last_bt = max((y for y in c.titles if _held(c, "CSTDBT", y)), default=0)
    if streak and year - last_bt >= 3 and rng.random() < 0.5:
        c.initiatives[year].append("bo_tinh")
        _grant(c, year, "CSTDBT")
    two_best = c.ratings.get(year - 1) == "HTXS" and c.ratings[year] == "HTXS"
    ideas = len(c.initiatives.get(year, ())) + len(c.initiatives.get(year - 1, ()))
    if two_best and ideas >= 2 and rng.random() < 0.5 and not _recent(c, "BK_BT", year, 5):
        _grant(c, year, "BK_BT")
    _orders(rng, c, year)


def _grant(c: Career, year: int, code: str) -> None:
    if year == PENDING_YEAR:
        c.pending.add(code)
    else:
        c.titles[year].append(code)


def _recent(c: Career, code: str, year: int, span: int) -> bool:
    years = [y for y, ts in c.titles.items() if code in ts] + [y for k, y in c.prior if k == code]
    return any(year - span < y <= year for y in years)


def _window_ok(c: Career, since: int, year: int, cstdcs: int) -> bool:
    window = range(since + 1, year + 1)
    ratings = [c.ratings.get(y) for y in window]
    return (
        len(window) >= 5
        and all(r in ("HTXS", "HTT") for r in ratings)
        and "HTXS" in ratings
        and sum(_held(c, "CSTDCS", y) for y in window) >= cstdcs
    )


def _orders(rng: random.Random, c: Career, year: int) -> None:
    """BK TTg after a Bằng khen and five good years; HCLĐ III after a BK TTg (law.md §3.3)."""
    held = {k: y for k, y in c.prior} | {
        t: y for y, ts in sorted(c.titles.items()) for t in ts if t in ("BK_BT", "BK_TTG")
    }
    decided = {k: y + 1 for k, y in held.items()}  # decisions come early the next year
    if "BK_TTG" not in held and "BK_BT" in held and _window_ok(c, decided["BK_BT"], year, 2):
        if rng.random() < 0.5:
            _grant(c, year, "BK_TTG")
            return
    has_order = any("HCLD_III" in ts for ts in c.titles.values())
    if "BK_TTG" in held and not has_order and _window_ok(c, decided["BK_TTG"], year, 3):
        if rng.random() < 0.5:
            _grant(c, year, "HCLD_III")


# Writing


_SIGNERS = {
    "LDTT": "dept",
    "CSTDCS": "dept",
    "CSTDBT": "province",
    "BK_BT": "province",
    "TTLDTT": "province",
    "TTLDXS": "province",
    "BK_TTG": "pm",
    "HCLD_III": "president",
}


def _decision(code: str, dept: Dept, year: int) -> tuple[str, date, str]:
    """One decision per department (or province) and year for each title, as in practice."""
    who = _SIGNERS[code]
    serial = 10 + (sum(map(ord, dept.unit.code + code)) % 80)
    if who == "dept":
        return (
            f"{serial:02d}/QĐ-{dept.abbr}",
            date(year + 1, 1, 10 + serial % 15),
            f"Giám đốc {dept.unit.name}",
        )
    if who == "province":
        number = f"{100 + serial * 3 + int(dept.province.code)}/QĐ-UBND"
        return (
            number,
            date(year + 1, 2, 5 + serial % 20),
            f"Chủ tịch UBND tỉnh {dept.province.name}",
        )
    if who == "pm":
        return f"{150 + serial}/QĐ-TTg", date(year + 1, 4, 2 + serial % 25), "Thủ tướng Chính phủ"
    return f"{300 + serial}/QĐ-CTN", date(year + 1, 8, 2 + serial % 25), "Chủ tịch nước"


def _entry(award: AwardType, year: int, c: Career, code: str) -> AwardEntry:
    return AwardEntry(**_entry_values(award, year, c, code))


def _entry_values(award: AwardType, year: int, c: Career, code: str) -> dict:
    number, decided, signer = _decision(code, c.dept, year)
    p = c.person
    return {
        "award_type_id": award.pk,
        "year": year,
        "person_id": p.pk,
        "unit_id": c.dept.unit.pk,
        "recipient_name": p.full_name,
        "name_key": p.name_key,
        "birth_year": p.birth_year,
        "unit_name": p.unit_name,
        "is_collective": False,
        "decision_number": number,
        "decision_date": decided,
        "signer": signer,
        "source": DEMO_SOURCE,
    }


def _initiative(year: int, c: Career, scope: str, n: int) -> dict:
    topic = TOPICS[(c.person.birth_year + year + n) % len(TOPICS)]
    form = TITLE_FORMS[(len(c.person.full_name) + n) % len(TITLE_FORMS)]
    by = f"Giám đốc {c.dept.unit.name}" if scope == "co_so" else f"UBND tỉnh {c.dept.province.name}"
    return {
        "person_id": c.person.pk,
        "year": year,
        "title": form.format(t=topic, u=c.dept.unit.name),
        "scope": scope,
        "recognised_by": by,
        "decision": f"{20 + n}/QĐ-{c.dept.abbr if scope == 'co_so' else 'UBND'}",
    }


def _insert(model, rows: list[dict]) -> None:
    """Multi-row INSERTs of plain values, BATCH rows a statement, for the big tables (~60,000
    rows): building model instances and preparing every value costs several times what the
    database itself does, and the demo must load in seconds."""
    if not rows:
        return
    names = list(rows[0])
    adapt = [_adapter(model._meta.get_field(n)) for n in names]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)
    one = "(" + ", ".join(["%s"] * len(names)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            params = [f(r[n]) for r in chunk for n, f in zip(names, adapt, strict=True)]
            values = ", ".join([one] * len(chunk))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}", params)


def _adapter(field):
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return lambda value: value


def _write_people_records(careers: list[Career], awards: dict[str, AwardType]) -> dict:
    Person.objects.bulk_create([c.person for c in careers], batch_size=BATCH)
    now = timezone.now()
    ratings, ideas, entries = [], [], []
    for c in careers:
        ratings += [
            {"person_id": c.person.pk, "year": y, "rating": r} for y, r in c.ratings.items()
        ]
        for year, scopes in c.initiatives.items():
            ideas += [_initiative(year, c, s, n) for n, s in enumerate(scopes)]
        held = [(code, year) for year, codes in c.titles.items() for code in codes] + c.prior
        entries += [_entry_values(awards[code], year, c, code) for code, year in held]
    _insert(Rating, ratings)
    _insert(Initiative, ideas)
    _insert(AwardEntry, [e | {"created_at": now} for e in entries])
    return {
        "people": len(careers),
        "ratings": len(ratings),
        "initiatives": len(ideas),
        "titles": len(entries),
    }


def _collectives(rng, depts: list[Dept], careers: list[Career], awards) -> int:
    """A department's yearly rating and title, from its members' records (law.md §3.2)."""
    members: dict[int, list[Career]] = defaultdict(list)
    for c in careers:
        members[c.dept.unit.pk].append(c)
    ratings, entries = [], []
    for dept in depts:
        for year in YEARS:
            rating = _weighted(rng, (("HTXS", 30), ("HTT", 60), ("HT", 10)))
            ratings.append(Rating(unit=dept.unit, year=year, rating=rating))
            code = _collective_title(rating, members[dept.unit.pk], year)
            if code == "TTLDXS" and year == PENDING_YEAR:
                dept.pending.add(code)
            elif code:
                entries.append(_collective_entry(awards[code], dept, year, code))
    Rating.objects.bulk_create(ratings, batch_size=BATCH)
    AwardEntry.objects.bulk_create(entries, batch_size=BATCH)
    return len(entries)


def _collective_title(rating: str, members: list[Career], year: int) -> str | None:
    active = [c for c in members if year in c.ratings]
    if not active:
        return None
    ldtt = sum(_held(c, "LDTT", year) for c in active) / len(active)
    all_done = all(c.ratings[year] != "KHT" for c in active)
    if (
        rating == "HTXS"
        and all_done
        and ldtt >= 0.7
        and any(_held(c, "CSTDCS", year) for c in active)
    ):
        return "TTLDXS"
    return "TTLDTT" if rating in ("HTXS", "HTT") and ldtt > 0.5 else None


def _collective_entry(award: AwardType, dept: Dept, year: int, code: str) -> AwardEntry:
    number, decided, signer = _decision(code, dept, year)
    return AwardEntry(
        award_type=award,
        year=year,
        unit=dept.unit,
        recipient_name=dept.label,
        name_key=name_key(dept.label),
        unit_name=dept.label,
        is_collective=True,
        decision_number=number,
        decision_date=decided,
        signer=signer,
        source=DEMO_SOURCE,
    )


def _likely_duplicates(rng, careers: list[Career], awards) -> int:
    """The same official entered again from an old paper list, without a unit link."""
    chosen = rng.sample([c for c in careers if c.person.birth_year <= 1980], 4)
    copies = [
        Person(
            full_name=c.person.full_name,
            name_key=c.person.name_key,
            birth_year=c.person.birth_year,
            gender=c.person.gender,
            unit_name=f"{c.dept.unit.name} {c.dept.province.name}",
        )
        for c in chosen
    ]
    Person.objects.bulk_create(copies, batch_size=BATCH)
    old = [
        AwardEntry(
            award_type=awards["LDTT"],
            year=2014,
            person=copy,
            recipient_name=copy.full_name,
            name_key=copy.name_key,
            birth_year=copy.birth_year,
            unit_name=copy.unit_name,
            decision_number=f"{15 + n:02d}/QĐ-{c.dept.abbr}",
            decision_date=date(2015, 1, 12),
            source=DEMO_SOURCE,
        )
        for n, (c, copy) in enumerate(zip(chosen, copies, strict=True))
    ]
    AwardEntry.objects.bulk_create(old, batch_size=BATCH)
    return len(copies)


# Proposals in every state

S = ProposalStatus
_PLAN = {
    S.DRAFT: (("CSTDBT", 0, 3, True), ("BK_BT", 1, 1, True), ("TTLDXS", 2, 2, True)),
    S.SUBMITTED: (("CSTDBT", 0, 3, True), ("BK_BT", 1, 14, False), ("CSTDBT", 2, 26, True)),
    S.RETURNED: (("BK_BT", 0, 6, True), ("CSTDBT", 1, 32, False), ("TTLDXS", 2, 21, True)),
    S.CHECKED: (("CSTDBT", 0, 5, True), ("BK_BT", 1, 24, True), ("TTLDXS", 2, 9, True)),
    S.VOTED: (("CSTDBT", 0, 7, True), ("CSTDBT", 1, 40, True), ("BK_BT", 2, 12, True)),
    S.FORWARDED: (("BK_TTG", 0, 10, True), ("HCLD_III", 1, 45, True), ("BK_TTG", 2, 18, True)),
    S.DECIDED: (("CSTDBT", 0, 60, True), ("BK_BT", 1, 75, True), ("TTLDXS", 2, 50, True)),
    S.REJECTED: (("CSTDBT", 0, 55, False), ("BK_BT", 1, 35, False), ("BK_TTG", 2, 28, False)),
}  # status: (award, proposing province index, days since the status began, eligible wanted)
_PROPOSERS = ("80", "91", "96")  # Long An, Kiên Giang, Cà Mau: the demo officers' provinces
_RETURN_NOTE = "Thiếu báo cáo thành tích có xác nhận của thủ trưởng đơn vị (minh họa)."
_REJECT_NOTE = "Hội đồng không đề nghị: chưa tiêu biểu xuất sắc trong cụm (minh họa)."


def _nominees(careers: list[Career], depts: list[Dept]) -> dict[tuple[str, str], list]:
    """Pools per (province, award) of people or departments without that award for 2025."""
    pools: dict[tuple[str, str], list] = defaultdict(list)
    for c in careers:
        code = c.dept.province.code
        if code not in _PROPOSERS or 2025 not in c.ratings:
            continue
        pools[(code, "any")].append(c)
        for award in sorted(c.pending):
            pools[(code, award)].append(c)
        if _held(c, "CSTDCS", 2025):
            pools[(code, "CSTDBT")].append(c)
        if c.ratings[2025] == "HTXS":
            pools[(code, "BK_BT")].append(c)
        if _recent(c, "BK_BT", 2025, 15):
            pools[(code, "BK_TTG")].append(c)
    for d in sorted(depts, key=lambda d: "TTLDXS" not in d.pending):
        if d.province.code in _PROPOSERS:
            pools[(d.province.code, "TTLDXS")].append(d)
    return pools


def _eligible(pools: dict[tuple[str, str], list]) -> set[tuple[int, str]]:
    """(id of the nominee object, award) pairs the engine finds eligible, in one batch."""
    asked = [(n, code) for (_p, code), ns in pools.items() if code != "any" for n in ns]
    verdicts = evaluate_many([_nominee(n, code) for n, code in asked])
    # Eligible as far as the records go: nothing they contradict (the rest is to verify).
    pairs = zip(asked, verdicts, strict=True)
    return {(id(n), code) for (n, code), v in pairs if v.outcome != "ineligible"}


def _nominee(n, code: str) -> Nominee:
    if isinstance(n, Career):
        return Nominee(code, 2025, person_id=n.person.pk)
    return Nominee(code, 2025, unit_id=n.unit.pk)


def _proposals(rng, careers, depts, awards, today: date) -> int:
    pools = _nominees(careers, depts)
    eligible = _eligible(pools)
    used: set[int] = set()
    planned = []
    for status, rows in _PLAN.items():
        for code, where, days, wanted in rows:
            province, nominee = _choose(pools, code, where, eligible, wanted, used)
            planned.append((status, awards[code], nominee, province, today - timedelta(days)))
    provinces = {p: unit_on(p, _DAY_2019) for p in _PROPOSERS}
    proposals = [_proposal(s, a, n, provinces[p], since) for s, a, n, p, since in planned]
    _judge(proposals)
    for p in proposals:
        p.due_on = due_for(p, p.status_since)
    _decide(proposals, [n for _s, _a, n, _p, _d in planned])
    Proposal.objects.bulk_create(proposals, batch_size=BATCH)
    return len(proposals)


def _choose(pools, code: str, where: int, eligible: set, wanted: bool, used: set[int]):
    """The first province (from `where` on) with a nominee of the wanted verdict, else any."""
    order = _PROPOSERS[where:] + _PROPOSERS[:where]
    for fitting in (True, False):
        for province in order:
            pool = pools[(province, code)] + ([] if code == "TTLDXS" else pools[(province, "any")])
            free = [n for n in pool if id(n) not in used]
            fits = [n for n in free if ((id(n), code) in eligible) == wanted] if fitting else free
            if fits:
                used.add(id(fits[0]))
                return province, fits[0]
    raise LookupError(code)


def _proposal(status, award, nominee, province: Unit, since: date) -> Proposal:
    person = nominee.person if isinstance(nominee, Career) else None
    unit = nominee.unit if isinstance(nominee, Dept) else None
    what = "cá nhân" if person else "tập thể"
    return Proposal(
        award_type=award,
        year=2025,
        person=person,
        nominee_unit=unit,
        proposing_unit=province,
        status=status,
        status_since=since,
        achievements=f"Thành tích của {what} năm 2025 (minh họa, không phải người thật).",
        note=_RETURN_NOTE if status == S.RETURNED else _REJECT_NOTE if status == S.REJECTED else "",
        forwarded_to=_forwarded_to(award.code) if status == S.FORWARDED else "",
        council_result=_illustrative_vote()
        if status in (S.VOTED, S.FORWARDED, S.DECIDED)
        else None,
    )


def _forwarded_to(code: str) -> str:
    return "Chủ tịch nước" if code.startswith("HC") else "Thủ tướng Chính phủ"


def _illustrative_vote() -> dict:
    return {
        "illustrative": True,
        "votes": 11,
        "basis": 12,
        "basis_kind": "electorate",
        "electorate": 12,
        "present": 12,
        "pct": "91.67",
        "threshold_pct": "90.00",
        "threshold_from": "rule",
        "quorum_met": True,
        "passed": True,
    }


def _judge(proposals: list[Proposal]) -> None:
    """The verdict the engine gives at submission, kept as it would have been."""
    sent = [p for p in proposals if p.status != S.DRAFT]
    verdicts = evaluate_many(
        [
            Nominee(p.award_type.code, p.year, person_id=p.person_id, unit_id=p.nominee_unit_id)
            for p in sent
        ]
    )
    for p, v in zip(sent, verdicts, strict=True):
        p.eligibility = v.as_dict()
        if v.outcome == "ineligible":
            p.justification = (
                "Đơn vị đề nghị giải trình: thành tích đột xuất trong năm chưa có trong dữ liệu "
                "(minh họa)."
            )


def _decide(proposals: list[Proposal], nominees: list) -> None:
    entries = []
    for p, nominee in zip(proposals, nominees, strict=True):
        if p.status != S.DECIDED:
            continue
        dept = nominee.dept if isinstance(nominee, Career) else nominee
        p.decision_number = f"{2100 + len(entries)}/QĐ-UBND"
        p.decision_date = p.status_since
        p.decision_signer = f"Chủ tịch UBND tỉnh {dept.province.name}"
        entry = (
            _entry(p.award_type, p.year, nominee, p.award_type.code)
            if isinstance(nominee, Career)
            else _collective_entry(p.award_type, nominee, p.year, "TTLDXS")
        )
        entry.decision_number, entry.decision_date = p.decision_number, p.decision_date
        entry.signer = p.decision_signer
        entries.append((p, entry))
    AwardEntry.objects.bulk_create([e for _p, e in entries], batch_size=BATCH)
    for p, entry in entries:
        p.registry_entry = entry


# The resistance-war backlog (law.md §6)

_SERVICE_UNITS = (
    "Tiểu đoàn 307, Quân khu 9", "Trung đoàn 1, Sư đoàn 330", "Đoàn 962", "Du kích xã",
    "Thanh niên xung phong Khu 9", "Giao liên Tỉnh đội", "Đội công tác huyện",
    "Bệnh xá Quân y tỉnh",
)  # fmt: skip
_KIN = ("con trai", "con gái", "vợ", "chồng", "cháu nội")
_STATUS_MIX = (
    (CaseStatus.RECEIVED, 12),
    (CaseStatus.IN_REVIEW, 10),
    (CaseStatus.AWARDED, 12),
    (CaseStatus.REJECTED, 6),
)


def _backlog(rng, awards, today: date) -> int:
    award = awards["HC_KC"]
    programme, _created = BacklogProgramme.objects.get_or_create(
        code=BACKLOG_CODE,
        defaults={
            "name": "Khen thưởng tồn đọng Huân chương Kháng chiến – các tỉnh Tây Nam Bộ (minh họa)",
            "award_type": award,
            "legal_basis": "Điều 96 Luật Thi đua, khen thưởng 06/2022/QH15",
            "target_date": date(today.year + 1, 6, 30),
            "note": DEMO_SOURCE,
        },
    )
    provinces = [unit_on(code, _DAY_2019) for code in TNB]
    statuses = [s for s, n in _STATUS_MIX for _i in range(n)]
    cases = [_case(rng, programme, rng.choice(provinces), s, today) for s in statuses]
    _already_awarded_example(cases[-1], award)
    BacklogCase.objects.bulk_create(cases, batch_size=BATCH)
    return len(cases)


def _case(rng, programme, unit: Unit, status: str, today: date) -> BacklogCase:
    born = rng.randint(1922, 1957)
    french = born <= 1932
    gender = "M" if rng.random() < 0.8 else "F"
    start = date(
        rng.randint(1946, 1950) if french else rng.randint(1960, 1971), rng.randint(1, 12), 1
    )
    end = date(min(start.year + rng.randint(2, 8), 1954 if french else 1975), 4, 30)
    posthumous = born < 1945 and rng.random() < 0.6
    received = today - timedelta(days=rng.randint(60, 420))
    closed = status in (CaseStatus.AWARDED, CaseStatus.REJECTED)
    full_name = _name(rng, gender)
    return BacklogCase(
        programme=programme,
        full_name=full_name,
        name_key=name_key(full_name),
        birth_year=born,
        unit=unit,
        service_unit=rng.choice(_SERVICE_UNITS),
        war_period=WarPeriod.FRENCH if french else WarPeriod.AMERICAN,
        service_start=start,
        service_end=end,
        posthumous=posthumous,
        next_of_kin_name=_name(rng, rng.choice("MF")) if posthumous else "",
        next_of_kin_relation=rng.choice(_KIN) if posthumous else "",
        status=status,
        received_on=received,
        decided_on=received + timedelta(days=rng.randint(30, (today - received).days))
        if closed
        else None,
        note=DEMO_SOURCE,
    )


def _already_awarded_example(case: BacklogCase, award: AwardType) -> None:
    """One case the registry already holds: the check warns and the reviewer rejected it."""
    case.status, case.note = CaseStatus.REJECTED, "Đã được khen thưởng năm 1988 (trùng) – minh họa."
    AwardEntry.objects.create(
        award_type=award,
        year=1988,
        recipient_name=case.full_name,
        name_key=case.name_key,
        birth_year=case.birth_year,
        unit_name=case.service_unit,
        decision_number="512/KT-HĐNN",
        decision_date=date(1988, 9, 2),
        signer="Hội đồng Nhà nước",
        source=DEMO_SOURCE,
    )
