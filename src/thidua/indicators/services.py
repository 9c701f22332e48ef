"""Every write on reports and values: permission, validation, transaction, audit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor, user_or_none
from thidua.accounts.audit import Change, record, record_many
from thidua.common.errors import Conflict, Issue, ValidationFailed
from thidua.common.numbers import format_vn
from thidua.common.periods import parse_period
from thidua.common.text import over_column
from thidua.common.transitions import Transition
from thidua.indicators import audit_actions
from thidua.indicators import notices as report_notices
from thidua.indicators.models import (
    Extension,
    Indicator,
    Report,
    ReportingWindow,
    ReportStatus,
    Value,
    entry_until,
    unit_deadline,
)
from thidua.indicators.validation import Candidate, add_warnings, hard_error, value_period
from thidua.orgs.models import Cluster, Membership, Unit

EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


@dataclass
class ValueInput:
    unit: Unit
    indicator: Indicator
    period: str
    value: Decimal
    note: str = ""
    justification: str = ""
    source: str = ""
    illustrative: bool = False
    row: int | None = None
    column: str | None = None
    # The version the editor saw (0: no value yet); None skips the check (imports, the CLI).
    expected_version: int | None = None


@dataclass
class WriteResult:
    written: int
    unchanged: int
    warnings: list[Issue]
    reports: list[Report]
    # Each input that writes something, with the stored value it replaces (None: a new one).
    changes: list[tuple[ValueInput, Value | None]] = field(default_factory=list)


def write_values(
    actor: Actor,
    cluster: Cluster,
    report_period: str,
    inputs: list[ValueInput],
    *,
    via: str = "web",
    reason: str = "",
    dry_run: bool = False,
    skip_unchanged: bool = False,
) -> WriteResult:
    """Write a batch of values for members of `cluster`, all or nothing; with `dry_run` every
    check runs and nothing is written. With `skip_unchanged` the inputs equal to the stored
    values are left out before the checks: a full template sent back by an officer does not
    trip over the other members' rows it may not change."""
    period = parse_period(report_period)
    given = len(inputs)
    if not skip_unchanged:
        _check(actor, cluster, period.year, inputs, reason)
    with transaction.atomic():
        if skip_unchanged:
            # Locked first, so the values read are the ones the write starts from.
            locked_reports = _existing_reports(cluster, {i.unit.pk for i in inputs}, period.code)
            current = _current_values(inputs)
            inputs = [i for i in inputs if _differs(current.get(_key(i)), i)]
            if not inputs:
                return WriteResult(written=0, unchanged=given, warnings=[], reports=[])
            _check(actor, cluster, period.year, inputs, reason)
        units = {i.unit.pk: i.unit for i in inputs}
        if skip_unchanged:
            reports = _reports_for(cluster, units.values(), period.code, locked_reports)
        else:
            reports = _reports_for(cluster, units.values(), period.code)
            current = _current_values(inputs)
        changed = _checked_changes(actor, cluster, period.code, inputs, reports, current, reason)
        warnings = _warnings(changed)
        if not dry_run:
            _store(actor, changed, current, reports, warnings, via, reason)
        else:
            transaction.set_rollback(True)
    return WriteResult(
        written=len(changed),
        unchanged=given - len(changed),
        warnings=[w for ws in warnings.values() for w in ws],
        reports=list(reports.values()),
        changes=[(i, current.get(_key(i))) for i in changed],
    )


def _check(
    actor: Actor, cluster: Cluster, year: int, inputs: list[ValueInput], reason: str
) -> None:
    units = {i.unit.pk: i.unit for i in inputs}
    issues = _too_long(inputs, reason) or _check_batch(actor, cluster, year, inputs, units)
    if issues:
        raise ValidationFailed(issues)


def _checked_changes(
    actor: Actor,
    cluster: Cluster,
    period: str,
    inputs: list[ValueInput],
    reports: dict[int, Report],
    current: dict[tuple, Value],
    reason: str,
) -> list[ValueInput]:
    """The inputs that change something, once none is stale, locked or refused."""
    stale = _stale(inputs, current)
    if stale:
        raise Conflict(stale)
    changed = [i for i in inputs if _differs(current.get(_key(i)), i)]
    locked = _locked(changed, reports, current)
    if locked:
        raise Conflict(locked)
    issues = _check_reports(actor, cluster, period, changed, reports, current, reason)
    if issues:
        raise ValidationFailed(issues)
    return changed


_TEXTS = ("note", "justification", "source")


