"""Eligibility: does a nominee meet an award's criteria for a year, and on which records?

Conditions are data (AwardRule.conditions), one evaluator per kind:
  rating {min}                       the rating of year Y is at least `min`
  rating_streak {min, years}         ratings of the last `years` years all at least `min`
  title {title}                      holds `title` for year Y
  title_streak {title, years}        holds `title` in each of the last `years` years
  consecutive_conferrals {title, count, max_gap}
                                     the last `count` conferrals follow each other (gap ≤ max_gap)
  initiative {scope, years=1, count=1, since_conferral, window}
                                     initiatives recognised at `scope` or wider in the years
                                     (`window`: the years since the prior award)
  prior_award {award}                an earlier award; the achievement period its decision states
                                     opens the window (the decision's year when it states none:
                                     Decree 98/2023/NĐ-CP Art 30(9))
  window_years {min}                 years since that period (Y − its last year) ≥ min
  window_ratings {min}               every year of the window rated at least `min`
  window_rating_count {rating, count}
  window_title_count {title, count}
  unit_rating {min}                  a collective's rating for Y
  member_rating_share {min, pct}     share of members rated at least `min`
  member_title_share {title, pct, strict}
  member_title_count {title, count}
  cluster_leader {organiser}         elected leader (ballot) or first in the published scoring
  attestation {text}                 not checkable from records: "cần xác minh", listed as
                                     evidence to attach; it keeps the verdict at "chưa đủ căn cứ"
  any {conditions}                   one of the listed conditions
A verdict is taken under the rules in force on the day the proposal is considered
(`Nominee.on`, today by default), counting titles earned under earlier laws. Records are
fetched for all nominees at once (a handful of queries for a batch).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.db.models import Q
from django.utils import timezone

from thidua.awards.catalogue import decree_on, rule_for
from thidua.awards.leaders import leading_units
from thidua.awards.models import (
    RATING_ORDER,
    SCOPE_ORDER,
    AwardEntry,
    AwardType,
    Initiative,
    Person,
    PersonUnit,
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


def _span(first: int, last: int) -> str:
    """'năm 2025' for one year, 'các năm 2021–2025' for several."""
    return f"năm {last}" if first >= last else f"các năm {first}–{last}"


def _vndate(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# The decree detailing the law that says from when "N years since the earlier award" counts.
WINDOW_BASIS = "khoản 9 Điều 30 Nghị định 98/2023/NĐ-CP"
PASSED, FAILED, TO_VERIFY = "passed", "failed", "to_verify"
OUTCOME_TEXT = {
    "eligible": "đủ điều kiện",
    "to_verify": "chưa đủ căn cứ (cần xác minh)",
    "ineligible": "chưa đủ điều kiện",
}


@dataclass(frozen=True)
class Nominee:
    award: str
    year: int
    person_id: int | None = None
    unit_id: int | None = None
    on: date | None = None  # the day the proposal is considered; today when None

    @property
    def key(self) -> tuple[str, int]:
        return ("p", self.person_id) if self.person_id else ("u", self.unit_id)


@dataclass
class Check:
    rule: str
    passed: bool
    detail: str
    records: list[str] = field(default_factory=list)
    status: str = ""  # passed, failed, or to_verify (the records cannot decide it)

    def __post_init__(self):
        self.status = self.status or (PASSED if self.passed else FAILED)

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "passed": self.passed,
            "detail": self.detail,
            "records": self.records,
            "status": self.status,
        }


def _to_verify(rule: str, detail: str, records: list[str] | None = None) -> Check:
    return Check(rule, False, detail, records or [], status=TO_VERIFY)


@dataclass
class Verdict:
    nominee: Nominee
    eligible: bool
    conditions: list[Check]
    missing: list[str]
    rule: dict | None = None
    award_name: str = ""
    on: date | None = None

    @property
    def outcome(self) -> str:
        """eligible; to_verify (nothing failed, something the records cannot decide: "chưa đủ
        căn cứ"); ineligible."""
        statuses = {c.status for c in self.conditions}
        if FAILED in statuses or not self.conditions:
            return "ineligible"
        return "to_verify" if TO_VERIFY in statuses else "eligible"

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
            "award_name": self.award_name or self.nominee.award,
            "outcome": self.outcome,
            "outcome_text": OUTCOME_TEXT[self.outcome],
            "on": self.on.isoformat() if self.on else None,
        }


def considered_on(proposal) -> date:
    """The day a proposal is considered: the day its kept verdict was taken (submission),
    today for a draft."""
    kept = (proposal.eligibility or {}).get("on")
    return date.fromisoformat(kept) if kept else timezone.localdate()


