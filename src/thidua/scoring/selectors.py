"""Who sees which scores: a unit its own sheet in full, others' totals once published."""

from __future__ import annotations

from thidua.accounts import permissions as perms
from thidua.scoring.engine import MemberScore
from thidua.scoring.models import Regulation


def visible(user, regulation: Regulation, results: list[MemberScore]) -> list[dict]:
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