def _too_long(inputs: list[ValueInput], reason: str) -> list[Issue]:
    """Text longer than its column."""
    issues = []
    if problem := over_column(Value, "reason", reason):
        issues.append(Issue(problem, column="reason"))
    for item in inputs:
        for name in _TEXTS:
            if problem := over_column(Value, name, getattr(item, name)):
                issues.append(Issue(problem, row=item.row, column=name))
    return issues


def _stale(inputs: list[ValueInput], current: dict) -> list[Issue]:
    """Inputs made from an older version than the stored one: a lost update, refused."""
    issues = []
    for item in inputs:
        if item.expected_version is None:
            continue
        stored = current.get(_key(item))
        version = stored.version if stored else 0
        if version != item.expected_version:
            who = stored.entered_by.get_username() if stored and stored.entered_by else "người khác"
            msg = _(
                "%(ind)s của %(unit)s vừa được %(who)s sửa thành %(now)s (phiên bản %(v)s); "
                "số của bạn chưa được lưu. Xem lại rồi lưu lần nữa nếu vẫn muốn thay."
            )
            now = format_vn(stored.value, item.indicator.decimals) if stored else "—"
            fmt = {"ind": item.indicator.name_vi, "unit": item.unit, "who": who, "v": version}
            fmt["now"] = now
            issues.append(Issue(msg % fmt, row=item.row, column=item.column, value=str(item.value)))
    return issues


def _key(i: ValueInput) -> tuple[int, int, str]:
    return (i.unit.pk, i.indicator.pk, i.period)


def _differs(existing: Value | None, new: ValueInput) -> bool:
    if existing is None:
        return True
    # An empty note or justification means "not given" (a file without that column), not "clear".
    return bool(
        existing.value != new.value
        or (new.note and existing.note != new.note)
        or (new.justification and existing.justification != new.justification)
    )


def _check_batch(
    actor: Actor, cluster: Cluster, year: int, inputs: list[ValueInput], units: dict[int, Unit]
) -> list[Issue]:
    issues: list[Issue] = []
    members = set(
        Membership.objects.filter(cluster=cluster, year=year, unit_id__in=units).values_list(
            "unit_id", flat=True
        )
    )
    seen: set[tuple] = set()
    for item in inputs:
        where: dict[str, Any] = {"row": item.row, "column": item.column, "value": str(item.value)}
        issue = _placement_issue(item, year, seen)
        if issue:
            issues.append(Issue(issue, **where))
            continue
        if item.unit.pk not in members:
            msg = _("%(unit)s không phải thành viên của %(cluster)s năm %(year)s.")
            issues.append(
                Issue(msg % {"unit": item.unit, "cluster": cluster.code, "year": year}, **where)
            )
        elif not perms.can_enter_for_unit(actor, item.unit.pk, cluster.pk, year):
            msg = _("Bạn không có quyền nhập số liệu cho %(unit)s.")
            issues.append(Issue(msg % {"unit": item.unit}, **where))
        if item.indicator.is_derived:
            msg = _("%(ind)s là chỉ tiêu tính toán, không nhập trực tiếp.")
            issues.append(Issue(msg % {"ind": item.indicator.code}, **where))
            continue
        error = hard_error(item.indicator, item.value)
        if error:
            issues.append(Issue(error, **where))
    return issues


def _placement_issue(item: ValueInput, year: int, seen: set[tuple]) -> str | None:
    """A value belongs to the report's year, and once per batch."""
    fmt = {"unit": item.unit, "ind": item.indicator.code, "p": item.period, "y": year}
    if parse_period(item.period).year != year:
        return _("Kỳ %(p)s của %(ind)s không thuộc năm %(y)s của kỳ báo cáo.") % fmt
    if _key(item) in seen:
        return _("%(unit)s: %(ind)s kỳ %(p)s xuất hiện hai lần.") % fmt
    seen.add(_key(item))
    return None


def _existing_reports(cluster: Cluster, unit_ids: Iterable[int], period: str) -> dict[int, Report]:
    return {
        r.unit_id: r
        for r in Report.objects.select_for_update().filter(
            cluster=cluster, period=period, unit_id__in=unit_ids
        )
    }


