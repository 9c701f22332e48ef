"""The minutes (biên bản) of a year's scoring meeting, as a Word document.

A document kind on the engine of `reports.docx`: the cluster's active upload of the kind, else
the shared upload, else the shipped file built by `reports/build_minutes.py`; an upload may use
only the fields below (`reports.docx.template_problem_for`). What no record says (the minutes'
number, the hour, the secretary…) is left as a visible "…", never invented.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from thidua.common.numbers import format_vn
from thidua.orgs.models import Cluster, Membership, ReviewMeeting
from thidua.reports import docx
from thidua.reports.docx import TEMPLATES, FittedTable, Source
from thidua.reports.models import DocumentKind, DocumentTemplate
from thidua.reports.official import (
    FORM_LANGUAGE,
    GAP,
    MINUTES_HEADER_FIELDS,
    NBSP,
    Record,
    clause,
    day_text,
    header,
    listed,
    place_date,
    points,
    recipients,
    unknown_minutes_field,
)
from thidua.scoring.engine import MemberScore, score
from thidua.scoring.models import ManualScore, Method, Regulation
from thidua.scoring.wording import tie_break_sentence

SCORING_SHIPPED = TEMPLATES / "scoring_minutes.docx"
# The scores table, by its caption: rank and unit keep the template's widths, so does the
# total (last); the section columns share the rest.
SCORE_TABLE = FittedTable("Bảng điểm", lead=2, tail=1)

SCORING_FIELDS = MINUTES_HEADER_FIELDS | {
    "time": "giờ, ngày họp",
    "place": "địa điểm họp",
    "attendees": "thành phần dự họp",
    "chair": "người chủ trì",
    "secretary": "thư ký",
    "regulation_name": "tên quy định chấm điểm",
    "regulation_version": "phiên bản quy định",
    "legal_basis": "căn cứ của quy định",
    "sections": "các nhóm tiêu chí: s.code, s.name, s.max, s.line",
    "tie_break": "cách xét khi bằng điểm",
    "member_count": "số thành viên",
    "member_noun": "tỉnh, thành phố, đơn vị…",
    "rows": "bảng điểm: r.rank, r.name, r.sections, r.total",
    "table_note": "ghi chú dưới bảng điểm",
    "adjustments": "điều chỉnh: a.unit, a.criterion, a.self, a.review, a.reason",
    "adjustment_intro": "câu dẫn về điều chỉnh",
    "ranking_text": "thứ tự xếp hạng",
    "leader_text": "đơn vị dẫn đầu",
    "published_note": "ngày công bố kết quả (trống nếu chưa công bố)",
}


def scoring_minutes_docx(
    regulation: Regulation,
    *,
    results: list[MemberScore] | None = None,
    template: Source | None = None,
) -> bytes:
    """Biên bản họp chấm điểm, xếp hạng thi đua of the regulation's cluster and year."""
    with translation.override(FORM_LANGUAGE):
        fields = scoring_context(regulation, results)
    if template is None:
        template = DocumentTemplate.source_for(
            regulation.cluster, DocumentKind.SCORING_MINUTES, SCORING_SHIPPED
        )
    return docx.render(template, fields, SCORE_TABLE)


def scoring_minutes_name(regulation: Regulation) -> str:
    return f"bien-ban-cham-diem-{regulation.cluster.code}-{regulation.year}.docx"


# The scoring minutes


