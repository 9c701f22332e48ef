"""Build the shipped review template `templates_docx/review.docx` (Decree 30/2020, Appendix I).

Run once after a change: `python -m thidua.reports.build_template`. The generated file is
committed; an official adjusts it in Word and uploads the result as a document template, so
sizes and styles live in the template's named styles, not in the code that fills it.

The Jinja fields it uses are those of `thidua.reports.documents.FIELDS`.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
OUTPUT = Path(__file__).resolve().parent / "templates_docx" / "review.docx"
TEXT_WIDTH = Cm(16.5)  # A4 210 mm minus 30 mm left and 15 mm right
HEADER_LEFT, HEADER_RIGHT = Cm(6.2), Cm(10.3)
BOTTOM_LEFT, BOTTOM_RIGHT = Cm(6.5), Cm(10.0)
VALUE_TABLE = "Bảng số liệu"  # table caption: documents.py re-fits its columns to the data
# Widths (Liberation Serif = Times New Roman metrics): the motto is 6.0 cm at 14 pt bold; the
# decree wants its rule as long as the text and the others 1/3–1/2 of their text.
MOTTO_RULE, ISSUER_RULE, SUMMARY_RULE = Cm(6.0), Cm(2.6), Cm(5.0)
# Word rejects a file whose pPr children are out of schema order: the border goes before these.
PPR_AFTER_BORDER = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def build(path: Path = OUTPUT) -> Path:
    doc = Document()
    doc.core_properties.author = doc.core_properties.last_modified_by = "thidua"
    doc.core_properties.title = "Mẫu báo cáo sơ kết, tổng kết giao ước thi đua"
    doc.core_properties.comments = "Các trường trong ngoặc nhọn kép được điền khi tạo báo cáo."
    page(doc)
    styles(doc)
    page_numbers(doc)
    header_block(doc)
    _title(doc)
    _body(doc)
    _signature_block(doc)
    drop_thumbnail(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def drop_thumbnail(doc) -> None:
    """python-docx's blank template carries a preview picture of another document."""
    rels = doc.part.package.rels
    for key, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            rels.pop(key)


# Page and styles


def page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    section.header_distance = section.footer_distance = Cm(1.0)


def set_fonts(rpr, name: str = FONT) -> None:
    """All four rFonts slots of a `w:rPr`, and no theme font that Word would prefer over them."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del fonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{slot}"), name)


def styles(doc) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    set_fonts(defaults.find(qn("w:rPr")))
    for fonts in list(doc.styles.element.iter(qn("w:rFonts"))):  # table styles included
        set_fonts(fonts.getparent())
    for style in doc.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            set_fonts(style.element.get_or_add_rPr())
            style.font.color.rgb = None
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(1.0)
    fmt.space_before, fmt.space_after = Pt(0), Pt(6)
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.MULTIPLE, 1.15
    fmt.widow_control = True
    _add(doc, "Thể thức", size=13, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, single=True)
    _add(doc, "Đường kẻ", size=2, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, exact=Pt(3))
    _add(doc, "Tên loại", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _add(doc, "Mục", bold=True, keep=True, before=6)
    _add(doc, "Mục con", bold=True, keep=True)
    _add(doc, "Đoạn dẫn", keep=True)  # a paragraph that stays on the page of what follows
    _add(doc, "Hình", align=WD_ALIGN_PARAGRAPH.CENTER, keep=True, before=6, after=0)
    _add(doc, "Chú thích hình", size=12, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    _add(doc, "Bảng", size=11, align=WD_ALIGN_PARAGRAPH.LEFT, after=0, single=True)
    _add(doc, "Bảng giữa", size=11, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, single=True)
    _add(doc, "Bảng số", size=11, align=WD_ALIGN_PARAGRAPH.RIGHT, after=0, single=True)
    _add(doc, "Bảng tiêu đề", size=11, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _add(doc, "Ghi chú bảng", size=11, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=3)
    _add(
        doc,
        "Nơi nhận tiêu đề",
        size=12,
        bold=True,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        after=0,
        single=True,
    )
    _add(doc, "Nơi nhận", size=11, align=WD_ALIGN_PARAGRAPH.LEFT, after=0, single=True)
    _add(doc, "Chữ ký", size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, single=True)
    _add(doc, "Số trang", size=13, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, single=True)


def _add(
    doc,
    name: str,
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    align=None,
    before: float = 0,
    after: float = 6,
    keep: bool = False,
    single: bool = False,
    exact=None,
):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = ascii_id(name)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    set_fonts(style.element.get_or_add_rPr())
    if size:
        style.font.size = Pt(size)
    style.font.bold, style.font.italic = bold, italic
    fmt = style.paragraph_format
    if align is not None:
        fmt.alignment = align
        fmt.first_line_indent = Cm(0) if align != WD_ALIGN_PARAGRAPH.JUSTIFY else None
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.keep_with_next = keep
    if single:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if exact is not None:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, exact
    return style


def ascii_id(name: str) -> str:
    """Word shows the Vietnamese name; the internal id stays ASCII as Word writes its own."""
    plain = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return "".join(c for c in plain.title() if c.isascii() and c.isalnum())


# Building blocks


def para(container, text: str = "", style: str | None = None, **run) -> Paragraph:
    p = container.add_paragraph(style=style)
    if text:
        r = p.add_run(text)
        r.bold = run.get("bold")
        r.italic = run.get("italic")
        if run.get("size"):
            r.font.size = Pt(run["size"])
    return p


def rule(container, width, cell_width) -> Paragraph:
    """A solid line of `width`, centred: an empty paragraph's bottom border, not underscores."""
    p = container.add_paragraph(style="Đường kẻ")
    side = (cell_width - width) // 2
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = side
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().insert_element_before(borders, *PPR_AFTER_BORDER)
    return p