def _reports_for(
    cluster: Cluster, units: Iterable[Unit], period: str, existing: dict[int, Report] | None = None
) -> dict[int, Report]:
    """The units' reports of the period, locked; the missing ones created. `existing`: the
    ones already locked."""
    units = list(units)
    if existing is None:
        existing = _existing_reports(cluster, [u.pk for u in units], period)
    missing = [
        Report(cluster=cluster, unit=u, period=period) for u in units if u.pk not in existing
    ]
    if missing:
        # Two first writes for one unit can race: the loser's insert is skipped, and the row
        # lock taken below then serialises both writers on the one report.
        Report.objects.bulk_create(missing, ignore_conflicts=True)
        existing = _existing_reports(cluster, [u.pk for u in units], period)
    return {u.pk: existing[u.pk] for u in units}


def _current_values(inputs: list[ValueInput]) -> dict[tuple, Value]:
    units = {i.unit.pk for i in inputs}
    indicators = {i.indicator.pk for i in inputs}
    periods = {i.period for i in inputs}
    rows = Value.objects.filter(
        unit_id__in=units, indicator_id__in=indicators, period__in=periods, is_current=True
    ).select_related("report", "entered_by")
    return {(v.unit_id, v.indicator_id, v.period): v for v in rows}


def entry_open(
    actor: Actor,
    report: Report,
    window: ReportingWindow | None,
    today: date,
    extension: Extension | None = None,
) -> bool:
    if perms.is_board(actor) or perms.can_run_cluster(actor, report.cluster_id, report.year):
        return True
    if window is None:
        return False
    if today <= entry_until(window, extension):
        return True
    return report.entry_exception_until is not None and today <= report.entry_exception_until


def extensions_of(window: ReportingWindow | None) -> dict[int, Extension]:
    """The window's extensions by unit (one query; none without a window)."""
    if window is None:
        return {}
    return {e.unit_id: e for e in Extension.objects.filter(window=window)}


def _locked(
    changed: list[ValueInput], reports: dict[int, Report], current: dict[tuple, Value]
) -> list[Issue]:
    """Changes that would alter a submitted or accepted report: refused until it is reopened.

    The report written into must be editable, and so must the report that holds the value now
    (a year's plan entered in the accepted mid-year report is that report's value).
    """
    issues: list[Issue] = []
    held = _held_elsewhere(changed, reports, current)
    for item in changed:
        where: dict[str, Any] = {"row": item.row, "column": item.column, "value": str(item.value)}
        report = reports[item.unit.pk]
        existing = current.get(_key(item))
        if report.status not in EDITABLE:
            msg = _(
                "Báo cáo kỳ %(p)s của %(unit)s đang ở trạng thái “%(s)s”, không sửa được; "
                "cần cụm trưởng trả lại hoặc mở lại báo cáo."
            )
            fmt = {"p": report.period, "unit": item.unit, "s": report.get_status_display()}
            issues.append(Issue(msg % fmt, **where))
        elif existing is not None and existing.report_id in held:
            msg = _(
                "%(ind)s kỳ %(vp)s của %(unit)s thuộc báo cáo kỳ %(p)s đang ở trạng thái "
                "“%(s)s”, không sửa được; cần cụm trưởng trả lại hoặc mở lại báo cáo đó."
            )
            other = held[existing.report_id]
            fmt = {"ind": item.indicator.name_vi, "vp": item.period, "unit": item.unit}
            fmt |= {"p": other.period, "s": other.get_status_display()}
            issues.append(Issue(msg % fmt, **where))
    return issues


def _held_elsewhere(
    changed: list[ValueInput], reports: dict[int, Report], current: dict[tuple, Value]
) -> dict[int, Report]:
    """The other reports holding values about to change, locked, if they are not editable.

    Locked so that the head cannot accept one of them between this check and the write.
    """
    ids = {
        current[_key(i)].report_id
        for i in changed
        if _key(i) in current and current[_key(i)].report_id != reports[i.unit.pk].pk
    }
    if not ids:
        return {}
    found = Report.objects.select_for_update().filter(pk__in=ids).exclude(status__in=EDITABLE)
    return {r.pk: r for r in found}


def _check_reports(
    actor: Actor,
    cluster: Cluster,
    period: str,
    changed: list[ValueInput],
    reports: dict[int, Report],
    current: dict[tuple, Value],
    reason: str,
) -> list[Issue]:
    issues: list[Issue] = []
    window = ReportingWindow.objects.filter(cluster=cluster, period=period).first()
    extensions = extensions_of(window)
    today = timezone.localdate()
    for item in changed:
        report = reports[item.unit.pk]
        where: dict[str, Any] = {"row": item.row, "column": item.column, "value": str(item.value)}
        expected = value_period(item.indicator, period)
        if item.period != expected:
            msg = _(
                "Kỳ %(given)s không thuộc kỳ báo cáo %(period)s: %(name)s của kỳ này ghi kỳ "
                "%(expected)s."
            )
            fmt = {"given": item.period, "period": period, "name": item.indicator.name_vi}
            issues.append(Issue(msg % (fmt | {"expected": expected}), **where))
        elif not entry_open(actor, report, window, today, extensions.get(item.unit.pk)):
            issues.append(Issue(_closed_message(window, item.unit), **where))
        elif _was_accepted(report, current.get(_key(item))) and not reason.strip():
            msg = _("Số liệu của %(unit)s đã từng được tiếp nhận: cần ghi lý do sửa số liệu.")
            issues.append(Issue(msg % {"unit": item.unit}, **where))
    return issues