def scoring_context(regulation: Regulation, results: list[MemberScore] | None = None) -> dict:
    cluster, year = regulation.cluster, regulation.year
    results = score(regulation) if results is None else results
    meeting = (
        ReviewMeeting.objects.filter(cluster=cluster, period=str(year))
        .select_related("host")
        .first()
    )
    record = Record.of(meeting)
    tops = list(
        regulation.criteria.filter(parent__isnull=True).order_by("position", "code")
    )  # the sections A, B, C, D…
    kinds = set(
        Membership.objects.filter(cluster=cluster, year=year).values_list("unit__kind", flat=True)
    )
    adjustments = _adjustments(regulation, results)
    return header(cluster) | {
        "place_date": place_date(record.place_name, record.held_on),
        "summary": _("Họp chấm điểm, xếp hạng thi đua năm %(y)s của %(c)s")
        % {"y": year, "c": cluster.name},
        "recipients": recipients(record.recipients),
        "time": _("… giờ …, %(day)s") % {"day": day_text(record.held_on)},
        "place": _meeting_place(meeting),
        "attendees": clause(record.attendees),
        "chair": record.signer_name.strip() or GAP,
        "secretary": GAP,
        "regulation_name": regulation.name,
        "regulation_version": regulation.version,
        "legal_basis": clause(regulation.legal_basis),
        "sections": _sections(tops),
        "tie_break": tie_break_sentence(regulation.tie_break or []),
        "member_count": len(results),
        "member_noun": cluster.noun_for(kinds),
        "rows": [
            {
                "rank": r.rank,
                "name": r.unit_name,
                "sections": [format_vn(r.section(c.code), 2) for c in tops],
                "total": format_vn(r.total, 2),
            }
            for r in results
        ],
        "table_note": _table_note(tops),
        "adjustments": adjustments,
        "adjustment_intro": (
            _("Cụm trưởng thẩm định, điều chỉnh %(n)s tiêu chí so với điểm các đơn vị tự chấm:")
            % {"n": len(adjustments)}
            if adjustments
            else _("Không có tiêu chí nào được điều chỉnh so với điểm các đơn vị tự chấm.")
        ),
        "ranking_text": _ranking_text(results),
        "leader_text": _leader_text(results, cluster, year),
        "published_note": (
            _("Kết quả được công bố cho các thành viên trên hệ thống %(day)s.")
            % {"day": day_text(timezone.localtime(regulation.published_at).date())}
            if regulation.published_at
            else ""
        ),
    }


def _meeting_place(meeting: ReviewMeeting | None) -> str:
    if meeting is None:
        return GAP
    place = meeting.place.strip() or meeting.place_name.strip() or GAP
    return _("%(place)s (đơn vị đăng cai: %(host)s)") % {"place": place, "host": meeting.host}


def _sections(tops) -> list[dict]:
    lines = []
    for c in tops:
        if c.method == Method.PENALTY:
            limit = _("trừ tối đa %(p)s điểm") % {"p": points(c.max_points)}
            short = _("(trừ %(p)s)") % {"p": points(c.max_points)}
        else:
            limit = _("tối đa %(p)s điểm") % {"p": points(c.max_points)}
            short = f"({points(c.max_points)})"
        lines.append(
            {"code": c.code, "name": c.name, "max": short, "line": f"{c.code}. {c.name}: {limit}"}
        )
    for item, line in zip(lines, listed([x["line"] for x in lines]), strict=True):
        item["line"] = line
    return lines


def _table_note(tops) -> str:
    note = _("Trong ngoặc: điểm tối đa của nhóm.")
    if any(c.method == Method.PENALTY for c in tops):
        note += " " + _("Điểm trừ ghi số âm.")
    return note + " " + _("Tổng điểm là tổng điểm các nhóm.")


def _adjustments(regulation: Regulation, results: list[MemberScore]) -> list[dict]:
    order = {r.unit_id: i for i, r in enumerate(results)}
    found = ManualScore.objects.filter(
        criterion__regulation=regulation,
        unit_id__in=order,
        self_points__isnull=False,
        review_points__isnull=False,
    ).select_related("criterion", "unit")
    rows = [s for s in found if s.self_points != s.review_points]
    rows.sort(key=lambda s: (order[s.unit_id], s.criterion.position, s.criterion.code))
    names = {r.unit_id: r.unit_name for r in results}
    return [
        {
            "unit": names[s.unit_id],
            "criterion": f"{s.criterion.code}. {s.criterion.name}"
            + (" " + _("(điểm trừ)") if s.criterion.method == Method.PENALTY else ""),
            "self": format_vn(s.self_points, 2),
            "review": format_vn(s.review_points, 2),
            "reason": s.review_reason.strip() or GAP,
        }
        for s in rows
    ]


