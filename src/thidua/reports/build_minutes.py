"""Build the shipped minutes templates (biên bản), in the layout of `build_template.py`.

`templates_docx/scoring_minutes.docx`: biên bản họp chấm điểm, xếp hạng thi đua of a year;
`templates_docx/ballot_minutes.docx`: biên bản kiểm phiếu of a closed ballot session.

Run once after a change: `python -m thidua.reports.build_minutes`. The generated files are
committed; an official adjusts one in Word and uploads it as a document template of the same
kind. The Jinja fields are those of `thidua.scoring.minutes.SCORING_FIELDS` and
`thidua.ballots.minutes.BALLOT_FIELDS`.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt

from thidua.reports.build_template import (
    SUMMARY_RULE,
    TEXT_WIDTH,
    caption,
    drop_thumbnail,
    header_block,
    header_row,
    layout_table,
    page,
    page_numbers,
    para,
    rule,
    set_widths,
    styles,
)

FOLDER = Path(__file__).resolve().parent / "templates_docx"
SCORING = FOLDER / "scoring_minutes.docx"
BALLOT = FOLDER / "ballot_minutes.docx"
SCORE_TABLE = "Bảng điểm"  # caption: scoring.minutes re-fits the section columns to the regulation
SIGN_HALF = Cm(8.25)


def build_scoring(path: Path = SCORING) -> Path:
    doc = _start("Mẫu biên bản họp chấm điểm, xếp hạng thi đua")
    _title(doc)
    para(doc, "I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN", "Mục")
    # Lines "label: value" end without a full stop: a missing value stays a clean "…".
    para(doc, "1. Thời gian: {{ time }}")
    para(doc, "2. Địa điểm: {{ place }}")
    para(doc, "3. Thành phần: {{ attendees }}")
    para(doc, "4. Chủ trì: {{ chair }}; thư ký: {{ secretary }}")
    para(doc, "II. NỘI DUNG", "Mục")
    para(doc, "1. Quy định chấm điểm áp dụng", "Mục con")
    para(doc, "{{ regulation_name }} (phiên bản {{ regulation_version }}).")
    para(doc, "Căn cứ: {{ legal_basis }}.", italic=True)
    para(doc, "Các nhóm tiêu chí:", "Đoạn dẫn")
    para(doc, "{%p for s in sections %}")
    para(doc, "- {{ s.line }}")
    para(doc, "{%p endfor %}")
    para(doc, "Khi bằng điểm: {{ tie_break }}.")
    para(doc, "2. Kết quả chấm điểm", "Mục con")
    para(doc, "Kết quả chấm điểm của {{ member_count }} {{ member_noun }} như sau:", "Đoạn dẫn")
    _scores_table(doc)
    para(doc, "{{ table_note }}", "Ghi chú bảng")
    para(doc, "3. Điều chỉnh so với điểm tự chấm", "Mục con")
    para(doc, "{%p if adjustments %}")
    para(doc, "{{ adjustment_intro }}", "Đoạn dẫn")
    _adjustment_table(doc)
    para(doc, "{%p else %}")
    para(doc, "{{ adjustment_intro }}")
    para(doc, "{%p endif %}")
    para(doc, "III. KẾT QUẢ", "Mục")
    para(doc, "{{ ranking_text }}")
    para(doc, "{{ leader_text }}")
    para(doc, "{%p if published_note %}")
    para(doc, "{{ published_note }}")
    para(doc, "{%p endif %}")
    closing = "Cuộc họp kết thúc lúc … giờ … cùng ngày; biên bản đã được thông qua tại cuộc họp./."
    para(doc, closing, "Đoạn dẫn")
    _two_signatures(doc, ("THƯ KÝ", "{{ secretary }}"), ("CHỦ TRÌ", "{{ chair }}"))
    return _save(doc, path)


def build_ballot(path: Path = BALLOT) -> Path:
    doc = _start("Mẫu biên bản kiểm phiếu")
    _title(doc)
    para(doc, "I. NỘI DUNG BỎ PHIẾU", "Mục")
    para(doc, "1. Nội dung: {{ question }}")
    para(doc, "2. Hình thức đề nghị: {{ award }}")
    para(doc, "3. Số suất: {{ seats }}; số đơn vị được đề cử: {{ candidate_count }}")
    para(doc, "4. Thời gian bỏ phiếu: {{ voting_time }}")
    para(doc, "5. Hình thức: {{ method }}")
    para(doc, "6. Căn cứ: {{ legal_basis }}")
    para(doc, "{%p if correction %}")
    para(doc, "7. Bỏ phiếu lại: {{ correction }}")
    para(doc, "{%p endif %}")
    para(doc, "II. SỐ NGƯỜI BỎ PHIẾU", "Mục")
    para(doc, "1. Tổng số người có quyền bỏ phiếu: {{ electorate }} người.")
    para(doc, "2. Số người đã bỏ phiếu: {{ present }} người ({{ present_pct }}%).")
    para(doc, "3. Số phiếu thu về: {{ ballots }} phiếu; số phiếu hợp lệ: {{ valid }} phiếu.")
    para(
        doc,
        "4. Tỷ lệ tham gia tối thiểu: {{ quorum_pct }}% tổng số người có quyền bỏ phiếu; "
        "{{ quorum_text }}.",
    )
    para(doc, "5. Điều kiện được đề nghị: {{ pass_rule }}.")
    para(doc, "III. KẾT QUẢ KIỂM PHIẾU", "Mục")
    para(doc, "Kết quả kiểm phiếu đối với từng đơn vị được đề cử như sau:", "Đoạn dẫn")
    _candidate_table(doc)
    para(doc, "{{ result_text }}").paragraph_format.space_before = Pt(6)
    para(doc, "IV. CÔNG KHAI KẾT QUẢ", "Mục")
    para(doc, "{{ receipts_text }}")
    para(doc, "Việc kiểm phiếu kết thúc lúc {{ closed_time }}./.", "Đoạn dẫn")
    team = para(doc, "TỔ KIỂM PHIẾU", "Chữ ký").paragraph_format
    team.space_before, team.keep_with_next = Pt(12), True
    _two_signatures(doc, ("THÀNH VIÊN", "{{ member_names }}"), ("TRƯỞNG BAN", "{{ head_name }}"))
    return _save(doc, path)


def build() -> list[Path]:
    return [build_scoring(), build_ballot()]


# Parts


def _start(title: str):
    doc = Document()
    doc.core_properties.author = doc.core_properties.last_modified_by = "thidua"
    doc.core_properties.title = title
    doc.core_properties.comments = "Các trường trong ngoặc nhọn kép được điền khi tạo biên bản."
    page(doc)
    styles(doc)
    page_numbers(doc)
    header_block(doc)
    return doc


def _save(doc, path: Path) -> Path:
    drop_thumbnail(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _title(doc) -> None:
    para(doc, "", "Tên loại").paragraph_format.space_before = Pt(12)
    para(doc, "BIÊN BẢN", "Tên loại")
    para(doc, "{{ summary }}", "Tên loại")
    rule(doc, SUMMARY_RULE, TEXT_WIDTH)
    para(doc, "", "Đường kẻ").paragraph_format.space_after = Pt(12)


def _grid(doc, widths, header: list[list[str]], body: list[str], body_styles: list[str]):
    """A bordered table: header row(s), then a `tr` loop over one body row."""
    table = layout_table(doc, widths, borders=True)
    rows = [*header, ["{%tr " + body[0] + " %}"] + [""] * (len(widths) - 1), body[1:]]
    rows.append(["{%tr endfor %}"] + [""] * (len(widths) - 1))
    for _ in rows[1:]:
        row = table.add_row()
        for cell in row.cells:
            cell._tc.remove(cell.paragraphs[0]._p)
    for row in table.rows[: len(header)]:
        header_row(row)
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for i, (row, texts) in enumerate(zip(table.rows, rows, strict=True)):
        for j, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
            if i < len(header):
                for line in text.split("\n"):
                    para(cell, line, "Bảng tiêu đề")
            elif i == len(rows) - 2:
                para(cell, text, body_styles[j])
            else:
                para(cell, text, "Bảng")
    set_widths(table, widths)
    return table


def _scores_table(doc) -> None:
    """Rank, unit, one column per top-level section (the `tc` loop), total."""
    widths = [Cm(1.3), Cm(4.2), Cm(0.2), Cm(8.2), Cm(0.2), Cm(2.4)]
    header = [
        [
            "Hạng",
            "Đơn vị",
            "{%tc for s in sections %}",
            "{{ s.code }}\n{{ s.max }}",
            "{%tc endfor %}",
            "Tổng điểm",
        ]
    ]
    body = [
        "for r in rows",
        "{{ r.rank }}",
        "{{ r.name }}",
        "{%tc for v in r.sections %}",
        "{{ v }}",
        "{%tc endfor %}",
        "{{ r.total }}",
    ]
    styles = ["Bảng giữa", "Bảng", "Bảng", "Bảng số", "Bảng", "Bảng số"]
    table = _grid(doc, widths, header, body, styles)
    caption(table, SCORE_TABLE)
    for p in table.rows[-2].cells[-1].paragraphs:
        p.runs[0].bold = True


def _adjustment_table(doc) -> None:
    widths = [Cm(2.4), Cm(5.0), Cm(1.9), Cm(2.1), Cm(5.1)]
    header = [["Đơn vị", "Tiêu chí", "Tự chấm", "Thẩm định", "Lý do điều chỉnh"]]
    body = [
        "for a in adjustments",
        "{{ a.unit }}",
        "{{ a.criterion }}",
        "{{ a.self }}",
        "{{ a.review }}",
        "{{ a.reason }}",
    ]
    _grid(doc, widths, header, body, ["Bảng", "Bảng", "Bảng số", "Bảng số", "Bảng"])


def _candidate_table(doc) -> None:
    widths = [Cm(1.0), Cm(3.8), Cm(1.9), Cm(2.0), Cm(1.9), Cm(2.2), Cm(3.7)]
    header = [
        [
            "TT",
            "Đơn vị được đề cử",
            "Hạng theo điểm",
            "Số phiếu đồng ý",
            "Tỷ lệ (%)",
            "Đạt tỷ lệ",
            "Kết quả",
        ]
    ]
    body = [
        "for c in candidates",
        "{{ c.number }}",
        "{{ c.name }}",
        "{{ c.score_rank }}",
        "{{ c.votes }}",
        "{{ c.pct }}",
        "{{ c.passed }}",
        "{{ c.outcome }}",
    ]
    styles = ["Bảng giữa", "Bảng", "Bảng giữa", "Bảng số", "Bảng số", "Bảng giữa", "Bảng giữa"]
    _grid(doc, widths, header, body, styles)


def _two_signatures(doc, left: tuple[str, str], right: tuple[str, str]) -> None:
    """Two signatures side by side, the recipients under the left one: one row that is never
    split, so the signatures and the recipients always share a page."""
    table = layout_table(doc, [SIGN_HALF, SIGN_HALF])
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for cell, (title, name) in zip(table.rows[0].cells, (left, right), strict=True):
        para(cell, title, "Chữ ký").paragraph_format.space_before = Pt(6)
        para(cell, "(Ký, ghi rõ họ tên)", "Chữ ký", italic=True, bold=False, size=12)
        for _ in range(4):  # room for the signature
            para(cell, "", "Chữ ký")
        para(cell, name, "Chữ ký")
    _recipients(table.rows[0].cells[0])


def _recipients(cell) -> None:
    para(cell, "Nơi nhận:", "Nơi nhận tiêu đề").paragraph_format.space_before = Pt(18)
    para(cell, "{%p for line in recipients %}", "Nơi nhận")
    para(cell, "{{ line }}", "Nơi nhận")
    para(cell, "{%p endfor %}", "Nơi nhận")


if __name__ == "__main__":
    for built in build():
        print(built)
