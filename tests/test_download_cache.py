"""The Office downloads built on request (issue 22): built once and reused until anything is
written, each reader's own copy where what they may see decides the rows, each language its own
file where the file is translated, and the access checks made before the cache is looked in.
The two-factor page's QR code is drawn once per pending device."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.utils import timezone
from openpyxl import load_workbook

from tests.ballot_keys import close_ballot, open_ballot
from thidua.accounts.permissions import SYSTEM
from thidua.awards import backlog
from thidua.awards.backlog import CaseInput, add_case, move_case
from thidua.ballots import services as ballots
from thidua.indicators import services as indicator_services
from thidua.indicators.models import Report
from thidua.indicators.services import ValueInput
from thidua.scoring import regulation_io
from thidua.scoring import services as scoring
from thidua.scoring.engine import current_regulation
from thidua.web import page_cache

pytestmark = pytest.mark.django_db

REVIEW_XLSX = "/clusters/TNB/2019/review.xlsx?live=1"
TEMPLATE = "/clusters/TNB/2019/template.xlsx"
SCORES = "/clusters/TNB/2019/scores.xlsx"
SCORING_MINUTES = "/clusters/TNB/2019/scores/minutes.docx"
REGULATION = "/clusters/TNB/2019/regulation.xlsx"
REGISTRY = "/awards/registry.xlsx"


@pytest.fixture
def builds(monkeypatch):
    """builds("module", "name") counts the calls of the builder a view calls by that name: what
    is tested is when the view builds, not how."""
    import importlib

    counts: dict[str, int] = {}

    def count(module: str, name: str) -> dict[str, int]:
        where = importlib.import_module(module)
        real = getattr(where, name)

        def counted(*args, **kwargs):
            counts[name] = counts.get(name, 0) + 1
            return real(*args, **kwargs)

        monkeypatch.setattr(where, name, counted)
        counts[name] = 0
        return counts

    return count


def login(users, name: str, language: str = "vi") -> Client:
    client = Client()
    client.force_login(users[name])
    client.cookies["django_language"] = language
    return client


def sheet_rows(content: bytes, title: str | None = None) -> list[tuple]:
    book = load_workbook(io.BytesIO(content))
    sheet = book[title] if title else book.active
    return list(sheet.iter_rows(values_only=True))


def twice(client: Client, path: str):
    first, again = client.get(path), client.get(path)
    assert first.status_code == again.status_code == 200, first.content[:500]
    return first, again


# The review workbook


@pytest.fixture
def accepted_value(users, tnb, indicators, unit):
    """Long An's GRDP growth for 2019, written, submitted and accepted through the services."""

    def write(value: str) -> None:
        item = ValueInput(unit("80"), indicators["grdp_growth"], "2019", Decimal(value))
        indicator_services.write_values(users["longan"], tnb, "2019", [item])
        report = Report.objects.get(cluster=tnb, unit=unit("80"), period="2019")
        indicator_services.submit_report(users["longan"], report)
        indicator_services.accept_report(users["camau"], Report.objects.get(pk=report.pk))

    return write


def _long_an_rows(content: bytes) -> list[tuple]:
    book = load_workbook(io.BytesIO(content))
    return [r for s in book.worksheets for r in s.iter_rows(values_only=True) if "Long An" in r]


def test_the_review_workbook_is_built_once_until_a_write(users, builds, accepted_value):
    made = builds("thidua.web.views.review", "review_workbook")
    client = login(users, "camau")
    first, again = twice(client, REVIEW_XLSX)
    assert again.content == first.content and made["review_workbook"] == 1
    assert again["Content-Disposition"] == 'attachment; filename="tong-hop-TNB-2019.xlsx"'
    assert again["Content-Type"] == first["Content-Type"]
    assert not any(7.5 in row for row in _long_an_rows(first.content))
    accepted_value("7.5")
    after = client.get(REVIEW_XLSX)
    assert made["review_workbook"] == 2
    assert any(7.5 in row for row in _long_an_rows(after.content))


def test_each_kind_of_review_workbook_is_its_own(users, builds):
    made = builds("thidua.web.views.review", "review_workbook")
    head = login(users, "camau")  # runs TNB: may ask for the submitted reports too
    head.get(REVIEW_XLSX)
    head.get("/clusters/TNB/2019/review.xlsx?submitted=1")
    head.get("/clusters/TNB/2019/review.xlsx")
    assert made["review_workbook"] == 3
    # A member asking for the submitted reports is given the accepted figures: already built.
    login(users, "longan").get("/clusters/TNB/2019/review.xlsx")
    assert made["review_workbook"] == 3


