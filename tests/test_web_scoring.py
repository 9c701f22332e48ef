"""The scoring and ballot pages, each for the role it serves and against the roles it does not.

Cast (see conftest): `camau` runs TNB 2019 as head secretariat (and is Cà Mau's officer),
`longan` (80) and `kiengiang` (91) are officers of TNB members, `hanoi` is an officer outside
TNB, `bantw` the central board, `xem` a TNB viewer.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.ballot_keys import close_ballot, collect, open_ballot
from thidua.ballots import services as ballots
from thidua.ballots.models import Ballot, BallotSession, SessionStatus
from thidua.scoring import regulation_io
from thidua.scoring.engine import current_regulation
from thidua.scoring.models import ManualScore, Regulation

pytestmark = pytest.mark.django_db

YEAR = "/clusters/TNB/2019"


@pytest.fixture
def as_user(client, users):
    def login(name: str):
        client.force_login(users[name])
        return client

    return login


@pytest.fixture
def regulation(tnb) -> Regulation:
    return current_regulation(tnb, 2019)


@pytest.fixture
def long_an(unit):
    return unit("80")


@pytest.fixture
def published(regulation, users):
    from thidua.scoring import services

    return services.publish(users["camau"], regulation)


def sheet_url(unit_obj) -> str:
    return reverse("web:sheet", args=["TNB", 2019, unit_obj.pk])


def text(response) -> str:
    return response.content.decode()


def manual(regulation, unit_obj, code: str) -> ManualScore | None:
    return ManualScore.objects.filter(
        criterion__regulation=regulation, criterion__code=code, unit=unit_obj
    ).first()


# Who may not see ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"{YEAR}/regulation/",
        f"{YEAR}/regulation.yaml",
        f"{YEAR}/regulation.xlsx",
        f"{YEAR}/scores/",
        f"{YEAR}/scores.xlsx",
        f"{YEAR}/ballots/",
        f"{YEAR}/ballots/new/",
    ],
)
def test_the_public_is_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize(
    "url",
    [
        f"{YEAR}/regulation/",
        f"{YEAR}/regulation.yaml",
        f"{YEAR}/regulation.xlsx",
        f"{YEAR}/scores/",
        f"{YEAR}/scores.xlsx",
        f"{YEAR}/ballots/",
    ],
)
def test_an_outsider_sees_none_of_the_clusters_scoring(as_user, url):
    assert as_user("hanoi").get(url).status_code == 403


# The regulation -------------------------------------------------------------------------------


def test_a_member_reads_the_criteria_tree_with_methods_points_and_legal_basis(as_user):
    response = as_user("longan").get(f"{YEAR}/regulation/")
    assert response.status_code == 200
    page = text(response)
    assert "Tốc độ tăng trưởng GRDP (xếp hạng trong cụm)" in page
    assert "theo thứ hạng" in page and "chấm theo minh chứng" in page
    assert "Luật Thi đua, khen thưởng" in page
    assert "6 tháng đầu năm 2019" in page and "2019H1" not in page  # in words (issue 20)
    assert "Tải lên phiên bản mới" not in page  # only the head and the board change it


def test_the_head_sees_the_upload_and_copy_forms(as_user):
    page = text(as_user("camau").get(f"{YEAR}/regulation/"))
    assert "Tải lên phiên bản mới" in page and "Sao chép sang năm khác" in page


def test_the_regulation_downloads_as_yaml_and_excel_that_read_back(as_user, regulation):
    client = as_user("xem")
    as_yaml = client.get(f"{YEAR}/regulation.yaml")
    assert as_yaml.status_code == 200
    assert "attachment" in as_yaml["Content-Disposition"]
    expected = regulation_io.to_dict(regulation)
    assert regulation_io.parse_yaml(as_yaml.content.decode()) == expected
    as_xlsx = client.get(f"{YEAR}/regulation.xlsx")
    assert regulation_io.flatten(regulation_io.parse_xlsx(as_xlsx.content)["criteria"]) == (
        regulation_io.flatten(expected["criteria"])
    )


def _yaml_upload(data: dict, name: str = "quy-dinh.yaml") -> SimpleUploadedFile:
    content = yaml.safe_dump(data, allow_unicode=True).encode()
    return SimpleUploadedFile(name, content, content_type="application/yaml")


def test_the_head_uploads_a_yaml_and_a_new_version_is_created(as_user, regulation, tnb):
    data = regulation_io.to_dict(regulation)
    data["criteria"][1]["children"][0]["max"] = 12
    response = as_user("camau").post(
        f"{YEAR}/regulation/upload/", {"file": _yaml_upload(data)}, follow=True
    )
    assert "Đã tạo phiên bản 2 của quy định." in text(response)
    latest = current_regulation(tnb, 2019)
    assert latest.version == 2
    assert latest.criteria.get(code="B1").max_points == 12


def test_the_head_uploads_the_excel_copy_as_a_new_version(as_user, regulation, tnb):
    upload = SimpleUploadedFile("quy-dinh.xlsx", regulation_io.export_xlsx(regulation))
    as_user("camau").post(f"{YEAR}/regulation/upload/", {"file": upload})
    assert current_regulation(tnb, 2019).version == 2


def test_an_invalid_file_is_refused_with_its_issues_and_nothing_is_written(as_user, regulation):
    data = regulation_io.to_dict(regulation)
    data["criteria"][0]["children"][0]["method"] = "guess"
    response = as_user("camau").post(f"{YEAR}/regulation/upload/", {"file": _yaml_upload(data)})
    page = text(response)
    assert "Quy định bị từ chối" in page and "Cách chấm “guess” không có" in page
    assert Regulation.objects.filter(cluster=regulation.cluster, year=2019).count() == 1


def test_a_file_of_another_year_is_refused_on_this_years_page(as_user, regulation):
    data = regulation_io.shifted_to_year(regulation_io.to_dict(regulation), 2020)
    response = as_user("camau").post(f"{YEAR}/regulation/upload/", {"file": _yaml_upload(data)})
    assert "Tệp là quy định của cụm TNB năm 2020" in text(response)
    assert not Regulation.objects.filter(year=2020).exists()


def test_a_file_that_is_not_a_regulation_is_refused(as_user):
    upload = SimpleUploadedFile("quy-dinh.xlsx", b"not a workbook")
    response = as_user("camau").post(f"{YEAR}/regulation/upload/", {"file": upload})
    assert "Không đọc được tệp Excel" in text(response)


@pytest.mark.parametrize("name", ["longan", "xem"])
def test_members_and_viewers_cannot_upload_or_copy(as_user, regulation, name):
    client = as_user(name)
    upload = _yaml_upload(regulation_io.to_dict(regulation))
    assert client.post(f"{YEAR}/regulation/upload/", {"file": upload}).status_code == 403
    assert client.post(f"{YEAR}/regulation/copy/", {"to_year": "2020"}).status_code == 403
    assert Regulation.objects.filter(cluster=regulation.cluster).count() == 1


def test_the_board_copies_last_years_regulation_to_a_new_year(as_user, tnb):
    response = as_user("bantw").post(f"{YEAR}/regulation/copy/", {"to_year": "2020"})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:regulation", args=["TNB", 2020])
    copied = current_regulation(tnb, 2020)
    assert copied.criteria.get(code="A1").period == "2020H1"


def test_the_head_of_2019_cannot_create_the_regulation_of_a_year_it_does_not_head(as_user):
    response = as_user("camau").post(f"{YEAR}/regulation/copy/", {"to_year": "2020"}, follow=True)
    assert "Chỉ cụm trưởng năm 2020" in text(response)
    assert not Regulation.objects.filter(year=2020).exists()


def test_an_empty_year_offers_to_copy_the_year_before(as_user):
    page = text(as_user("bantw").get("/clusters/TNB/2020/regulation/"))
    assert "Cụm chưa có quy định chấm điểm năm 2020." in page
    assert "Sao chép quy định năm 2019 sang năm nay" in page


# The ranking ----------------------------------------------------------------------------------


def test_before_publication_an_officer_sees_only_their_own_row(as_user):
    page = text(as_user("longan").get(f"{YEAR}/scores/"))
    assert 'id="rank-80"' in page
    assert 'id="rank-91"' not in page
    assert "Kết quả chưa công bố" in page
    assert "Công bố kết quả" not in page


def test_a_viewer_sees_no_score_before_publication_and_totals_after(as_user, regulation, users):
    client = as_user("xem")
    assert 'id="rank-' not in text(client.get(f"{YEAR}/scores/"))
    from thidua.scoring import services

    services.publish(users["camau"], regulation)
    page = text(client.get(f"{YEAR}/scores/"))
    assert len(re.findall(r'id="rank-', page)) == 12
    assert "Bảng điểm</a>" not in page  # totals only, no sheet


def test_the_head_sees_every_member_and_publishes(as_user, regulation):
    client = as_user("camau")
    page = text(client.get(f"{YEAR}/scores/"))
    assert len(re.findall(r'id="rank-', page)) == 12
    assert "Công bố kết quả" in page
    response = client.post(f"{YEAR}/scores/publish/", follow=True)
    assert "Đã công bố kết quả chấm điểm" in text(response)
    regulation.refresh_from_db()
    assert regulation.published_at is not None


@pytest.mark.parametrize("name", ["longan", "xem"])
def test_only_the_head_and_the_board_publish(as_user, regulation, name):
    assert as_user(name).post(f"{YEAR}/scores/publish/").status_code == 403
    regulation.refresh_from_db()
    assert regulation.published_at is None


def test_the_ranking_excel_holds_what_the_user_may_see(as_user):
    def rows(name: str) -> list:
        content = as_user(name).get(f"{YEAR}/scores.xlsx").content
        return list(load_workbook(io.BytesIO(content))["Xếp hạng"].iter_rows(values_only=True))

    assert [r[1] for r in rows("longan")[1:]] == ["80"]
    assert len(rows("camau")) == 13


def test_the_ranking_page_runs_a_bounded_number_of_queries(as_user, django_assert_max_num_queries):
    client = as_user("camau")
    with django_assert_max_num_queries(30):
        assert client.get(f"{YEAR}/scores/").status_code == 200


# One unit's sheet -----------------------------------------------------------------------------


def test_an_officer_sees_their_sheet_with_self_and_review_side_by_side(as_user, long_an):
    response = as_user("longan").get(sheet_url(long_an))
    assert response.status_code == 200
    page = text(response)
    assert "Sáng kiến cải cách hành chính cấp tỉnh" in page  # the self score's evidence
    assert "Chỉ được công nhận ở cấp sở" in page  # the head's reason
    assert re.search(r'<tr id="c-C" class="[^"]*differs', page)
    assert not re.search(r'<tr id="c-B1" class="[^"]*differs', page)
    assert "Tự chấm</summary>" in page and "Thẩm định</summary>" not in page


def test_an_officer_cannot_see_another_units_sheet_before_or_after_publication(
    as_user, long_an, regulation, users
):
    client = as_user("kiengiang")
    assert client.get(sheet_url(long_an)).status_code == 403
    from thidua.scoring import services

    services.publish(users["camau"], regulation)
    assert client.get(sheet_url(long_an)).status_code == 403


@pytest.mark.parametrize("name", ["xem", "hanoi"])
def test_viewers_and_outsiders_have_no_sheet(as_user, long_an, name):
    assert as_user(name).get(sheet_url(long_an)).status_code == 403


def test_a_unit_outside_the_cluster_has_no_sheet(as_user, unit):
    assert as_user("camau").get(sheet_url(unit("01"))).status_code == 404


def test_the_officer_self_scores_a_manual_criterion_with_evidence(as_user, long_an, regulation):
    url = sheet_url(long_an) + "self/"
    data = {"criterion": "B3", "points": "9,5", "note": "Nhân rộng 14 mô hình"}
    response = as_user("longan").post(url, data, follow=True)
    assert "Đã lưu điểm tiêu chí B3." in text(response)
    score = manual(regulation, long_an, "B3")
    assert score.self_points == Decimal("9.5")
    assert score.self_note == "Nhân rộng 14 mô hình"


def test_evidence_is_required_where_the_regulation_asks(as_user, long_an, regulation):
    url = sheet_url(long_an) + "self/"
    response = as_user("longan").post(url, {"criterion": "B1", "points": "8"}, follow=True)
    assert "Tiêu chí B1 cần ghi minh chứng." in text(response)
    assert manual(regulation, long_an, "B1").self_points == 10


def test_points_beyond_the_maximum_and_automatic_criteria_are_refused(as_user, long_an, regulation):
    client = as_user("longan")
    url = sheet_url(long_an) + "self/"
    page = text(client.post(url, {"criterion": "B2", "points": "12"}, follow=True))
    assert "Điểm của B2 phải từ 0 đến" in page
    page = text(client.post(url, {"criterion": "A1", "points": "5"}, follow=True))
    assert "Tiêu chí A1 được chấm tự động từ số liệu." in page
    assert manual(regulation, long_an, "B2").self_points == 10


def test_an_officer_cannot_score_another_unit_nor_review(as_user, long_an, regulation):
    other = as_user("kiengiang").post(
        sheet_url(long_an) + "self/", {"criterion": "B2", "points": "1", "note": "x"}
    )
    assert other.status_code == 403
    review = as_user("longan").post(
        sheet_url(long_an) + "review/", {"criterion": "B2", "points": "1", "note": "x"}
    )
    assert review.status_code == 403
    score = manual(regulation, long_an, "B2")
    assert (score.self_points, score.review_points) == (10, 10)


def test_the_head_neither_reviews_its_own_unit_nor_writes_a_members_self_score(
    as_user, long_an, unit, regulation
):
    # Issue 16, finding 9, the pages: camau staffs Cà Mau (96), the head unit.
    client = as_user("camau")
    own = client.post(sheet_url(unit("96")) + "review/", {"criterion": "B2", "points": "1"})
    assert own.status_code == 403
    data = {"criterion": "B2", "points": "1", "note": "ghi đè"}
    assert client.post(sheet_url(long_an) + "self/", data).status_code == 403
    assert manual(regulation, long_an, "B2").self_points == 10
    assert manual(regulation, unit("96"), "B2").review_points == 10


def test_the_head_sets_a_review_score_only_with_a_reason(as_user, long_an, regulation):
    client = as_user("camau")
    url = sheet_url(long_an) + "review/"
    page = text(client.post(url, {"criterion": "B2", "points": "8"}, follow=True))
    assert "cần ghi lý do" in page
    page = text(
        client.post(url, {"criterion": "B2", "points": "8", "note": "Chậm 1 kỳ"}, follow=True)
    )
    assert "Đã lưu điểm tiêu chí B2." in page
    assert re.search(r'<tr id="c-B2" class="[^"]*differs', page)
    score = manual(regulation, long_an, "B2")
    assert (score.review_points, score.review_reason) == (8, "Chậm 1 kỳ")


def test_no_score_changes_after_publication(as_user, long_an, regulation, published):
    client = as_user("longan")
    page = text(client.get(sheet_url(long_an)))
    assert "Tự chấm</summary>" not in page
    data = {"criterion": "B3", "points": "1", "note": "x"}
    page = text(client.post(sheet_url(long_an) + "self/", data, follow=True))
    assert "Kết quả đã công bố; không sửa điểm được nữa." in page
    assert manual(regulation, long_an, "B3").self_points == 9


# Ballots --------------------------------------------------------------------------------------


def _form_defaults(page: str) -> dict:
    """What the create form sends when the head changes nothing but the title."""
    checked = re.findall(r'<input type="checkbox" name="(\w+)" value="(\d+)"[^>]*checked', page)
    data: dict = {"candidates": [], "electors": []}
    for name, value in checked:
        data[name].append(value)
    closes = re.search(r'name="closes_at" value="([^"]+)"', page).group(1)
    return data | {
        "title": "Đề nghị Cờ thi đua của Chính phủ năm 2019",
        "award_code": "CO_TD_CP",
        "seats": "1",
        "closes_at": closes,
        "quorum_pct": "50",
        "pass_pct": "50",
        "pass_operator": "gt",
        "pass_basis": "electorate",
    }


def test_the_head_creates_a_session_with_the_top_of_the_ranking_and_one_voter_per_member(
    as_user, regulation
):
    client = as_user("camau")
    page = text(client.get(f"{YEAR}/ballots/new/"))
    data = _form_defaults(page)
    assert len(data["candidates"]) == 3 and len(data["electors"]) == 12
    response = client.post(f"{YEAR}/ballots/new/", data)
    session = BallotSession.objects.get()
    assert response["Location"] == reverse("web:ballot", args=[session.pk])
    ranks = list(session.candidates.values_list("score_rank", flat=True))
    assert ranks == [1, 2, 3]
    assert session.electors.count() == 12
    assert session.status == SessionStatus.DRAFT


def test_a_session_without_a_title_or_candidate_is_not_created(as_user):
    client = as_user("camau")
    data = _form_defaults(text(client.get(f"{YEAR}/ballots/new/")))
    data |= {"title": "", "candidates": []}
    page = text(client.post(f"{YEAR}/ballots/new/", data))
    assert "errorlist" in page
    assert not BallotSession.objects.exists()


@pytest.mark.parametrize("name", ["longan", "xem"])
def test_only_the_head_and_the_board_create_a_session(as_user, name):
    client = as_user(name)
    assert client.get(f"{YEAR}/ballots/new/").status_code == 403
    assert client.post(f"{YEAR}/ballots/new/", {"title": "x"}).status_code == 403


@pytest.fixture
def session(users, tnb, unit):
    created = ballots.create_session(
        users["camau"],
        tnb,
        2019,
        "Đề nghị Cờ thi đua của Chính phủ năm 2019",
        timezone.now() + timedelta(days=1),
        candidates=[(unit("84"), 1), (unit("80"), 2), (unit("82"), 3)],
        award_code="CO_TD_CP",
    )
    return created


@pytest.fixture
def opened(session, users):
    return open_ballot(users["camau"], session)


def ids(session, *codes: str) -> list[str]:
    by_code = {c.unit.code: str(c.id) for c in session.candidates.select_related("unit")}
    return [by_code[c] for c in codes]


def ballot_url(session, action: str = "") -> str:
    return reverse("web:ballot", args=[session.pk]) + (f"{action}/" if action else "")


@pytest.mark.parametrize("name", ["longan", "xem"])
def test_only_the_head_opens_and_closes(as_user, session, name):
    client = as_user(name)
    collect(session)
    assert client.post(ballot_url(session, "open")).status_code == 403
    assert as_user("camau").post(ballot_url(session, "open")).status_code == 302
    assert as_user(name).post(ballot_url(session, "close")).status_code == 403
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN


def test_an_elector_votes_once_and_sees_the_receipt_once(as_user, opened):
    client = as_user("longan")
    page = text(client.get(ballot_url(opened)))
    assert 'name="approve"' in page
    response = client.post(ballot_url(opened, "vote"), {"approve": ids(opened, "80")})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    receipt = re.search(r'id="receipt">(\w+)<', text(response)).group(1)
    assert Ballot.objects.filter(session=opened, receipt=receipt).exists()
    page = text(client.get(ballot_url(opened)))
    assert receipt not in page
    assert 'name="approve"' not in page and "Bạn đã bỏ phiếu" in page
    again = client.post(ballot_url(opened, "vote"), {"approve": ids(opened, "82")}, follow=True)
    assert "mỗi người chỉ bỏ một phiếu" in text(again)
    assert Ballot.objects.filter(session=opened).count() == 1


def test_approving_more_than_the_seats_is_refused(as_user, opened):
    client = as_user("longan")
    data = {"approve": ids(opened, "80", "82")}
    page = client.post(ballot_url(opened, "vote"), data, follow=True)
    assert "quá số suất" in text(page)
    assert not Ballot.objects.filter(session=opened).exists()


@pytest.mark.parametrize("name", ["xem", "bantw", "hanoi"])
def test_a_non_elector_cannot_vote(as_user, opened, name):
    response = as_user(name).post(ballot_url(opened, "vote"), {"approve": ids(opened, "80")})
    assert response.status_code == 403
    assert not Ballot.objects.filter(session=opened).exists()


def test_the_head_watches_turnout_as_counts_only(as_user, opened, users):
    ballots.cast_vote(users["longan"], opened, [int(i) for i in ids(opened, "80")])
    page = text(as_user("camau").get(ballot_url(opened)))
    assert "1/12" in page
    assert "longan" not in page and "Long An: " not in page
    assert 'id="tally"' not in page


def _closed_with_votes(session, users) -> dict[str, str]:
    receipts = {
        "longan": ballots.cast_vote(users["longan"], session, [int(i) for i in ids(session, "80")]),
        "kiengiang": ballots.cast_vote(
            users["kiengiang"], session, [int(i) for i in ids(session, "84")]
        ),
        "camau": ballots.cast_vote(users["camau"], session, [int(i) for i in ids(session, "80")]),
    }
    # Three more, so that 6 of the 12 voted (the 50% quorum) and the tally is decrypted.
    for name in ("tiengiang", "bentre", "travinh"):
        ballots.cast_vote(users[name], session, [])
    close_ballot(users["camau"], session, reason="kết thúc sớm trong phép thử")
    return receipts


def test_the_result_shows_votes_and_never_who_voted_for_whom(as_user, opened, users):
    receipts = _closed_with_votes(opened, users)
    page = text(as_user("xem").get(ballot_url(opened)))
    tally = re.search(r'id="tally-80">(.*?)</tr>', page, re.S).group(1)
    assert "<b>2</b>" in tally
    assert all(code in page for code in receipts.values())
    for name in ("longan", "kiengiang", "camau", "Cán bộ thi đua"):
        assert name not in page
    assert "6/12" in page and 'id="withheld"' not in page


def test_one_vote_then_close_at_once_shows_no_tally(as_user, opened, users):
    ballots.cast_vote(users["longan"], opened, [int(i) for i in ids(opened, "80")])
    early = {"reason": "kết thúc sớm trong phép thử"}
    assert as_user("camau").post(ballot_url(opened, "close"), early).status_code == 302
    page = text(as_user("camau").get(ballot_url(opened)))
    assert 'id="withheld"' in page and 'id="tally-80"' not in page
    opened.refresh_from_db()
    assert opened.result["withheld"] is True and opened.result["candidates"] == []


def test_the_trustees_collect_their_shares_and_count_on_the_web(as_user, session, users):
    trustees = list(session.trustees.select_related("user").order_by("index"))
    codes = {}
    for t in trustees:
        page = text(as_user(t.user.username).post(ballot_url(session, "share")))
        codes[t.user.username] = re.search(r'id="share-code"[^>]*>(.*?)</div>', page).group(1)
        again = as_user(t.user.username).post(ballot_url(session, "share"), follow=True)
        assert codes[t.user.username] not in text(again) and "đã nhận" in text(again)
    assert as_user("camau").post(ballot_url(session, "share")).status_code == 403
    as_user("camau").post(ballot_url(session, "open"))
    session.refresh_from_db()
    for name in ("longan", "kiengiang", "camau", "tiengiang", "bentre", "travinh"):
        ballots.cast_vote(users[name], session, [int(i) for i in ids(session, "80")])
    as_user("camau").post(ballot_url(session, "close"), {"reason": "kết thúc sớm trong phép thử"})
    session.refresh_from_db()
    assert session.status == SessionStatus.COUNTING
    first, second = trustees[0].user.username, trustees[1].user.username
    page = text(as_user(first).get(ballot_url(session)))
    assert 'id="share-form"' in page and 'id="tally"' not in page
    wrong = as_user(first).post(ballot_url(session, "count"), {"share": codes[second]}, follow=True)
    assert "không phải của bạn" in text(wrong)
    as_user(first).post(ballot_url(session, "count"), {"share": codes[first]})
    page = text(
        as_user(second).post(ballot_url(session, "count"), {"share": codes[second]}, follow=True)
    )
    tally = re.search(r'id="tally-80">(.*?)</tr>', page, re.S).group(1)
    assert "<b>6</b>" in tally


def test_a_voter_finds_their_receipt_in_the_published_list(as_user, opened, users):
    receipt = _closed_with_votes(opened, users)["kiengiang"]
    typed = " ".join([receipt[:5].lower(), receipt[5:]])
    response = as_user("kiengiang").get(ballot_url(opened), {"receipt": typed})
    found = re.search(r'id="receipt-found">(.*?)</div>', text(response), re.S).group(1)
    assert receipt in found and "đã được tính" in found
    missing = as_user("kiengiang").get(ballot_url(opened), {"receipt": "ZZZZZZZZZZ"})
    assert "Không có phiếu mã ZZZZZZZZZZ" in text(missing)


def test_a_correction_is_a_new_session_with_a_reason(as_user, opened, users):
    _closed_with_votes(opened, users)
    client = as_user("camau")
    closes = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page = text(client.post(ballot_url(opened, "correct"), {"closes_at": closes}, follow=True))
    assert "Lý do tổ chức lại: Trường này là bắt buộc." in page
    assert BallotSession.objects.count() == 1
    data = {"reason": "Thiếu đại biểu Sóc Trăng", "closes_at": closes}
    response = client.post(ballot_url(opened, "correct"), data, follow=True)
    new = BallotSession.objects.exclude(pk=opened.pk).get()
    assert (new.corrects_id, new.correction_reason) == (opened.pk, "Thiếu đại biểu Sóc Trăng")
    assert "Thiếu đại biểu Sóc Trăng" in text(response)
    assert as_user("longan").post(ballot_url(opened, "correct"), data).status_code == 403


def test_an_officer_sees_the_ballot_waiting_on_the_dashboard_and_the_list(as_user, opened):
    client = as_user("longan")
    assert opened.title in text(client.get("/"))
    page = text(client.get(f"{YEAR}/ballots/"))
    assert re.search(rf'id="session-{opened.pk}".*?class="btn small" href', page, re.S)


def test_the_cluster_page_links_to_the_regulation_ranking_and_ballots(as_user):
    page = text(as_user("longan").get("/clusters/TNB/?year=2019"))
    for name in ("regulation", "ranking", "ballots"):
        assert reverse(f"web:{name}", args=["TNB", 2019]) in page


def test_an_expired_open_session_is_closed_when_its_page_is_opened(as_user, opened):
    BallotSession.objects.filter(pk=opened.pk).update(closes_at=timezone.now())
    page = text(as_user("xem").get(ballot_url(opened)))
    assert 'id="tally"' in page
    opened.refresh_from_db()
    assert opened.status == SessionStatus.CLOSED


def test_the_pages_speak_english_when_chosen(as_user, opened, long_an):
    from django.conf import settings

    client = as_user("longan")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Scoring and ranking 2019" in text(client.get(f"{YEAR}/scores/"))
    assert "Score sheet of Long An, 2019" in text(client.get(sheet_url(long_an)))
    assert "Scoring regulation 2019" in text(client.get(f"{YEAR}/regulation/"))
    page = text(client.get(ballot_url(opened)))
    assert "Tick the unit you approve, at most 1 unit." in page


def explanations(page: str) -> list[str]:
    return re.findall(r'<td class="small why">(.*?)</td>', page, re.S)


def in_language(client, language: str):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_sheet_explains_in_english_with_english_numbers(as_user, long_an):
    why = explanations(text(in_language(as_user("longan"), "en").get(sheet_url(long_an))))
    assert "Rank 2/12 on GRDP growth rate (9.89%) → 19.00 points from the rank points table." in why
    assert "Rank 1/12 on State budget revenue (9,360 billion VND) → 10.00 points" in " ".join(why)
    assert "High-school graduation rate 97.8% ≥ 97.0% → full 10.00 points." in why
    assert "Sum of the criteria: 59.00 points." in why
    assert "Deduction: Not scored yet → 0 points." in why
    assert not [w for w in why if "điểm" in w or re.search(r"\d,\d\d\b", w)]


def test_the_sheet_explains_in_vietnamese_by_default(as_user, long_an):
    why = explanations(text(as_user("longan").get(sheet_url(long_an))))
    assert (
        "Hạng 2/12 về Tốc độ tăng trưởng GRDP (9,89%) → 19,00 điểm theo bảng điểm thứ hạng." in why
    )
    assert "Hạng 1/12 về Thu ngân sách nhà nước trên địa bàn (9.360 tỷ đồng) → 10,00 điểm" in (
        " ".join(why)
    )
    assert "Điểm trừ: Chưa chấm → 0 điểm." in why


def test_the_scores_page_writes_english_numbers_in_english(as_user, regulation, long_an):
    ManualScore.objects.filter(
        criterion__regulation=regulation, criterion__code="C", unit=long_an
    ).update(review_points=Decimal("2.5"))

    def long_an_row(language: str) -> str:
        page = text(in_language(as_user("camau"), language).get(f"{YEAR}/scores/"))
        return re.search(r'<tr id="rank-80".*?</tr>', page, re.S).group(0)

    assert "<b>90.5</b>" in long_an_row("en")
    assert "<b>90,5</b>" in long_an_row("vi")


def test_the_ranking_workbook_stays_vietnamese_in_english_mode(as_user):
    content = in_language(as_user("camau"), "en").get(f"{YEAR}/scores.xlsx").content
    rows = list(load_workbook(io.BytesIO(content))["Giải trình"].iter_rows(values_only=True))
    why = [r[5] for r in rows[1:]]
    assert any(w.startswith("Hạng 2/12 về Tốc độ tăng trưởng GRDP (9,89%)") for w in why)
    assert not [w for w in why if "points" in w]


def test_the_regulation_page_writes_rank_points_in_the_page_language(as_user, regulation):
    regulation.criteria.filter(method="rank").update(rank_points=[9.5, 9])
    client = as_user("camau")
    assert "9,5; 9" in text(client.get(f"{YEAR}/regulation/"))
    assert "9.5; 9" in text(in_language(client, "en").get(f"{YEAR}/regulation/"))
