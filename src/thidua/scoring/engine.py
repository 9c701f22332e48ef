"""Scores every member under the regulation; every point carries its explanation.

The explanations are built at each call in the active language (the web pages follow the
user's; the minutes and the ranking workbook score under `translation.override("vi")`).

Automatic criteria read the accepted indicator values through the cluster review (ranks and
values computed in SQL); manual, bonus and penalty criteria read the self and review scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from thidua.common.numbers import format_number, measure_text
from thidua.covenants.models import Target
from thidua.orgs.models import Membership
from thidua.reports.aggregation import review
from thidua.scoring.models import Criterion, ManualScore, Method, Regulation

AUTOMATIC = (Method.ATTAINMENT, Method.RANK, Method.THRESHOLD)
ZERO = Decimal(0)


@dataclass
class CriterionScore:
    code: str
    name: str
    method: str
    points: Decimal
    max: Decimal
    explanation: str
    parent: str | None = None
    self_points: Decimal | None = None
    review_points: Decimal | None = None

    @property
    def full(self) -> bool:
        return self.method not in (Method.SECTION, Method.PENALTY) and self.points >= self.max > 0


@dataclass
class MemberScore:
    unit_id: int
    unit_code: str
    unit_name: str
    total: Decimal = ZERO
    rank: int = 0
    criteria: list[CriterionScore] = field(default_factory=list)

    def section(self, code: str) -> Decimal:
        return next((c.points for c in self.criteria if c.code == code), ZERO)

    def as_dict(self) -> dict:
        return {
            "unit_code": self.unit_code,
            "unit_name": self.unit_name,
            "total": self.total,
            "rank": self.rank,
            "criteria": [
                {
                    "code": c.code,
                    "name": c.name,
                    "method": c.method,
                    "points": c.points,
                    "max": c.max,
                    "explanation": c.explanation,
                }
                for c in self.criteria
            ],
        }


def points(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def criterion_max(c: Criterion) -> Decimal:
    if c.method == Method.ATTAINMENT:
        return points(c.max_points * max(c.cap, Decimal(1)))
    return c.max_points


def current_regulation(cluster, year: int) -> Regulation | None:
    return Regulation.objects.filter(cluster=cluster, year=year).order_by("-version").first()


def score(regulation: Regulation) -> list[MemberScore]:
    criteria = list(regulation.criteria.select_related("indicator").order_by("position", "code"))
    members = Membership.objects.filter(cluster=regulation.cluster, year=regulation.year)
    members = list(members.select_related("unit").order_by("unit__code"))
    context = _Context(regulation, criteria, [m.unit_id for m in members])
    results = []
    for m in members:
        result = MemberScore(m.unit_id, m.unit.code, m.unit.name)
        scored = {
            c.pk: _score_one(c, m.unit, context) for c in criteria if c.method != Method.SECTION
        }
        result.criteria = _with_sections(criteria, scored)
        result.total = points(sum((s.points for s in result.criteria if s.parent is None), ZERO))
        results.append(result)
    return rank(results, regulation.tie_break or [])


class _Context:
    """Everything the criteria need, fetched once for all members."""

    def __init__(self, regulation: Regulation, criteria: list[Criterion], unit_ids: list[int]):
        periods = {c.period for c in criteria if c.method in AUTOMATIC and c.period}
        self.reviews = {p: review(regulation.cluster, p) for p in periods}
        self.manual = {
            (s.criterion_id, s.unit_id): s
            for s in ManualScore.objects.filter(
                criterion__regulation=regulation, unit_id__in=unit_ids
            )
        }
        self.targets = {
            (t.indicator_id, t.period, t.unit_id): t.value
            for t in Target.objects.filter(
                covenant__cluster=regulation.cluster, covenant__year=regulation.year
            )
        }

    def entry(self, c: Criterion, unit_code: str) -> tuple[dict | None, dict | None]:
        data = self.reviews.get(c.period)
        entry = data["indicators"].get(c.indicator.code) if data and c.indicator else None
        if entry is None:
            return None, None
        # Within one cluster and year the members' codes are unique.
        row = next((r for r in entry["ranking"] if r["unit_code"] == unit_code), None)
        return entry, row

    def target(self, c: Criterion, unit_id: int) -> Decimal | None:
        if c.target is not None:
            return c.target
        own = self.targets.get((c.indicator_id, c.period, unit_id))
        return own if own is not None else self.targets.get((c.indicator_id, c.period, None))


def _score_one(c: Criterion, unit, ctx: _Context) -> CriterionScore:
    if c.method in AUTOMATIC:
        pts, why = _automatic(c, unit, ctx)
        return CriterionScore(c.code, c.name, c.method, pts, criterion_max(c), why)
    return _manual(c, ctx.manual.get((c.pk, unit.pk)))


def _automatic(c: Criterion, unit, ctx: _Context) -> tuple[Decimal, str]:
    unit_id = unit.pk
    entry, row = ctx.entry(c, unit.code)
    if row is None or row["value"] is None:
        why = _("Chưa có số liệu %(indicator)s kỳ %(period)s được tiếp nhận → 0 điểm.")
        return ZERO, why % {"indicator": _name(c), "period": c.period}
    value = row["value"]
    shown = measure_text(value, entry["measure"], entry["decimals"])
    if c.method == Method.RANK:
        return _by_rank(c, row["rank"], len(entry["ranking"]), shown)
    target = ctx.target(c, unit_id)
    if target is None:
        why = _("%(indicator)s: %(value)s; chưa có chỉ tiêu để so sánh → 0 điểm.")
        return ZERO, why % {"indicator": _name(c), "value": shown}
    target_shown = measure_text(target, entry["measure"], entry["decimals"])
    if c.method == Method.THRESHOLD:
        return _by_threshold(c, value, target, shown, target_shown)
    return _by_attainment(c, value, target, shown, target_shown)


def _by_rank(c: Criterion, rank: int, count: int, shown: str) -> tuple[Decimal, str]:
    table = [Decimal(str(p)) for p in c.rank_points]
    pts = table[rank - 1] if rank <= len(table) else (table[-1] if table else ZERO)
    pts = min(pts, c.max_points)
    why = _(
        "Hạng %(rank)s/%(count)s về %(indicator)s (%(value)s) → %(points)s điểm "
        "theo bảng điểm thứ hạng."
    )
    return points(pts), why % {
        "rank": rank,
        "count": count,
        "indicator": _name(c),
        "value": shown,
        "points": _pts(pts),
    }


def _by_threshold(c, value, target, shown, target_shown) -> tuple[Decimal, str]:
    ok = value >= target if c.comparator != "lte" else value <= target
    sign = "≥" if c.comparator != "lte" else "≤"
    parts = {"indicator": _name(c), "value": shown, "sign": sign, "target": target_shown}
    if ok:
        why = _("%(indicator)s %(value)s %(sign)s %(target)s → đủ %(points)s điểm.")
        return c.max_points, why % (parts | {"points": _pts(c.max_points)})
    return ZERO, _("%(indicator)s %(value)s chưa đạt mức %(sign)s %(target)s → 0 điểm.") % parts


def _by_attainment(c, value, target, shown, target_shown) -> tuple[Decimal, str]:
    lower_better = c.indicator.direction == "lower"
    parts = {"indicator": _name(c), "value": shown, "target": target_shown}
    if value <= 0 or target <= 0:
        why = _("%(indicator)s %(value)s, chỉ tiêu %(target)s: không tính được tỷ lệ → 0 điểm.")
        return ZERO, why % parts
    ratio = (target / value) if lower_better else (value / target)
    used = min(ratio, c.cap)
    pts = points(c.max_points * used)
    formula = _("chỉ tiêu ÷ thực hiện") if lower_better else _("thực hiện ÷ chỉ tiêu")
    why = _(
        "%(indicator)s %(value)s, chỉ tiêu %(target)s: %(formula)s = %(ratio)s, "
        "tính tối đa %(cap)s → %(max)s × %(used)s = %(points)s điểm."
    )
    return pts, why % (
        parts
        | {"formula": formula, "ratio": _pts(ratio), "cap": _pts(c.cap)}
        | {"max": _pts(c.max_points), "used": _pts(used), "points": _pts(pts)}
    )


def _manual(c: Criterion, s: ManualScore | None) -> CriterionScore:
    cap = c.max_points
    result = CriterionScore(c.code, c.name, c.method, ZERO, cap, "")
    if s is None or (s.self_points is None and s.review_points is None):
        result.explanation = _("Chưa chấm → 0 điểm.")
        return _signed(result, c)
    result.self_points, result.review_points = s.self_points, s.review_points
    used = s.review_points if s.review_points is not None else s.self_points
    used = max(ZERO, min(used, cap))
    parts = [
        _("Đơn vị tự chấm %(points)s") % {"points": _pts(s.self_points)}
        if s.self_points is not None
        else _("Đơn vị chưa tự chấm")
    ]
    if s.review_points is not None and s.review_points != s.self_points:
        reviewed = _("cụm trưởng chấm %(points)s (lý do: %(reason)s)")
        parts.append(reviewed % {"points": _pts(s.review_points), "reason": s.review_reason or "—"})
    elif s.review_points is None:
        parts.append(_("chưa được thẩm định"))
    result.points = points(used)
    why = _("%(parts)s → %(points)s điểm.")
    result.explanation = why % {"parts": "; ".join(parts), "points": _pts(result.points)}
    return _signed(result, c)


def _signed(result: CriterionScore, c: Criterion) -> CriterionScore:
    """A penalty's points are subtracted: stored as its negative, never beyond its cap."""
    if c.method == Method.PENALTY:
        result.points = -result.points
        result.explanation = _("Điểm trừ: %(why)s") % {"why": result.explanation}
    return result