def _ranking_text(results: list[MemberScore]) -> str:
    if not results:
        return _("Chưa có thành viên để xếp hạng.")
    # The points are in the table above; here the order, as it is read out at the meeting.
    items = [f"{r.rank}.{NBSP}{r.unit_name}" for r in results]
    return _("Thứ tự xếp hạng: %(items)s.") % {"items": "; ".join(items)}


def _leader_text(results: list[MemberScore], cluster: Cluster, year: int) -> str:
    first = [r for r in results if r.rank == 1]
    if not first:
        return GAP
    names = ", ".join(r.unit_name for r in first)
    values = {"names": names, "c": cluster.name, "y": year, "t": format_vn(first[0].total, 2)}
    if len(first) > 1:
        return _("%(names)s cùng xếp thứ nhất, dẫn đầu %(c)s năm %(y)s với %(t)s điểm.") % values
    return _("%(names)s xếp thứ nhất, dẫn đầu %(c)s năm %(y)s với %(t)s điểm.") % values


# Samples, to check an uploaded template without touching data


def sample_scoring() -> dict:
    return {
        "superior": "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TRUNG ƯƠNG",
        "issuer": "CỤM THI ĐUA MẪU",
        "number": GAP,
        "place_date": "Rạch Giá, ngày 10 tháng 12 năm 2019",
        "summary": "Họp chấm điểm, xếp hạng thi đua năm 2019 của Cụm thi đua mẫu",
        "recipients": ["- Các thành viên cụm;", "- Lưu: VT."],
        "time": "… giờ …, ngày 10 tháng 12 năm 2019",
        "place": "Rạch Giá (đơn vị đăng cai: Tỉnh A)",
        "attendees": "Đại diện lãnh đạo các tỉnh",
        "chair": "Nguyễn Văn A",
        "secretary": GAP,
        "regulation_name": "Quy định chấm điểm mẫu",
        "regulation_version": 1,
        "legal_basis": "Quy chế hoạt động của cụm",
        "sections": [
            {"code": "A", "name": "Chỉ tiêu", "max": "(60)", "line": "A. Chỉ tiêu: tối đa 60;"},
            {"code": "D", "name": "Điểm trừ", "max": "(trừ 5)", "line": "D. Điểm trừ: trừ 5."},
        ],
        "tie_break": "xét lần lượt điểm nhóm A",
        "member_count": 2,
        "member_noun": "tỉnh",
        "rows": [
            {"rank": 1, "name": "Tỉnh A", "sections": ["60,00", "0,00"], "total": "60,00"},
            {"rank": 2, "name": "Tỉnh B", "sections": ["50,00", "-1,00"], "total": "49,00"},
        ],
        "table_note": "Trong ngoặc: điểm tối đa của nhóm.",
        "adjustments": [
            {
                "unit": "Tỉnh B",
                "criterion": "B1. Tổ chức hội nghị",
                "self": "10,00",
                "review": "8,00",
                "reason": "Thiếu minh chứng",
            }
        ],
        "adjustment_intro": "Cụm trưởng thẩm định, điều chỉnh 1 tiêu chí:",
        "ranking_text": "Thứ tự xếp hạng: 1. Tỉnh A (60,00 điểm); 2. Tỉnh B (49,00 điểm).",
        "leader_text": "Tỉnh A xếp thứ nhất.",
        "published_note": "Kết quả được công bố ngày 15 tháng 12 năm 2019.",
    }


KIND = docx.Kind(
    code=DocumentKind.SCORING_MINUTES,
    fields=SCORING_FIELDS,
    shipped=SCORING_SHIPPED,
    sample=lambda tpl: sample_scoring(),
    unknown=lambda name: unknown_minutes_field(name, SCORING_FIELDS),
    table=SCORE_TABLE,
)