def test_a_stored_review_workbook_is_refused_to_an_outsider(users, builds):
    made = builds("thidua.web.views.review", "review_workbook")
    login(users, "camau").get(REVIEW_XLSX)
    assert login(users, "hanoi").get(REVIEW_XLSX).status_code == 403
    assert Client().get(REVIEW_XLSX).status_code == 302
    assert made["review_workbook"] == 1


# The entry template: a member's draft is its own


@pytest.fixture
def draft(users, tnb, indicators, unit):
    """Long An's GRDP growth for 2019 as a draft: seen by Long An and the head, not by others."""

    def write(value: str) -> None:
        item = ValueInput(unit("80"), indicators["grdp_growth"], "2019", Decimal(value))
        indicator_services.write_values(users["longan"], tnb, "2019", [item])

    return write


def _template_growth(content: bytes):
    rows = sheet_rows(content)
    column = rows[1].index("grdp_growth")
    return next(r[column] for r in rows[2:] if r[0] == "80")


def test_the_template_is_built_once_until_a_write(users, builds, draft):
    made = builds("thidua.web.views.excel", "write_template")
    client = login(users, "longan")
    first, again = twice(client, TEMPLATE)
    assert again.content == first.content and made["write_template"] == 1
    assert again["Content-Disposition"] == 'attachment; filename="mau-TNB-2019.xlsx"'
    assert _template_growth(first.content) is None
    draft("7.5")
    assert _template_growth(client.get(TEMPLATE).content) == 7.5
    assert made["write_template"] == 2


def test_each_member_gets_its_own_template(users, builds, draft):
    made = builds("thidua.web.views.excel", "write_template")
    draft("7.5")
    long_an = login(users, "longan").get(TEMPLATE)
    kien_giang = login(users, "kiengiang").get(TEMPLATE)
    assert made["write_template"] == 2
    assert _template_growth(long_an.content) == 7.5
    assert _template_growth(kien_giang.content) is None  # another member's draft
    # Each one's copy stays theirs when asked again.
    assert _template_growth(login(users, "kiengiang").get(TEMPLATE).content) is None
    assert made["write_template"] == 2


# Each language its own file where the file is translated


@pytest.mark.parametrize(
    ("path", "module", "name", "vi", "en"),
    [
        (REVIEW_XLSX, "thidua.web.views.review", "review_workbook", "Tổng hợp", "Review"),
        (TEMPLATE, "thidua.web.views.excel", "write_template", "Số liệu", "Figures"),
        (REGISTRY + "?q=nguyen", "thidua.web.views.registry", "registry_workbook", None, None),
    ],
)
def test_each_language_has_its_own_file(users, builds, path, module, name, vi, en):
    made = builds(module, name)
    in_vietnamese = login(users, "camau").get(path)
    login(users, "camau").get(path)
    in_english = login(users, "camau", "en").get(path)
    login(users, "camau", "en").get(path)
    assert made[name] == 2
    titles = load_workbook(io.BytesIO(in_vietnamese.content)).sheetnames
    english = load_workbook(io.BytesIO(in_english.content)).sheetnames
    assert titles != english
    if vi is not None:
        assert titles[0] == vi and english[0] == en


# The ranking workbook: who sees which scores


@pytest.fixture
def regulation(tnb):
    return current_regulation(tnb, 2019)


def _ranked(content: bytes) -> dict[str, tuple]:
    return {r[1]: r for r in sheet_rows(content)[1:]}


def test_the_ranking_workbook_is_each_readers_own_and_built_once(users, builds, regulation, unit):
    made = builds("thidua.web.views.scoring", "scores_xlsx")
    head = login(users, "camau")
    first, again = twice(head, SCORES)
    assert again.content == first.content and made["scores_xlsx"] == 1
    assert again["Content-Disposition"] == 'attachment; filename="xep-hang-TNB-2019.xlsx"'
    assert len(_ranked(first.content)) == 12
    member, member_again = twice(login(users, "longan"), SCORES)  # unpublished: its own row only
    assert list(_ranked(member.content)) == ["80"] and member_again.content == member.content
    assert made["scores_xlsx"] == 2
    b1 = regulation.criteria.get(code="B1")
    scoring.review_score(users["camau"], b1, unit("80"), Decimal("1"), "Thiếu biên bản")
    after = head.get(SCORES)
    assert made["scores_xlsx"] == 3
    assert _ranked(after.content)["80"][3] < _ranked(first.content)["80"][3]