def _with_sections(
    criteria: list[Criterion], scored: dict[int, CriterionScore]
) -> list[CriterionScore]:
    by_parent: dict[int | None, list[Criterion]] = {}
    for c in criteria:
        by_parent.setdefault(c.parent_id, []).append(c)
    out: list[CriterionScore] = []

    def visit(c: Criterion, parent_code: str | None) -> Decimal:
        if c.method != Method.SECTION:
            s = scored[c.pk]
            s.parent = parent_code
            out.append(s)
            return s.points
        section = CriterionScore(c.code, c.name, c.method, ZERO, c.max_points, "", parent_code)
        out.append(section)
        total = sum((visit(child, c.code) for child in by_parent.get(c.pk, [])), ZERO)
        capped = min(total, c.max_points) if c.max_points else total
        section.points = points(capped)
        if capped != total:
            why = _("Cộng các tiêu chí: %(total)s, tính tối đa %(max)s điểm.")
        else:
            why = _("Cộng các tiêu chí: %(total)s điểm.")
        section.explanation = why % {"total": _pts(total), "max": _pts(c.max_points)}
        return section.points

    for top in by_parent.get(None, []):
        visit(top, None)
    return out


def _pts(value: Decimal) -> str:
    """Points in an explanation: two decimals, as the active language writes them."""
    return format_number(value, 2)


def _name(c: Criterion) -> str:
    """The indicator's name in the active language; the Vietnamese one when no English is kept."""
    english = getattr(c.indicator, "name_en", "") if get_language() == "en" else ""
    return english or c.indicator.name_vi


def rank(results: list[MemberScore], tie_break: list[str]) -> list[MemberScore]:
    """By total, then the regulation's tie-break keys; members equal on all keys share a rank."""

    def key(r: MemberScore) -> tuple:
        parts = [-r.total]
        for rule in tie_break:
            if rule.startswith("section:"):
                parts.append(-r.section(rule.split(":", 1)[1]))
            elif rule == "full_points":
                parts.append(-sum(1 for c in r.criteria if c.full))
        return tuple(parts)

    ordered = sorted(results, key=lambda r: (key(r), r.unit_code))
    for i, r in enumerate(ordered):
        r.rank = ordered[i - 1].rank if i and key(ordered[i - 1]) == key(r) else i + 1
    return ordered