def layout_table(doc, widths, *, borders: bool = False) -> Table:
    table = doc.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # a fixed layout: the widths below are kept
    if borders:
        table.style = doc.styles["Table Grid"]
    _cell_margins(table, Cm(0.1) if borders else Cm(0.05))
    set_widths(table, widths)
    # The default cell paragraph is replaced by styled ones.
    for cell in table.rows[0].cells:
        cell._tc.remove(cell.paragraphs[0]._p)
    return table


def _cell_margins(table: Table, margin) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(margin.twips)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption")


def set_widths(table: Table, widths) -> None:
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
        col.set(qn("w:w"), str(int(width.twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width


def header_row(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        tr_pr.append(OxmlElement(tag))


def caption(table: Table, text: str) -> None:
    el = OxmlElement("w:tblCaption")
    el.set(qn("w:val"), text)
    table._tbl.tblPr.append(el)


def page_field(paragraph: Paragraph) -> None:
    """A PAGE field: Word and LibreOffice fill in the number of each page."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "2")):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


# The document


def page_numbers(doc) -> None:
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    header.paragraphs[0].style = doc.styles["Số trang"]
    page_field(header.paragraphs[0])
    section.first_page_header.is_linked_to_previous = False
    section.first_page_header.paragraphs[0].style = doc.styles["Số trang"]


def header_block(doc) -> None:
    table = layout_table(doc, [HEADER_LEFT, HEADER_RIGHT])
    left, right = table.rows[0].cells
    para(left, "{{ superior }}", "Thể thức")
    para(left, "{{ issuer }}", "Thể thức", bold=True)
    rule(left, ISSUER_RULE, HEADER_LEFT)
    para(left, "Số: {{ number }}", "Thể thức").paragraph_format.space_before = Pt(6)
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Thể thức", bold=True)
    para(right, "Độc lập - Tự do - Hạnh phúc", "Thể thức", bold=True, size=14)
    rule(right, MOTTO_RULE, HEADER_RIGHT)
    date_line = para(right, "{{ place_date }}", "Thể thức", italic=True, size=14)
    date_line.paragraph_format.space_before = Pt(6)


def _title(doc) -> None:
    para(doc, "", "Tên loại").paragraph_format.space_before = Pt(12)
    para(doc, "BÁO CÁO", "Tên loại")
    para(doc, "{{ summary }}", "Tên loại")
    rule(doc, SUMMARY_RULE, TEXT_WIDTH)
    para(doc, "", "Đường kẻ").paragraph_format.space_after = Pt(12)


def _body(doc) -> None:
    para(doc, "I. KẾT QUẢ", "Mục")
    para(doc, "{{ narrative }}")
    para(doc, "{%p if table_blocks %}")
    para(doc, "Số liệu của từng {{ member_noun }} như sau:")
    para(doc, "{%p else %}")
    para(doc, "Chưa có số liệu được tiếp nhận.")
    para(doc, "{%p endif %}")
    para(doc, "{%p for block in table_blocks %}", "Bảng")
    _value_table(doc)
    para(doc, "{%p endfor %}", "Bảng")
    para(doc, "{%p if illustrative %}", "Ghi chú bảng")
    para(doc, "(*) Số liệu minh họa, chưa có nguồn công bố chính thức.", "Ghi chú bảng")
    para(doc, "{%p endif %}", "Ghi chú bảng")
    para(doc, "II. XẾP HẠNG", "Mục")
    para(doc, "{%p if not rankings %}")
    para(doc, "Chưa có số liệu để xếp hạng.")
    para(doc, "{%p endif %}")
    para(doc, "{%p for r in rankings %}")
    para(doc, "{{ r.heading }}", "Mục con")
    para(doc, "{{ r.summary }}")
    para(doc, "{{ r.order }}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p for r in rankings %}", "Hình")
    para(doc, "{{ r.chart }}", "Hình")
    para(doc, "{{ r.caption }}", "Chú thích hình")
    para(doc, "{%p endfor %}", "Hình")
    para(doc, "III. NHIỆM VỤ", "Mục")
    para(doc, "{%p for task in tasks %}")
    para(doc, "- {{ task }}")
    para(doc, "{%p endfor %}")
    para(doc, "Thành phần dự hội nghị: {{ attendees }}", "Đoạn dẫn")
    para(doc, "", "Đoạn dẫn")


def _value_table(doc) -> None:
    """Member rows × indicator columns; the `tc` loops repeat the indicator columns."""
    widths = [Cm(1.0), Cm(3.3), Cm(0.2), Cm(11.8), Cm(0.2)]
    table = layout_table(doc, widths, borders=True)
    caption(table, VALUE_TABLE)
    rows = [
        ["TT", "{{ member_title }}", "{%tc for c in block.columns %}", "{{ c }}", "{%tc endfor %}"],
        ["{%tr for row in block.rows %}", "", "", "", ""],
        [
            "{{ row.number }}",
            "{{ row.name }}",
            "{%tc for v in row.cells %}",
            "{{ v }}",
            "{%tc endfor %}",
        ],
        ["{%tr endfor %}", "", "", "", ""],
        ["", "Toàn cụm", "{%tc for v in block.totals %}", "{{ v }}", "{%tc endfor %}"],
    ]
    for _ in rows[1:]:
        row = table.add_row()
        for cell in row.cells:
            cell._tc.remove(cell.paragraphs[0]._p)
    header_row(table.rows[0])
    for cell in table.rows[0].cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    styles = [
        ["Bảng tiêu đề"] * 5,
        ["Bảng"] * 5,
        ["Bảng giữa", "Bảng", "Bảng", "Bảng số", "Bảng"],
        ["Bảng"] * 5,
        ["Bảng", "Bảng tiêu đề", "Bảng", "Bảng số", "Bảng"],
    ]
    for row, texts, row_styles in zip(table.rows, rows, styles, strict=True):
        for cell, text, style in zip(row.cells, texts, row_styles, strict=True):
            p = para(cell, text, style)
            if row is table.rows[-1] and style == "Bảng số":
                p.runs[0].bold = True
    set_widths(table, widths)


def _signature_block(doc) -> None:
    table = layout_table(doc, [BOTTOM_LEFT, BOTTOM_RIGHT])
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left, right = table.rows[0].cells
    para(left, "Nơi nhận:", "Nơi nhận tiêu đề")
    para(left, "{%p for line in recipients %}", "Nơi nhận")
    para(left, "{{ line }}", "Nơi nhận")
    para(left, "{%p endfor %}", "Nơi nhận")
    para(right, "{{ signer_title }}", "Chữ ký")
    for _ in range(4):  # room for the signature and the seal
        para(right, "", "Chữ ký")
    para(right, "{{ signer_name }}", "Chữ ký")


if __name__ == "__main__":
    print(build())