def proposal_nominee(proposal, on: date | None = None) -> Nominee:
    return Nominee(
        proposal.award_type.code,
        proposal.year,
        person_id=proposal.person_id,
        unit_id=proposal.nominee_unit_id,
        on=on or considered_on(proposal),
    )


def evaluate(nominee: Nominee) -> Verdict:
    return evaluate_many([nominee])[0]


def evaluate_many(nominees: list[Nominee]) -> list[Verdict]:
    awards = {a.code: a for a in AwardType.objects.prefetch_related("rules")}
    records = Records(nominees, awards)
    today = timezone.localdate()
    return [_verdict(n, awards.get(n.award), records, n.on or today) for n in nominees]


def _verdict(nominee: Nominee, award: AwardType | None, records: Records, on: date) -> Verdict:
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
            award_name=award.name,
            on=on,
        )
    rule = rule_for(award, nominee.year, on)
    if rule is None:
        detail = (
            f"Chưa có tiêu chuẩn {award.name} áp dụng vào ngày xét đề nghị {_vndate(on)} "
            f"(thành tích năm {nominee.year})."
        )
        return Verdict(nominee, False, [Check("rule", False, detail)], [], None, award.name, on)
    ctx = _Context(nominee, records)
    checks, missing = [], []
    for condition in rule.conditions:
        windowed = condition["rule"] in WINDOW_RULES or condition.get("window")
        if windowed and ctx.window_start is None and ctx.no_window_said:
            continue  # said once: the window cannot be set without the earlier award
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
        "decree": decree_on(on),
    }
    return Verdict(nominee, eligible, checks, missing, info, award.name, on)


class Held(NamedTuple):
    """A title or award held: the achievement year (the last of a period), the year the next
    award's window counts from, the decision number, the period's first year, and whether the
    decision stated the period."""

    code: str
    year: int
    base: int
    number: str
    since: int | None
    stated: bool

    def when(self) -> str:
        if self.since and self.since < self.year:
            return f"thành tích giai đoạn {self.since}–{self.year}"
        return f"thành tích năm {self.year}"


class UnitMembers:
    """Who belonged to a collective in a year: the people whose unit that year (`PersonUnit`)
    is it or one of its predecessors (the Long An department's 2024 staff for the Tây Ninh
    department), and those currently in it with no unit recorded for the year. Read in three
    queries for all the collectives at once, whatever their size."""

    def __init__(self, units: set[int], lineage: dict[int, set[int]]):
        self.lineage = lineage
        all_units = units | {p for ps in lineage.values() for p in ps}
        self.current: dict[int, set[int]] = defaultdict(set)
        for person_id, unit_id in Person.objects.filter(
            unit_id__in=units, merged_into=None
        ).values_list("id", "unit_id"):
            self.current[unit_id].add(person_id)
        self.placed: dict[tuple, set[int]] = defaultdict(set)
        self.placed_years: dict[int, set[int]] = defaultdict(set)
        near = Q(unit_id__in=all_units) | Q(person__unit_id__in=units)
        for person_id, unit_id, year in PersonUnit.objects.filter(
            near, person__merged_into=None
        ).values_list("person_id", "unit_id", "year"):
            self.placed[(unit_id, year)].add(person_id)
            self.placed_years[person_id].add(year)
        member = Q(person__unit_id__in=units) | Q(
            person_id__in=PersonUnit.objects.filter(unit_id__in=all_units).values("person_id")
        )
        self.rating: dict[tuple, str] = {
            (p, y): r
            for p, y, r in Rating.objects.filter(member, person__merged_into=None).values_list(
                "person_id", "year", "rating"
            )
        }
        self.held: dict[tuple, set[int]] = defaultdict(set)
        for person_id, year, code in (
            AwardEntry.objects.filter(member, person__merged_into=None)
            .values_list("person_id", "year", "award_type__code")
            .distinct()
        ):
            self.held[(year, code)].add(person_id)

    def of(self, unit_id: int | None, year: int) -> set[int]:
        if unit_id is None:
            return set()
        found = {p for p in self.current.get(unit_id, ()) if year not in self.placed_years[p]}
        for u in {unit_id} | self.lineage.get(unit_id, set()):
            found |= self.placed.get((u, year), set())
        return found

    def ratings(self, unit_id: int | None, year: int) -> list[str]:
        return [r for p in self.of(unit_id, year) if (r := self.rating.get((p, year)))]

    def holding(self, unit_id: int | None, year: int, codes: set[str]) -> int:
        held = set().union(*(self.held.get((year, code), set()) for code in codes))
        return len(held & self.of(unit_id, year))


