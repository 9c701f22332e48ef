"""The demo: two real 2019 clusters, the south-western cluster's mid-year values, one user per role.

Loading is idempotent: a second run finds everything in place and writes nothing new.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from thidua.accounts.models import Role, RoleAssignment
from thidua.accounts.permissions import SYSTEM
from thidua.awards.catalogue import load_catalogue as load_award_catalogue
from thidua.awards.demo import load_registry_demo
from thidua.common.text import name_key
from thidua.covenants.models import Covenant, Movement, Target
from thidua.indicators import services
from thidua.indicators.catalogue import load_catalogue
from thidua.indicators.models import Indicator, Report, ReportingWindow, ReportStatus
from thidua.orgs.models import Cluster, ClusterKind, Membership, Organiser, ReviewMeeting
from thidua.orgs.reference import (
    load_departments,
    load_lineage,
    load_provinces,
    read_csv,
    unit_on,
)
from thidua.reports.loading import load_narrative_templates
from thidua.scoring.demo import load_demo_scoring

DEMO_PASSWORD = "thidua-demo-2019"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    unit_code: str | None
    cluster_code: str | None
    description: str


DEMO_USERS = [
    DemoUser("admin", "superuser", None, None, "Quản trị hệ thống (Django admin)"),
    DemoUser("bantw", Role.BOARD, None, None, "Ban Thi đua – Khen thưởng Trung ương"),
    DemoUser("camau", Role.SECRETARIAT, "96", None, "Thư ký cụm trưởng TNB 2019 (Cà Mau)"),
    DemoUser("longan", Role.OFFICER, "80", None, "Cán bộ thi đua tỉnh Long An"),
    DemoUser("kiengiang", Role.OFFICER, "91", None, "Cán bộ thi đua tỉnh Kiên Giang"),
    DemoUser("hanoi", Role.OFFICER, "01", None, "Cán bộ thi đua thành phố Hà Nội (cụm TP5)"),
    DemoUser("hoidong", Role.COUNCIL, None, "TNB", "Thành viên hội đồng cụm TNB"),
    DemoUser("xem", Role.VIEWER, None, "TNB", "Người xem số liệu cụm TNB"),
]

_MEETINGS = [
    ("TNB", "2019H1", "91", date(2019, 8, 6), "Rạch Giá, Kiên Giang", "the review article"),
    ("TP5", "2019H1", "01", date(2019, 7, 29), "Hà Nội", "the review article"),
]
# What the review article reports of the TNB meeting; number, signer and recipients are
# illustrative (marked so in `note`).
_TNB_2019H1_RECORD = {
    "place_name": "Rạch Giá",
    "attendees": (
        "Phó Chủ tịch Thường trực Hội đồng Thi đua – Khen thưởng Trung ương, Trưởng ban Thi đua – "
        "Khen thưởng Trung ương, Thứ trưởng Bộ Nội vụ Trần Thị Hà; đại diện lãnh đạo 12 tỉnh "
        "thuộc Cụm thi đua các tỉnh Tây Nam Bộ."
    ),
    "tasks": "\n".join(
        [
            "Tiếp tục quán triệt và thực hiện tốt Luật Thi đua, khen thưởng.",
            "Phát động thi đua thực hiện thắng lợi nhiệm vụ phát triển kinh tế – xã hội năm 2019 "
            "và Kế hoạch 5 năm (2016 – 2020).",
            "Đẩy mạnh thông tin, tuyên truyền, nhân rộng các gương điển hình tiên tiến, "
            "mô hình mới.",
            "Hoàn tất hồ sơ khen thưởng tồn đọng cho đối tượng có công trong kháng chiến.",
            "Kiện toàn tổ chức bộ máy Hội đồng Thi đua – Khen thưởng các tỉnh.",
        ]
    ),
    "document_number": "01/BC-CTĐTNB",
    "signer_title": "TM. CỤM THI ĐUA CÁC TỈNH TÂY NAM BỘ\nCỤM PHÓ",
    "signer_name": "(minh họa)",
    "recipients": "\n".join(
        [
            "Ban Thi đua – Khen thưởng Trung ương",
            "Các tỉnh trong Cụm thi đua",
            "Lưu: VT",
        ]
    ),
    "note": "the review article; number, signer and recipients are illustrative",
}
_DAY_2019 = date(2019, 7, 1)


def load_reference() -> None:
    load_provinces()
    load_lineage()
    load_departments()
    load_catalogue(read_csv("indicators.csv"), read_csv("plausibility_rules.csv"))
    load_narrative_templates()
    load_award_catalogue()
    for row in read_csv("movements.csv"):
        Movement.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "launched_by": row["launched_by"],
                "legal_basis": row["legal_basis"],
            },
        )


@transaction.atomic
def load_demo(today: date | None = None) -> None:
    today = today or timezone.localdate()
    load_reference()
    clusters = _load_clusters()
    _load_covenants(clusters)
    _open_windows(clusters, today)
    _load_values(clusters["TNB"])
    load_demo_scoring()
    _load_users()
    _load_member_officers()
    load_registry_demo(today)


def _load_clusters() -> dict[str, Cluster]:
    clusters: dict[str, Cluster] = {}
    for row in read_csv("demo_clusters_2019.csv"):
        code = row["cluster_code"]
        if code not in clusters:
            clusters[code], _ = Cluster.objects.update_or_create(
                code=code,
                defaults={
                    "name": row["cluster_name"],
                    "kind": ClusterKind.CUM,
                    "organiser": Organiser.CENTRAL,
                },
            )
        Membership.objects.update_or_create(
            cluster=clusters[code],
            year=int(row["year"]),
            unit=unit_on(row["unit_code"], _DAY_2019),
            defaults={"role": row["role"], "note": row["note"]},
        )
    for code, period, host, held_on, place, note in _MEETINGS:
        ReviewMeeting.objects.update_or_create(
            cluster=clusters[code],
            period=period,
            defaults={
                "host": unit_on(host, _DAY_2019),
                "held_on": held_on,
                "place": place,
                "note": note,
            }
            | (_TNB_2019H1_RECORD if (code, period) == ("TNB", "2019H1") else {}),
        )
    return clusters


def _load_covenants(clusters: dict[str, Cluster]) -> None:
    movements = list(Movement.objects.all())
    for cluster in clusters.values():
        covenant, _ = Covenant.objects.update_or_create(
            cluster=cluster,
            year=2019,
            defaults={"note": "Minh họa: ngày và nơi ký chưa có nguồn công bố."},
        )
        covenant.movements.set(movements)
    Target.objects.update_or_create(
        covenant=Covenant.objects.get(cluster=clusters["TNB"], year=2019),
        indicator=Indicator.objects.get(code="budget_plan_pct"),
        period="2019H1",
        unit=None,
        defaults={
            "comparator": "gte",
            "value": Decimal("55"),
            "description": "Thu ngân sách 6 tháng đầu năm đạt từ 55% dự toán năm trở lên",
        },
    )


def _open_windows(clusters: dict[str, Cluster], today: date) -> None:
    # The 2019 mid-year window as it was; the year-end and TP5 windows are opened relative to
    # the day the demo is loaded so that a visitor can try entering and submitting data.
    windows = [
        (clusters["TNB"], "2019H1", date(2019, 7, 20), date(2019, 7, 31)),
        (clusters["TNB"], "2019", today + timedelta(days=14), today + timedelta(days=30)),
        (clusters["TP5"], "2019H1", today + timedelta(days=14), today + timedelta(days=30)),
    ]
    for cluster, period, deadline, closes in windows:
        ReportingWindow.objects.update_or_create(
            cluster=cluster, period=period, defaults={"deadline": deadline, "entry_closes": closes}
        )


def _load_values(cluster: Cluster) -> None:
    indicators = {i.code: i for i in Indicator.objects.all()}
    inputs = []
    for row in read_csv("demo_tay_nam_bo_2019h1.csv"):
        inputs.append(
            services.ValueInput(
                unit=unit_on(row["unit_code"], _DAY_2019),
                indicator=indicators[row["indicator"]],
                period=row["period"],
                value=Decimal(row["value"]),
                source=row["source"],
                illustrative=row["source"].startswith("illustrative"),
            )
        )
    pending = Report.objects.filter(cluster=cluster, period="2019H1").exclude(
        status=ReportStatus.ACCEPTED
    )
    if pending.exists() or not Report.objects.filter(cluster=cluster, period="2019H1").exists():
        services.write_values(SYSTEM, cluster, "2019H1", inputs, via="demo")
    for report in Report.objects.filter(cluster=cluster, period="2019H1"):
        illustrative = report.values.filter(is_current=True, illustrative=True).exists()
        if report.illustrative != illustrative:
            Report.objects.filter(pk=report.pk).update(illustrative=illustrative)
        if report.status in services.EDITABLE:
            report = services.submit_report(SYSTEM, report, via="demo")
        if report.status == ReportStatus.SUBMITTED:
            services.accept_report(SYSTEM, report, via="demo")
    # The reports were sent and accepted in 2019, before the deadline: the loader runs today,
    # so it sets the historical dates the services could not know.
    Report.objects.filter(cluster=cluster, period="2019H1").update(
        submitted_at=_at(date(2019, 7, 18)), accepted_at=_at(date(2019, 7, 25)), is_late=False
    )


def _at(day: date):
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _load_users() -> None:
    User = get_user_model()
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(username=demo.username)
        user.first_name = demo.description
        user.is_staff = demo.role == "superuser"
        user.is_superuser = demo.role == "superuser"
        if created or not _is_demo_password(user.password):
            user.password = demo_password_hash()
        user.save()
        if demo.role == "superuser":
            continue
        RoleAssignment.objects.get_or_create(
            user=user,
            role=demo.role,
            unit=unit_on(demo.unit_code, _DAY_2019) if demo.unit_code else None,
            cluster=Cluster.objects.get(code=demo.cluster_code) if demo.cluster_code else None,
        )


def _load_member_officers() -> None:
    """An officer account for every TNB member, so a ballot has its electorate of 12."""
    User = get_user_model()
    for m in Membership.objects.filter(cluster__code="TNB", year=2019).select_related("unit"):
        username = member_username(m.unit.name)
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.first_name = f"Cán bộ thi đua tỉnh {m.unit.name}"
            user.password = demo_password_hash()
            user.save()
        RoleAssignment.objects.get_or_create(
            user=user, role=Role.OFFICER, unit=m.unit, cluster=None
        )


@functools.cache
def demo_password_hash() -> str:
    """One hash for every demo account: the password is printed on screen anyway, and hashing
    it once per account (PBKDF2, a million rounds) took most of the demo's loading time."""
    return make_password(DEMO_PASSWORD)


@functools.cache
def _is_demo_password(encoded: str) -> bool:
    return check_password(DEMO_PASSWORD, encoded)


def member_username(name: str) -> str:
    return name_key(name).replace(" ", "")


def login_lines() -> list[str]:
    lines = [f"  {'tài khoản':<11} {'mật khẩu':<18} vai trò"]
    for demo in DEMO_USERS:
        lines.append(f"  {demo.username:<11} {DEMO_PASSWORD:<18} {demo.description}")
    others = Membership.objects.filter(cluster__code="TNB", year=2019).select_related("unit")
    names = sorted(member_username(m.unit.name) for m in others)
    lines.append("  Cán bộ thi đua của từng tỉnh cụm TNB (cùng mật khẩu): " + ", ".join(names))
    return lines
