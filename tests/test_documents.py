"""Review documents: Word (Decree 30/2020 layout), PDF, Excel, charts and the CLI formats."""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import subprocess
from datetime import date

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from thidua.reports.aggregation import review
from thidua.reports.charts import chart_figure, member_chart, trend_chart
from thidua.reports.documents import (
    SHIPPED,
    context,
    render,
    review_docx,
    sample_facts,
    template_problem,
)
from thidua.reports.excel import review_xlsx
from thidua.reports.models import DocumentTemplate, NarrativeTemplate
from thidua.reports.narrative import narrate
from thidua.reports.official import place_date, recipients

FONT = "Times New Roman"

# Every test here reads the demo, also through the module-scoped document fixture: keep them with
# the database tests, which pytest-django runs before the transactional browser tests flush it.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    """Another test may leave English active; these compare Vietnamese texts."""
    with translation.override("vi"):
        yield


@pytest.fixture(scope="module")
def tnb_docx(django_db_setup, django_db_blocker) -> bytes:
    from thidua.orgs.models import Cluster

    with django_db_blocker.unblock():
        return review_docx(Cluster.objects.get(code="TNB"), "2019H1")


@pytest.fixture(scope="module")
def doc(tnb_docx):
    return Document(io.BytesIO(tnb_docx))


@pytest.fixture
def h1(tnb):
    data = review(tnb, "2019H1")
    data["narrative"] = narrate(data, tnb, "vi")
    return data


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts).replace("\u00a0", " ")


def paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def find(document, text: str):
    return next(p for p in paragraphs(document) if text in p.text)


def style_value(paragraph, attr: str):
    """A font attribute as shown: the run's own, else the paragraph style's chain."""
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


def paragraph_format(paragraph, attr: str):
    style = paragraph.style
    value = getattr(paragraph.paragraph_format, attr)
    while value is None and style is not None:
        value = getattr(style.paragraph_format, attr)
        style = style.base_style
    return value


def tiny_docx(*lines: str) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# Word: page, fonts, texts


def test_the_word_report_is_a4_portrait_with_the_decree_margins(doc):
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.top_margin.mm) == round(section.bottom_margin.mm) == 20
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)


def test_every_style_and_run_is_set_in_times_new_roman_in_all_four_font_slots(doc):
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")) is not None
    fonts = list(styles.iter(qn("w:rFonts"))) + list(doc.element.body.iter(qn("w:rFonts")))
    assert len(fonts) > 10
    for element in fonts:
        for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
            assert element.get(qn(f"w:{slot}")) == FONT
        assert not [a for a in element.attrib if "heme" in a]  # no theme font overrides them


def test_the_header_block_carries_the_national_title_the_agency_and_the_date(doc):
    header = doc.tables[0]
    left, right = (cell.text for cell in header.rows[0].cells)
    assert "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TRUNG ƯƠNG" in left
    assert "CỤM THI ĐUA CÁC TỈNH TÂY NAM BỘ" in left
    assert "Số: 01/BC-CTĐTNB" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right
    assert "Độc lập - Tự do - Hạnh phúc" in right
    assert "Rạch Giá, ngày 06 tháng 8 năm 2019" in right


def test_the_title_and_summary_name_the_review_and_the_cluster(doc):
    text = all_text(doc)
    assert "BÁO CÁO" in text
    assert (
        "Sơ kết giao ước thi đua 6 tháng đầu năm 2019 của Cụm thi đua các tỉnh Tây Nam Bộ" in text
    )


def test_the_narrative_and_the_members_table_are_in_the_document(doc, h1):
    assert h1["narrative"] in all_text(doc)
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "TT")
    rows = {row.cells[1].text: [c.text for c in row.cells] for row in table.rows}
    assert "17,00" in rows["Trà Vinh"]
    assert "49.630" in rows["Toàn cụm"]
    assert len(table.rows) == 1 + 12 + 1
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats on each page
    assert "(*) Số liệu minh họa" in all_text(doc)


