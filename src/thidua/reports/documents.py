"""The review report as a Word document (docxtpl over an editable template) and as PDF.

The template is the cluster's active uploaded one, else the shared uploaded one, else the
shipped `templates_docx/review.docx` (built by `build_template.py`). A template may use the
fields in FIELDS; an upload using anything else is refused (`template_problem`).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.utils import translation
from django.utils.translation import gettext as _
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.shared import Cm, Twips
from docx.table import Table
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from lxml.etree import XMLSyntaxError

from thidua.common.numbers import format_vn
from thidua.common.periods import YEAR, parse_period
from thidua.orgs.models import Cluster, Membership, Organiser, ReviewMeeting
from thidua.reports.aggregation import review
from thidua.reports.charts import chart_figure, member_chart, with_measure
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

SHIPPED = Path(__file__).resolve().parent / "templates_docx" / "review.docx"
VALUE_TABLE = "Bảng số liệu"  # caption of the member × indicator table in the template
MAX_COLUMNS = 5  # indicator columns per table on a portrait page
CHART_WIDTH = Cm(15)
NBSP = "\u00a0"  # keeps "4. Cà Mau" and "9.360 tỷ đồng" on one line
GAP = "…"  # what the meeting record does not say is left visibly open, never invented
# An official document is written in Vietnamese whatever the reader's language; `language`
# chooses only the narrative paragraph and the words in the charts.
FORM_LANGUAGE = "vi"
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
LO_HINT = "apt-get install -y libreoffice-writer-nogui fonts-liberation2"


class DocumentError(Exception):
    """A document could not be produced; the message is for the user."""


class LibreOfficeMissing(DocumentError):
    pass


@dataclass
class Record:
    """What the meeting record says, as text; empty where it says nothing."""

    number: str = ""
    place_name: str = ""
    held_on: date | None = None
    attendees: str = ""
    tasks: str = ""
    signer_title: str = ""
    signer_name: str = ""
    recipients: str = ""

    @classmethod
    def of(cls, meeting: ReviewMeeting | None) -> Record:
        if meeting is None:
            return cls()
        return cls(
            number=meeting.document_number,
            place_name=meeting.place_name,
            held_on=meeting.held_on,
            attendees=meeting.attendees,
            tasks=meeting.tasks,
            signer_title=meeting.signer_title,
            signer_name=meeting.signer_name,
            recipients=meeting.recipients,
        )


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
    template: str | Path | bytes | IO[bytes] | None = None,
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
    source = template if template is not None else template_source(cluster)
    return render(source, facts)


def review_pdf(
    cluster: Cluster,
    period: str,
    *,
    language: str = "vi",
    template: str | Path | bytes | IO[bytes] | None = None,
    include_submitted: bool = False,
) -> bytes:
    docx = review_docx(
        cluster, period, language=language, template=template, include_submitted=include_submitted
    )
    return docx_to_pdf(docx)


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
        superior=_superior(cluster),
        issuer=_header_name(cluster.name),
        members=sorted((m.unit.code, m.unit.name) for m in memberships),
        main={c for c, e in data["indicators"].items() if e["threshold"] or c in narrated},
        record=Record.of(meeting),
        language=language,
    )


def template_source(
    cluster: Cluster | None, kind: str = DocumentKind.REVIEW, shipped: Path = SHIPPED
) -> Path | IO[bytes]:
    """The cluster's active upload of `kind`, else the shared active upload, else `shipped`."""
    uploads = DocumentTemplate.objects.filter(kind=kind, active=True)
    candidates = [uploads.filter(cluster__isnull=True)]
    if cluster is not None:
        candidates.insert(0, uploads.filter(cluster=cluster))
    for chosen in candidates:
        found = chosen.order_by("-uploaded_at", "-pk").first()
        if found is not None and found.file:
            with found.file.open("rb") as handle:
                return io.BytesIO(handle.read())
    return shipped


def render(source: str | Path | bytes | IO[bytes], facts: Facts) -> bytes:
    tpl = _open(source)
    tpl.init_docx()
    grid = _value_table_grid(tpl.docx)
    with translation.override(FORM_LANGUAGE):
        tpl.render(context(tpl, facts), jinja_env=_environment(), autoescape=True)
    if grid:
        _fit_value_tables(tpl.docx, grid)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def template_problem(source: str | Path | bytes | IO[bytes]) -> str | None:
    """Why an uploaded template cannot be used, in Vietnamese; None when it renders."""
    try:
        tpl = _open(source)
        tpl.init_docx()
    except (zipfile.BadZipFile, PackageNotFoundError, ValueError, KeyError, XMLSyntaxError):
        return _("Tệp không phải là tệp Word (.docx) hợp lệ.")
    try:
        facts = sample_facts()
        fields = context(tpl, facts)
        unknown = tpl.get_undeclared_template_variables(jinja_env=_environment(), context=fields)
        if unknown:
            return _unknown_field(sorted(unknown)[0])
        tpl.render(fields, jinja_env=_environment(strict=True), autoescape=True)
    except UndefinedError as exc:
        return _unknown_field(_undefined_name(str(exc)))
    except TemplateSyntaxError as exc:
        return _("Mẫu viết sai cú pháp ở dòng %(n)s: %(e)s") % {"n": exc.lineno, "e": exc.message}
    except TemplateError as exc:
        return _("Mẫu không dựng được: %(e)s") % {"e": exc}
    return None