def _was_accepted(report: Report, existing: Value | None) -> bool:
    """A value accepted once (in this report, or in another period's report) needs a reason."""
    if report.accepted_at:
        return True
    return existing is not None and existing.report.accepted_at is not None


def _closed_message(window: ReportingWindow | None, unit: Unit) -> str:
    if window is None:
        return _("Kỳ báo cáo chưa được cụm trưởng mở; chưa nhập được số liệu cho %(unit)s.") % {
            "unit": unit
        }
    return _("Đã quá ngày khóa nhập liệu (%(d)s); cần cụm trưởng cho phép nhập bổ sung.") % {
        "d": window.entry_closes.strftime("%d/%m/%Y")
    }


def _warnings(changed: list[ValueInput]) -> dict[tuple, list[Issue]]:
    candidates = [Candidate(i.unit.pk, i.indicator, i.period, i.value) for i in changed]
    add_warnings(candidates)
    result = {}
    for item, cand in zip(changed, candidates, strict=True):
        if cand.warnings:
            result[_key(item)] = [
                Issue(w, row=item.row, column=item.column, value=str(item.value))
                for w in cand.warnings
            ]
    return result


def _store(
    actor: Actor,
    changed: list[ValueInput],
    current: dict[tuple, Value],
    reports: dict[int, Report],
    warnings: dict[tuple, list[Issue]],
    via: str,
    reason: str,
) -> None:
    old = [current[_key(i)] for i in changed if _key(i) in current]
    if old:
        Value.objects.filter(pk__in=[v.pk for v in old]).update(is_current=False)
    user = user_or_none(actor)
    new = [
        Value(
            unit=i.unit,
            indicator=i.indicator,
            period=i.period,
            value=i.value,
            report=reports[i.unit.pk],
            version=(current[_key(i)].version + 1) if _key(i) in current else 1,
            note=i.note or (current[_key(i)].note if _key(i) in current else ""),
            justification=i.justification
            or (current[_key(i)].justification if _key(i) in current else ""),
            warnings=[w.message for w in warnings.get(_key(i), [])],
            reason=reason,
            source=i.source,
            illustrative=i.illustrative,
            entered_by=user,
            entered_via=via,
        )
        for i in changed
    ]
    Value.objects.bulk_create(new, batch_size=200)
    touched = {reports[i.unit.pk].pk for i in changed if reports[i.unit.pk].accepted_at}
    touched |= {v.report_id for v in old if v.report.accepted_at}
    if touched:
        Report.objects.filter(pk__in=touched).update(changed_since_acceptance=True)
    record_many(
        actor,
        [
            Change(
                audit_actions.VALUE_CHANGED if _key(i) in current else audit_actions.VALUE_CREATED,
                reports[i.unit.pk],
                {"indicator": i.indicator.code, "period": i.period, "value": current[_key(i)].value}
                if _key(i) in current
                else None,
                {
                    "indicator": i.indicator.code,
                    "period": i.period,
                    "value": i.value,
                    "unit": i.unit.code,
                },
                reason,
            )
            for i in changed
        ],
        via=via,
    )


R = ReportStatus
UNIT, HEAD = "unit", "head"
# A report's life cycle: draft/returned ─submit─► submitted ─accept─► accepted ─reopen─► returned;
# submitted ─return─► returned. The unit's officers submit; whoever runs the cluster the rest.
TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(EDITABLE, R.SUBMITTED, audit_actions.REPORT_SUBMITTED, UNIT),
    "accept": Transition((R.SUBMITTED,), R.ACCEPTED, audit_actions.REPORT_ACCEPTED, HEAD),
    "return": Transition((R.SUBMITTED,), R.RETURNED, audit_actions.REPORT_RETURNED, HEAD),
    "reopen": Transition((R.ACCEPTED,), R.RETURNED, audit_actions.REPORT_REOPENED, HEAD),
}


