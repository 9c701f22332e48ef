"""Which indicators a report must carry, and which of them a member left blank.

Required is what the cluster's data asks for in that report period: the indicators its current
scoring regulation scores on (a derived one needs the indicators of its formula) and those
pledged in its covenant. A cluster that states neither for the year expects every indicator of
the entry form. Submitting with a blank required indicator is allowed once the officer confirms
it (the entry page names them); it is never silent.
"""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.common.errors import Issue, ValidationFailed
from thidua.common.periods import parse_period
from thidua.covenants.models import Covenant, Target
from thidua.indicators import formula
from thidua.indicators.models import Indicator, Value
from thidua.indicators.services import TRANSITIONS, may_take
from thidua.indicators.validation import value_period
from thidua.scoring.models import Criterion, Regulation


def required_indicators(cluster, report_period: str) -> list[Indicator]:
    """The entered (not derived, active) indicators the report of `report_period` must carry."""
    period = parse_period(report_period)
    catalogue = {i.code: i for i in Indicator.objects.all()}
    entered = [i for i in catalogue.values() if i.active and not i.is_derived]
    regulation = (
        Regulation.objects.filter(cluster=cluster, year=period.year).order_by("-version").first()
    )
    has_covenant = Covenant.objects.filter(cluster=cluster, year=period.year).exists()
    if regulation is None and not has_covenant:
        return sorted(entered, key=_order)
    named = {
        code
        for code, at in Criterion.objects.filter(
            regulation=regulation, indicator__isnull=False
        ).values_list("indicator__code", "period")
        if (at or str(period.year)) == period.code
    }
    named |= set(
        Target.objects.filter(
            covenant__cluster=cluster, covenant__year=period.year, period=period.code
        ).values_list("indicator__code", flat=True)
    )
    codes = _inputs_of(named, catalogue)
    return sorted((i for i in entered if i.code in codes), key=_order)


def _inputs_of(codes: set[str], catalogue: dict[str, Indicator]) -> set[str]:
    """The codes themselves, a derived one replaced by the indicators its formula reads."""
    out: set[str] = set()
    todo = list(codes)
    while todo:
        code = todo.pop()
        ind = catalogue.get(code)
        if ind is None or code in out:
            continue
        out.add(code)
        if ind.is_derived:
            todo.extend(formula.referenced_codes(ind.formula))
    return out


def _order(indicator: Indicator) -> tuple:
    return (indicator.position, indicator.code)


def blank_required(cluster, report_period: str, unit_ids) -> dict[int, list[Indicator]]:
    """For each unit, the required indicators it has no current value for (one query)."""
    required = required_indicators(cluster, report_period)
    periods = {i.pk: value_period(i, report_period) for i in required}
    present = set(
        Value.objects.filter(
            unit_id__in=list(unit_ids),
            indicator__in=required,
            period__in=set(periods.values()),
            is_current=True,
        ).values_list("unit_id", "indicator_id", "period")
    )
    return {
        unit_id: [i for i in required if (unit_id, i.pk, periods[i.pk]) not in present]
        for unit_id in unit_ids
    }


def refuse_unconfirmed_blanks(actor, report, confirmed: bool, how: str) -> None:
    """Refuse a submit by the API or the command line that leaves a required indicator blank
    unless the caller confirmed it (`confirm_blank`): one issue per blank indicator, `column`
    its code. The web asks the same on the page before sending; `how` says how to confirm.
    Someone who may not submit is told that first, and a report that cannot be sent is left to
    the service's own refusal."""
    perms.require(may_take(actor, report, "submit"))
    if confirmed or report.status not in TRANSITIONS["submit"].sources:
        return
    blank = blank_required(report.cluster, report.period, [report.unit_id])[report.unit_id]
    lang = get_language() or "vi"
    issues = [
        Issue(
            _("Chỉ tiêu bắt buộc “%(name)s” còn trống: báo cáo chưa được gửi (%(how)s).")
            % {"name": i.display_name(lang), "how": how},
            column=i.code,
        )
        for i in blank
    ]
    if issues:
        raise ValidationFailed(issues)