class Records:
    """Ratings, registry entries and initiatives of every nominee (and members of collectives)."""

    def __init__(self, nominees: list[Nominee], awards: dict[str, AwardType] | None = None):
        awards = awards if awards is not None else {a.code: a for a in AwardType.objects.all()}
        self.names = {code: a.name for code, a in awards.items()}
        # title → the codes that count for it (itself and those presupposing it: CSTĐCS → LĐTT)
        self.counting: dict[str, set[str]] = defaultdict(set)
        for code, a in awards.items():
            self.counting[code].add(code)
            for implied in a.implies or []:
                self.counting[implied].add(code)
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
        self.titles: dict[tuple, list[Held]] = defaultdict(list)
        entries = AwardEntry.objects.filter(person_id__in=people) | AwardEntry.objects.filter(
            unit_id__in=all_units, is_collective=True
        )
        for e in entries.values_list(
            "person_id", "unit_id", "award_type__code", "year", "decision_date", "decision_number",
            "period_from", "period_stated",
        ):  # fmt: skip
            person_id, unit_id, code, year, decided, number, since, stated = e
            key = ("p", person_id) if person_id else ("u", unit_id)
            # Decree 98/2023 Art 30(9): from the achievement period the decision states, from
            # the decision's date only when it states none.
            base = year if stated or not decided else decided.year
            self.titles[key].append(Held(code, year, base, number or "—", since, stated))
        self.initiatives: dict[int, list[tuple]] = defaultdict(list)
        for person_id, year, scope, title in Initiative.objects.filter(
            person_id__in=people
        ).values_list("person_id", "year", "scope", "title"):
            self.initiatives[person_id].append((year, scope, title))
        self.membership = UnitMembers(units, self.lineage)

    def members_holding(self, unit_id: int | None, year: int, title: str) -> int:
        """Members holding `title` in `year`, or a title that presupposes it, each once."""
        return self.membership.holding(unit_id, year, self.counting.get(title, {title}))

    def name(self, code: str) -> str:
        return self.names.get(code, code)

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
        self.window_start: int | None = None  # the year the prior award's window counts from
        self.window_min: int | None = None  # the years the window needs (window_years)
        self.no_window_said = False  # the missing window was explained once
        self.since_conferral: dict[str, int] = {}

    def ratings(self) -> dict[int, str]:
        return self.records.ratings.get(self.key, {})

    def name(self, code: str) -> str:
        return self.records.name(code)

    def titles(self) -> list[Held]:
        if self.nominee.unit_id:
            units = {self.nominee.unit_id} | self.records.lineage.get(self.nominee.unit_id, set())
            return [t for u in units for t in self.records.titles.get(("u", u), [])]
        return self.records.titles.get(self.key, [])

    def years_with(self, title: str) -> dict[int, str]:
        return {t.year: t.number for t in self.titles() if t.code == title}


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
    return Check("rating", ok, detail, [f"{ctx.year}: {_rating_name(got)}"] if got else [])


def _rating_streak(c: dict, ctx: _Context) -> Check:
    years = range(ctx.year - c["years"] + 1, ctx.year + 1)
    got = {y: ctx.ratings().get(y) for y in years}
    bad = [y for y, r in got.items() if not _at_least(r, c["min"])]
    detail = f"{c['years']} năm liên tục ({_span(years[0], ctx.year)}) {_from(c['min'])}"
    detail += ": đạt." if not bad else f": không đạt năm {', '.join(map(str, bad))}."
    records = [f"{y}: {_rating_name(r) if r else '—'}" for y, r in got.items()]
    return Check("rating_streak", not bad, detail, records)


def _title(c: dict, ctx: _Context) -> Check:
    held = ctx.years_with(c["title"])
    ok = ctx.year in held
    name = ctx.name(c["title"])
    detail = f"Danh hiệu {name} năm {ctx.year}: {'có' if ok else 'chưa có'}."
    return Check("title", ok, detail, [f"{name} {ctx.year} (QĐ {held[ctx.year]})"] if ok else [])


