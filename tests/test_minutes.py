"""The minutes (biên bản) of a year's scoring and of a ballot count, as Word documents.

Cast (see conftest): `camau` runs TNB 2019 as head secretariat (and is Cà Mau's officer),
`longan`, `kiengiang`, `tiengiang`… are officers of TNB members (each its unit's elector),
`hanoi` is outside TNB, `xem` views TNB, `bantw` is the board.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from tests.ballot_keys import close_ballot, open_ballot
from thidua.ballots import services as ballots
from thidua.ballots.minutes import BALLOT_SHIPPED, ballot_minutes_docx
from thidua.ballots.models import SessionStatus
from thidua.orgs.models import ReviewMeeting
from thidua.reports import build_minutes
from thidua.reports.docx import template_problem_for
from thidua.reports.models import DocumentKind, DocumentTemplate
from thidua.scoring import services as scoring
from thidua.scoring.engine import current_regulation
from thidua.scoring.minutes import SCORING_SHIPPED, scoring_minutes_docx

pytestmark = pytest.mark.django_db

FONT = "Times New Roman"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SCORES = "/clusters/TNB/2019/scores/minutes.docx"
API_SCORES = "/api/v1/clusters/TNB/years/2019/scores/minutes"
# Who votes for whom in the `closed` session: seven of twelve approve Long An (58,33 % > 50 %).
VOTES = {
    "longan": "80",
    "kiengiang": "80",
    "tiengiang": "80",
    "angiang": "80",
    "baclieu": "80",
    "bentre": "80",
    "dongthap": "80",
    "haugiang": "82",
}


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def regulation(tnb):
    return current_regulation(tnb, 2019)


@pytest.fixture
def as_user(users):
    def login(name: str) -> Client:
        client = Client()
        client.force_login(users[name])
        return client

    return login


def _session(users, tnb, unit):
    created = ballots.create_session(
        users["camau"],
        tnb,
        2019,
        "Đề nghị Cờ thi đua của Chính phủ năm 2019",
        timezone.now() + timedelta(days=1),
        candidates=[(unit("80"), 1), (unit("82"), 2), (unit("84"), 4)],
        award_code="CO_TD_CP",
    )
    return open_ballot(users["camau"], created)


@pytest.fixture
def opened(users, tnb, unit):
    return _session(users, tnb, unit)


@pytest.fixture
def closed(users, opened):
    ids = {c.unit.code: c.id for c in opened.candidates.select_related("unit")}
    for name, code in VOTES.items():
        ballots.cast_vote(users[name], opened, [ids[code]])
    close_ballot(users["camau"], opened, reason="kết thúc sớm trong phép thử")
    opened.refresh_from_db()
    return opened


def read(content: bytes):
    return Document(io.BytesIO(content))


def paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def all_text(document) -> str:
    return "\n".join(p.text for p in paragraphs(document)).replace("\u00a0", " ")


def find(document, text: str):
    return next(p for p in paragraphs(document) if text in p.text)


def style_value(paragraph, attr: str):
    for run in paragraph.runs:
        value = getattr(run.font, attr)
        if value is not None:
            return value
    style = paragraph.style
    while style is not None:
        value = getattr(style.font, attr)
        if value is not None:
            return value
        style = style.base_style
    return None


def table_starting(document, first: str):
    return next(t for t in document.tables if t.rows[0].cells[0].text == first)


def tiny_docx(*lines: str) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# The scoring minutes


def test_the_scoring_minutes_are_a4_with_the_decree_margins_and_times_new_roman(regulation):
    doc = read(scoring_minutes_docx(regulation))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.top_margin.mm) == round(section.bottom_margin.mm) == 20
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == ""
    number = section.header.paragraphs[0]
    assert [t.text for t in number._p.iter(qn("w:instrText"))] == [" PAGE "]
    fonts = list(doc.styles.element.iter(qn("w:rFonts"))) + list(
        doc.element.body.iter(qn("w:rFonts"))
    )
    assert len(fonts) > 10
    for element in fonts:
        for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
            assert element.get(qn(f"w:{slot}")) == FONT
        assert not [a for a in element.attrib if "heme" in a]


def test_the_header_and_title_name_the_cluster_the_year_and_leave_gaps_without_a_meeting(
    regulation,
):
    doc = read(scoring_minutes_docx(regulation))
    left, right = (cell.text for cell in doc.tables[0].rows[0].cells)
    assert "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TRUNG ƯƠNG" in left
    assert "CỤM THI ĐUA CÁC TỈNH TÂY NAM BỘ" in left
    assert "Số: …" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right
    assert "Độc lập - Tự do - Hạnh phúc" in right
    assert "…, ngày … tháng … năm …" in right  # no year-end meeting record: nothing invented
    text = all_text(doc)
    assert "BIÊN BẢN" in text
    assert "Họp chấm điểm, xếp hạng thi đua năm 2019 của Cụm thi đua các tỉnh Tây Nam Bộ" in text
    assert "2. Địa điểm: …\n" in text and "3. Thành phần: …\n" in text
    assert "4. Chủ trì: …; thư ký: …" in text
    checks = [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True, None),
        ("Độc lập - Tự do - Hạnh phúc", 14, True, None),
        ("BIÊN BẢN", 14, True, None),
        ("Họp chấm điểm, xếp hạng", 14, True, None),
        ("THƯ KÝ", 13, True, None),
        ("CHỦ TRÌ", 13, True, None),
        ("Nơi nhận:", 12, True, True),
        ("- Lưu: VT.", 11, None, None),
    ]
    for snippet, size, bold, italic in checks:
        p = find(doc, snippet)
        assert style_value(p, "size") == Pt(size), snippet
        assert bool(style_value(p, "bold")) == bool(bold), snippet
        assert bool(style_value(p, "italic")) == bool(italic), snippet
    borders = list(doc.element.body.iter(qn("w:pBdr")))
    assert len(borders) >= 3 and "___" not in text


def test_the_meeting_record_of_the_year_gives_date_place_attendees_and_chair(regulation, tnb, unit):
    ReviewMeeting.objects.create(
        cluster=tnb,
        period="2019",
        host=unit("92"),
        held_on=date(2020, 1, 8),
        place="Hội trường UBND tỉnh",
        place_name="Cần Thơ",
        attendees="Lãnh đạo 12 tỉnh thành viên.",
        signer_name="Nguyễn Văn Chủ Trì",
    )
    doc = read(scoring_minutes_docx(regulation))
    assert "Cần Thơ, ngày 08 tháng 01 năm 2020" in doc.tables[0].rows[0].cells[1].text
    text = all_text(doc)
    assert "1. Thời gian: … giờ …, ngày 08 tháng 01 năm 2020" in text
    assert "2. Địa điểm: Hội trường UBND tỉnh (đơn vị đăng cai:" in text
    assert "3. Thành phần: Lãnh đạo 12 tỉnh thành viên\n" in text
    signatures = doc.tables[-1].rows[0].cells
    assert "CHỦ TRÌ" in signatures[1].text and "Nguyễn Văn Chủ Trì" in signatures[1].text
    assert "THƯ KÝ" in signatures[0].text and signatures[0].text.count("…") >= 1


def test_the_regulation_the_scores_table_and_the_result_are_in_the_minutes(regulation):
    doc = read(scoring_minutes_docx(regulation))
    text = all_text(doc)
    assert regulation.name in text and "(phiên bản 1)" in text
    assert "Căn cứ: Luật Thi đua, khen thưởng" in text
    assert "- A. Thực hiện các chỉ tiêu kinh tế – xã hội trong giao ước: tối đa 60 điểm;" in text
    assert "điểm nhóm A, số tiêu chí đạt điểm tối đa" in text
    table = table_starting(doc, "Hạng")
    head = [c.text for c in table.rows[0].cells]
    assert head == ["Hạng", "Đơn vị", "A\n(60)", "B\n(30)", "C\n(5)", "D\n(trừ 5)", "Tổng điểm"]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert len(rows) == 12
    assert rows[0] == ["1", "Long An", "59,00", "29,00", "2,00", "0,00", "90,00"]
    assert rows[1][:2] == ["2", "Tiền Giang"] and rows[1][-1] == "80,50"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(widths) == 7 and abs(sum(widths) - 9355) < 20  # 16,5 cm: the text width
    assert "Thứ tự xếp hạng: 1. Long An; 2. Tiền Giang; 3. Bạc Liêu;" in text
    assert "Long An xếp thứ nhất, dẫn đầu Cụm thi đua các tỉnh Tây Nam Bộ năm 2019" in text
    assert "với 90,00 điểm." in text


def test_criteria_where_the_review_differs_from_the_self_score_are_noted(regulation):
    doc = read(scoring_minutes_docx(regulation))
    table = table_starting(doc, "Đơn vị")
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in table.rows[1:]}
    assert rows["Long An"][2:] == ["3,00", "2,00", "Chỉ được công nhận ở cấp sở"]
    assert rows["Long An"][1].startswith("C. ")
    assert "Cụm trưởng thẩm định, điều chỉnh 4 tiêu chí" in all_text(doc)


def test_the_publication_date_appears_once_published(regulation, users):
    assert "được công bố" not in all_text(read(scoring_minutes_docx(regulation)))
    scoring.publish(users["camau"], regulation)
    regulation.refresh_from_db()
    assert "Kết quả được công bố cho các thành viên" in all_text(
        read(scoring_minutes_docx(regulation))
    )


# The ballot minutes


def test_the_ballot_minutes_give_the_question_participation_rule_and_votes(closed):
    doc = read(ballot_minutes_docx(closed))
    text = all_text(doc)
    assert "BIÊN BẢN" in text
    assert "Kiểm phiếu “Đề nghị Cờ thi đua của Chính phủ năm 2019”" in text
    assert "3. Số suất: 1; số đơn vị được đề cử: 3" in text
    assert "1. Tổng số người có quyền bỏ phiếu: 12 người." in text
    assert "2. Số người đã bỏ phiếu: 8 người (66,67%)." in text
    assert "3. Số phiếu thu về: 8 phiếu; số phiếu hợp lệ: 8 phiếu." in text
    assert "số người đã bỏ phiếu đạt tỷ lệ này" in text
    assert (
        "số phiếu đồng ý trên 50% tổng số người có quyền bỏ phiếu (12 người), "
        "tức là từ 7 phiếu đồng ý trở lên"
    ) in text
    table = table_starting(doc, "TT")
    rows = {row.cells[1].text: [c.text for c in row.cells] for row in table.rows[1:]}
    assert rows["Long An"] == ["1", "Long An", "1", "7", "58,33", "Đạt", "Được đề nghị"]
    assert rows["Tiền Giang"][3:6] == ["1", "8,33", "Không đạt"]
    assert rows["Trà Vinh"][3:] == ["0", "0,00", "Không đạt", "–"]
    assert "Căn cứ kết quả kiểm phiếu, Long An (7 phiếu, 58,33%) được đề nghị" in text
    assert "Danh sách 8 mã phiếu" in text
    signatures = doc.tables[-1].rows[0].cells
    assert "THÀNH VIÊN" in signatures[0].text and "TRƯỞNG BAN" in signatures[1].text
    assert "TỔ KIỂM PHIẾU" in text


def test_the_ballot_minutes_name_no_voter_and_list_no_receipt(closed, users):
    content = ballot_minutes_docx(closed)
    parts = zipfile.ZipFile(io.BytesIO(content))
    raw = " ".join(parts.read(n).decode("utf-8", "replace") for n in parts.namelist()).lower()
    for elector in closed.electors.select_related("user"):
        assert elector.user.get_username().lower() not in raw
        name = elector.user.get_full_name().strip().lower()  # "Cán bộ thi đua tỉnh …"
        assert not name or name not in raw
    for receipt in closed.result["receipts"]:
        assert receipt["receipt"].lower() not in raw


def test_a_quorum_not_met_is_said_and_nobody_is_proposed(users, tnb, unit):
    session = _session(users, tnb, unit)
    ids = {c.unit.code: c.id for c in session.candidates.select_related("unit")}
    ballots.cast_vote(users["longan"], session, [ids["80"]])
    close_ballot(users["camau"], session, reason="kết thúc sớm trong phép thử")
    session.refresh_from_db()
    text = all_text(read(ballot_minutes_docx(session)))
    assert "số người đã bỏ phiếu chưa đạt tỷ lệ này" in text
    assert "chưa đạt tỷ lệ tham gia tối thiểu 50%" in text
    assert "Được đề nghị" not in text


def test_an_open_session_has_no_minutes(opened):
    from thidua.reports.docx import DocumentError

    with pytest.raises(DocumentError, match="đã kết thúc"):
        ballot_minutes_docx(opened)


# Templates


def test_the_shipped_templates_use_only_known_fields_and_are_what_the_script_makes(tmp_path):
    assert template_problem_for(DocumentKind.SCORING_MINUTES, SCORING_SHIPPED.read_bytes()) is None
    assert template_problem_for(DocumentKind.BALLOT_MINUTES, BALLOT_SHIPPED.read_bytes()) is None
    for make, shipped in (
        (build_minutes.build_scoring, SCORING_SHIPPED),
        (build_minutes.build_ballot, BALLOT_SHIPPED),
    ):
        built = zipfile.ZipFile(make(tmp_path / shipped.name))
        for name in ("word/document.xml", "word/styles.xml"):
            assert built.read(name) == zipfile.ZipFile(shipped).read(name), name


def test_an_uploaded_cluster_template_of_the_kind_replaces_the_shipped_one(regulation, tnb):
    DocumentTemplate.objects.create(
        kind=DocumentKind.REVIEW,
        cluster=tnb,
        file=ContentFile(tiny_docx("BÁO CÁO {{ narrative }}"), name="review.docx"),
    )
    DocumentTemplate.objects.create(
        kind=DocumentKind.SCORING_MINUTES,
        cluster=None,
        file=ContentFile(tiny_docx("CHUNG {{ leader_text }}"), name="chung.docx"),
    )
    shared = read(scoring_minutes_docx(regulation))
    assert shared.paragraphs[0].text.startswith("CHUNG Long An xếp thứ nhất")
    DocumentTemplate.objects.create(
        kind=DocumentKind.SCORING_MINUTES,
        cluster=tnb,
        file=ContentFile(tiny_docx("RIÊNG {{ leader_text }}"), name="rieng.docx"),
    )
    own = read(scoring_minutes_docx(regulation))
    assert own.paragraphs[0].text.startswith("RIÊNG Long An xếp thứ nhất")


def test_an_uploaded_ballot_template_is_used_for_the_ballot_minutes(closed, tnb):
    DocumentTemplate.objects.create(
        kind=DocumentKind.BALLOT_MINUTES,
        cluster=tnb,
        file=ContentFile(tiny_docx("KIỂM PHIẾU {{ present }}/{{ electorate }}"), name="k.docx"),
    )
    assert read(ballot_minutes_docx(closed)).paragraphs[0].text == "KIỂM PHIẾU 8/12"


@pytest.mark.parametrize(
    ("kind", "good"),
    [(DocumentKind.SCORING_MINUTES, "leader_text"), (DocumentKind.BALLOT_MINUTES, "result_text")],
)
def test_an_upload_with_an_unknown_field_is_refused_naming_it_and_the_known_ones(tnb, kind, good):
    upload = DocumentTemplate(
        kind=kind,
        cluster=tnb,
        file=ContentFile(tiny_docx(f"{{{{ {good} }}}}", "{{ narrative }}"), name="sai.docx"),
    )
    with pytest.raises(ValidationError) as caught:
        upload.full_clean()
    message = " ".join(caught.value.message_dict["file"])
    assert "narrative" in message and good in message  # a review field is not a minutes field


def test_an_unknown_attribute_in_a_loop_and_a_non_word_file_are_refused():
    problem = template_problem_for(
        DocumentKind.BALLOT_MINUTES,
        tiny_docx("{%p for c in candidates %}", "{{ c.voter }}", "{%p endfor %}"),
    )
    assert problem and "voter" in problem
    problem = template_problem_for(DocumentKind.SCORING_MINUTES, b"not a zip")
    assert problem and "không phải là tệp Word" in problem


# Doors: web


def test_the_head_and_the_board_download_the_scoring_minutes(as_user):
    for name in ("camau", "bantw"):
        response = as_user(name).get(SCORES)
        assert response.status_code == 200, name
        assert response["Content-Type"] == DOCX
        assert 'filename="bien-ban-cham-diem-TNB-2019.docx"' in response["Content-Disposition"]
        assert "Long An" in all_text(read(response.content))
    page = as_user("camau").get(reverse("web:ranking", args=["TNB", 2019])).content.decode()
    assert SCORES in page and "Tải biên bản (.docx)" in page


def test_members_get_the_scoring_minutes_only_once_published(as_user, regulation, users):
    ranking = reverse("web:ranking", args=["TNB", 2019])
    assert as_user("longan").get(SCORES).status_code == 403
    assert SCORES not in as_user("longan").get(ranking).content.decode()
    scoring.publish(users["camau"], regulation)
    assert as_user("longan").get(SCORES).status_code == 200
    assert as_user("xem").get(SCORES).status_code == 200
    assert SCORES in as_user("longan").get(ranking).content.decode()


def test_outsiders_and_the_public_get_no_scoring_minutes(as_user, client, regulation, users):
    scoring.publish(users["camau"], regulation)
    assert as_user("hanoi").get(SCORES).status_code == 403
    assert client.get(SCORES).status_code == 302
    assert as_user("bantw").get("/clusters/TNB/2030/scores/minutes.docx").status_code == 404


def test_the_ballot_minutes_are_for_the_head_the_board_and_the_electors(as_user, closed):
    url = reverse("web:ballot_minutes", args=[closed.pk])
    for name in ("camau", "bantw", "longan", "soctrang"):  # soctrang: elector who did not vote
        response = as_user(name).get(url)
        assert response.status_code == 200, name
        assert response["Content-Type"] == DOCX
    assert as_user("xem").get(url).status_code == 403
    assert as_user("hanoi").get(url).status_code == 403
    page = as_user("longan").get(reverse("web:ballot", args=[closed.pk])).content.decode()
    assert url in page and "Tải biên bản (.docx)" in page
    page = as_user("xem").get(reverse("web:ballot", args=[closed.pk])).content.decode()
    assert url not in page


def test_an_open_session_has_no_minutes_on_the_web(as_user, opened):
    url = reverse("web:ballot_minutes", args=[opened.pk])
    assert as_user("camau").get(url).status_code == 404
    assert url not in as_user("camau").get(reverse("web:ballot", args=[opened.pk])).content.decode()


# Doors: API and CLI


def test_the_api_gives_the_scoring_minutes_to_the_head_and_refuses_others(as_user, regulation):
    response = as_user("camau").get(API_SCORES)
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert "90,00" in all_text(read(response.content))
    assert as_user("longan").get(API_SCORES).status_code == 403
    assert as_user("hanoi").get(API_SCORES).status_code == 403
    assert Client().get(API_SCORES).status_code == 401
    assert as_user("bantw").get(API_SCORES.replace("2019", "2030")).status_code == 404


def test_the_api_gives_the_ballot_minutes_of_a_closed_session_only(
    as_user, closed, users, tnb, unit
):
    opened = _session(users, tnb, unit)
    one = f"/api/v1/ballots/{closed.pk}/minutes"
    response = as_user("kiengiang").get(one)
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert "Long An" in all_text(read(response.content))
    assert as_user("xem").get(one).status_code == 403
    assert as_user("hanoi").get(one).status_code == 403
    assert as_user("camau").get(f"/api/v1/ballots/{opened.pk}/minutes").status_code == 404
    assert as_user("camau").get("/api/v1/ballots/999999/minutes").status_code == 404


def test_the_minutes_operations_declare_a_word_file(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/v1/clusters/{code}/years/{year}/scores/minutes",
        "/api/v1/ballots/{session_id}/minutes",
    ):
        responses = paths[path]["get"]["responses"]
        assert DOCX in responses["200"]["content"]
        assert {"401", "403", "404"} <= set(responses)


def test_the_commands_write_both_minutes(closed, users, tnb, unit, tmp_path):
    opened = _session(users, tnb, unit)
    out = tmp_path / "cham-diem.docx"
    args = ["--cluster", "TNB", "--year", "2019", "--format", "docx", "-o", str(out)]
    call_command("score", *args, stdout=io.StringIO())
    assert "90,00" in all_text(read(out.read_bytes()))
    with pytest.raises(CommandError, match="-o"):
        call_command("score", *args[:-2], stdout=io.StringIO())
    out = tmp_path / "kiem-phieu.docx"
    call_command("ballot", "minutes", str(closed.pk), "-o", str(out), stdout=io.StringIO())
    assert "58,33" in all_text(read(out.read_bytes()))
    assert opened.status == SessionStatus.OPEN
    with pytest.raises(CommandError, match="chưa kết thúc"):
        call_command("ballot", "minutes", str(opened.pk), "-o", str(out), stdout=io.StringIO())


# PDF: one page renders


def test_the_minutes_convert_to_pdf_and_the_first_page_renders(closed, tmp_path):
    from thidua.reports.docx import docx_to_pdf

    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        if os.environ.get("CI") != "true":
            pytest.skip("Chưa cài LibreOffice: apt-get install -y libreoffice-writer-nogui")
    pdf = docx_to_pdf(ballot_minutes_docx(closed))
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        (tmp_path / "b.pdf").write_bytes(pdf)
        args = ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "b.pdf", "page"]
        subprocess.run(args, cwd=tmp_path, check=True)
        page = next(tmp_path.glob("page*.png"))
        assert page.read_bytes().startswith(b"\x89PNG") and page.stat().st_size > 5000
