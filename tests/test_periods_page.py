"""The periods page (issue 21): open a period, set its deadline and lock date, extend one
member's deadline in working days over Vietnamese holidays; who may, and what is kept."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from thidua.accounts.models import AuditEntry, Role, RoleAssignment
from thidua.common.errors import ValidationFailed
from thidua.indicators import services, windows
from thidua.indicators.models import Extension, Report, ReportingWindow
from thidua.indicators.services import ValueInput
from thidua.notices.models import Notice
from thidua.orgs.models import Membership

TET_EVE = date(2026, 2, 13)  # the Friday before Tết Bính Ngọ (16–20 February 2026 off)


@pytest.fixture
def tp5_head(tp5):
    """The head's secretariat of another cluster (TP5)."""
    user = get_user_model().objects.create(username="thuky_tp5", email="tp5@demo.thidua.vn")
    RoleAssignment.objects.create(user=user, role=Role.SECRETARIAT, cluster=tp5)
    return user


@pytest.fixture
def window_2025(tnb, unit, users):
    """TNB's 2025 second half, due the day before Tết; Long An a member that year."""
    Membership.objects.create(cluster=tnb, year=2025, unit=unit("80"), role="member")
    return windows.open_window(users["bantw"], tnb, "2025H2", TET_EVE, date(2026, 2, 27))


def test_the_demo_2019_report_falls_due_in_its_own_time(as_user, tnb):
    """The bug: the demo gave the 2019 year-end report a deadline "today + 14 days" (2026)."""
    window = ReportingWindow.objects.get(cluster=tnb, period="2019")
    assert (window.deadline, window.entry_closes) == (date(2020, 1, 15), date(2020, 1, 31))
    html = as_user("longan").get("/").content.decode()
    assert "15/01/2020" in html and "gia hạn đến" in html  # the demo's extension, as one


def test_the_head_and_the_board_see_the_periods_page(as_user):
    for name in ("camau", "bantw"):
        html = as_user(name).get("/clusters/TNB/2019/periods/").content.decode()
        assert "Kỳ báo cáo và hạn nộp" in html and "15/01/2020" in html and "Long An" in html
    assert "/clusters/TNB/2019/periods/" in as_user("camau").get("/clusters/TNB/").content.decode()


def test_another_clusters_head_cannot_touch_this_clusters_periods(client, tp5_head, tnb, unit):
    client.force_login(tp5_head)
    window = ReportingWindow.objects.get(cluster=tnb, period="2019")
    before = (window.deadline, Extension.objects.count(), AuditEntry.objects.count())
    assert client.get("/clusters/TNB/2019/periods/").status_code == 403
    body = {"period": "2019", "deadline": "10/01/2020", "entry_closes": "20/01/2020"}
    assert client.post("/clusters/TNB/2019/periods/", body).status_code == 403
    extend = {f"w{window.pk}-unit": unit("80").pk, f"w{window.pk}-working_days": "3"}
    assert client.post("/clusters/TNB/2019/periods/2019/extend/", extend).status_code == 403
    with pytest.raises(PermissionDenied):
        windows.extend_deadline(tp5_head, window, unit("80"), working_days=3)
    window.refresh_from_db()
    assert (window.deadline, Extension.objects.count(), AuditEntry.objects.count()) == before
    assert client.get("/clusters/TP5/2019/periods/").status_code == 200  # its own cluster


def test_an_officer_may_not_open_or_extend(as_user, tnb, users, unit):
    assert as_user("longan").get("/clusters/TNB/2019/periods/").status_code == 403
    with pytest.raises(PermissionDenied):
        windows.open_window(users["longan"], tnb, "2019Q4", date(2020, 1, 10), date(2020, 1, 20))


def test_the_head_opens_a_period_and_changes_its_dates_audited(as_user, tnb):
    client = as_user("camau")
    body = {"period": "2019q4", "deadline": "10/01/2020", "entry_closes": "20/01/2020"}
    assert client.post("/clusters/TNB/2019/periods/", body).status_code == 302
    window = ReportingWindow.objects.get(cluster=tnb, period="2019Q4")
    assert (window.deadline, window.entry_closes) == (date(2020, 1, 10), date(2020, 1, 20))
    client.post("/clusters/TNB/2019/periods/", body | {"deadline": "13/01/2020"})
    entry = AuditEntry.objects.filter(action="indicators.window.changed").latest("id")
    assert entry.actor_name == "camau" and entry.before["deadline"] == "2020-01-10"