def soffice() -> str | None:
    """LibreOffice's command, or None: without it no PDF is offered (the pages say LO_HINT)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, *, timeout: int = 180) -> bytes:
    soffice_command = soffice()
    if soffice_command is None:
        raise LibreOfficeMissing(_("Chưa cài LibreOffice: %(cmd)s") % {"cmd": LO_HINT})
    with tempfile.TemporaryDirectory(prefix="thidua-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "bao-cao.docx"
        source.write_bytes(docx)
        # Its own profile in a temporary HOME: conversions never share or lock a user profile.
        command = [
            soffice_command,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        env = {**os.environ, "HOME": str(folder)}
        try:
            done = subprocess.run(command, env=env, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise DocumentError(_("LibreOffice chuyển sang PDF quá lâu.")) from exc
        pdf = folder / "bao-cao.pdf"
        if not pdf.exists():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
            raise DocumentError(_("LibreOffice không chuyển được sang PDF: %(e)s") % {"e": detail})
        return pdf.read_bytes()


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
        "tasks": listed(_lines(record.tasks) or [GAP]),
        "attendees": record.attendees.strip() or GAP,
        "recipients": recipients(record.recipients),
        "signer_title": record.signer_title.strip().upper() or GAP,
        "signer_name": record.signer_name.strip() or GAP,
    }


def place_date(place: str, day: date | None) -> str:
    """'Rạch Giá, ngày 06 tháng 8 năm 2019': a leading 0 for days < 10 and months 1–2.

    Not translated: the line belongs to official documents, which are Vietnamese whatever the
    reader's language (the review report, the minutes, the commendation dossier)."""
    place = place.strip() or GAP
    if day is None:
        return f"{place}, ngày {GAP} tháng {GAP} năm {GAP}"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def recipients(text: str) -> list[str]:
    """'- X;' for each line and '- Lưu: VT.' last (added when the record has no filing line)."""
    lines = _lines(text) or [GAP]
    filing = [line for line in lines if line.lower().startswith("lưu")]
    lines = [line for line in lines if line not in filing] + (filing or [_("Lưu: VT")])
    return [f"- {line}" for line in listed(lines)]


def listed(lines: list[str]) -> list[str]:
    """Items of a list end with ';', the last with '.'."""
    ends = [";"] * (len(lines) - 1) + ["."]
    return [line if line == GAP else line + end for line, end in zip(lines, ends, strict=False)]


def _lines(text: str) -> list[str]:
    cleaned = (
        line.strip().lstrip("-–+•").strip().rstrip(";.").strip() for line in text.splitlines()
    )
    return [line for line in cleaned if line]


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


def _superior(cluster: Cluster) -> str:
    if cluster.organiser_unit_id:
        return _header_name(cluster.organiser_unit.name)
    if cluster.organiser == Organiser.CENTRAL:
        with translation.override(FORM_LANGUAGE):
            return _header_name(str(Organiser.CENTRAL.label))
    return ""


def _header_name(name: str) -> str:
    # The decree writes hyphens between parts of a name in the header, as in the motto.
    return re.sub(r"\s*[–—]\s*", " - ", name).upper()


# Templates


def _open(source: str | Path | bytes | IO[bytes]) -> DocxTemplate:
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    elif hasattr(source, "read"):
        source.seek(0)
        source = io.BytesIO(source.read())
    return DocxTemplate(source)


def _environment(*, strict: bool = False) -> SandboxedEnvironment:
    # Uploaded templates are user content: the sandbox keeps them to reading the context.
    if strict:
        return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    return SandboxedEnvironment(autoescape=True)


def _unknown_field(name: str) -> str:
    return _("Mẫu dùng trường “%(f)s” không có trong dữ liệu báo cáo. Dùng được: %(a)s.") % {
        "f": name,
        "a": ", ".join(sorted(FIELDS)),
    }


def _undefined_name(message: str) -> str:
    found = re.search(r"'([^']+)' is undefined|attribute '([^']+)'", message)
    return next((g for g in found.groups() if g), message) if found else message


def _value_tables(document) -> list[Table]:
    # From the XML: python-docx caches the body that docxtpl's render replaces.
    found = []
    for tbl in document.element.body.iter(qn("w:tbl")):
        table = Table(tbl, document.part)
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        if caption is not None and caption.get(qn("w:val")) == VALUE_TABLE:
            found.append(table)
    return found


def _value_table_grid(document) -> list[int]:
    """The template's column widths (twips) of the value table, before the loops change them."""
    tables = _value_tables(document)
    if not tables:
        return []
    return [int(c.get(qn("w:w"))) for c in tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))]


def _fit_value_tables(document, grid: list[int]) -> None:
    """The `tc` loops leave one column per indicator: the first two keep the template's widths,
    the indicator columns share the rest of the template's table width."""
    for table in _value_tables(document):
        columns = table._tbl.tblGrid.findall(qn("w:gridCol"))
        if len(columns) < 3 or len(grid) < 3:
            continue
        each = (sum(grid) - grid[0] - grid[1]) // (len(columns) - 2)
        widths = grid[:2] + [each] * (len(columns) - 2)
        for col, width in zip(columns, widths, strict=True):
            col.set(qn("w:w"), str(width))
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = Twips(width)


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
