"""Who sees a report's values: the indicators' own rule, asked by every door."""

from __future__ import annotations

from thidua.accounts import permissions as perms
from thidua.indicators.models import VISIBLE_TO_PEERS, Report


def can_view_report_values(user, report: Report) -> bool:
    """A unit's draft is its own; others see it once submitted."""
    year = report.year
    if report.unit_id in perms.officer_unit_ids(user) or perms.can_run_cluster(
        user, report.cluster_id, year
    ):
        return True
    return report.status in VISIBLE_TO_PEERS and perms.can_view_cluster(
        user, report.cluster_id, year
    )