def test_the_scoring_minutes_are_built_once_for_all_who_may_read_them(
    users, builds, regulation, unit
):
    made = builds("thidua.web.views.scoring", "scoring_minutes_docx")
    first, again = twice(login(users, "camau"), SCORING_MINUTES)
    assert again.content == first.content and made["scoring_minutes_docx"] == 1
    name = "bien-ban-cham-diem-TNB-2019.docx"
    assert again["Content-Disposition"] == f'attachment; filename="{name}"'
    assert login(users, "bantw").get(SCORING_MINUTES).content == first.content
    assert login(users, "longan").get(SCORING_MINUTES).status_code == 403  # not published
    assert made["scoring_minutes_docx"] == 1
    b1 = regulation.criteria.get(code="B1")
    scoring.review_score(users["camau"], b1, unit("80"), Decimal("1"), "Thiếu biên bản")
    assert login(users, "bantw").get(SCORING_MINUTES).content != first.content
    assert made["scoring_minutes_docx"] == 2


def test_the_regulation_workbook_is_built_once_until_a_new_version(users, regulation, monkeypatch):
    made = []
    real = regulation_io.export_xlsx
    monkeypatch.setattr(regulation_io, "export_xlsx", lambda r: made.append(r.pk) or real(r))
    client = login(users, "longan")
    first, again = twice(client, REGULATION)
    assert again.content == first.content and len(made) == 1
    data = regulation_io.to_dict(regulation) | {"name": "Quy định sửa đổi"}
    scoring.import_regulation(SYSTEM, data)
    after = client.get(REGULATION)
    assert len(made) == 2
    assert ("name", "Quy định sửa đổi") in sheet_rows(after.content, "Quy định")
    assert after["Content-Disposition"].endswith(f'-v{regulation.version + 1}.xlsx"')


# The ballot minutes

VOTES = {"longan": "80", "kiengiang": "80", "tiengiang": "80", "haugiang": "82"}


@pytest.fixture
def closed(users, tnb, unit):
    created = ballots.create_session(
        users["camau"],
        tnb,
        2019,
        "Đề nghị Cờ thi đua của Chính phủ năm 2019",
        timezone.now() + timedelta(days=1),
        candidates=[(unit("80"), 1), (unit("82"), 2)],
        award_code="CO_TD_CP",
    )
    session = open_ballot(users["camau"], created)
    ids = {c.unit.code: c.id for c in session.candidates.select_related("unit")}
    for name, code in VOTES.items():
        ballots.cast_vote(users[name], session, [ids[code]])
    close_ballot(users["camau"], session, reason="kết thúc sớm trong phép thử")
    session.refresh_from_db()
    return session


def test_the_ballot_minutes_are_built_once_for_all_who_may_read_them(
    users, builds, closed, accepted_value
):
    made = builds("thidua.web.views.ballots", "ballot_minutes_docx")
    path = f"/ballots/{closed.pk}/minutes.docx"
    first, again = twice(login(users, "camau"), path)
    assert again.content == first.content and made["ballot_minutes_docx"] == 1
    name = f"bien-ban-kiem-phieu-TNB-2019-{closed.pk}.docx"
    assert again["Content-Disposition"] == f'attachment; filename="{name}"'
    assert login(users, "bantw").get(path).content == first.content
    assert login(users, "hanoi").get(path).status_code == 403
    assert made["ballot_minutes_docx"] == 1
    accepted_value("7.5")  # any audited write: built anew
    login(users, "camau").get(path)
    assert made["ballot_minutes_docx"] == 2


# The backlog's cases: an officer's own units'


@pytest.fixture
def programme(users):
    return backlog.create_programme(
        users["bantw"],
        code="KC-TEST",
        name="Khen thưởng tồn đọng (kiểm thử)",
        award="HC_KC",
        legal_basis="Điều 96 Luật Thi đua, khen thưởng 06/2022/QH15",
    )


def case_input(unit, name: str) -> CaseInput:
    return CaseInput(
        full_name=name,
        birth_year=1940,
        unit=unit,
        war_period="chong_my",
        received_on=timezone.localdate() - timedelta(days=200),
        service_unit="Tiểu đoàn 307",
    )