def test_the_rankings_tasks_and_signature_come_from_the_meeting_record(doc):
    text = all_text(doc)
    assert "1. Tốc độ tăng trưởng GRDP" in text
    assert "Thứ tự: 1. Trà Vinh (17,00%); 2. Long An (9,89%)" in text
    assert "Mức giao ước: từ 55% trở lên; đạt: 12/12 tỉnh." in text
    assert "- Tiếp tục quán triệt và thực hiện tốt Luật Thi đua, khen thưởng;" in text
    assert "- Kiện toàn tổ chức bộ máy Hội đồng Thi đua – Khen thưởng các tỉnh." in text
    assert "Thành phần dự hội nghị: Phó Chủ tịch Thường trực" in text
    bottom = doc.tables[-1].rows[0].cells
    assert bottom[0].text.splitlines() == [
        "Nơi nhận:",
        "- Ban Thi đua – Khen thưởng Trung ương;",
        "- Các tỉnh trong Cụm thi đua;",
        "- Lưu: VT.",
    ]
    assert "TM. CỤM THI ĐUA CÁC TỈNH TÂY NAM BỘ\nCỤM PHÓ" in bottom[1].text
    assert bottom[1].paragraphs[-1].text == "(minh họa)"


def test_the_charts_are_embedded_as_pictures(doc):
    assert len(doc.inline_shapes) == 4  # the indicators the narrative names or with a target
    assert all(round(shape.width.cm) == 15 for shape in doc.inline_shapes)
    assert "Biểu đồ 1. Tốc độ tăng trưởng GRDP (%)" in all_text(doc)


def test_page_numbers_are_centred_in_the_header_except_on_page_one(doc):
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == ""
    number = section.header.paragraphs[0]
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER or (
        number.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    )
    instructions = [t.text for t in number._p.iter(qn("w:instrText"))]
    assert instructions == [" PAGE "]


def test_the_format_linter_finds_the_decree_sizes_and_styles(doc):
    checks = [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True, None),
        ("Độc lập - Tự do - Hạnh phúc", 14, True, None),
        ("HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", 13, None, None),
        ("CỤM THI ĐUA CÁC TỈNH TÂY NAM BỘ", 13, True, None),
        ("Rạch Giá, ngày", 14, None, True),
        ("BÁO CÁO", 14, True, None),
        ("Sơ kết giao ước thi đua", 14, True, None),
        ("Nơi nhận:", 12, True, True),
        ("- Lưu: VT.", 11, None, None),
        ("TM. CỤM THI ĐUA", 13, True, None),
        ("(minh họa)", 13, True, None),
    ]
    for text, size, bold, italic in checks:
        p = find(doc, text)
        assert style_value(p, "size") == Pt(size), text
        assert bool(style_value(p, "bold")) == bool(bold), text
        assert bool(style_value(p, "italic")) == bool(italic), text
    body = find(doc, "Trong 6 tháng đầu năm 2019")
    assert style_value(body, "size") == Pt(14)
    assert paragraph_format(body, "alignment") == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert 1.0 <= paragraph_format(body, "first_line_indent").cm <= 1.27
    assert paragraph_format(body, "space_after") >= Pt(6)
    assert 1.0 <= paragraph_format(body, "line_spacing") <= 1.5
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "TT")
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                assert Pt(10) <= style_value(p, "size") <= Pt(12)
    assert all(style_value(p, "bold") for c in table.rows[0].cells for p in c.paragraphs)


def test_rules_are_paragraph_borders_not_underscores(doc):
    text = all_text(doc)
    assert "___" not in text and "───" not in text
    borders = list(doc.element.body.iter(qn("w:pBdr")))
    assert len(borders) >= 3  # under the issuer, the motto and the summary


def test_what_the_meeting_record_lacks_is_left_as_a_visible_gap(tp5):
    document = Document(io.BytesIO(review_docx(tp5, "2019H1")))
    header = document.tables[0].rows[0].cells
    assert "Số: …" in header[0].text
    assert "Hà Nội" not in header[1].text  # no place name in the record: not guessed
    assert "…, ngày 29 tháng 7 năm 2019" in header[1].text
    text = all_text(document)
    assert "Chưa có số liệu được tiếp nhận." in text and "Số liệu của từng" not in text
    assert "\n- …\n" in text and "Thành phần dự hội nghị: …" in text
    assert document.tables[-1].rows[0].cells[1].paragraphs[-1].text == "…"


