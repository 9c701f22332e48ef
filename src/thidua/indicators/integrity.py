"""Current state against the audit log (`thidua audit verify`): each current value must be the
last audited after-state of its unit, indicator and period, and each report's status the last
audited status (a report no entry moved is a draft). A figure or status changed in its table
behind the services' back (a shell, SQL) then shows, even when the chain itself is intact.

Three queries whatever the number of rows: the reports, the reports' entries of the log (read in
id order, so the last one of each key wins), the current values.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from thidua.accounts.models import AuditEntry
from thidua.indicators import audit_actions
from thidua.indicators.models import Report, ReportStatus, Value

VALUE_ACTIONS = (audit_actions.VALUE_CREATED, audit_actions.VALUE_CHANGED)
CHUNK = 5000


def mismatches() -> list[str]:
    """One Vietnamese sentence per value or report that differs from its audited state."""
    reports = {
        pk: (unit_id, f"{name} ({code})", period, status)
        for pk, unit_id, name, code, period, status in Report.objects.values_list(
            "pk", "unit_id", "unit__name", "unit__code", "period", "status"
        )
    }
    units = {unit_id: unit for unit_id, unit, _period, _status in reports.values()}
    values: dict[tuple, str] = {}
    statuses: dict[int, str] = {}
    entries = (
        AuditEntry.objects.filter(object_type=Report._meta.label_lower)
        .order_by("id")
        .values_list("object_id", "action", "after")
    )
    for object_id, action, after in entries.iterator(chunk_size=CHUNK):
        if not isinstance(after, dict) or not object_id.isdigit():
            continue
        report = int(object_id)
        if action in VALUE_ACTIONS:
            unit = reports[report][0] if report in reports else None
            values[(unit, after.get("indicator"), after.get("period"))] = after.get("value")
        elif "status" in after:
            statuses[report] = after["status"]
    problems = _report_problems(reports, statuses)
    current = Value.objects.filter(is_current=True).values_list(
        "unit_id", "indicator__code", "period", "value"
    )
    for unit_id, indicator, period, stored in current.iterator(chunk_size=CHUNK):
        where = f"Số liệu {indicator} kỳ {period} của {units.get(unit_id, unit_id)}"
        key = (unit_id, indicator, period)
        if key not in values:
            problems.append(f"{where}: {_shown(stored)} không có trong nhật ký.")
            continue
        logged = values.pop(key)
        if _number(logged) != stored:
            problems.append(f"{where}: đang lưu {_shown(stored)}, nhật ký ghi {_shown(logged)}.")
    for (unit_id, indicator, period), logged in values.items():
        problems.append(
            f"Số liệu {indicator} kỳ {period} của {units.get(unit_id, unit_id)}: nhật ký ghi "
            f"{_shown(logged)} nhưng không còn số liệu hiện hành."
        )
    return problems


def _report_problems(reports: dict, statuses: dict[int, str]) -> list[str]:
    problems = []
    for pk, (_unit_id, unit, period, status) in reports.items():
        logged = statuses.get(pk, ReportStatus.DRAFT)
        if status != logged:
            problems.append(
                f"Báo cáo kỳ {period} của {unit}: trạng thái đang lưu “{status}”, "
                f"nhật ký ghi “{logged}”."
            )
    return problems


def _number(text) -> Decimal | None:
    try:
        return Decimal(str(text))
    except (InvalidOperation, ValueError):
        return None


def _shown(value) -> str:
    number = _number(value)
    return str(value) if number is None else format(number.normalize(), "f")