def may_take(actor: Actor, report: Report, name: str) -> bool:
    """Whether `actor` takes step `name` of the report (whatever its status now)."""
    if TRANSITIONS[name].who == UNIT:
        return perms.can_enter_for_unit(actor, report.unit_id, report.cluster_id, report.year)
    return perms.can_run_cluster(actor, report.cluster_id, report.year)


def available_transitions(actor: Actor, report: Report) -> list[str]:
    return [
        name
        for name, t in TRANSITIONS.items()
        if t.starts_from(report.status) and may_take(actor, report, name)
    ]


def _transition(actor: Actor, report: Report, name: str, via: str, **fields: Any) -> Report:
    t = TRANSITIONS[name]
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if not t.starts_from(report.status):
            raise Conflict(
                [
                    Issue(
                        _("Không thể thực hiện: báo cáo đang ở trạng thái “%(s)s”.")
                        % {"s": report.get_status_display()}
                    )
                ]
            )
        before = {"status": report.status}
        report.status = t.target
        for field_name, value in fields.items():
            setattr(report, field_name, value)
        report.save()
        after = {"status": t.target} | {
            k: v
            for k, v in fields.items()
            if k in ("head_comment", "is_late", "entry_exception_until")
        }
        record(actor, t.action, report, before, after, fields.get("head_comment", ""), via=via)
    return report


def submit_report(actor: Actor, report: Report, *, via: str = "web") -> Report:
    perms.require(may_take(actor, report, "submit"))
    values = list(report.values.filter(is_current=True).select_related("indicator"))
    if not values:
        raise ValidationFailed([Issue(_("Báo cáo chưa có số liệu nào."))])
    unjustified = [v for v in values if v.warnings and not v.justification.strip()]
    if unjustified:
        raise ValidationFailed(
            [
                Issue(
                    _("%(ind)s: cần giải trình trước khi gửi (%(w)s)")
                    % {"ind": v.indicator.name_vi, "w": "; ".join(v.warnings)},
                    column=v.indicator.code,
                    value=str(v.value),
                )
                for v in unjustified
            ]
        )
    window = ReportingWindow.objects.filter(
        cluster_id=report.cluster_id, period=report.period
    ).first()
    now = timezone.now()
    extension = extensions_of(window).get(report.unit_id)
    late = window is not None and timezone.localdate(now) > unit_deadline(window, extension)
    return _transition(
        actor,
        report,
        "submit",
        via,
        submitted_at=now,
        submitted_by=user_or_none(actor),
        is_late=late,
    )


def accept_report(actor: Actor, report: Report, *, via: str = "web") -> Report:
    perms.require(may_take(actor, report, "accept"))
    with transaction.atomic():
        report = _accept(actor, report, via)
        report_notices.report_accepted(report)
    return report


def _accept(actor: Actor, report: Report, via: str) -> Report:
    return _transition(
        actor,
        report,
        "accept",
        via,
        accepted_at=timezone.now(),
        accepted_by=user_or_none(actor),
        changed_since_acceptance=False,
    )


def return_report(actor: Actor, report: Report, comment: str, *, via: str = "web") -> Report:
    perms.require(may_take(actor, report, "return"))
    if not comment.strip():
        raise ValidationFailed([Issue(_("Cần ghi ý kiến khi trả lại báo cáo."), column="comment")])
    with transaction.atomic():
        report = _transition(actor, report, "return", via, head_comment=comment.strip())
        report_notices.report_returned(report)
    return report


def reopen_report(actor: Actor, report: Report, reason: str, *, via: str = "web") -> Report:
    perms.require(may_take(actor, report, "reopen"))
    if not reason.strip():
        raise ValidationFailed([Issue(_("Cần ghi lý do mở lại báo cáo."), column="reason")])
    with transaction.atomic():
        report = _transition(actor, report, "reopen", via, head_comment=reason.strip())
        report_notices.report_returned(report, reopened=True)
    return report


def grant_entry_exception(actor: Actor, report: Report, until: date, *, via: str = "web") -> Report:
    perms.require(perms.can_run_cluster(actor, report.cluster_id, report.year))
    with transaction.atomic():
        before = {"entry_exception_until": report.entry_exception_until}
        report.entry_exception_until = until
        report.save(update_fields=["entry_exception_until", "updated_at"])
        record(
            actor,
            audit_actions.REPORT_EXCEPTION_GRANTED,
            report,
            before,
            {"entry_exception_until": until},
            via=via,
        )
    return report