@pytest.mark.parametrize(
    ("deadline", "closes", "message"),
    [
        ("18/12/2026", "31/12/2026", "Hạn nộp 18/12/2026 không hợp với Năm 2019"),
        ("15/01/2020", "10/01/2020", "Ngày khóa nhập liệu phải sau"),
        ("15/01/2020", "31/02/2020", "Nhập một ngày hợp lệ"),
    ],
)
def test_a_wrong_date_is_told_and_nothing_changes(as_user, tnb, deadline, closes, message):
    before = AuditEntry.objects.count()
    body = {"period": "2019", "deadline": deadline, "entry_closes": closes}
    response = as_user("camau").post("/clusters/TNB/2019/periods/", body)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ReportingWindow.objects.get(cluster=tnb, period="2019").deadline == date(2020, 1, 15)
    assert AuditEntry.objects.count() == before


def test_an_extension_in_working_days_skips_tet(as_user, users, window_2025, unit):
    client = as_user("bantw")
    prefix = f"w{window_2025.pk}"
    body = {
        f"{prefix}-unit": unit("80").pk,
        f"{prefix}-working_days": "5",
        f"{prefix}-reason": "Lũ",
    }
    response = client.post("/clusters/TNB/2025/periods/2025H2/extend/", body)
    assert response.status_code == 302
    extension = Extension.objects.get(window=window_2025, unit=unit("80"))
    # Five working days after Friday 13 February: the Tết week is off, so Friday 27 February.
    assert extension.deadline == date(2026, 2, 27)
    entry = AuditEntry.objects.get(action="indicators.window.extended")
    assert entry.after == {"unit": "80", "period": "2025H2", "deadline": "2026-02-27"}
    assert entry.reason == "Lũ"
    notice = Notice.objects.get(user=users["longan"], kind="deadline_extended")
    assert "27/02/2026" in notice.subject and "Lũ" in notice.body
    html = client.get("/clusters/TNB/2025/periods/").content.decode()
    assert "27/02/2026" in html


def test_an_extension_is_a_later_date_and_only_for_a_member(users, window_2025, unit):
    with pytest.raises(ValidationFailed, match="phải sau hạn nộp"):
        windows.extend_deadline(users["bantw"], window_2025, unit("80"), until=TET_EVE)
    with pytest.raises(ValidationFailed, match="không là thành viên"):
        windows.extend_deadline(users["bantw"], window_2025, unit("91"), working_days=2)
    with pytest.raises(ValidationFailed, match="từ 1 đến 60"):
        windows.extend_deadline(users["bantw"], window_2025, unit("80"), working_days=0)
    assert not Extension.objects.filter(window=window_2025).exists()


def test_an_extension_keeps_entry_open_and_the_report_on_time(users, tnb, indicators, unit):
    window = ReportingWindow.objects.get(cluster=tnb, period="2019")
    today = timezone.localdate()
    assert window.entry_closes < today  # 31/01/2020: only the demo's extension keeps it open
    item = ValueInput(unit("80"), indicators["grdp_growth"], "2019", Decimal("7.1"))
    services.write_values(users["longan"], tnb, "2019", [item])
    report = services.submit_report(
        users["longan"], Report.objects.get(unit=unit("80"), period="2019")
    )
    assert not report.is_late
    Extension.objects.filter(window=window, unit=unit("91")).update(deadline=today - timedelta(1))
    item = ValueInput(unit("91"), indicators["grdp_growth"], "2019", Decimal("6.0"))
    with pytest.raises(ValidationFailed, match="ngày khóa nhập liệu"):
        services.write_values(users["kiengiang"], tnb, "2019", [item])


def test_the_worklist_counts_a_member_late_only_after_its_own_deadline(users, tnb, unit):
    from thidua.indicators.selectors import worklist

    window = ReportingWindow.objects.get(cluster=tnb, period="2019")
    Extension.objects.filter(window=window, unit=unit("91")).delete()
    rows = {r.unit.code: r for r in worklist(tnb, "2019")}
    assert rows["80"].extended and not rows["80"].is_late
    assert rows["91"].deadline == date(2020, 1, 15) and rows["91"].is_late
