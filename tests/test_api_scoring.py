"""Scoring and ballots through /api/v1/: who may read and write what, errors in the API's shape.

Cast: `camau` runs TNB in 2019 (and is Cà Mau's officer), `longan` (80) and `kiengiang` (91)
are officers of TNB members, `hanoi` is outside TNB, `xem` views TNB, `bantw` is the board.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from tests.ballot_keys import CODES
from thidua.ballots import crypto, services
from thidua.ballots.models import Ballot, BallotSession, Elector, SessionStatus
from thidua.scoring import regulation_io
from thidua.scoring.engine import current_regulation
from thidua.scoring.models import ManualScore, Regulation

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
TNB = f"{V1}/clusters/TNB/years/2019"


@pytest.fixture
def as_user(users):
    def login(username: str) -> Client:
        client = Client()
        client.force_login(users[username])
        return client

    return login


@pytest.fixture
def regulation(tnb) -> Regulation:
    return current_regulation(tnb, 2019)


def body(response) -> dict | list:
    return json.loads(response.content, parse_float=Decimal)


def put(client: Client, path: str, data: dict):
    return client.put(path, json.dumps(data), content_type="application/json")


def post(client: Client, path: str, data: dict | None = None):
    return client.post(path, json.dumps(data or {}), content_type="application/json")


# --- authentication and the schema -------------------------------------------------------


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", f"{TNB}/regulation"),
        ("post", f"{TNB}/regulation"),
        ("get", f"{TNB}/scores"),
        ("post", f"{TNB}/scores/publish"),
        ("get", f"{TNB}/ballots"),
        ("post", f"{TNB}/ballots"),
        ("get", f"{V1}/ballots/1"),
        ("post", f"{V1}/ballots/1/vote"),
    ],
)
def test_anonymous_gets_401(client, method, path):
    assert getattr(client, method)(path).status_code == 401


def test_every_scoring_and_ballot_operation_declares_its_errors(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    ours = {p: ops for p, ops in paths.items() if "/years/" in p or "/ballots/" in p}
    assert len(ours) == 17  # with the two minutes (.docx), the shares, the count and the board
    for path, operations in ours.items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            assert {"401", "403", "404"} <= declared, (method, path)
            if method != "get" and not path.endswith("/publish"):
                assert "422" in declared, (method, path)


# --- regulation --------------------------------------------------------------------------


def test_a_member_reads_the_regulation_as_json(as_user, regulation):
    data = body(as_user("longan").get(f"{TNB}/regulation"))
    assert (data["cluster"], data["year"], data["version"]) == ("TNB", 2019, 1)
    assert "Luật Thi đua" in data["legal_basis"]
    a1 = data["criteria"][0]["children"][0]
    assert (a1["code"], a1["method"], a1["indicator"], a1["period"]) == (
        "A1",
        "rank",
        "grdp_growth",
        "2019H1",
    )
    assert a1["rank_points"][:2] == [20, 19]


def test_an_outsider_cannot_read_the_regulation_and_an_empty_year_is_404(as_user):
    assert as_user("hanoi").get(f"{TNB}/regulation").status_code == 403
    assert as_user("bantw").get(f"{V1}/clusters/TNB/years/2030/regulation").status_code == 404


def test_the_head_posts_yaml_and_a_new_version_is_created(as_user, regulation, tnb):
    text = regulation_io.export_yaml(regulation).replace("max: 30", "max: 32")
    response = as_user("camau").post(f"{TNB}/regulation", text, content_type="application/yaml")
    assert response.status_code == 201
    assert body(response)["version"] == 2
    assert current_regulation(tnb, 2019).criteria.get(code="B").max_points == 32


def test_an_invalid_yaml_is_422_with_row_and_column(as_user, regulation):
    text = regulation_io.export_yaml(regulation).replace("method: threshold", "method: vibes")
    response = as_user("camau").post(f"{TNB}/regulation", text, content_type="application/yaml")
    assert response.status_code == 422
    issue = body(response)["detail"][0]
    assert (issue["row"], issue["column"], issue["value"]) == (4, "method", "A3")
    broken = as_user("camau").post(f"{TNB}/regulation", "a: [", content_type="application/yaml")
    assert broken.status_code == 422
    assert "YAML sai cú pháp" in body(broken)["detail"][0]["message"]
    assert Regulation.objects.filter(year=2019).count() == 1


def test_a_yaml_of_another_cluster_or_year_is_refused(as_user, regulation):
    text = regulation_io.export_yaml(regulation).replace("year: 2019", "year: 2020")
    response = as_user("camau").post(f"{TNB}/regulation", text, content_type="application/yaml")
    assert response.status_code == 422
    assert body(response)["detail"][0]["column"] == "cluster"


@pytest.mark.parametrize("name", ["longan", "xem"])
def test_members_and_viewers_cannot_post_a_regulation(as_user, regulation, name):
    text = regulation_io.export_yaml(regulation)
    response = as_user(name).post(f"{TNB}/regulation", text, content_type="application/yaml")
    assert response.status_code == 403
    assert Regulation.objects.filter(year=2019).count() == 1


# --- scores ------------------------------------------------------------------------------


def test_before_publication_an_officer_gets_only_their_own_row(as_user):
    data = body(as_user("longan").get(f"{TNB}/scores"))
    assert data["regulation"]["published_at"] is None
    assert [(r["unit_code"], r["full"]) for r in data["ranking"]] == [("80", True)]
    assert {c["code"] for c in data["ranking"][0]["criteria"]} >= {"A1", "B1", "C", "D"}


def test_the_head_gets_every_sheet_and_a_viewer_nothing_before_publication(as_user):
    assert len(body(as_user("camau").get(f"{TNB}/scores"))["ranking"]) == 12
    assert body(as_user("xem").get(f"{TNB}/scores"))["ranking"] == []
    assert as_user("hanoi").get(f"{TNB}/scores").status_code == 403


def test_after_publication_peers_get_totals_only(as_user, regulation):
    response = post(as_user("camau"), f"{TNB}/scores/publish")
    assert response.status_code == 200 and body(response)["published_at"]
    rows = body(as_user("kiengiang").get(f"{TNB}/scores"))["ranking"]
    assert len(rows) == 12
    long_an = next(r for r in rows if r["unit_code"] == "80")
    assert long_an["full"] is False and long_an["criteria"] is None
    assert next(r for r in rows if r["unit_code"] == "91")["full"] is True


@pytest.mark.parametrize("name", ["longan", "xem", "hanoi"])
def test_only_the_head_and_the_board_publish(as_user, regulation, name):
    assert post(as_user(name), f"{TNB}/scores/publish").status_code == 403
    regulation.refresh_from_db()
    assert regulation.published_at is None


def test_the_sheet_shows_self_and_review_scores(as_user):
    data = body(as_user("longan").get(f"{TNB}/scores/80"))
    c = next(row for row in data["criteria"] if row["code"] == "C")
    assert (c["self_points"], c["review_points"]) == (3, 2)
    assert c["review_reason"] == "Chỉ được công nhận ở cấp sở"


def test_an_officer_cannot_get_another_units_sheet(as_user):
    response = as_user("kiengiang").get(f"{TNB}/scores/80")
    assert response.status_code == 403
    assert "chỉ đơn vị đó và cụm trưởng" in body(response)["detail"]
    assert as_user("camau").get(f"{TNB}/scores/01").status_code == 404


def _manual(code: str, unit_code: str = "80") -> ManualScore:
    return ManualScore.objects.get(
        criterion__regulation__year=2019, criterion__code=code, unit__code=unit_code
    )


def test_an_officer_puts_a_self_score(as_user):
    response = put(
        as_user("longan"), f"{TNB}/scores/80/criteria/B3/self", {"points": 9.5, "note": "14"}
    )
    assert response.status_code == 200
    assert body(response)["self_points"] == Decimal("9.5")
    assert _manual("B3").self_points == Decimal("9.5")


@pytest.mark.parametrize(
    "criterion,points,words",
    [
        ("B3", 11, "phải từ 0 đến"),
        ("A1", 5, "chấm tự động"),
        ("B1", 5, "cần ghi minh chứng"),
        ("B3", "nine", "không phải là số"),
    ],
)
def test_a_bad_self_score_is_422_and_nothing_changes(as_user, criterion, points, words):
    response = put(
        as_user("longan"), f"{TNB}/scores/80/criteria/{criterion}/self", {"points": points}
    )
    assert response.status_code == 422
    assert words in body(response)["detail"][0]["message"]
    assert _manual("B3").self_points == 9


def test_an_officer_cannot_self_score_another_unit_nor_review(as_user):
    other = put(as_user("kiengiang"), f"{TNB}/scores/80/criteria/B3/self", {"points": 1})
    assert other.status_code == 403
    review = put(as_user("longan"), f"{TNB}/scores/80/criteria/B3/review", {"points": 1})
    assert review.status_code == 403
    assert (_manual("B3").self_points, _manual("B3").review_points) == (9, 9)


def test_the_head_cannot_review_its_own_unit_nor_write_a_self_score(as_user):
    # Issue 16, finding 9: camau staffs Cà Mau (96), the head unit.
    own = put(as_user("camau"), f"{TNB}/scores/96/criteria/B3/review", {"points": 1, "reason": "x"})
    assert own.status_code == 403
    other = put(as_user("camau"), f"{TNB}/scores/80/criteria/B3/self", {"points": 1, "note": "x"})
    assert other.status_code == 403
    board = put(as_user("bantw"), f"{TNB}/scores/80/criteria/B3/self", {"points": 1, "note": "x"})
    assert board.status_code == 403
    assert _manual("B3").self_points == 9
    assert _manual("B3", "96").review_points != 1


def test_the_head_puts_a_review_score_with_a_reason(as_user):
    client = as_user("camau")
    path = f"{TNB}/scores/80/criteria/B2/review"
    assert put(client, path, {"points": 7}).status_code == 422
    response = put(client, path, {"points": "7", "reason": "Chậm một kỳ"})
    assert response.status_code == 200
    assert (body(response)["review_points"], body(response)["review_reason"]) == (7, "Chậm một kỳ")


def test_unknown_criterion_and_unit_are_404(as_user):
    client = as_user("camau")
    assert put(client, f"{TNB}/scores/80/criteria/Z9/review", {"points": 1}).status_code == 404
    assert put(client, f"{TNB}/scores/01/criteria/B2/review", {"points": 1}).status_code == 404


def test_no_score_changes_after_publication(as_user):
    post(as_user("camau"), f"{TNB}/scores/publish")
    response = put(as_user("longan"), f"{TNB}/scores/80/criteria/B3/self", {"points": 1})
    assert response.status_code == 422
    assert "đã công bố" in body(response)["detail"][0]["message"]


# --- ballots -----------------------------------------------------------------------------


def _closes() -> str:
    return (timezone.now() + timedelta(days=1)).isoformat()


def _create(client: Client, **extra):
    data = {"title": "Đề nghị Cờ thi đua của Chính phủ", "award_code": "CO_TD_CP"}
    return post(client, f"{TNB}/ballots", data | {"closes_at": _closes()} | extra)


def test_the_head_creates_a_session_with_the_default_candidates_and_electorate(as_user):
    response = _create(as_user("camau"))
    assert response.status_code == 201
    data = body(response)
    assert [c["score_rank"] for c in data["candidates"]] == [1, 2, 3]
    assert data["turnout"] == {"electorate": 12, "voted": 0, "pct": 0, "quorum_met": False}
    assert data["status"] == "draft" and data["result"] is None


def test_named_candidates_and_electors_are_used(as_user):
    electors = ["longan", "bentre", "kiengiang"]
    data = body(_create(as_user("camau"), candidates=["91", "80"], electors=electors))
    assert [c["unit_code"] for c in data["candidates"]] == ["91", "80"]
    session = BallotSession.objects.get(pk=data["id"])
    units = sorted(e.unit.code for e in session.electors.select_related("unit"))
    assert units == ["80", "83", "91"]
    too_few = _create(as_user("camau"), electors=["longan", "bentre"])
    assert too_few.status_code == 422 and "Cần ít nhất 3 người" in too_few.content.decode()


def test_unknown_candidates_or_electors_are_422_with_their_row(as_user):
    response = _create(as_user("camau"), candidates=["80", "01"])
    assert response.status_code == 422
    assert body(response)["detail"][0] | {"message": ""} == {
        "row": 1,
        "column": "candidates",
        "value": "01",
        "message": "",
        "cell": None,  # a list item, not a spreadsheet cell
    }
    response = _create(as_user("camau"), electors=["nobody"])
    assert body(response)["detail"][0]["column"] == "electors"
    bad_rule = _create(as_user("camau"), pass_operator="about")
    assert bad_rule.status_code == 422
    assert not BallotSession.objects.exists()


@pytest.mark.parametrize("name", ["longan", "xem", "hanoi"])
def test_only_the_head_creates_a_session(as_user, name):
    assert _create(as_user(name)).status_code == 403
    assert not BallotSession.objects.exists()


def _collect(as_user, session: dict) -> dict[str, str]:
    """Every trustee fetches their share through the API, once; kept for the count."""
    codes = CODES.setdefault(session["id"], {})
    for trustee in session["trustees"]:
        name = trustee["username"]
        response = post(as_user(name), f"{V1}/ballots/{session['id']}/share")
        assert response.status_code == 200
        codes[name] = body(response)["share"]
        assert post(as_user(name), f"{V1}/ballots/{session['id']}/share").status_code == 422
    return codes


@pytest.fixture
def opened(as_user) -> dict:
    client = as_user("camau")
    created = body(_create(client))
    _collect(as_user, created)
    return body(post(client, f"{V1}/ballots/{created['id']}/open"))


def test_only_the_head_opens_and_closes(as_user):
    created = body(_create(as_user("camau")))
    one = f"{V1}/ballots/{created['id']}"
    not_yet = post(as_user("camau"), one + "/open")
    assert not_yet.status_code == 422 and "chưa nhận mảnh khóa" in not_yet.content.decode()
    _collect(as_user, created)
    assert post(as_user("longan"), one + "/open").status_code == 403
    assert body(post(as_user("camau"), one + "/open"))["status"] == "open"
    assert post(as_user("camau"), one + "/open").status_code == 422
    assert post(as_user("kiengiang"), one + "/close").status_code == 403


def test_an_elector_votes_once_and_gets_the_receipt(as_user, opened):
    one = f"{V1}/ballots/{opened['id']}"
    first = opened["candidates"][0]["id"]
    client = as_user("longan")
    response = post(client, one + "/vote", {"approve": [first]})
    assert response.status_code == 200
    receipt = body(response)["receipt"]
    assert "một lần" in body(response)["note"]
    assert Ballot.objects.filter(receipt=receipt).exists()
    detail = client.get(one)
    assert body(detail)["you"] == {"elector": True, "voted": True}
    assert receipt not in detail.content.decode()
    again = post(client, one + "/vote", {"approve": [first]})
    assert again.status_code == 422
    assert "mỗi người chỉ bỏ một phiếu" in body(again)["detail"][0]["message"]


@pytest.mark.parametrize("name", ["xem", "bantw", "hanoi"])
def test_a_non_elector_cannot_vote(as_user, opened, name):
    one = f"{V1}/ballots/{opened['id']}"
    response = post(as_user(name), one + "/vote", {"approve": [opened["candidates"][0]["id"]]})
    assert response.status_code == 403
    assert not Ballot.objects.exists()


def test_turnout_is_counts_only_until_the_close_then_the_tally(as_user, opened, users):
    one = f"{V1}/ballots/{opened['id']}"
    ids = [c["id"] for c in opened["candidates"]]
    votes_ = (("longan", [ids[0]]), ("kiengiang", [ids[0]]), ("camau", [ids[1]]))
    votes_ += (("tiengiang", []), ("bentre", []), ("travinh", []))
    for name, choice in votes_:
        assert post(as_user(name), one + "/vote", {"approve": choice}).status_code == 200
    watching = body(as_user("camau").get(one))
    assert watching["turnout"]["voted"] == 6 and watching["result"] is None
    assert as_user("xem").get(one + "/board").status_code == 404  # not while voting
    early = {"reason": "kết thúc sớm trong phép thử"}
    counting = body(post(as_user("camau"), one + "/close", early))
    assert counting["status"] == SessionStatus.COUNTING and counting["result"] is None
    trustees = [t["username"] for t in sorted(counting["trustees"], key=lambda t: t["index"])]
    share = {"share": CODES[opened["id"]][trustees[0]]}
    assert post(as_user(trustees[1]), one + "/count", share).status_code == 422
    assert post(as_user("xem"), one + "/count", share).status_code == 403
    assert body(post(as_user(trustees[0]), one + "/count", share))["result"] is None
    # The second trustee computes their part offline from the board: the share stays home.
    board = body(as_user(trustees[1]).get(one + "/board"))
    _id, index, share = crypto.parse_share(CODES[opened["id"]][trustees[1]])
    partial = services.partial_decryption(board, index, share)
    response = post(as_user(trustees[1]), one + "/count", {"partial": partial})
    closed = body(response)
    assert closed["status"] == SessionStatus.CLOSED
    votes = {c["candidate_id"]: c["votes"] for c in closed["result"]["candidates"]}
    assert (votes[ids[0]], votes[ids[1]]) == (2, 1)
    assert len(closed["result"]["receipts"]) == 6
    # Nothing in the result names a voter.
    text = str(closed["result"])
    for name in ("longan", "kiengiang", "camau"):
        assert name not in text
    assert Elector.objects.filter(session_id=opened["id"], voted=True).count() == 6
    board = body(as_user("xem").get(one + "/board"))
    assert len(board["ballots"]) == 6 and len(board["partial_decryptions"]) == 2


def test_one_vote_then_close_gives_no_tally_through_the_api(as_user, opened):
    one = f"{V1}/ballots/{opened['id']}"
    post(as_user("longan"), one + "/vote", {"approve": [opened["candidates"][0]["id"]]})
    early = {"reason": "kết thúc sớm trong phép thử"}
    closed = body(post(as_user("camau"), one + "/close", early))
    assert closed["status"] == SessionStatus.CLOSED and closed["result"]["withheld"] is True
    assert closed["result"]["candidates"] == []


def test_the_head_cannot_name_an_outsider_elector_through_the_api(as_user):
    response = _create(as_user("camau"), electors=["longan", "kiengiang", "hanoi"])
    assert response.status_code == 422 and "không được bỏ phiếu" in response.content.decode()
    assert not BallotSession.objects.exists()


def test_a_session_is_hidden_from_outsiders(as_user, opened):
    assert as_user("hanoi").get(f"{V1}/ballots/{opened['id']}").status_code == 403
    assert as_user("xem").get(f"{V1}/ballots/{opened['id']}").status_code == 200
    assert as_user("xem").get(f"{V1}/ballots/999999").status_code == 404
    listed = body(as_user("xem").get(f"{TNB}/ballots"))
    assert [s["id"] for s in listed] == [opened["id"]]


def test_a_correction_is_a_new_session_naming_the_old_one(as_user, opened):
    one = f"{V1}/ballots/{opened['id']}"
    post(as_user("camau"), one + "/close", {"reason": "kết thúc sớm trong phép thử"})
    data = {"reason": "Thiếu đại biểu", "closes_at": _closes()}
    assert post(as_user("longan"), one + "/correct", data).status_code == 403
    response = post(as_user("camau"), one + "/correct", data)
    assert response.status_code == 201
    new = body(response)
    assert (new["corrects"], new["correction_reason"], new["status"]) == (
        opened["id"],
        "Thiếu đại biểu",
        "draft",
    )