def _title_streak(c: dict, ctx: _Context) -> Check:
    held = ctx.years_with(c["title"])
    years = list(range(ctx.year - c["years"] + 1, ctx.year + 1))
    gaps = [y for y in years if y not in held]
    name = ctx.name(c["title"])
    detail = f"{c['years']} lần liên tục {name} ({_span(years[0], ctx.year)})"
    detail += ": đạt." if not gaps else f": thiếu năm {', '.join(map(str, gaps))}."
    records = [f"{name} {y} (QĐ {held[y]})" for y in years if y in held]
    return Check("title_streak", not gaps, detail, records)


def _consecutive_conferrals(c: dict, ctx: _Context) -> Check:
    years = sorted(y for y in ctx.years_with(c["title"]) if y <= ctx.year)[-c["count"] :]
    ok = len(years) == c["count"] and all(
        b - a <= c["max_gap"] for a, b in zip(years, years[1:], strict=False)
    )
    if years:
        ctx.since_conferral[c["title"]] = years[0]
    name = ctx.name(c["title"])
    detail = f"{c['count']} lần liên tục {name} (cách nhau không quá {c['max_gap']} năm): "
    detail += (
        "đạt (" + ", ".join(map(str, years)) + ")."
        if ok
        else f"có {len(years)} lần ({', '.join(map(str, years)) or 'không có'})."
    )
    return Check("consecutive_conferrals", ok, detail, [f"{name} {y}" for y in years])


_SCOPES = {"co_so": "cơ sở", "bo_tinh": "Bộ/tỉnh", "toan_quoc": "toàn quốc"}


def _initiative(c: dict, ctx: _Context) -> Check:
    if ctx.nominee.person_id is None:
        return Check("initiative", False, "Sáng kiến chỉ xét cho cá nhân.")
    start = ctx.since_conferral.get(c.get("since_conferral"), ctx.year - c.get("years", 1) + 1)
    if c.get("window"):
        if ctx.window_start is None:
            return _no_window("initiative", ctx)
        start = ctx.window_start + 1
    found = [
        (y, s, t)
        for y, s, t in ctx.records.initiatives.get(ctx.nominee.person_id, [])
        if start <= y <= ctx.year and SCOPE_ORDER[s] >= SCOPE_ORDER[c["scope"]]
    ]
    need = c.get("count", 1)
    detail = (
        f"Sáng kiến được công nhận phạm vi {_SCOPES[c['scope']]} trở lên trong "
        f"{_span(start, ctx.year)}: {len(found)} (cần {need})."
    )
    return Check("initiative", len(found) >= need, detail, [f"{t} ({y})" for y, _s, t in found])


def _prior_award(c: dict, ctx: _Context) -> Check:
    earlier = [t for t in ctx.titles() if t.code == c["award"] and t.base < ctx.year]
    name = ctx.name(c["award"])
    if not earlier:
        return Check("prior_award", False, f"Chưa có {name} cho thành tích trước năm {ctx.year}.")
    held = max(earlier, key=lambda t: (t.base, t.year))
    ctx.window_start = held.base
    if held.stated:
        counted = f"tính từ thời gian lập thành tích ghi trong quyết định ({held.base})"
    else:
        counted = (
            f"quyết định không ghi thời gian lập thành tích nên tính từ năm ban hành ({held.base})"
        )
    return Check(
        "prior_award",
        True,
        f"Đã được tặng {name} (QĐ {held.number}, {held.when()}); {counted}, theo {WINDOW_BASIS}.",
        [f"{name} {held.year} (QĐ {held.number})"],
    )


def _window(ctx: _Context) -> range | None:
    return range(ctx.window_start + 1, ctx.year + 1) if ctx.window_start is not None else None


WINDOW_RULES = {"window_years", "window_ratings", "window_rating_count", "window_title_count"}


def _no_window(rule: str, ctx: _Context) -> Check:
    ctx.no_window_said = True
    return Check(
        rule,
        False,
        "Các điều kiện tính từ lần khen thưởng trước (số năm, xếp loại, danh hiệu trong thời "
        "gian đó) chưa xét được vì chưa có lần khen thưởng đó.",
    )


def _window_years(c: dict, ctx: _Context) -> Check:
    years = _window(ctx)
    if years is None:
        return _no_window("window_years", ctx)
    ok = len(years) >= c["min"]
    ctx.window_min = c["min"]
    span = _span(years[0], ctx.year) if years else f"năm {ctx.year}"
    return Check(
        "window_years",
        ok,
        f"Từ lần khen thưởng trước đến năm {ctx.year} ({span}): {len(years)} năm "
        f"(cần {c['min']} năm trở lên).",
    )