def _names(content: bytes) -> list[str]:
    return [r[1] for r in sheet_rows(content)[1:]]


def test_the_cases_workbook_is_each_officers_own_and_built_once(users, builds, programme, unit):
    made = builds("thidua.web.views.backlog", "cases_workbook")
    path = f"/awards/backlog/{programme.code}/cases.xlsx"
    long_an = login(users, "longan")
    first, again = twice(long_an, path)
    assert again.content == first.content and made["cases_workbook"] == 1
    assert again["Content-Disposition"] == 'attachment; filename="ho-so-ton-dong-KC-TEST.xlsx"'
    add_case(users["longan"], programme, case_input(unit("80"), "Nguyễn Văn Kháng"))
    assert _names(long_an.get(path).content) == ["Nguyễn Văn Kháng"]
    assert _names(login(users, "kiengiang").get(path).content) == []  # not its province's
    assert made["cases_workbook"] == 3
    filtered = long_an.get(path + "?q=tran")
    assert _names(filtered.content) == [] and made["cases_workbook"] == 4


# The registry export: the same for every official, one file per search


def test_the_registry_workbook_is_built_once_per_search_until_a_write(
    users, builds, programme, unit
):
    made = builds("thidua.web.views.registry", "registry_workbook")
    path = REGISTRY + "?q=Trần Văn Thử Nghiệm"
    first, again = twice(login(users, "bantw"), path)
    assert again.content == first.content and made["registry_workbook"] == 1
    assert again["Content-Disposition"] == 'attachment; filename="so-khen-thuong.xlsx"'
    assert login(users, "xem").get(path).content == first.content  # another official
    login(users, "bantw").get(REGISTRY + "?q=nguyen")
    assert made["registry_workbook"] == 2
    case = add_case(users["longan"], programme, case_input(unit("80"), "Trần Văn Thử Nghiệm")).case
    case = move_case(users["longan"], case, "in_review")
    decision = backlog.Decision("1/QĐ-CTN", timezone.localdate(), "Chủ tịch nước")
    move_case(users["bantw"], case, "awarded", decision=decision)
    assert len(sheet_rows(first.content)) == 1  # the headings alone
    after = login(users, "bantw").get(path)
    assert made["registry_workbook"] == 3
    assert [r[0] for r in sheet_rows(after.content)[1:]] == ["Trần Văn Thử Nghiệm"]


def test_a_file_above_the_size_bound_is_built_every_time(users, builds, monkeypatch):
    made = builds("thidua.web.views.registry", "registry_workbook")
    monkeypatch.setattr(page_cache, "MAX_STORED_BYTES", 100)
    client = login(users, "bantw")
    client.get(REGISTRY + "?q=nguyen")
    client.get(REGISTRY + "?q=nguyen")
    assert made["registry_workbook"] == 2


@override_settings(THIDUA_PAGE_CACHE_SECONDS=0)
def test_with_the_cache_off_every_download_is_built(users, builds):
    made = builds("thidua.web.views.excel", "write_template")
    client = login(users, "longan")
    client.get(TEMPLATE)
    client.get(TEMPLATE)
    assert made["write_template"] == 2


# The two-factor page's QR code

ENROL = "/tai-khoan/xac-thuc-hai-buoc/"


def test_the_qr_code_is_drawn_once_per_pending_device_and_named_by_a_hash(users, monkeypatch):
    from base64 import b32encode

    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from thidua.accounts import two_factor

    caches["default"].clear()
    drawn = []
    real = two_factor._draw_qr
    monkeypatch.setattr(two_factor, "_draw_qr", lambda url: drawn.append(url) or real(url))
    client = login(users, "longan")
    first = client.get(ENROL).content.decode()
    again = client.get(ENROL).content.decode()
    assert len(drawn) == 1 and "<svg" in first
    assert first.split("<svg", 1)[1].split("</svg>")[0] in again
    device = TOTPDevice.objects.get(user=users["longan"], confirmed=False)
    secret = b32encode(device.bin_key).decode()
    keys = " ".join(caches["default"]._cache)  # the local-memory cache's stored keys
    assert "two-factor-qr:" in keys
    assert secret not in keys and device.bin_key.hex() not in keys
    assert secret.lower() not in keys.lower()
    code = f"{totp(device.bin_key, drift=device.drift):06d}"
    assert client.post(ENROL, {"token": code}).status_code == 302
    assert "two-factor-qr:" not in " ".join(caches["default"]._cache)  # confirmed: forgotten
