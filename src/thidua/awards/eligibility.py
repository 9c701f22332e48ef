"""Eligibility: does a nominee meet an award's criteria for a year, and on which records?

Conditions are data (AwardRule.conditions), one evaluator per kind:
  rating {min}                       the rating of year Y is at least `min`
  rating_streak {min, years}         ratings of the last `years` years all at least `min`
  title {title}                      holds `title` for year Y
  title_streak {title, years}        holds `title` in each of the last `years` years
  consecutive_conferrals {title, count, max_gap}
                                     the last `count` conferrals follow each other (gap ≤ max_gap)
  initiative {scope, years=1, count=1, since_conferral}
                                     initiatives recognised at `scope` or wider in the window
  prior_award {award}                an earlier award; its decision year opens the window
  window_years {min}                 years since that decision (Y − decision year) ≥ min
  window_ratings {min}               every year of the window rated at least `min`
  window_rating_count {rating, count}
  window_title_count {title, count}
  unit_rating {min}                  a collective's rating for Y
  member_rating_share {min, pct}     share of members rated at least `min`
  member_title_share {title, pct, strict}
  member_title_count {title, count}
  cluster_leader {organiser}         elected leader (ballot) or first in the published scoring
  attestation {text}                 not checkable from records: listed as evidence to attach
  any {conditions}                   one of the listed conditions
Records are fetched for all nominees at once (a handful of queries for a batch).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from thidua.awards.catalogue import rule_for
from thidua.awards.leaders import leading_units
from thidua.awards.models import (
    RATING_ORDER,
    SCOPE_ORDER,
    AwardEntry,
    AwardType,
    Initiative,
    Person,
    Rating,
    RatingLevel,
)
from thidua.orgs.models import Lineage

RATING_NAMES = dict(RatingLevel.choices)
_SUBJECT_NAMES = {"individual": "cá nhân", "collective": "tập thể"}


def _rating_name(code: str | None) -> str:
    return RATING_NAMES.get(code, "chưa có xếp loại")


def _from(code: str) -> str:
    return f"từ {RATING_NAMES[code]} trở lên"


@dataclass(frozen=True)
class Nominee:
    award: str
    year: int
    person_id: int | None = None
    unit_id: int | None = None

    @property
    def key(self) -> tuple[str, int]:
        return ("p", self.person_id) if self.person_id else ("u", self.unit_id)


@dataclass
class Check:
    rule: str
    passed: bool
    detail: str
    records: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "passed": self.passed,
            "detail": self.detail,
            "records": self.records,
        }


@dataclass
class Verdict:
    nominee: Nominee
    eligible: bool
    conditions: list[Check]
    missing: list[str]
    rule: dict | None = None

    def as_dict(self) -> dict:
        return {
            "award": self.nominee.award,
            "year": self.nominee.year,
            "person_id": self.nominee.person_id,
            "unit_id": self.nominee.unit_id,
            "eligible": self.eligible,
            "conditions": [c.as_dict() for c in self.conditions],
            "missing": self.missing,
            "rule": self.rule,
        }


def evaluate(nominee: Nominee) -> Verdict:
    return evaluate_many([nominee])[0]


def evaluate_many(nominees: list[Nominee]) -> list[Verdict]:
    awards = {a.code: a for a in AwardType.objects.prefetch_related("rules")}
    records = Records(nominees)
    return [_verdict(n, awards.get(n.award), records) for n in nominees]


def _verdict(nominee: Nominee, award: AwardType | None, records: Records) -> Verdict:
    if award is None:
        return Verdict(
            nominee,
            False,
            [Check("award", False, f"Không có hình thức khen thưởng mã “{nominee.award}”.")],
            [],
        )
    subject = "individual" if nominee.person_id else "collective"
    if subject not in award.subjects:
        return Verdict(
            nominee,
            False,
            [
                Check(
                    "subject",
                    False,
                    f"{award.name} không xét cho {_SUBJECT_NAMES[subject]}.",
                )
            ],
            [],
        )
    rule = rule_for(award, nominee.year)
    if rule is None:
        return Verdict(
            nominee,
            False,
            [
                Check(
                    "rule",
                    False,
                    f"Chưa có tiêu chuẩn {award.name} áp dụng cho năm {nominee.year}.",
                )
            ],
            [],
        )
    ctx = _Context(nominee, records)
    checks, missing = [], []
    for condition in rule.conditions:
        check = _evaluate(condition, ctx)
        if condition["rule"] == "attestation":
            missing.append(condition["text"])
        checks.append(check)
    eligible = all(c.passed for c in checks)
    info = {
        "version": rule.version,
        "valid_from": rule.valid_from.isoformat(),
        "verification": rule.verification,
        "legal_basis": rule.legal_basis,
    }
    return Verdict(nominee, eligible, checks, missing, info)


class Records:
    """Ratings, registry entries and initiatives of every nominee (and members of collectives)."""

    def __init__(self, nominees: list[Nominee]):
        people = {n.person_id for n in nominees if n.person_id}
        units = {n.unit_id for n in nominees if n.unit_id}
        self._leaders: dict[tuple, list] = {}
        self.lineage = self._lineage(units)
        all_units = units | {p for ps in self.lineage.values() for p in ps}
        self.ratings: dict[tuple, dict[int, str]] = defaultdict(dict)
        for person_id, unit_id, year, rating in (
            Rating.objects.filter(person_id__in=people)
            .values_list("person_id", "unit_id", "year", "rating")
            .union(
                Rating.objects.filter(unit_id__in=all_units).values_list(
                    "person_id", "unit_id", "year", "rating"
                ),
                all=True,
            )
        ):
            self.ratings[("p", person_id) if person_id else ("u", unit_id)][year] = rating
        self.titles: dict[tuple, list[tuple]] = defaultdict(list)
        entries = AwardEntry.objects.filter(person_id__in=people) | AwardEntry.objects.filter(
            unit_id__in=all_units, is_collective=True
        )
        for e in entries.values_list(
            "person_id", "unit_id", "award_type__code", "year", "decision_date", "decision_number"
        ):
            person_id, unit_id, code, year, decided, number = e
            key = ("p", person_id) if person_id else ("u", unit_id)
            self.titles[key].append((code, year, decided.year if decided else year, number or "—"))
        self.initiatives: dict[int, list[tuple]] = defaultdict(list)
        for person_id, year, scope, title in Initiative.objects.filter(
            person_id__in=people
        ).values_list("person_id", "year", "scope", "title"):
            self.initiatives[person_id].append((year, scope, title))
        self.members = dict(
            Person.objects.filter(unit_id__in=units, merged_into=None)
            .values("unit_id")
            .annotate(n=Count("id"))
            .values_list("unit_id", "n")
        )
        self.member_ratings: dict[tuple, int] = {}
        for unit_id, year, rating, n in (
            Rating.objects.filter(person__unit_id__in=units, person__merged_into=None)
            .values("person__unit_id", "year", "rating")
            .annotate(n=Count("id"))
            .values_list("person__unit_id", "year", "rating", "n")
        ):
            self.member_ratings[(unit_id, year, rating)] = n
        self.member_titles: dict[tuple, int] = {}
        for unit_id, year, code, n in (
            AwardEntry.objects.filter(person__unit_id__in=units, person__merged_into=None)
            .values("person__unit_id", "year", "award_type__code")
            .annotate(n=Count("person_id", distinct=True))
            .values_list("person__unit_id", "year", "award_type__code", "n")
        ):
            self.member_titles[(unit_id, year, code)] = n

    def leaders(self, year: int, organiser: str) -> list[tuple[int, str]]:
        key = (year, organiser)
        if key not in self._leaders:
            self._leaders[key] = leading_units(year, organiser)
        return self._leaders[key]

    @staticmethod
    def _lineage(units: set[int]) -> dict[int, set[int]]:
        """Predecessors of each collective (and theirs), so history survives mergers."""
        found: dict[int, set[int]] = {u: set() for u in units}
        frontier = {u: {u} for u in units}
        for _depth in range(5):
            links = list(
                Lineage.objects.filter(successor_id__in={x for xs in frontier.values() for x in xs})
                .exclude(predecessor_id__in=units)
                .values_list("successor_id", "predecessor_id")
            )
            if not links:
                break
            nxt = {u: set() for u in units}
            for u, xs in frontier.items():
                for succ, pred in links:
                    if succ in xs and pred not in found[u] and pred != u:
                        found[u].add(pred)
                        nxt[u].add(pred)
            frontier = nxt
        return found


class _Context:
    def __init__(self, nominee: Nominee, records: Records):
        self.nominee, self.records, self.year = nominee, records, nominee.year
        self.key = nominee.key
        self.window_start: int | None = None  # the decision year of the prior award
        self.since_conferral: dict[str, int] = {}

    def ratings(self) -> dict[int, str]:
        return self.records.ratings.get(self.key, {})

    def titles(self) -> list[tuple]:
        if self.nominee.unit_id:
            units = {self.nominee.unit_id} | self.records.lineage.get(self.nominee.unit_id, set())
            return [t for u in units for t in self.records.titles.get(("u", u), [])]
        return self.records.titles.get(self.key, [])

    def years_with(self, title: str) -> dict[int, str]:
        return {year: number for code, year, _d, number in self.titles() if code == title}


def _evaluate(condition: dict, ctx: _Context) -> Check:
    handler = HANDLERS.get(condition["rule"])
    if handler is None:
        return Check(condition["rule"], False, f"Điều kiện “{condition['rule']}” chưa được hỗ trợ.")
    return handler(condition, ctx)


def _at_least(rating: str | None, minimum: str) -> bool:
    return rating is not None and RATING_ORDER[rating] >= RATING_ORDER[minimum]


def _rating(c: dict, ctx: _Context) -> Check:
    got = ctx.ratings().get(ctx.year)
    ok = _at_least(got, c["min"])
    detail = f"Xếp loại năm {ctx.year}: {_rating_name(got)} (cần {_from(c['min'])})."
    return Check("rating", ok, detail, [f"{ctx.year}: {got}"] if got else [])


def _rating_streak(c: dict, ctx: _Context) -> Check:
    years = range(ctx.year - c["years"] + 1, ctx.year + 1)
    got = {y: ctx.ratings().get(y) for y in years}
    bad = [y for y, r in got.items() if not _at_least(r, c["min"])]
    detail = (
        f"{c['years']} năm liên tục ({years[0]}–{ctx.year}) từ {RATING_NAMES[c['min']]} trở lên"
    )
    detail += ": đạt." if not bad else f": không đạt năm {', '.join(map(str, bad))}."
    return Check("rating_streak", not bad, detail, [f"{y}: {r or '—'}" for y, r in got.items()])


def _title(c: dict, ctx: _Context) -> Check:
    held = ctx.years_with(c["title"])
    ok = ctx.year in held
    detail = f"Danh hiệu {c['title']} năm {ctx.year}: {'có' if ok else 'chưa có'}."
    return Check(
        "title", ok, detail, [f"{c['title']} {ctx.year} (QĐ {held[ctx.year]})"] if ok else []
    )


def _title_streak(c: dict, ctx: _Context) -> Check:
    held = ctx.years_with(c["title"])
    years = list(range(ctx.year - c["years"] + 1, ctx.year + 1))
    gaps = [y for y in years if y not in held]
    detail = f"{c['years']} lần liên tục {c['title']} ({years[0]}–{ctx.year})"
    detail += ": đạt." if not gaps else f": thiếu năm {', '.join(map(str, gaps))}."
    return Check(
        "title_streak",
        not gaps,
        detail,
        [f"{c['title']} {y} (QĐ {held[y]})" for y in years if y in held],
    )


def _consecutive_conferrals(c: dict, ctx: _Context) -> Check:
    years = sorted(y for y in ctx.years_with(c["title"]) if y <= ctx.year)[-c["count"] :]
    ok = len(years) == c["count"] and all(
        b - a <= c["max_gap"] for a, b in zip(years, years[1:], strict=False)
    )
    if years:
        ctx.since_conferral[c["title"]] = years[0]
    detail = f"{c['count']} lần liên tục {c['title']} (cách nhau không quá {c['max_gap']} năm): "
    detail += (
        "đạt (" + ", ".join(map(str, years)) + ")."
        if ok
        else f"có {len(years)} lần ({', '.join(map(str, years)) or 'không có'})."
    )
    return Check("consecutive_conferrals", ok, detail, [f"{c['title']} {y}" for y in years])


def _initiative(c: dict, ctx: _Context) -> Check:
    if ctx.nominee.person_id is None:
        return Check("initiative", False, "Sáng kiến chỉ xét cho cá nhân.")
    start = ctx.since_conferral.get(c.get("since_conferral"), ctx.year - c.get("years", 1) + 1)
    found = [
        (y, s, t)
        for y, s, t in ctx.records.initiatives.get(ctx.nominee.person_id, [])
        if start <= y <= ctx.year and SCOPE_ORDER[s] >= SCOPE_ORDER[c["scope"]]
    ]
    need = c.get("count", 1)
    scope = {"co_so": "cơ sở", "bo_tinh": "Bộ/tỉnh", "toan_quoc": "toàn quốc"}[c["scope"]]
    detail = (
        f"Sáng kiến được công nhận phạm vi {scope} trở lên trong {start}–{ctx.year}: "
        f"{len(found)} (cần {need})."
    )
    return Check("initiative", len(found) >= need, detail, [f"{t} ({y})" for y, _s, t in found])


def _prior_award(c: dict, ctx: _Context) -> Check:
    earlier = [(d, y, n) for code, y, d, n in ctx.titles() if code == c["award"] and d < ctx.year]
    if not earlier:
        return Check("prior_award", False, f"Chưa có {c['award']} trước năm {ctx.year}.")
    decided, year, number = max(earlier)
    ctx.window_start = decided
    return Check(
        "prior_award",
        True,
        f"Đã được tặng {c['award']} (QĐ {number}, năm quyết định {decided}); "
        "tính từ năm sau quyết định.",
        [f"{c['award']} {year} (QĐ {number})"],
    )


def _window(ctx: _Context) -> range | None:
    return range(ctx.window_start + 1, ctx.year + 1) if ctx.window_start is not None else None


def _no_window(rule: str) -> Check:
    return Check(
        rule, False, "Không xác định được khoảng thời gian xét (chưa có khen thưởng trước đó)."
    )


def _window_years(c: dict, ctx: _Context) -> Check:
    years = _window(ctx)
    if years is None:
        return _no_window("window_years")
    ok = len(years) >= c["min"]
    return Check(
        "window_years",
        ok,
        f"Từ năm {years[0]} đến {ctx.year}: {len(years)} năm (cần {c['min']} năm trở lên).",
    )


def _window_ratings(c: dict, ctx: _Context) -> Check:
    years = _window(ctx)
    if years is None:
        return _no_window("window_ratings")
    got = {y: ctx.ratings().get(y) for y in years}
    bad = [y for y, r in got.items() if not _at_least(r, c["min"])]
    detail = f"Các năm {years[0]}–{ctx.year} liên tục từ {RATING_NAMES[c['min']]} trở lên"
    detail += ": đạt." if not bad else f": không đạt năm {', '.join(map(str, bad))}."
    return Check("window_ratings", not bad, detail, [f"{y}: {r or '—'}" for y, r in got.items()])


def _window_rating_count(c: dict, ctx: _Context) -> Check:
    years = _window(ctx)
    if years is None:
        return _no_window("window_rating_count")
    hits = [y for y in years if ctx.ratings().get(y) == c["rating"]]
    ok = len(hits) >= c["count"]
    return Check(
        "window_rating_count",
        ok,
        f"Số năm {_rating_name(c['rating'])} trong {years[0]}–{ctx.year}: "
        f"{len(hits)} (cần {c['count']}).",
        [str(y) for y in hits],
    )


def _window_title_count(c: dict, ctx: _Context) -> Check:
    years = _window(ctx)
    if years is None:
        return _no_window("window_title_count")
    held = ctx.years_with(c["title"])
    hits = [y for y in years if y in held]
    ok = len(hits) >= c["count"]
    return Check(
        "window_title_count",
        ok,
        f"Số lần {c['title']} trong {years[0]}–{ctx.year}: {len(hits)} (cần {c['count']}).",
        [f"{c['title']} {y} (QĐ {held[y]})" for y in hits],
    )


def _unit_rating(c: dict, ctx: _Context) -> Check:
    got = ctx.ratings().get(ctx.year)
    ok = _at_least(got, c["min"])
    return Check(
        "unit_rating",
        ok,
        f"Xếp loại tập thể năm {ctx.year}: {_rating_name(got)} (cần {_from(c['min'])}).",
    )


def _members(ctx: _Context) -> int:
    return ctx.records.members.get(ctx.nominee.unit_id, 0)


def _member_rating_share(c: dict, ctx: _Context) -> Check:
    total = _members(ctx)
    good = sum(
        n
        for (u, y, r), n in ctx.records.member_ratings.items()
        if u == ctx.nominee.unit_id and y == ctx.year and _at_least(r, c["min"])
    )
    share = good * 100 / total if total else 0
    ok = total > 0 and share >= c["pct"]
    return Check(
        "member_rating_share",
        ok,
        f"{good}/{total} thành viên xếp loại {_from(c['min'])} ({share:.0f}%, cần {c['pct']}%).",
    )


def _member_title_share(c: dict, ctx: _Context) -> Check:
    total = _members(ctx)
    held = ctx.records.member_titles.get((ctx.nominee.unit_id, ctx.year, c["title"]), 0)
    share = held * 100 / total if total else 0
    ok = total > 0 and (share > c["pct"] if c.get("strict") else share >= c["pct"])
    sign = "trên" if c.get("strict") else "từ"
    return Check(
        "member_title_share",
        ok,
        f"{held}/{total} thành viên đạt {c['title']} ({share:.0f}%, cần {sign} {c['pct']}%).",
    )


def _member_title_count(c: dict, ctx: _Context) -> Check:
    held = ctx.records.member_titles.get((ctx.nominee.unit_id, ctx.year, c["title"]), 0)
    return Check(
        "member_title_count",
        held >= c["count"],
        f"{held} thành viên đạt {c['title']} năm {ctx.year} (cần {c['count']}).",
    )


def _cluster_leader(c: dict, ctx: _Context) -> Check:
    leaders = ctx.records.leaders(ctx.year, c["organiser"])
    units = {ctx.nominee.unit_id} if ctx.nominee.unit_id else set()
    found = [text for unit_id, text in leaders if unit_id in units]
    if found:
        return Check("cluster_leader", True, found[0])
    return Check(
        "cluster_leader",
        False,
        f"Không phải đơn vị dẫn đầu cụm, khối năm {ctx.year} "
        "(theo kết quả bỏ phiếu hoặc bảng điểm đã công bố).",
    )


def _attestation(c: dict, ctx: _Context) -> Check:
    return Check(
        "attestation", True, f"Không kiểm tra được từ dữ liệu; cần minh chứng: {c['text']}"
    )


def _any(c: dict, ctx: _Context) -> Check:
    checks = [_evaluate(k, ctx) for k in c["conditions"]]
    ok = any(k.passed for k in checks)
    detail = (
        (c.get("label") or "Một trong các điều kiện") + ": " + "; ".join(k.detail for k in checks)
    )
    return Check("any", ok, detail, [r for k in checks if k.passed for r in k.records])


HANDLERS = {
    "rating": _rating,
    "rating_streak": _rating_streak,
    "title": _title,
    "title_streak": _title_streak,
    "consecutive_conferrals": _consecutive_conferrals,
    "initiative": _initiative,
    "prior_award": _prior_award,
    "window_years": _window_years,
    "window_ratings": _window_ratings,
    "window_rating_count": _window_rating_count,
    "window_title_count": _window_title_count,
    "unit_rating": _unit_rating,
    "member_rating_share": _member_rating_share,
    "member_title_share": _member_title_share,
    "member_title_count": _member_title_count,
    "cluster_leader": _cluster_leader,
    "attestation": _attestation,
    "any": _any,
}
