"""The documents of a proposal batch (law.md §5.1) and the bundle that carries them.

Tờ trình (submission letter), danh sách (list of nominees) and biên bản (council minutes with
the secret-ballot result) as Word files in the official format of Decree 30/2020, Appendix I
(`shared/domain/document-format.md`): A4, Times New Roman, the header block with the agency on
the left and the national title and motto on the right. Page set-up, named styles, rules and
layout tables come from the review template's builder (`thidua.reports.build_template`), so both
kinds of documents look the same; `header_block` here is the header for documents built in code.

The bundle is a zip: the three .docx, the evidence files under generated names, and
`manifest.json` (every file's name, size and SHA-256); PDF copies only where LibreOffice is
installed, else the manifest says why they are missing.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import PurePath

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor
from thidua.awards.models import Proposal
from thidua.common.errors import Issue, ValidationFailed
from thidua.common.numbers import format_vn
from thidua.orgs.models import Unit, UnitKind
from thidua.reports import build_template as fmt
from thidua.reports.docx import DocumentError, docx_to_pdf, soffice
from thidua.reports.official import listed, place_date

GAP = "…"
LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022"
DECREE = (
    "Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định chi tiết "
    "một số điều của Luật Thi đua, khen thưởng"
)
NO_PDF = "Không tạo bản PDF: máy chủ chưa cài LibreOffice (lệnh soffice)."


@dataclass
class Letterhead:
    """What the header and the signature say; empty fields print as '…' to be filled by hand."""

    issuer: str
    name: str = ""  # the issuer in running text: "Ủy ban nhân dân tỉnh Cà Mau"
    superior: str = ""
    number: str = ""
    place: str = ""
    day: date | None = None
    addressee: str = "Ban Thi đua – Khen thưởng Trung ương"
    signer_title: str = ""
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)


def letterhead_for(unit: Unit, code: str = "TTr", day: date | None = None) -> Letterhead:
    """The proposing unit's letterhead: a province signs as its People's Committee."""
    if unit.kind in (UnitKind.PROVINCE, UnitKind.CITY):
        noun = "TỈNH" if unit.kind == UnitKind.PROVINCE else "THÀNH PHỐ"
        issuer, superior = f"ỦY BAN NHÂN DÂN {noun} {unit.name.upper()}", ""
        name = f"Ủy ban nhân dân {noun.lower()} {unit.name}"
        signer, suffix = "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "UBND"
    else:
        issuer, name = unit.name.upper(), unit.name
        superior = f"UBND TỈNH {unit.parent.name.upper()}" if unit.parent else ""
        signer, suffix = "GIÁM ĐỐC", "".join(w[0] for w in unit.name.split()).upper()
    return Letterhead(
        issuer=issuer,
        name=name,
        superior=superior,
        number=f"{GAP}/{code}-{suffix}",
        place=unit.parent.name if unit.parent else unit.name,
        day=day or timezone.localdate(),
        signer_title=signer,
        recipients=["Như trên", "Lưu: VT"],
    )


# Checks shared by the doors


def check_batch(actor: Actor, proposals: list[Proposal]) -> None:
    """One proposing unit per batch, and the actor may see every proposal in it."""
    if not proposals:
        raise ValidationFailed([Issue(_("Chưa chọn đề nghị nào."))])
    if len({p.proposing_unit_id for p in proposals}) != 1:
        msg = _("Một bộ hồ sơ chỉ gồm các đề nghị của cùng một đơn vị đề nghị.")
        raise ValidationFailed([Issue(msg)])
    perms.require(all(perms.can_view_proposal(actor, p) for p in proposals))


def _prepared(proposals: list[Proposal]) -> list[Proposal]:
    ids = [p.pk for p in proposals]
    found = Proposal.objects.filter(pk__in=ids).select_related(
        "award_type", "person__unit", "nominee_unit", "proposing_unit__parent", "ballot"
    )
    by_id = {p.pk: p for p in found}
    return [by_id[i] for i in ids]


# Building blocks


def new_document():
    doc = Document()
    doc.core_properties.author = doc.core_properties.last_modified_by = "thidua"
    fmt.page(doc)
    fmt.styles(doc)
    fmt.page_numbers(doc)
    return doc


def header_block(doc, head: Letterhead) -> None:
    """Agency left (superior, issuer with its short rule, number), national title right."""
    table = fmt.layout_table(doc, [fmt.HEADER_LEFT, fmt.HEADER_RIGHT])
    left, right = table.rows[0].cells
    if head.superior:
        fmt.para(left, head.superior.upper(), "Thể thức")
    fmt.para(left, head.issuer.upper(), "Thể thức", bold=True)
    fmt.rule(left, fmt.ISSUER_RULE, fmt.HEADER_LEFT)
    number = fmt.para(left, f"Số: {head.number or GAP}", "Thể thức")
    number.paragraph_format.space_before = Pt(6)
    fmt.para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Thể thức", bold=True)
    fmt.para(right, "Độc lập - Tự do - Hạnh phúc", "Thể thức", bold=True, size=14)
    fmt.rule(right, fmt.MOTTO_RULE, fmt.HEADER_RIGHT)
    line = fmt.para(right, place_date(head.place, head.day), "Thể thức", italic=True, size=14)
    line.paragraph_format.space_before = Pt(6)


def title_block(doc, kind: str, summary: str) -> None:
    fmt.para(doc, "", "Tên loại").paragraph_format.space_before = Pt(12)
    fmt.para(doc, kind.upper(), "Tên loại")
    fmt.para(doc, summary, "Tên loại")
    fmt.rule(doc, fmt.SUMMARY_RULE, fmt.TEXT_WIDTH)
    fmt.para(doc, "", "Đường kẻ").paragraph_format.space_after = Pt(12)


def signature_block(doc, head: Letterhead, *, recipients: bool = True) -> None:
    table = fmt.layout_table(doc, [fmt.BOTTOM_LEFT, fmt.BOTTOM_RIGHT])
    left, right = table.rows[0].cells
    if recipients:
        fmt.para(left, "Nơi nhận:", "Nơi nhận tiêu đề")
        lines = [head.addressee, *head.recipients] if head.addressee else head.recipients
        for line in listed(lines or [GAP]):
            fmt.para(left, f"- {line}", "Nơi nhận")
    else:
        fmt.para(left, "", "Chữ ký")
    for line in (head.signer_title or GAP).splitlines():
        fmt.para(right, line.upper(), "Chữ ký")
    for _i in range(4):  # room for the signature and the seal
        fmt.para(right, "", "Chữ ký")
    fmt.para(right, head.signer_name or GAP, "Chữ ký")


def grid(doc, headings: list[str], rows: list[list[str]], widths_cm: list[float]) -> None:
    widths = [Cm(w) for w in widths_cm]
    table = fmt.layout_table(doc, widths, borders=True)
    fmt.header_row(table.rows[0])
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        fmt.para(cell, text, "Bảng tiêu đề")
    for values in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            cell._tc.remove(cell.paragraphs[0]._p)
            fmt.para(cell, text, "Bảng giữa" if i == 0 else "Bảng")
    fmt.set_widths(table, widths)


def _save(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _nominee(p: Proposal) -> str:
    return p.person.full_name if p.person_id else p.nominee_unit.name


def _where(p: Proposal) -> str:
    if not p.person_id:
        return p.nominee_unit.parent.name if p.nominee_unit.parent else ""
    unit = p.person.unit_name or (p.person.unit.name if p.person.unit else "")
    return ", ".join(x for x in (p.person.position, unit) if x)


def _years(proposals: list[Proposal]) -> str:
    years = sorted({p.year for p in proposals})
    return ", ".join(map(str, years))


# The three documents


def submission_docx(proposals: list[Proposal], head: Letterhead | None = None) -> bytes:
    """Tờ trình: the proposing unit asks for the awards, one line per form of award."""
    proposals = _prepared(proposals)
    head = head or letterhead_for(proposals[0].proposing_unit)
    doc = new_document()
    header_block(doc, head)
    title_block(doc, "Tờ trình", f"Về việc đề nghị khen thưởng năm {_years(proposals)}")
    kg = fmt.para(doc, f"Kính gửi: {head.addressee}.", "Thể thức", size=14)
    kg.paragraph_format.space_after = Pt(12)
    for basis in listed([f"Căn cứ {LAW}", f"Căn cứ {DECREE}"]):
        fmt.para(doc, basis, italic=True)
    people = sum(1 for p in proposals if p.person_id)
    fmt.para(
        doc,
        f"{head.name or head.issuer} đề nghị xem xét, khen thưởng cho {people} cá nhân và "
        f"{len(proposals) - people} tập thể đã có thành tích xuất sắc, cụ thể như sau:",
    )
    counts = Counter(p.award_type.name for p in proposals)
    for name, n in sorted(counts.items()):
        fmt.para(doc, f"- {name}: {format_vn(n)} trường hợp;")
    fmt.para(doc, "(Có danh sách, báo cáo thành tích và biên bản họp Hội đồng kèm theo.)")
    fmt.para(doc, "Kính đề nghị xem xét, quyết định./.")
    signature_block(doc, head)
    return _save(doc)


def nominee_list_docx(proposals: list[Proposal], head: Letterhead | None = None) -> bytes:
    """Danh sách: who is proposed for what; no national ID (personal data stays in the app)."""
    proposals = _prepared(proposals)
    head = head or letterhead_for(proposals[0].proposing_unit)
    doc = new_document()
    header_block(doc, head)
    title_block(doc, "Danh sách", f"Cá nhân, tập thể đề nghị khen thưởng năm {_years(proposals)}")
    attached = fmt.para(doc, f"(Kèm theo Tờ trình số {head.number or GAP})", "Thể thức")
    attached.runs[0].italic = True
    rows = [
        [
            str(i),
            _nominee(p),
            str(p.person.birth_year or "") if p.person_id else "",
            _where(p),
            p.award_type.name,
            _eligibility_text(p),
        ]
        for i, p in enumerate(proposals, start=1)
    ]
    grid(
        doc,
        ["TT", "Họ và tên / Tên tập thể", "Năm sinh", "Chức vụ, đơn vị", "Hình thức", "Ghi chú"],
        rows,
        [1.0, 4.0, 1.6, 4.4, 3.2, 2.3],
    )
    fmt.para(doc, "")
    signature_block(doc, head, recipients=False)
    return _save(doc)


def _eligibility_text(p: Proposal) -> str:
    if p.eligibility is None:
        return "Chưa xét"
    if p.eligibility.get("eligible"):
        return "Đủ điều kiện theo dữ liệu"
    return "Có giải trình" if p.justification else "Chưa đủ điều kiện"


def council_minutes_docx(proposals: list[Proposal], head: Letterhead | None = None) -> bytes:
    """Biên bản họp Hội đồng TĐKT with the secret-ballot result of each proposal."""
    proposals = _prepared(proposals)
    head = head or letterhead_for(proposals[0].proposing_unit)
    council = Letterhead(
        issuer=f"HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG {_short(head.issuer)}",
        superior=head.issuer,
        number=f"{GAP}/BB-HĐTĐKT",
        place=head.place,
        day=head.day,
    )
    doc = new_document()
    header_block(doc, council)
    summary = f"Họp Hội đồng Thi đua – Khen thưởng xét đề nghị khen thưởng năm {_years(proposals)}"
    title_block(doc, "Biên bản", summary)
    for line in _meeting_lines(proposals, council):
        fmt.para(doc, line)
    fmt.para(doc, "Kết quả bỏ phiếu kín:", "Mục")
    rows = [_vote_row(i, p) for i, p in enumerate(proposals, start=1)]
    grid(
        doc,
        ["TT", "Họ và tên / Tên tập thể", "Hình thức", "Phiếu đồng ý", "Tỷ lệ", "Kết quả"],
        rows,
        [1.0, 4.6, 4.0, 2.2, 2.3, 2.4],
    )
    fmt.para(doc, "Biên bản được lập xong và thông qua tại cuộc họp./.")
    _minutes_signatures(doc)
    return _save(doc)


def _short(issuer: str) -> str:
    return issuer.removeprefix("ỦY BAN NHÂN DÂN ").strip()


def _meeting_lines(proposals: list[Proposal], head: Letterhead) -> list[str]:
    results = [p.council_result for p in proposals if p.council_result]
    first = results[0] if results else {}
    when = place_date(head.place, head.day)
    lines = [f"Thời gian, địa điểm: {when}."]
    if first:
        lines.append(
            f"Thành viên Hội đồng: {first.get('electorate', GAP)}; "
            f"có mặt và bỏ phiếu: {first.get('present', GAP)}."
        )
    else:
        lines.append(f"Thành viên Hội đồng: {GAP}; có mặt và bỏ phiếu: {GAP}.")
    if any(r.get("illustrative") for r in results):
        lines.append("(Số liệu bỏ phiếu minh họa, không phải kết quả thật.)")
    return lines


def _vote_row(i: int, p: Proposal) -> list[str]:
    r = p.council_result
    if not r:
        return [str(i), _nominee(p), p.award_type.name, GAP, GAP, "Chưa bỏ phiếu"]
    if r.get("ballot") is False:
        agreed = "Hội đồng nhất trí (tiêu chuẩn không yêu cầu bỏ phiếu kín)"
        return [str(i), _nominee(p), p.award_type.name, "–", "–", agreed]
    pct = f"{format_vn(Decimal(r['pct']), 2)}%"
    need = f"cần ≥ {format_vn(Decimal(r['threshold_pct']), 2)}%"
    verdict = "Đạt" if r.get("passed") else "Không đạt"
    return [
        str(i),
        _nominee(p),
        p.award_type.name,
        f"{r['votes']}/{r['basis']}",
        pct,
        f"{verdict} ({need})",
    ]


def _minutes_signatures(doc) -> None:
    table = fmt.layout_table(doc, [fmt.BOTTOM_LEFT, fmt.BOTTOM_RIGHT])
    for cell, title in zip(table.rows[0].cells, ("THƯ KÝ", "CHỦ TỊCH HỘI ĐỒNG"), strict=True):
        fmt.para(cell, title, "Chữ ký")
        for _i in range(4):
            fmt.para(cell, "", "Chữ ký")
        fmt.para(cell, GAP, "Chữ ký")
    for cell in table.rows[0].cells:
        for paragraph in cell.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


# The bundle

DOCUMENTS = (
    ("to-trinh", submission_docx),
    ("danh-sach", nominee_list_docx),
    ("bien-ban", council_minutes_docx),
)


@dataclass
class Bundle:
    data: bytes
    manifest: dict
    notes: list[str]


def dossier_bundle(
    proposals: list[Proposal], *, head: Letterhead | None = None, pdf: bool = False
) -> Bundle:
    """A zip of the batch: documents, evidence files (generated names) and manifest.json."""
    proposals = _prepared(proposals)
    files: list[tuple[str, bytes, dict]] = []
    for name, build in DOCUMENTS:
        files.append((f"{name}.docx", build(proposals, head), {"kind": "document"}))
    notes = _pdf_copies(files, pdf)
    files += _evidence(proposals)
    manifest = _manifest(proposals, files, notes)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, _meta in files:
            archive.writestr(name, data)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return Bundle(out.getvalue(), manifest, notes)


def _pdf_copies(files: list[tuple[str, bytes, dict]], wanted: bool) -> list[str]:
    if not wanted:
        return []
    if soffice() is None:
        return [NO_PDF]
    notes = []
    for name, data, _meta in list(files):
        try:
            files.append((name.replace(".docx", ".pdf"), docx_to_pdf(data), {"kind": "pdf"}))
        except DocumentError as exc:
            notes.append(f"{name}: {exc}")
    return notes


def _evidence(proposals: list[Proposal]) -> list[tuple[str, bytes, dict]]:
    found = []
    for p in proposals:
        for n, f in enumerate(p.files.order_by("kind", "id"), start=1):
            with f.file.open("rb") as handle:
                data = handle.read()
            name = f"minh-chung/{p.pk}-{f.kind}-{n}{PurePath(f.file.name).suffix.lower()}"
            meta = {"kind": f.kind, "proposal": p.pk, "original_name": f.original_name}
            found.append((name, data, meta))
    return found


def _manifest(proposals: list[Proposal], files, notes: list[str]) -> dict:
    return {
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "proposing_unit": proposals[0].proposing_unit.name,
        "proposals": [
            {"id": p.pk, "nominee": _nominee(p), "award": p.award_type.code, "year": p.year}
            for p in proposals
        ],
        "files": [
            {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()} | meta
            for name, data, meta in files
        ],
        "notes": notes,
    }