def test_the_date_line_pads_days_below_ten_and_the_first_two_months():
    assert place_date("Rạch Giá", date(2019, 8, 6)) == "Rạch Giá, ngày 06 tháng 8 năm 2019"
    assert place_date("Hà Nội", date(2026, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2026"
    assert place_date("Huế", date(2025, 12, 25)) == "Huế, ngày 25 tháng 12 năm 2025"
    assert place_date("", None) == "…, ngày … tháng … năm …"


def test_recipients_end_with_semicolons_and_the_filing_line_last():
    assert recipients("Lưu: VT\nBan TĐKT TW;\n- Các tỉnh") == [
        "- Ban TĐKT TW;",
        "- Các tỉnh;",
        "- Lưu: VT.",
    ]
    assert recipients("") == ["- …", "- Lưu: VT."]


def test_user_text_with_markup_characters_is_escaped_in_the_document():
    facts = sample_facts()
    facts.narrative = 'A & B <c> "d"'
    facts.members = [("01", "Tỉnh <A> & Co"), ("02", "Tỉnh B")]
    document = Document(io.BytesIO(render(SHIPPED, facts)))
    text = all_text(document)
    assert 'A & B <c> "d"' in text and "Tỉnh <A> & Co" in text


# Uploaded templates


def test_the_shipped_template_uses_only_known_fields():
    assert template_problem(SHIPPED.read_bytes()) is None
    assert set(context(None, sample_facts())) >= {"narrative", "place_date", "table_blocks"}


def test_an_uploaded_cluster_template_replaces_the_shared_and_the_shipped_ones(tnb, h1):
    DocumentTemplate.objects.create(
        cluster=None, file=ContentFile(tiny_docx("CHUNG {{ narrative }}"), name="chung.docx")
    )
    shared = Document(io.BytesIO(review_docx(tnb, "2019H1")))
    assert shared.paragraphs[0].text == "CHUNG " + h1["narrative"]
    DocumentTemplate.objects.create(
        cluster=tnb, file=ContentFile(tiny_docx("RIÊNG {{ narrative }}"), name="rieng.docx")
    )
    DocumentTemplate.objects.create(
        cluster=tnb,
        active=False,
        file=ContentFile(tiny_docx("CŨ {{ narrative }}"), name="cu.docx"),
    )
    own = Document(io.BytesIO(review_docx(tnb, "2019H1")))
    assert own.paragraphs[0].text == "RIÊNG " + h1["narrative"]


def test_a_template_using_an_unknown_field_is_refused_naming_the_field(tnb):
    upload = DocumentTemplate(
        cluster=tnb,
        file=ContentFile(tiny_docx("{{ narrative }}", "{{ no_such_field }}"), name="sai.docx"),
    )
    with pytest.raises(ValidationError) as caught:
        upload.full_clean()
    message = " ".join(caught.value.message_dict["file"])
    assert "no_such_field" in message and "narrative" in message


def test_an_unknown_attribute_inside_a_loop_is_refused_too():
    problem = template_problem(
        tiny_docx("{%p for r in rankings %}", "{{ r.no_such_part }}", "{%p endfor %}")
    )
    assert problem and "no_such_part" in problem


def test_a_file_that_is_not_a_word_document_is_refused(tnb):
    upload = DocumentTemplate(cluster=tnb, file=ContentFile(b"not a zip", name="x.docx"))
    with pytest.raises(ValidationError) as caught:
        upload.full_clean()
    assert "không phải là tệp Word" in " ".join(caught.value.message_dict["file"])


def test_a_template_with_broken_syntax_is_refused_with_its_line():
    problem = template_problem(tiny_docx("{{ narrative "))
    assert problem and "cú pháp" in problem


def test_the_admin_refuses_an_upload_naming_the_unknown_field(client, users):
    client.force_login(users["admin"])
    upload = ContentFile(tiny_docx("{{ no_such_field }}"), name="sai.docx")
    form = {"kind": "review", "active": "on", "file": upload}
    response = client.post("/admin/reports/documenttemplate/add/", form)
    assert response.status_code == 200
    assert "no_such_field" in response.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_both_template_models_are_in_the_admin():
    assert admin.site.is_registered(DocumentTemplate)
    assert admin.site.is_registered(NarrativeTemplate)


# PDF


def test_the_pdf_is_converted_by_libreoffice(tnb_docx, tmp_path):
    from thidua.reports.docx import docx_to_pdf

    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        if os.environ.get("CI") != "true":
            pytest.skip("Chưa cài LibreOffice: apt-get install -y libreoffice-writer-nogui")
    pdf = docx_to_pdf(tnb_docx)
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        (tmp_path / "r.pdf").write_bytes(pdf)
        args = ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "r.pdf", "page"]
        subprocess.run(args, cwd=tmp_path, check=True)
        page = next(tmp_path.glob("page*.png"))
        assert page.read_bytes().startswith(b"\x89PNG") and page.stat().st_size > 5000


def test_a_missing_libreoffice_is_reported_with_the_install_command(monkeypatch):
    from thidua.reports import docx as documents

    monkeypatch.setattr(documents.shutil, "which", lambda name: None)
    with pytest.raises(documents.LibreOfficeMissing, match="libreoffice-writer-nogui"):
        documents.docx_to_pdf(b"")


# Excel


def test_the_workbook_has_a_summary_sheet_and_one_sheet_per_indicator(h1):
    book = load_workbook(io.BytesIO(review_xlsx(h1)))
    assert book.sheetnames[0] == "Tổng hợp"
    assert len(book.sheetnames) == 1 + len(h1["indicators"])
    summary = book["Tổng hợp"]
    assert summary["A3"].value == h1["narrative"]
    header = next(r for r in summary.iter_rows() if r[0].value == "Mã")
    assert all(c.font.bold for c in header if c.value)
    assert summary.freeze_panes == f"A{header[0].row + 1}"
    rows = {r[0]: r for r in summary.iter_rows(min_row=header[0].row + 1, values_only=True)}
    assert rows["budget_revenue"][3] == 49630
    assert rows["budget_plan_pct"][8] == "12/12"


def test_indicator_sheets_list_members_in_rank_order_as_numbers(h1):
    book = load_workbook(io.BytesIO(review_xlsx(h1)))
    sheet = book["Tăng trưởng GRDP"]
    rows = [r for r in sheet.iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
    assert [r[2] for r in rows[:2]] == ["Trà Vinh", "Long An"]
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    assert all(isinstance(r[3], int | float) for r in rows)
    assert sheet.cell(5, 4).number_format == "#,##0.00"
    assert any(r[2] == "Bình quân cụm" for r in sheet.iter_rows(values_only=True))


def test_no_cell_of_the_workbook_can_become_a_formula(h1):
    data = copy.deepcopy(h1)
    data["indicators"]["grdp_growth"]["ranking"][0]["unit_name"] = '=HYPERLINK("x","y")'
    book = load_workbook(io.BytesIO(review_xlsx(data)))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                assert not (isinstance(cell.value, str) and cell.value.startswith("="))


# Charts


def test_the_member_chart_renders_as_svg_with_the_member_names_and_legend(h1):
    svg = member_chart(h1["indicators"]["budget_plan_pct"]).decode("utf-8")
    assert svg.lstrip().startswith(("<?xml", "<svg"))
    for text in ("Trà Vinh", "Hậu Giang", "Bình quân cụm", "Mức giao ước: 55%", "81,4"):
        assert text in svg


def test_the_svg_chart_is_byte_identical_for_the_same_data(h1):
    entry = h1["indicators"]["grdp_growth"]
    assert member_chart(entry) == member_chart(entry)


def test_the_png_chart_for_documents_is_an_image(h1):
    png = member_chart(h1["indicators"]["grdp_growth"], fmt="png")
    assert png.startswith(b"\x89PNG") and len(png) > 10_000


def test_the_png_chart_is_opaque_rgb_at_150_dpi_across_the_text_width(h1):
    from PIL import Image

    image = Image.open(io.BytesIO(member_chart(h1["indicators"]["grdp_growth"], fmt="png")))
    assert image.mode == "RGB" and image.width == round(6.3 * 150)
    assert round(image.info["dpi"][0]) == 150


def _inside(fig) -> list[str]:
    """The texts of a drawn chart that do not lie inside its figure (1 px tolerance)."""
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    texts = [*ax.get_yticklabels(), *ax.get_xticklabels(), *ax.texts, ax.xaxis.label]
    texts += [ax.title, *(t for legend in fig.legends for t in legend.get_texts())]
    out = []
    for text in texts:
        if not text.get_text() or not text.get_visible():
            continue
        box = text.get_window_extent(renderer)
        if box.x0 < -1 or box.y0 < -1 or box.x1 > fig.bbox.x1 + 1 or box.y1 > fig.bbox.y1 + 1:
            out.append(text.get_text())
    return out


@pytest.mark.parametrize("sign", [1, -1])
def test_names_values_ticks_legend_and_title_of_a_chart_fit_in_the_figure(h1, sign):
    entry = copy.deepcopy(h1["indicators"]["budget_plan_pct"])
    for row in entry["ranking"]:
        row["value"] *= sign
    entry["ranking"][0]["unit_name"] = "Ban Quản lý các khu công nghiệp thành phố Hồ Chí Minh"
    entry["ranking"][0]["value"] *= 10**6  # a long value past the end of the axis
    figure = chart_figure()
    member_chart(entry, fmt="png", figure=figure)
    assert _inside(figure) == []


def test_the_charts_of_a_document_drawn_on_one_figure_are_those_drawn_alone(h1):
    first, second = h1["indicators"]["grdp_growth"], h1["indicators"]["budget_plan_pct"]
    figure = chart_figure()
    member_chart(first, fmt="png", figure=figure)
    assert member_chart(second, fmt="png", figure=figure) == member_chart(second, fmt="png")
    assert member_chart(second, figure=figure) == member_chart(second)  # SVG


def test_the_web_charts_of_a_thread_share_one_figure_and_draw_what_a_new_one_draws(h1):
    import threading

    from thidua.reports.charts import thread_figure

    figure = thread_figure()
    assert thread_figure() is figure
    elsewhere = []
    worker = threading.Thread(target=lambda: elsewhere.append(thread_figure()))
    worker.start()
    worker.join()
    assert elsewhere[0] is not figure  # a figure is never drawn on by two threads at once
    for entry in h1["indicators"].values():
        for language in ("vi", "en"):
            drawn = member_chart(entry, language=language, figure=figure)
            assert drawn == member_chart(entry, language=language)


def test_the_trend_chart_leaves_out_periods_without_data():
    from decimal import Decimal

    svg = trend_chart(
        [("2017", Decimal("7.1")), ("2018", None), ("2019", Decimal("8.2"))],
        measure="%",
        decimals=1,
        title="Tiếng Việt: Đ ă ơ ư ế ộ",
    ).decode("utf-8")
    assert "Tiếng Việt: Đ ă ơ ư ế ộ" in svg and "8,2" in svg
    assert "2017" in svg and "2018" not in svg


# CLI


@pytest.mark.parametrize(
    ("fmt", "magic"),
    [("docx", b"PK"), ("xlsx", b"PK"), ("md", "# Cụm thi đua các tỉnh Tây Nam Bộ".encode())],
)
def test_the_review_command_writes_each_format_to_a_file(tnb, tmp_path, fmt, magic):
    out = tmp_path / f"bao-cao.{fmt}"
    args = ["--cluster", "TNB", "--period", "2019H1", "--format", fmt, "-o", str(out)]
    call_command("report", "review", *args, stderr=io.StringIO())
    assert out.read_bytes().startswith(magic)


def test_the_markdown_report_has_the_narrative_the_table_and_the_rankings(tnb, h1, tmp_path):
    out = tmp_path / "r.md"
    args = ["--cluster", "TNB", "--period", "2019H1", "--format", "md", "-o", str(out)]
    call_command("report", "review", *args, stderr=io.StringIO())
    text = out.read_text("utf-8")
    assert h1["narrative"] in text
    assert "| 4 | Trà Vinh | 17,00 |" in text
    assert "| | **Toàn cụm** | 8,20 | 49.630 |" in text
    assert "## Xếp hạng" in text and "1. Trà Vinh: 17,00%" in text


def test_json_keeps_both_narratives(tnb, capsys):
    call_command("report", "review", "--cluster", "TNB", "--period", "2019H1", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["narrative"].startswith("Trong 6 tháng đầu năm 2019")
    assert data["narrative_en"]


def test_a_binary_format_without_an_output_file_is_refused_on_a_text_stream(tnb):
    with pytest.raises(CommandError, match="-o"):
        call_command(
            "report", "review", "--cluster", "TNB", "--period", "2019H1", "--format", "docx",
            stdout=io.StringIO(),
        )  # fmt: skip


def test_the_shipped_template_is_what_the_build_script_makes(tmp_path):
    import zipfile

    from thidua.reports.build_template import build

    built = zipfile.ZipFile(build(tmp_path / "review.docx"))
    shipped = zipfile.ZipFile(SHIPPED)
    for name in ("word/document.xml", "word/styles.xml", "word/header1.xml", "word/header2.xml"):
        assert built.read(name) == shipped.read(name), f"{name}: run build_template.py"