def _window_ratings(c: dict, ctx: _Context) -> Check:
    years = _window(ctx)
    if years is None:
        return _no_window("window_ratings", ctx)
    # "liên tục từ 05 năm trở lên tính đến thời điểm đề nghị" (Art 44.1.e, 73.1.b): the last
    # N years up to the assessed one, N the window's length in years.
    if ctx.window_min:
        years = range(max(years[0], ctx.year - ctx.window_min + 1), ctx.year + 1)
    got = {y: ctx.ratings().get(y) for y in years}
    bad = [y for y, r in got.items() if not _at_least(r, c["min"])]
    detail = f"Liên tục {_from(c['min'])} trong {_span(years[0], ctx.year)}"
    detail += ": đạt." if not bad else f": không đạt năm {', '.join(map(str, bad))}."
    records = [f"{y}: {_rating_name(r) if r else '—'}" for y, r in got.items()]
    return Check("window_ratings", not bad, detail, records)


def _window_rating_count(c: dict, ctx: _Context) -> Check:
    years = _window(ctx)
    if years is None:
        return _no_window("window_rating_count", ctx)
    hits = [y for y in years if ctx.ratings().get(y) == c["rating"]]
    ok = len(hits) >= c["count"]
    return Check(
        "window_rating_count",
        ok,
        f"Số năm {_rating_name(c['rating'])} trong {_span(years[0], ctx.year)}: "
        f"{len(hits)} (cần {c['count']}).",
        [str(y) for y in hits],
    )


def _window_title_count(c: dict, ctx: _Context) -> Check:
    years = _window(ctx)
    if years is None:
        return _no_window("window_title_count", ctx)
    held = ctx.years_with(c["title"])
    hits = [y for y in years if y in held]
    name = ctx.name(c["title"])
    return Check(
        "window_title_count",
        len(hits) >= c["count"],
        f"Số lần {name} trong {_span(years[0], ctx.year)}: {len(hits)} (cần {c['count']}).",
        [f"{name} {y} (QĐ {held[y]})" for y in hits],
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
    return len(ctx.records.membership.of(ctx.nominee.unit_id, ctx.year))


def _member_rating_share(c: dict, ctx: _Context) -> Check:
    total = _members(ctx)
    rated = ctx.records.membership.ratings(ctx.nominee.unit_id, ctx.year)
    good = sum(1 for r in rated if _at_least(r, c["min"]))
    share = good * 100 / total if total else 0
    ok = total > 0 and share >= c["pct"]
    return Check(
        "member_rating_share",
        ok,
        f"{good}/{total} thành viên xếp loại {_from(c['min'])} năm {ctx.year} "
        f"({share:.0f}%, cần {c['pct']}%).",
    )


def _member_title_share(c: dict, ctx: _Context) -> Check:
    total = _members(ctx)
    held = ctx.records.members_holding(ctx.nominee.unit_id, ctx.year, c["title"])
    share = held * 100 / total if total else 0
    ok = total > 0 and (share > c["pct"] if c.get("strict") else share >= c["pct"])
    sign = "trên" if c.get("strict") else "từ"
    also = sorted(ctx.name(x) for x in ctx.records.counting.get(c["title"], ()) if x != c["title"])
    counted = f", kể cả {', '.join(also)}" if also else ""
    return Check(
        "member_title_share",
        ok,
        f"{held}/{total} thành viên đạt {ctx.name(c['title'])} năm {ctx.year}{counted} "
        f"({share:.0f}%, cần {sign} {c['pct']}%).",
    )


def _member_title_count(c: dict, ctx: _Context) -> Check:
    held = ctx.records.members_holding(ctx.nominee.unit_id, ctx.year, c["title"])
    return Check(
        "member_title_count",
        held >= c["count"],
        f"{held} thành viên đạt {ctx.name(c['title'])} năm {ctx.year} (cần {c['count']}).",
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
    return _to_verify("attestation", f"Cần xác minh (không kiểm tra được từ dữ liệu): {c['text']}.")


def _sentence(text: str) -> str:
    return text.rstrip(" .;")


def _any(c: dict, ctx: _Context) -> Check:
    checks = [_evaluate(k, ctx) for k in c["conditions"]]
    if any(k.passed for k in checks):
        status = PASSED
    else:
        status = TO_VERIFY if any(k.status == TO_VERIFY for k in checks) else FAILED
    label = c.get("label") or "Một trong các điều kiện"
    detail = f"{label}: " + "; ".join(_sentence(k.detail) for k in checks) + "."
    records = [r for k in checks if k.passed for r in k.records]
    return Check("any", status == PASSED, detail, records, status=status)


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
