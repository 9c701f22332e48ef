"""The report life cycle through the service layer: who may do what, and what is kept."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from thidua.accounts.audit import verify_chain
from thidua.accounts.models import AuditEntry
from thidua.common.errors import Conflict, ValidationFailed
from thidua.indicators import services, visibility
from thidua.indicators.models import Extension, Report, ReportingWindow, ReportStatus, Value
from thidua.indicators.services import ValueInput

P = "2019"  # the demo extends TNB's year-end window for every member to two weeks from today


@pytest.fixture
def enter(tnb, indicators, unit):
    def enter(actor, code, indicator, value, **kw):
        reason = kw.pop("reason", "")
        item = ValueInput(unit(code), indicators[indicator], P, Decimal(value), **kw)
        return services.write_values(actor, tnb, P, [item], reason=reason)

    return enter


def report_of(tnb, unit, code, period=P):
    return Report.objects.get(cluster=tnb, unit=unit(code), period=period)


def test_an_officer_writes_its_own_unit(users, enter, tnb, unit):
    result = enter(users["longan"], "80", "grdp_growth", "7.5")
    assert result.written == 1
    assert report_of(tnb, unit, "80").values.get().value == Decimal("7.5")


def test_an_officer_may_not_write_another_unit_and_nothing_is_written(users, enter):
    before = Value.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationFailed, match="không có quyền"):
        enter(users["longan"], "91", "grdp_growth", "7.5")
    assert (Value.objects.count(), AuditEntry.objects.count()) == before


def test_an_officer_outside_the_cluster_may_not_write_it(users, enter):
    with pytest.raises(ValidationFailed, match="không có quyền"):
        enter(users["hanoi"], "80", "grdp_growth", "7.5")


def test_the_head_secretariat_may_enter_for_a_member(users, enter):
    assert enter(users["camau"], "91", "grdp_growth", "6.1").written == 1


def test_a_viewer_may_not_write(users, enter):
    with pytest.raises(ValidationFailed, match="không có quyền"):
        enter(users["xem"], "80", "grdp_growth", "7.5")


@pytest.mark.parametrize(
    ("indicator", "value", "message"),
    [
        ("hs_graduation_rate", "101", "không được lớn hơn 100"),
        ("budget_revenue", "-5", "không được âm"),
        ("budget_plan_pct", "60", "chỉ tiêu tính toán"),
    ],
)
def test_impossible_values_are_rejected_in_vietnamese(users, enter, indicator, value, message):
    before = Value.objects.count()
    with pytest.raises(ValidationFailed, match=message):
        enter(users["longan"], "80", indicator, value)
    assert Value.objects.count() == before


def test_a_batch_with_one_bad_value_writes_nothing(users, tnb, indicators, unit):
    items = [
        ValueInput(unit("80"), indicators["grdp_growth"], P, Decimal("7.5"), row=2),
        ValueInput(unit("80"), indicators["hs_graduation_rate"], P, Decimal("140"), row=3),
    ]
    with pytest.raises(ValidationFailed) as caught:
        services.write_values(users["camau"], tnb, P, items)
    assert [i.row for i in caught.value.issues] == [3]
    assert not Value.objects.filter(period=P, indicator__code="grdp_growth").exists()


def test_an_implausible_value_warns_and_needs_a_justification_to_submit(users, enter, tnb, unit):
    result = enter(users["longan"], "80", "grdp_growth", "35")
    assert "cao bất thường" in result.warnings[0].message
    report = report_of(tnb, unit, "80")
    with pytest.raises(ValidationFailed, match="giải trình"):
        services.submit_report(users["longan"], report)
    enter(users["longan"], "80", "grdp_growth", "35", justification="Nhà máy lọc dầu mới vận hành")
    assert services.submit_report(users["longan"], report).status == ReportStatus.SUBMITTED


def test_revenue_far_above_the_plan_stored_earlier_warns(users, enter):
    # Long An's 2019 plan (13 450 tỷ đồng) came with the accepted mid-year report.
    assert not enter(users["longan"], "80", "budget_revenue", "40000").warnings
    result = enter(users["longan"], "80", "budget_revenue", "40500")
    assert "vượt 300%" in result.warnings[0].message


def test_submit_accept_and_the_lock_after_acceptance(users, enter, tnb, unit):
    enter(users["longan"], "80", "grdp_growth", "7.5")
    report = services.submit_report(users["longan"], report_of(tnb, unit, "80"))
    assert report.submitted_at and not report.is_late
    with pytest.raises(PermissionDenied):
        services.accept_report(users["longan"], report)
    report = services.accept_report(users["camau"], report)
    assert report.status == ReportStatus.ACCEPTED
    with pytest.raises(ValidationFailed, match="không sửa được"):
        enter(users["longan"], "80", "grdp_growth", "7.6")


def test_return_needs_a_comment_that_the_officer_sees(users, enter, tnb, unit):
    enter(users["longan"], "80", "grdp_growth", "7.5")
    report = services.submit_report(users["longan"], report_of(tnb, unit, "80"))
    with pytest.raises(ValidationFailed, match="ý kiến"):
        services.return_report(users["camau"], report, "  ")
    report = services.return_report(users["camau"], report, "Kiểm tra lại số liệu GRDP")
    assert (report.status, report.head_comment) == (
        ReportStatus.RETURNED,
        "Kiểm tra lại số liệu GRDP",
    )
    assert enter(users["longan"], "80", "grdp_growth", "7.4").written == 1


def test_a_correction_after_acceptance_is_a_new_version_with_its_reason(
    users, tnb, indicators, unit
):
    report = report_of(tnb, unit, "80", "2019H1")
    with pytest.raises(ValidationFailed, match="lý do"):
        services.reopen_report(users["camau"], report, "")
    services.reopen_report(users["camau"], report, "Cục Thống kê điều chỉnh số liệu")
    item = ValueInput(unit("80"), indicators["grdp_growth"], "2019H1", Decimal("9.95"))
    with pytest.raises(ValidationFailed, match="lý do sửa"):
        services.write_values(users["camau"], tnb, "2019H1", [item])
    services.write_values(users["camau"], tnb, "2019H1", [item], reason="Số liệu chính thức")
    versions = Value.objects.filter(unit=unit("80"), indicator__code="grdp_growth", period="2019H1")
    assert [(v.version, v.value, v.is_current) for v in versions.order_by("version")] == [
        (1, Decimal("9.89"), False),
        (2, Decimal("9.95"), True),
    ]
    assert versions.get(is_current=True).reason == "Số liệu chính thức"
    assert Report.objects.get(pk=report.pk).changed_since_acceptance


def test_entry_closes_on_the_lock_date_unless_the_head_grants_an_exception(users, enter, tnb, unit):
    today = timezone.localdate()
    ReportingWindow.objects.filter(cluster=tnb, period=P).update(
        deadline=today - timedelta(days=10), entry_closes=today - timedelta(days=1)
    )
    Extension.objects.filter(window__cluster=tnb, window__period=P).delete()  # the demo's
    with pytest.raises(ValidationFailed, match="ngày khóa nhập liệu"):
        enter(users["longan"], "80", "grdp_growth", "7.5")
    report = Report.objects.create(cluster=tnb, unit=unit("80"), period=P)
    services.grant_entry_exception(users["camau"], report, today + timedelta(days=2))
    assert enter(users["longan"], "80", "grdp_growth", "7.5").written == 1
    report = services.submit_report(users["longan"], report)
    assert report.is_late


def test_a_yearly_value_accepted_in_the_mid_year_report_changes_only_once_reopened(
    users, enter, tnb, unit, indicators
):
    # Long An's 2019 plan came with its accepted mid-year report: the annual report may not
    # replace it, even with a reason, until the head reopens the mid-year report.
    with pytest.raises(Conflict, match="thuộc báo cáo kỳ 2019H1"):
        enter(users["longan"], "80", "budget_plan", "13500", reason="HĐND điều chỉnh dự toán")
    assert Value.objects.get(unit__code="80", indicator__code="budget_plan").version == 1
    mid_year = report_of(tnb, unit, "80", "2019H1")
    services.reopen_report(users["camau"], mid_year, "HĐND điều chỉnh dự toán")
    item = ValueInput(unit("80"), indicators["budget_plan"], "2019", Decimal("13500"))
    with pytest.raises(ValidationFailed, match="lý do sửa"):
        services.write_values(users["camau"], tnb, "2019H1", [item])
    services.write_values(users["camau"], tnb, "2019H1", [item], reason="HĐND điều chỉnh")
    assert Report.objects.get(pk=mid_year.pk).changed_since_acceptance


def test_an_accepted_report_refuses_every_change_until_the_head_reopens_it(
    users, tnb, indicators, unit
):
    # Issue 16, finding 4: Long An's annual report carried a value for 2019H1, replacing the
    # accepted mid-year figure.
    before = Value.objects.get(unit__code="80", indicator__code="grdp_growth", is_current=True)
    for report_period in ("2019", "2019H1"):
        item = ValueInput(unit("80"), indicators["grdp_growth"], "2019H1", Decimal("8.05"))
        with pytest.raises(Conflict, match="không sửa được"):
            services.write_values(users["longan"], tnb, report_period, [item], reason="x")
    after = Value.objects.get(unit__code="80", indicator__code="grdp_growth", is_current=True)
    assert (after.pk, after.value) == (before.pk, before.value)


def test_a_value_belongs_to_its_reports_period(users, tnb, indicators, unit):
    # A mid-year figure in the annual report, or an annual figure in a quarter's report, is
    # refused; a year's plan in a mid-year report is where the domain keeps it.
    mid_year = ValueInput(unit("80"), indicators["poverty_rate_reduction"], "2019H1", Decimal("2"))
    with pytest.raises(ValidationFailed, match="không thuộc kỳ báo cáo 2019"):
        services.write_values(users["camau"], tnb, "2019", [mid_year])
    assert not Value.objects.filter(unit__code="80", period="2019H1", version=2).exists()


def test_a_period_not_opened_takes_no_entries_from_officers(users, tnb, indicators, unit):
    item = ValueInput(unit("80"), indicators["grdp_growth"], "2019Q3", Decimal("7"))
    with pytest.raises(ValidationFailed, match="chưa được cụm trưởng mở"):
        services.write_values(users["longan"], tnb, "2019Q3", [item])


def test_peers_see_a_draft_only_once_it_is_submitted(users, enter, tnb, unit):
    enter(users["longan"], "80", "grdp_growth", "7.5")
    report = report_of(tnb, unit, "80")
    assert visibility.can_view_report_values(users["longan"], report)
    assert visibility.can_view_report_values(users["camau"], report)
    assert not visibility.can_view_report_values(users["kiengiang"], report)
    assert not visibility.can_view_report_values(users["hanoi"], report)
    services.submit_report(users["longan"], report)
    report.refresh_from_db()
    assert visibility.can_view_report_values(users["kiengiang"], report)
    assert visibility.can_view_report_values(users["bantw"], report)
    assert not visibility.can_view_report_values(users["hanoi"], report)


def test_every_write_is_audited_in_an_unbroken_chain(users, enter, tnb, unit):
    enter(users["longan"], "80", "grdp_growth", "7.5")
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.actor_name, entry.action, entry.after["value"]) == (
        "longan",
        "indicators.value.created",
        "7.5",
    )
    assert verify_chain() is None
    AuditEntry.objects.filter(pk=entry.pk).update(after={"value": "9.9"})
    assert verify_chain().pk == entry.pk


def test_writing_many_values_takes_a_constant_number_of_queries(users, tnb, indicators, unit):
    codes = ["80", "82", "83", "84", "86", "87", "89", "91", "93", "94", "95", "96"]

    def batch(n, value):
        return [
            ValueInput(unit(c), indicators["grdp_growth"], P, Decimal(value)) for c in codes[:n]
        ]

    small, large = batch(2, "7.1"), batch(12, "7.2")
    with CaptureQueriesContext(connection) as few:
        services.write_values(users["camau"], tnb, P, small)
    with CaptureQueriesContext(connection) as many:
        services.write_values(users["camau"], tnb, P, large)
    assert len(many) <= len(few) + 2
