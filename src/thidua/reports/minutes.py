"""The minutes (biên bản) of a year's scoring and of a ballot count, as Word documents.

As for the review report (`documents.py`): a docxtpl template, the cluster's active upload of
the kind, else the shared upload, else the shipped file built by `build_minutes.py`; an upload
may use only the fields of its kind (`template_problem_for`). What no record says (the minutes'
number, the hour, the secretary…) is left as a visible "…", never invented.

The ballot minutes give counts, percentages and results only: no voter is named anywhere in
them, so nothing can link a person to a choice.
"""

from __future__ import annotations

import io
import math
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.table import Table
from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
from lxml.etree import XMLSyntaxError

from thidua.ballots.models import BallotSession, Basis, Operator, SessionStatus
from thidua.common.numbers import format_vn
from thidua.orgs.models import Cluster, Membership, ReviewMeeting
from thidua.reports import documents
from thidua.reports.documents import (
    FORM_LANGUAGE,
    GAP,
    NBSP,
    DocumentError,
    listed,
    place_date,
    recipients,
)
from thidua.reports.models import DocumentKind
from thidua.scoring.engine import MemberScore, score
from thidua.scoring.models import ManualScore, Method, Regulation
from thidua.scoring.wording import tie_break_sentence

FOLDER = Path(__file__).resolve().parent / "templates_docx"
SCORING_SHIPPED = FOLDER / "scoring_minutes.docx"
BALLOT_SHIPPED = FOLDER / "ballot_minutes.docx"
SCORE_TABLE = "Bảng điểm"  # caption of the scores table: its section columns are re-fitted
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_COMMON = {
    "superior": "cơ quan chủ quản (chữ in hoa)",
    "issuer": "tên cụm, khối (chữ in hoa)",
    "number": "số, ký hiệu biên bản",
    "place_date": "địa danh và ngày",
    "summary": "trích yếu",
    "recipients": "nơi nhận, đã có “- ” và “;”",
}
SCORING_FIELDS = _COMMON | {
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
BALLOT_FIELDS = _COMMON | {
    "question": "nội dung bỏ phiếu",
    "award": "hình thức đề nghị",
    "seats": "số suất",
    "candidate_count": "số đơn vị được đề cử",
    "voting_time": "thời gian bỏ phiếu",
    "method": "hình thức bỏ phiếu",
    "correction": "bỏ phiếu lại: phiên thay thế và lý do (trống nếu không)",
    "electorate": "tổng số người có quyền bỏ phiếu",
    "present": "số người đã bỏ phiếu",
    "present_pct": "tỷ lệ tham gia (%)",
    "ballots": "số phiếu thu về",
    "valid": "số phiếu hợp lệ",
    "quorum_pct": "tỷ lệ tham gia tối thiểu (%)",
    "quorum_text": "đạt / chưa đạt tỷ lệ tham gia",
    "pass_rule": "điều kiện được đề nghị",
    "legal_basis": "căn cứ",
    "candidates": "bảng kiểm phiếu: c.number, c.name, c.score_rank, c.votes, c.pct, c.passed, "
    "c.outcome",
    "result_text": "kết quả",
    "receipts_text": "công khai danh sách mã phiếu",
    "closed_time": "giờ kết thúc kiểm phiếu",
    "member_names": "thành viên tổ kiểm phiếu",
    "head_name": "trưởng ban kiểm phiếu",
}
_KINDS = {
    DocumentKind.SCORING_MINUTES: (SCORING_FIELDS, SCORING_SHIPPED),
    DocumentKind.BALLOT_MINUTES: (BALLOT_FIELDS, BALLOT_SHIPPED),
}

Source = str | Path | bytes | IO[bytes]


# Public entry points


def scoring_minutes_docx(
    regulation: Regulation,
    *,
    results: list[MemberScore] | None = None,
    template: Source | None = None,
) -> bytes:
    """Biên bản họp chấm điểm, xếp hạng thi đua of the regulation's cluster and year."""
    with translation.override(FORM_LANGUAGE):
        fields = scoring_context(regulation, results)
    source = template if template is not None else _source(regulation.cluster, "scoring")
    return render(source, fields)


def ballot_minutes_docx(session: BallotSession, *, template: Source | None = None) -> bytes:
    """Biên bản kiểm phiếu of a closed session; counts and results only, no voter."""
    if session.status != SessionStatus.CLOSED or not session.result:
        raise DocumentError(_("Biên bản kiểm phiếu chỉ có khi phiên bỏ phiếu đã kết thúc."))
    with translation.override(FORM_LANGUAGE):
        fields = ballot_context(session)
    source = template if template is not None else _source(session.cluster, "ballot")
    return render(source, fields)


def scoring_minutes_name(regulation: Regulation) -> str:
    return f"bien-ban-cham-diem-{regulation.cluster.code}-{regulation.year}.docx"


def ballot_minutes_name(session: BallotSession) -> str:
    return f"bien-ban-kiem-phieu-{session.cluster.code}-{session.year}-{session.pk}.docx"


def template_problem_for(kind: str, source: Source) -> str | None:
    """Why an uploaded template of `kind` cannot be used, in Vietnamese; None when it renders."""
    if kind not in _KINDS:
        return documents.template_problem(source)
    fields = _KINDS[kind][0]
    try:
        tpl = documents._open(source)
        tpl.init_docx()
    except (zipfile.BadZipFile, PackageNotFoundError, ValueError, KeyError, XMLSyntaxError):
        return _("Tệp không phải là tệp Word (.docx) hợp lệ.")
    sample = sample_scoring() if kind == DocumentKind.SCORING_MINUTES else sample_ballot()
    try:
        unknown = tpl.get_undeclared_template_variables(
            jinja_env=documents._environment(), context=sample
        )
        if unknown:
            return _unknown_field(sorted(unknown)[0], fields)
        tpl.render(sample, jinja_env=documents._environment(strict=True), autoescape=True)
    except UndefinedError as exc:
        return _unknown_field(documents._undefined_name(str(exc)), fields)
    except TemplateSyntaxError as exc:
        return _("Mẫu viết sai cú pháp ở dòng %(n)s: %(e)s") % {"n": exc.lineno, "e": exc.message}
    except TemplateError as exc:
        return _("Mẫu không dựng được: %(e)s") % {"e": exc}
    return None


def render(source: Source, fields: dict) -> bytes:
    tpl = documents._open(source)
    tpl.init_docx()
    grid = _table_grid(tpl.docx)
    with translation.override(FORM_LANGUAGE):
        tpl.render(fields, jinja_env=documents._environment(), autoescape=True)
    if grid:
        _fit_score_tables(tpl.docx, grid)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _source(cluster: Cluster, which: str) -> Path | IO[bytes]:
    kind = DocumentKind.SCORING_MINUTES if which == "scoring" else DocumentKind.BALLOT_MINUTES
    return documents.template_source(cluster, kind, _KINDS[kind][1])


def _unknown_field(name: str, fields: dict) -> str:
    return _("Mẫu dùng trường “%(f)s” không có trong dữ liệu biên bản. Dùng được: %(a)s.") % {
        "f": name,
        "a": ", ".join(sorted(fields)),
    }


# The scoring minutes


def scoring_context(regulation: Regulation, results: list[MemberScore] | None = None) -> dict:
    cluster, year = regulation.cluster, regulation.year
    results = score(regulation) if results is None else results
    meeting = (
        ReviewMeeting.objects.filter(cluster=cluster, period=str(year))
        .select_related("host")
        .first()
    )
    record = documents.Record.of(meeting)
    tops = list(
        regulation.criteria.filter(parent__isnull=True).order_by("position", "code")
    )  # the sections A, B, C, D…
    kinds = set(
        Membership.objects.filter(cluster=cluster, year=year).values_list("unit__kind", flat=True)
    )
    adjustments = _adjustments(regulation, results)
    return _header(cluster) | {
        "place_date": place_date(record.place_name, record.held_on),
        "summary": _("Họp chấm điểm, xếp hạng thi đua năm %(y)s của %(c)s")
        % {"y": year, "c": cluster.name},
        "recipients": recipients(record.recipients),
        "time": _("… giờ …, %(day)s") % {"day": day_text(record.held_on)},
        "place": _meeting_place(meeting),
        "attendees": _clause(record.attendees),
        "chair": record.signer_name.strip() or GAP,
        "secretary": GAP,
        "regulation_name": regulation.name,
        "regulation_version": regulation.version,
        "legal_basis": _clause(regulation.legal_basis),
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


def _header(cluster: Cluster) -> dict:
    return {
        "superior": documents._superior(cluster) or GAP,
        "issuer": documents._header_name(cluster.name) or GAP,
        "number": GAP,
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
            limit = _("trừ tối đa %(p)s điểm") % {"p": _points(c.max_points)}
            short = _("(trừ %(p)s)") % {"p": _points(c.max_points)}
        else:
            limit = _("tối đa %(p)s điểm") % {"p": _points(c.max_points)}
            short = f"({_points(c.max_points)})"
        lines.append(
            {"code": c.code, "name": c.name, "max": short, "line": f"{c.code}. {c.name}: {limit}"}
        )
    for item, line in zip(lines, listed([x["line"] for x in lines]), strict=True):
        item["line"] = line
    return lines


def _points(value: Decimal) -> str:
    """60 → '60', 7.5 → '7,5': points as a person writes them."""
    value = Decimal(value).normalize()
    decimals = max(0, -value.as_tuple().exponent)
    return format_vn(value, decimals)


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


# The ballot minutes


def ballot_context(session: BallotSession) -> dict:
    result = session.result or {}
    cluster = session.cluster
    meeting = ReviewMeeting.objects.filter(cluster=cluster, period=str(session.year)).first()
    closed = timezone.localtime(session.closed_at) if session.closed_at else None
    opened = timezone.localtime(session.opened_at) if session.opened_at else None
    electorate, present = result.get("electorate", 0), result.get("present", 0)
    basis = result.get("basis", 0)
    candidates = result.get("candidates", [])
    award = _award_name(session.award_code)
    return _header(cluster) | {
        "place_date": place_date(meeting.place_name if meeting else "", closed and closed.date()),
        "summary": _("Kiểm phiếu “%(t)s”") % {"t": session.title},
        "recipients": recipients(""),
        "question": session.title,
        "award": award or GAP,
        "seats": session.seats,
        "candidate_count": len(candidates),
        "voting_time": _("từ %(a)s đến %(b)s") % {"a": moment(opened), "b": moment(closed)},
        "method": _(
            "bỏ phiếu kín trên hệ thống; mỗi phiếu được mã hóa và chỉ mang mã phiếu (mã băm của "
            "phiếu), không gắn với người bỏ phiếu; chỉ tổng số phiếu được giải mã, bởi %(t)s "
            "người giữ khóa"
        )
        % {"t": session.threshold},
        "correction": _correction(session),
        "electorate": electorate,
        "present": present,
        "present_pct": format_vn(_share(present, electorate), 2),
        "ballots": result.get("ballots", 0),
        # The system refuses an invalid ballot when it is cast: every ballot counted is valid.
        "valid": result.get("ballots", 0),
        "quorum_pct": _points(session.quorum_pct),
        "quorum_text": (
            _("số người đã bỏ phiếu đạt tỷ lệ này")
            if result.get("quorum_met")
            else _("số người đã bỏ phiếu chưa đạt tỷ lệ này")
        ),
        "pass_rule": _pass_rule(session, basis),
        "legal_basis": _clause(session.legal_basis),
        "candidates": [
            {
                "number": i,
                "name": c["unit_name"],
                "score_rank": c["score_rank"] if c.get("score_rank") is not None else "–",
                "votes": c["votes"],
                "pct": format_vn(Decimal(c["pct"]), 2),
                "passed": _("Đạt") if c["passed"] else _("Không đạt"),
                "outcome": _outcome(c["elected"]),
            }
            for i, c in enumerate(candidates, start=1)
        ],
        "result_text": _result_text(session, result, award),
        "receipts_text": _(
            "Danh sách %(n)s mã phiếu được công bố trên trang của phiên bỏ phiếu để mỗi người bỏ "
            "phiếu tự tra mã phiếu của mình. Phiếu chỉ được lưu ở dạng mã hóa; không ai giải mã "
            "từng phiếu, nên không có thông tin nào cho biết người nào đã chọn đơn vị nào."
        )
        % {"n": len(result.get("receipts", []))},
        "closed_time": moment(closed),
        "member_names": GAP,
        "head_name": GAP,
    }


def _award_name(code: str) -> str:
    if not code:
        return ""
    from thidua.awards.models import AwardType

    found = AwardType.objects.filter(code=code).first()
    return found.name if found else code


def _correction(session: BallotSession) -> str:
    if not session.corrects_id:
        return ""
    return _("tổ chức lại thay cho phiên số %(n)s; lý do: %(r)s") % {
        "n": session.corrects_id,
        "r": _clause(session.correction_reason),
    }


def _share(part: int, whole: int) -> Decimal:
    return Decimal(part * 100) / whole if whole else Decimal(0)


def _pass_rule(session: BallotSession, basis: int) -> str:
    pct = _points(session.pass_pct)
    base = str(Basis(session.pass_basis).label)
    if session.pass_operator == Operator.GT:
        rule = _("số phiếu đồng ý trên %(p)s%% %(b)s") % {"p": pct, "b": base}
        need = math.floor(session.pass_pct * basis / 100) + 1
    else:
        rule = _("số phiếu đồng ý từ %(p)s%% %(b)s trở lên") % {"p": pct, "b": base}
        need = math.ceil(session.pass_pct * basis / 100)
    if not basis:
        return rule
    return _("%(rule)s (%(n)s người), tức là từ %(k)s phiếu đồng ý trở lên") % {
        "rule": rule,
        "n": basis,
        "k": need,
    }


def _outcome(elected) -> str:
    if elected == "tie":
        return _("Bằng phiếu ở suất cuối")
    return _("Được đề nghị") if elected else "–"


def _result_text(session: BallotSession, result: dict, award: str) -> str:
    rows = result.get("candidates", [])
    if result.get("withheld") and result.get("quorum_met"):
        return _(
            "Số phiếu thu về (%(b)s) ít hơn số phiếu tối thiểu để kiểm (%(m)s): không kiểm phiếu, "
            "không công bố số phiếu của đơn vị nào; không đơn vị nào được đề nghị."
        ) % {"b": result.get("ballots", 0), "m": result.get("min_ballots", 0)}
    if not result.get("quorum_met"):
        return _(
            "Số người đã bỏ phiếu (%(p)s/%(e)s) chưa đạt tỷ lệ tham gia tối thiểu %(q)s%%: "
            "kết quả bỏ phiếu không có giá trị; không đơn vị nào được đề nghị."
        ) % {
            "p": result.get("present", 0),
            "e": result.get("electorate", 0),
            "q": _points(session.quorum_pct),
        }
    what = award or _("theo nội dung bỏ phiếu")
    elected = [r for r in rows if r["elected"] is True]
    tied = [r for r in rows if r["elected"] == "tie"]
    parts = []
    if elected:
        parts.append(
            _("Căn cứ kết quả kiểm phiếu, %(units)s được đề nghị %(what)s.")
            % {"units": _votes_list(elected), "what": what}
        )
    if tied:
        parts.append(
            _(
                "%(units)s bằng số phiếu và cùng hạng theo điểm ở suất cuối: cần bỏ phiếu lại "
                "hoặc quyết định theo quy chế của cụm."
            )
            % {"units": _votes_list(tied)}
        )
    if not elected and not tied:
        parts.append(
            _("Không đơn vị nào đạt tỷ lệ phiếu đồng ý cần thiết; không có đơn vị được đề nghị.")
        )
    return " ".join(parts)


def _votes_list(rows: list[dict]) -> str:
    return ", ".join(
        _("%(u)s (%(v)s phiếu, %(p)s%%)")
        % {"u": r["unit_name"], "v": r["votes"], "p": format_vn(Decimal(r["pct"]), 2)}
        for r in rows
    )


# Words and dates


def day_text(day: date | None) -> str:
    """'ngày 06 tháng 8 năm 2019': a leading 0 for days < 10 and months 1–2, as in the header."""
    if day is None:
        return _("ngày %(g)s tháng %(g)s năm %(g)s") % {"g": GAP}
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return _("ngày %(d)s tháng %(m)s năm %(y)s") % {
        "d": f"{day.day:02d}",
        "m": month,
        "y": day.year,
    }


def moment(when: datetime | None) -> str:
    """'14 giờ 05 phút, ngày 06 tháng 8 năm 2019' (local time); '…' when not known."""
    if when is None:
        return GAP
    return _("%(h)s giờ %(m)s phút, %(day)s") % {
        "h": f"{when.hour:02d}",
        "m": f"{when.minute:02d}",
        "day": day_text(when.date()),
    }


def _clause(text: str) -> str:
    """A text placed before a '.' of the template: no final '.' or ';' of its own."""
    return text.strip().rstrip(".;").strip() or GAP


# The scores table: the `tc` loop leaves one column per section


def _score_tables(document) -> list[Table]:
    found = []
    for tbl in document.element.body.iter(qn("w:tbl")):
        table = Table(tbl, document.part)
        cap = table._tbl.tblPr.find(qn("w:tblCaption"))
        if cap is not None and cap.get(qn("w:val")) == SCORE_TABLE:
            found.append(table)
    return found


def _table_grid(document) -> list[int]:
    tables = _score_tables(document)
    if not tables:
        return []
    return [int(c.get(qn("w:w"))) for c in tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))]


def _fit_score_tables(document, grid: list[int]) -> None:
    """Rank and unit keep the template's widths, so does the total (last); the section columns
    share the rest of the template's table width."""
    for table in _score_tables(document):
        columns = table._tbl.tblGrid.findall(qn("w:gridCol"))
        middle = len(columns) - 3
        if middle < 1 or len(grid) < 4:
            continue
        each = (sum(grid) - grid[0] - grid[1] - grid[-1]) // middle
        widths = grid[:2] + [each] * middle + grid[-1:]
        for col, width in zip(columns, widths, strict=True):
            col.set(qn("w:w"), str(width))
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = Twips(width)


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


def sample_ballot() -> dict:
    return {
        "superior": "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TRUNG ƯƠNG",
        "issuer": "CỤM THI ĐUA MẪU",
        "number": GAP,
        "place_date": "…, ngày 10 tháng 12 năm 2019",
        "summary": "Kiểm phiếu “Đề nghị Cờ thi đua của Chính phủ năm 2019”",
        "recipients": ["- …;", "- Lưu: VT."],
        "question": "Đề nghị Cờ thi đua của Chính phủ năm 2019",
        "award": "Cờ thi đua của Chính phủ",
        "seats": 1,
        "candidate_count": 2,
        "voting_time": "từ 08 giờ 00 phút, ngày 09 tháng 12 năm 2019 đến 17 giờ 00 phút, …",
        "method": "bỏ phiếu kín trên hệ thống",
        "correction": "tổ chức lại thay cho phiên số 1; lý do: mẫu",
        "electorate": 12,
        "present": 10,
        "present_pct": "83,33",
        "ballots": 10,
        "valid": 10,
        "quorum_pct": "50",
        "quorum_text": "số người đã bỏ phiếu đạt tỷ lệ này",
        "pass_rule": "số phiếu đồng ý trên 50% tổng số người có quyền bỏ phiếu",
        "legal_basis": "Quy chế hoạt động của cụm",
        "candidates": [
            {
                "number": 1,
                "name": "Tỉnh A",
                "score_rank": 1,
                "votes": 8,
                "pct": "66,67",
                "passed": "Đạt",
                "outcome": "Được đề nghị",
            },
            {
                "number": 2,
                "name": "Tỉnh B",
                "score_rank": 2,
                "votes": 2,
                "pct": "16,67",
                "passed": "Không đạt",
                "outcome": "–",
            },
        ],
        "result_text": "Căn cứ kết quả kiểm phiếu, Tỉnh A được đề nghị Cờ thi đua của Chính phủ.",
        "receipts_text": "Danh sách 10 mã phiếu được công bố trên trang của phiên bỏ phiếu.",
        "closed_time": "17 giờ 00 phút, ngày 10 tháng 12 năm 2019",
        "member_names": GAP,
        "head_name": GAP,
    }
