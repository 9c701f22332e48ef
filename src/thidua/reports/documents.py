"""The review report as a Word document (docxtpl over an editable template) and as PDF.

The template is the cluster's active uploaded one, else the shared uploaded one, else the
shipped `templates_docx/review.docx` (built by `build_template.py`). A template may use the
fields in FIELDS; an upload using anything else is refused (`template_problem`). It renders on
the engine every document kind shares (`reports.docx`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage

from thidua.common.numbers import format_vn
from thidua.common.periods import YEAR, parse_period
from thidua.orgs.models import Cluster, Membership, ReviewMeeting
from thidua.reports import docx
from thidua.reports.aggregation import review
from thidua.reports.charts import chart_figure, member_chart, with_measure
from thidua.reports.docx import TEMPLATES, FittedTable, Source
from thidua.reports.models import DocumentKind, DocumentTemplate
from thidua.reports.narrative import (
    narrate,
    official_names,
    partial_figure,
    stated,
    templates_for,
    unit_name,
)
from thidua.reports.narrative import rules as narrative_rules
from thidua.reports.official import (
    FORM_LANGUAGE,
    GAP,
    NBSP,
    Record,
    header_name,
    listed,
    place_date,
    recipients,
    superior,
    typed_lines,
)

SHIPPED = TEMPLATES / "review.docx"
VALUE_TABLE = FittedTable("Bảng số liệu")  # the member × indicator table, by its caption
MAX_COLUMNS = 5  # indicator columns per table on a portrait page
CHART_WIDTH = Cm(15)
FIELDS = {
    "superior": "cơ quan chủ quản (chữ in hoa)",
    "issuer": "cơ quan ban hành: tên cụm, khối (chữ in hoa)",
    "number": "số, ký hiệu, ví dụ 01/BC-CTĐTNB",
    "place_date": "địa danh và ngày, ví dụ Rạch Giá, ngày 06 tháng 8 năm 2019",
    "summary": "trích yếu: Sơ kết giao ước thi đua … của …",
    "review_kind": "Sơ kết / Tổng kết",
    "period_label": "6 tháng đầu năm 2019",
    "cluster_name": "tên cụm, khối",
    "member_noun": "tỉnh, thành phố, đơn vị…",
    "member_title": "tiêu đề cột thành viên (Tỉnh…)",
    "narrative": "đoạn kết quả",
    "table_blocks": "bảng số liệu: block.columns, block.rows (row.number, row.name, "
    "row.cells), block.totals",
    "illustrative": "có số liệu minh họa",
    "rankings": "xếp hạng: r.heading, r.summary, r.order, r.chart, r.caption",
    "tasks": "nhiệm vụ, mỗi dòng một nhiệm vụ",
    "attendees": "thành phần dự họp",
    "recipients": "nơi nhận, đã có “- ” và “;”",
    "signer_title": "chức vụ người ký (chữ in hoa, có thể 2 dòng)",
    "signer_name": "họ tên người ký",
}


@dataclass
class Facts:
    """Everything a review document says, gathered before any template is opened."""

    data: dict
    narrative: str
    superior: str
    issuer: str
    members: list[tuple[str, str]]  # (unit code, name) in official order
    main: set[str]  # indicators ranked in section II
    record: Record = field(default_factory=Record)
    language: str = "vi"


# Public entry points


def review_docx(
    cluster: Cluster,
    period: str,
    *,
    language: str = "vi",
    template: Source | None = None,
    include_submitted: bool = False,
    data: dict | None = None,
    narrative: str | None = None,
) -> bytes:
    """`data` and `narrative`: figures already computed (a publication's), else the live ones."""
    facts = gather(
        cluster,
        period,
        language=language,
        include_submitted=include_submitted,
        data=data,
        narrative=narrative,
    )
    if template is None:
        template = DocumentTemplate.source_for(cluster, DocumentKind.REVIEW, SHIPPED)
    return render(template, facts)


def review_pdf(
    cluster: Cluster,
    period: str,
    *,
    language: str = "vi",
    template: Source | None = None,
    include_submitted: bool = False,
) -> bytes:
    document = review_docx(
        cluster, period, language=language, template=template, include_submitted=include_submitted
    )
    return docx.docx_to_pdf(document)


def gather(
    cluster: Cluster,
    period: str,
    *,
    language: str = "vi",
    include_submitted: bool = False,
    data: dict | None = None,
    narrative: str | None = None,
) -> Facts:
    p = parse_period(period)
    if data is None:
        with translation.override(FORM_LANGUAGE):
            data = review(cluster, p.code, include_submitted=include_submitted)
    meeting = ReviewMeeting.objects.filter(cluster=cluster, period=p.code).first()
    memberships = Membership.objects.filter(cluster=cluster, year=p.year).select_related("unit")
    narrated = {t.indicator.code for t in templates_for(cluster) if t.indicator_id}
    return Facts(
        data=data,
        narrative=narrate(data, cluster, language) if narrative is None else narrative,
        superior=superior(cluster),
        issuer=header_name(cluster.name),
        members=sorted((m.unit.code, m.unit.name) for m in memberships),
        main={c for c, e in data["indicators"].items() if e["threshold"] or c in narrated},
        record=Record.of(meeting),
        language=language,
    )


def render(source: Source, facts: Facts) -> bytes:
    return docx.render(source, lambda tpl: context(tpl, facts), VALUE_TABLE)


def template_problem(source: Source) -> str | None:
    """Why an uploaded template cannot be used, in Vietnamese; None when it renders."""
    return docx.template_problem(source, _sample_context, _unknown_field)


def _sample_context(tpl: DocxTemplate) -> dict:
    return context(tpl, sample_facts())


# The context of the template


def context(tpl: DocxTemplate, facts: Facts) -> dict:
    data, record = facts.data, facts.record
    p = parse_period(data["period"])
    kind = _("Tổng kết") if p.kind == YEAR else _("Sơ kết")
    label = data["period_label"][:1].lower() + data["period_label"][1:]
    noun = data.get("member_noun") or _("đơn vị")
    entries = data["indicators"]
    return {
        "superior": facts.superior or GAP,
        "issuer": facts.issuer or GAP,
        "number": record.number or GAP,
        "place_date": place_date(record.place_name, record.held_on),
        "summary": _("%(kind)s giao ước thi đua %(period)s của %(cluster)s")
        % {"kind": kind, "period": label, "cluster": data["cluster"]["name"]},
        "review_kind": kind,
        "period_label": label,
        "cluster_name": data["cluster"]["name"],
        "member_noun": noun,
        "member_title": noun[:1].upper() + noun[1:],
        "narrative": facts.narrative or GAP,
        "table_blocks": table_blocks(entries, facts.members),
        "illustrative": any(e.get("illustrative") for e in entries.values()),
        "rankings": rankings(tpl, facts),
        "tasks": listed(typed_lines(record.tasks) or [GAP]),
        "attendees": record.attendees.strip() or GAP,
        "recipients": recipients(record.recipients),
        "signer_title": record.signer_title.strip().upper() or GAP,
        "signer_name": record.signer_name.strip() or GAP,
    }


def table_blocks(entries: dict, members: list[tuple[str, str]]) -> list[dict]:
    codes = list(entries)
    blocks = []
    for start in range(0, len(codes), MAX_COLUMNS):
        chosen = [entries[c] for c in codes[start : start + MAX_COLUMNS]]
        values = [{r["unit_code"]: r["value"] for r in e["ranking"]} for e in chosen]
        rows = [
            {
                "number": i,
                "name": name,
                "cells": [_cell(v.get(code), e) for v, e in zip(values, chosen, strict=True)],
            }
            for i, (code, name) in enumerate(members, start=1)
        ]
        blocks.append(
            {
                "columns": [_column_title(e) for e in chosen],
                "rows": rows,
                "totals": [format_vn(e["cluster_value"], e["decimals"]) for e in chosen],
            }
        )
    return blocks


def _cell(value: Decimal | None, entry: dict) -> str:
    return format_vn(value, entry["decimals"])


def _column_title(entry: dict) -> str:
    mark = " (*)" if entry.get("illustrative") else ""
    return f"{entry['name']} ({entry['measure']}){mark}"


def rankings(tpl: DocxTemplate, facts: Facts) -> list[dict]:
    noun = facts.data.get("member_noun") or _("đơn vị")
    chosen = [(c, e) for c, e in facts.data["indicators"].items() if c in facts.main]
    figure = chart_figure()  # one for all the charts: the member names are measured once
    names = official_names(facts.data)
    members = facts.data["members"]
    return [
        {
            "heading": f"{i}. {entry['name']}{_assignment_note(code)}",
            "summary": ranking_summary(entry, noun, members, names),
            "order": ranking_order(entry, names),
            "caption": _("Biểu đồ %(n)s. %(name)s (%(measure)s)")
            % {"n": i, "name": entry["name"], "measure": entry["measure"]},
            "chart": InlineImage(
                tpl,
                io.BytesIO(
                    member_chart(entry, fmt="png", language=facts.language, title="", figure=figure)
                ),
                width=CHART_WIDTH,
            ),
        }
        for i, (code, entry) in enumerate(chosen, start=1)
    ]


def _assignment_note(code: str) -> str:
    """A plan assigned to each member is no performance: its order says what it is."""
    assignments = narrative_rules()["assignments"]
    return f" ({assignments['ranking_note_vi']})" if code in assignments["indicators"] else ""


def _amount(value: Decimal | None, entry: dict, decimals: int | None = None) -> str:
    decimals = entry["decimals"] if decimals is None else decimals
    return with_measure(value, entry["measure"], decimals, "vi").replace(" ", NBSP)


def ranking_summary(
    entry: dict, noun: str, members: int | None = None, names: dict | None = None
) -> str:
    """The figures of one indicator as the table states them (the same rounding); with members
    missing, those of the members that reported, said to be theirs."""
    names = names or {}
    if members is None:
        members = entry["count"] + len(entry.get("missing") or [])
    partial = entry["count"] < members
    parts = []
    if partial:
        parts.append(
            _("%(n)s/%(of)s %(noun)s đã có số liệu")
            % {"n": entry["count"], "of": members, "noun": noun}
        )
    parts += _cluster_figures(entry, noun, partial)
    ranking = entry["ranking"]
    top = [unit_name(r, names) for r in ranking if r["value"] == entry["max"]]
    bottom = [unit_name(r, names) for r in ranking if r["value"] == entry["min"]]
    parts.append(
        _("cao nhất là %(u)s (%(v)s)") % {"u": ", ".join(top), "v": _amount(entry["max"], entry)}
    )
    if len(ranking) > 1:
        parts.append(
            _("thấp nhất là %(u)s (%(v)s)")
            % {"u": ", ".join(bottom), "v": _amount(entry["min"], entry)}
        )
    text = _sentence("; ".join(parts))
    threshold = _threshold_text(entry, noun)
    missing = entry.get("missing") or []
    if missing:
        threshold += " " + _("Chưa có số liệu: %(u)s.") % {"u": ", ".join(missing)}
    return f"{text} {threshold}".strip()


def _cluster_figures(entry: dict, noun: str, partial: bool) -> list[str]:
    """The total and the mean (a sum) or the cluster's figure (a ratio, a mean), at the table's
    decimals; never as the cluster's while members are missing."""
    parts = []
    if entry["total"] is not None:
        total = _amount(entry["total"], entry)
        if partial:
            parts.append(_("tổng của các %(noun)s này %(v)s") % {"noun": noun, "v": total})
        else:
            parts.append(_("Toàn cụm đạt %(v)s") % {"v": total})
    figure = partial_figure(entry) if partial else stated(entry)
    if figure is None:
        return parts
    value = _amount(figure, entry)
    if entry.get("aggregation") == "sum":
        if partial:
            parts.append(_("bình quân các %(noun)s này %(v)s") % {"noun": noun, "v": value})
        else:
            parts.append(_("bình quân mỗi %(noun)s %(v)s") % {"noun": noun, "v": value})
    elif partial:
        parts.append(_("bình quân các %(noun)s này %(v)s") % {"noun": noun, "v": value})
    else:
        parts.append(_("Toàn cụm %(v)s") % {"v": value})
    return parts


def _threshold_text(entry: dict, noun: str) -> str:
    t = entry.get("threshold")
    if not t:
        return ""
    if t["value"] is None:
        level = _("mức riêng của từng %(noun)s") % {"noun": noun}
    elif t["comparator"] == "gte":
        level = _("từ %(v)s trở lên") % {"v": _amount(t["value"], entry, 0)}
    else:
        level = _("không quá %(v)s") % {"v": _amount(t["value"], entry, 0)}
    return _("Mức giao ước: %(level)s; đạt: %(n)s/%(of)s %(noun)s.") % {
        "level": level,
        "n": t["count"],
        "of": t["of"],
        "noun": noun,
    }


def ranking_order(entry: dict, names: dict | None = None) -> str:
    names = names or {}
    items = [
        f"{r['rank']}.{NBSP}{unit_name(r, names)} ({_amount(r['value'], entry)})"
        for r in entry["ranking"]
    ]
    return _("Thứ tự: %(items)s.") % {"items": "; ".join(items)}


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _unknown_field(name: str) -> str:
    return _("Mẫu dùng trường “%(f)s” không có trong dữ liệu báo cáo. Dùng được: %(a)s.") % {
        "f": name,
        "a": ", ".join(sorted(FIELDS)),
    }


# A sample, to check an uploaded template against the real context without touching data


def sample_facts() -> Facts:
    members = [("01", "Tỉnh A"), ("02", "Tỉnh B")]
    entry = {
        "name": "Tốc độ tăng trưởng GRDP",
        "name_en": "GRDP growth rate",
        "short_name": "tăng trưởng GRDP",
        "measure": "%",
        "decimals": 2,
        "direction": "higher",
        "total": None,
        "mean": Decimal("8.2"),
        "min": Decimal("7.1"),
        "max": Decimal("9.3"),
        "count": 2,
        "cluster_value": Decimal("8.2"),
        "ranking": [
            {"unit_code": "02", "unit_name": "Tỉnh B", "value": Decimal("9.3"), "rank": 1},
            {"unit_code": "01", "unit_name": "Tỉnh A", "value": Decimal("7.1"), "rank": 2},
        ],
        "missing": [],
        "threshold": {"value": Decimal("7"), "comparator": "gte", "count": 2, "of": 2},
        "illustrative": True,
    }
    data = {
        "cluster": {"code": "MAU", "name": "Cụm thi đua mẫu"},
        "period": "2019H1",
        "period_label": "6 tháng đầu năm 2019",
        "members": 2,
        "member_noun": "tỉnh",
        "indicators": {"grdp_growth": entry},
    }
    record = Record(
        number="01/BC-CTĐ",
        place_name="Rạch Giá",
        held_on=date(2019, 8, 6),
        attendees="Đại diện lãnh đạo các tỉnh.",
        tasks="Nhiệm vụ thứ nhất.\nNhiệm vụ thứ hai.",
        signer_title="TM. CỤM THI ĐUA MẪU\nCỤM TRƯỞNG",
        signer_name="Nguyễn Văn A",
        recipients="Ban Thi đua - Khen thưởng Trung ương\nLưu: VT",
    )
    return Facts(
        data=data,
        narrative="Trong 6 tháng đầu năm 2019, 2/2 tỉnh đã gửi báo cáo.",
        superior="HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TRUNG ƯƠNG",
        issuer="CỤM THI ĐUA MẪU",
        members=members,
        main={"grdp_growth"},
        record=record,
    )


KIND = docx.Kind(
    code=DocumentKind.REVIEW,
    fields=FIELDS,
    shipped=SHIPPED,
    sample=_sample_context,
    unknown=_unknown_field,
    table=VALUE_TABLE,
)
