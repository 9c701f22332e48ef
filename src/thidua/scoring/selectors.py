"""Who sees which scores: a unit its own sheet in full, others' totals once published."""

from __future__ import annotations

from dataclasses import dataclass

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor
from thidua.scoring.engine import CriterionScore, MemberScore
from thidua.scoring.models import Criterion, ManualScore, Method, Regulation

MANUAL = (Method.MANUAL, Method.BONUS, Method.PENALTY)


def visible(user: Actor, regulation: Regulation, results: list[MemberScore]) -> list[dict]:
    full_access = perms.can_run_cluster(user, regulation.cluster_id, regulation.year)
    own = perms.officer_unit_ids(user)
    sees_cluster = perms.can_view_cluster(user, regulation.cluster_id, regulation.year)
    rows = []
    for r in results:
        if full_access or r.unit_id in own:
            rows.append(r.as_dict() | {"full": True})
        elif regulation.published_at and sees_cluster:
            row = r.as_dict()
            rows.append(
                {k: row[k] for k in ("unit_code", "unit_name", "total", "rank")} | {"full": False}
            )
    return rows


def may_read_minutes(user: Actor, regulation: Regulation) -> bool:
    """The minutes show every member's points: the head's secretariat and the board may read
    them, and once the result is published whoever sees the cluster."""
    if perms.can_run_cluster(user, regulation.cluster_id, regulation.year):
        return True
    return bool(regulation.published_at) and perms.can_view_cluster(
        user, regulation.cluster_id, regulation.year
    )


def full_sheet(
    user: Actor, regulation: Regulation, results: list[MemberScore], unit_id: int
) -> MemberScore | None:
    """The unit's scores if the user may see its sheet in full (the rule of `visible`)."""
    found = next((r for r in results if r.unit_id == unit_id), None)
    if found is None:
        return None
    shown = visible(user, regulation, [found])
    return found if shown and shown[0]["full"] else None


@dataclass
class CriterionNode:
    criterion: Criterion
    depth: int


def criteria_tree(regulation: Regulation) -> list[CriterionNode]:
    """The criteria in reading order, each with its depth under the sections."""
    criteria = list(regulation.criteria.select_related("indicator").order_by("position", "code"))
    depth: dict[int, int] = {}
    nodes = []
    for c in criteria:  # a parent always comes before its children (position order)
        depth[c.pk] = depth[c.parent_id] + 1 if c.parent_id in depth else 0
        nodes.append(CriterionNode(c, depth[c.pk]))
    return nodes


@dataclass
class SheetRow:
    criterion: Criterion
    score: CriterionScore
    depth: int
    manual: ManualScore | None

    @property
    def is_manual(self) -> bool:
        return self.criterion.method in MANUAL

    @property
    def differs(self) -> bool:
        """The head's review score differs from the unit's own."""
        m = self.manual
        return bool(m and m.review_points is not None and m.self_points is not None) and (
            m.self_points != m.review_points  # type: ignore[union-attr]
        )


def sheet(regulation: Regulation, member: MemberScore) -> list[SheetRow]:
    """One row per criterion of the member's sheet, with its manual score where it has one."""
    nodes = {n.criterion.code: n for n in criteria_tree(regulation)}
    manual = {
        s.criterion_id: s
        for s in ManualScore.objects.filter(
            criterion__regulation=regulation, unit_id=member.unit_id
        ).select_related("reviewed_by", "criterion__regulation")  # the history link's rule
    }
    rows = []
    for s in member.criteria:
        node = nodes[s.code]
        rows.append(SheetRow(node.criterion, s, node.depth, manual.get(node.criterion.pk)))
    return rows
