"""Current values against the audit log: each current value must be the last audited after-state
of its unit, indicator and period (`thidua audit verify`). A value changed in the table behind
the services' back (a shell, SQL) then shows, even when the chain itself is intact.

Three queries whatever the number of values: the reports' units, the value entries of the log
(read in id order, so the last one of each key wins), the current values.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from thidua.accounts.models import AuditEntry
from thidua.indicators.models import Report, Value
from thidua.orgs.models import Unit

VALUE_ACTIONS = ("indicators.value.created", "indicators.value.changed")
CHUNK = 5000


def value_mismatches() -> list[str]:
    """One Vietnamese sentence per value whose stored figure differs from its audited one."""
    unit_of = dict(Report.objects.values_list("pk", "unit_id"))
    audited: dict[tuple, str] = {}
    entries = (
        AuditEntry.objects.filter(action__in=VALUE_ACTIONS, object_type="indicators.report")
        .order_by("id")
        .values_list("object_id", "after")
    )
    for object_id, after in entries.iterator(chunk_size=CHUNK):
        if not isinstance(after, dict) or not object_id.isdigit():
            continue
        key = (unit_of.get(int(object_id)), after.get("indicator"), after.get("period"))
        audited[key] = after.get("value")
    current = Value.objects.filter(is_current=True).values_list(
        "unit_id", "unit__code", "unit__name", "indicator__code", "period", "value"
    )
    problems = []
    for unit_id, code, name, indicator, period, stored in current.iterator(chunk_size=CHUNK):
        where = f"Số liệu {indicator} kỳ {period} của {name} ({code})"
        key = (unit_id, indicator, period)
        if key not in audited:
            problems.append(f"{where}: {_shown(stored)} không có trong nhật ký.")
            continue
        logged = audited.pop(key)
        if _number(logged) != stored:
            problems.append(f"{where}: đang lưu {_shown(stored)}, nhật ký ghi {_shown(logged)}.")
    if audited:
        problems += _gone(audited)
    return problems


def _gone(audited: dict[tuple, str]) -> list[str]:
    """Audited values that no longer have a current row (one more query, only when any)."""
    units = {pk: (code, name) for pk, code, name in Unit.objects.values_list("pk", "code", "name")}
    problems = []
    for (unit_id, indicator, period), logged in audited.items():
        code, name = units.get(unit_id, ("?", "?"))
        problems.append(
            f"Số liệu {indicator} kỳ {period} của {name} ({code}): nhật ký ghi "
            f"{_shown(logged)} nhưng không còn số liệu hiện hành."
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
