"""A regulation as YAML or as an Excel table: export, validate, import as a new version."""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from thidua.common import sheets
from thidua.common.errors import Issue, ValidationFailed
from thidua.common.periods import PeriodError, parse_period
from thidua.common.spreadsheet import safe_row
from thidua.common.text import over_column
from thidua.indicators.models import Indicator
from thidua.orgs.models import Cluster
from thidua.scoring.models import Criterion, Method, Regulation

AUTOMATIC = {Method.ATTAINMENT, Method.RANK, Method.THRESHOLD}
TABLE_COLUMNS = [
    "code",
    "parent",
    "name",
    "method",
    "max",
    "indicator",
    "period",
    "target",
    "cap",
    "rank_points",
    "comparator",
    "evidence_required",
]


def to_dict(regulation: Regulation) -> dict:
    criteria = list(regulation.criteria.select_related("indicator").order_by("position", "code"))
    children: dict[int | None, list[Criterion]] = {}
    for c in criteria:
        children.setdefault(c.parent_id, []).append(c)

    def node(c: Criterion) -> dict:
        out = {"code": c.code, "name": c.name, "method": c.method, "max": _num(c.max_points)}
        if c.indicator:
            out["indicator"] = c.indicator.code
        for name in ("period", "comparator"):
            if getattr(c, name) and not (name == "comparator" and c.comparator == "gte"):
                out[name] = getattr(c, name)
        if c.target is not None:
            out["target"] = _num(c.target)
        if c.cap != 1:
            out["cap"] = _num(c.cap)
        if c.rank_points:
            out["rank_points"] = c.rank_points
        if c.evidence_required:
            out["evidence_required"] = True
        if children.get(c.pk):
            out["children"] = [node(k) for k in children[c.pk]]
        return out

    return {
        "cluster": regulation.cluster.code,
        "year": regulation.year,
        "name": regulation.name,
        "legal_basis": regulation.legal_basis,
        "tie_break": regulation.tie_break,
        "criteria": [node(c) for c in children.get(None, [])],
    }


def _num(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def export_yaml(regulation: Regulation) -> str:
    return yaml.safe_dump(to_dict(regulation), allow_unicode=True, sort_keys=False, width=100)


def parse_yaml(text: str) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValidationFailed([Issue(_("Tệp YAML sai cú pháp: %(e)s") % {"e": exc})]) from exc
    if not isinstance(data, dict) or not isinstance(data.get("criteria"), list):
        raise ValidationFailed(
            [Issue(_("Tệp quy định cần có các khóa cluster, year và criteria."))]
        )
    return data


def require_target(data: dict, cluster: Cluster, year: int) -> None:
    """A file sent to one cluster's regulation of one year must be that regulation."""
    if str(data.get("cluster")) == cluster.code and data.get("year") == year:
        return
    msg = _("Tệp là quy định của cụm %(c)s năm %(y)s, không phải của cụm %(cluster)s năm %(year)s.")
    raise ValidationFailed(
        [
            Issue(
                msg
                % {
                    "c": data.get("cluster"),
                    "y": data.get("year"),
                    "cluster": cluster.code,
                    "year": year,
                },
                column="cluster",
            )
        ]
    )


def flatten(nodes: list[dict], parent: str | None = None) -> list[dict]:
    rows = []
    for node in nodes:
        row = {k: v for k, v in node.items() if k != "children"}
        row["parent"] = parent
        rows.append(row)
        rows.extend(flatten(node.get("children") or [], node.get("code")))
    return rows


def validate(data: dict) -> tuple[Cluster, int, list[dict]]:
    issues: list[Issue] = []
    cluster = Cluster.objects.filter(code=str(data.get("cluster", ""))).first()
    if cluster is None:
        issues.append(
            Issue(_("Không có cụm mã “%(c)s”.") % {"c": data.get("cluster")}, column="cluster")
        )
    year = data.get("year")
    if not isinstance(year, int):
        issues.append(Issue(_("Năm “%(y)s” không hợp lệ.") % {"y": year}, column="year"))
    rows = flatten(data["criteria"])
    indicators = {i.code: i for i in Indicator.objects.all()}
    codes = [str(r.get("code", "")) for r in rows]
    for message, column in _too_long(data, Regulation, ("name", "legal_basis")):
        issues.append(Issue(message, column=column))
    for number, row in enumerate(rows, start=1):
        problems = _row_problems(row, indicators, codes, year)
        problems += _too_long(row, Criterion, ("code", "name", "period", "comparator"))
        for message, column in problems:
            issues.append(Issue(message, row=number, column=column, value=str(row.get("code"))))
    if issues:
        raise ValidationFailed(issues)
    return cluster, year, rows


def _too_long(data: dict, model, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """Text longer than its column, with the column."""
    found = ((over_column(model, name, str(data.get(name) or "")), name) for name in names)
    return [(problem, name) for problem, name in found if problem]


def _row_problems(row: dict, indicators: dict, codes: list[str], year) -> list[tuple[str, str]]:
    problems = []
    code = str(row.get("code") or "")
    if not code:
        problems.append((_("Thiếu mã tiêu chí."), "code"))
    elif codes.count(code) > 1:
        problems.append((_("Mã tiêu chí %(c)s bị trùng.") % {"c": code}, "code"))
    if row.get("method") not in Method.values:
        problems.append(
            (
                _("Cách chấm “%(m)s” không có; dùng: %(all)s.")
                % {"m": row.get("method"), "all": ", ".join(Method.values)},
                "method",
            )
        )
    try:
        if Decimal(str(row.get("max"))) < 0:
            problems.append((_("Điểm tối đa không được âm."), "max"))
    except InvalidOperation:
        problems.append((_("Điểm tối đa “%(v)s” không phải là số.") % {"v": row.get("max")}, "max"))
    if row.get("method") in AUTOMATIC:
        problems += _automatic_problems(row, indicators, year)
    return problems


def _automatic_problems(row: dict, indicators: dict, year) -> list[tuple[str, str]]:
    problems = []
    if row.get("indicator") not in indicators:
        msg = _("Tiêu chí tự động cần mã chỉ tiêu có trong danh mục (nhận được “%(i)s”).")
        problems.append((msg % {"i": row.get("indicator")}, "indicator"))
    try:
        if parse_period(str(row.get("period", ""))).year != year:
            problems.append((_("Kỳ số liệu phải thuộc năm của quy định."), "period"))
    except PeriodError as exc:
        problems.append((str(exc), "period"))
    if row.get("method") == Method.RANK and not row.get("rank_points"):
        problems.append((_("Tiêu chí theo thứ hạng cần bảng điểm rank_points."), "rank_points"))
    return problems


@transaction.atomic
def create_version(data: dict) -> Regulation:
    cluster, year, rows = validate(data)
    last = Regulation.objects.filter(cluster=cluster, year=year).order_by("-version").first()
    regulation = Regulation.objects.create(
        cluster=cluster,
        year=year,
        version=(last.version + 1) if last else 1,
        name=str(data.get("name") or _("Quy định chấm điểm năm %(y)s") % {"y": year}),
        legal_basis=str(data.get("legal_basis") or ""),
        tie_break=list(data.get("tie_break") or []),
    )
    indicators = {i.code: i for i in Indicator.objects.all()}
    made: dict[str, Criterion] = {}
    for position, row in enumerate(rows):
        made[str(row["code"])] = Criterion.objects.create(
            regulation=regulation,
            parent=made.get(str(row["parent"])) if row.get("parent") else None,
            code=str(row["code"]),
            name=str(row.get("name", "")),
            method=row["method"],
            max_points=Decimal(str(row["max"])),
            indicator=indicators.get(row.get("indicator")),
            period=str(row.get("period") or ""),
            target=Decimal(str(row["target"])) if row.get("target") is not None else None,
            cap=Decimal(str(row.get("cap", 1))),
            rank_points=list(row.get("rank_points") or []),
            comparator=str(row.get("comparator") or "gte"),
            position=position,
            evidence_required=bool(row.get("evidence_required")),
        )
    return regulation


def shifted_to_year(data: dict, year: int) -> dict:
    """Last year's regulation as the start of the next: periods move to the new year."""
    old = data["year"]

    def shift(node: dict) -> dict:
        out = dict(node)
        if out.get("period"):
            out["period"] = (
                str(year) + str(out["period"])[4:]
                if str(out["period"]).startswith(str(old))
                else out["period"]
            )
        if out.get("children"):
            out["children"] = [shift(k) for k in out["children"]]
        return out

    return {**data, "year": year, "criteria": [shift(n) for n in data["criteria"]]}


def export_xlsx(regulation: Regulation) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Tiêu chí"
    sheet.append(TABLE_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in flatten(to_dict(regulation)["criteria"]):
        values = [row.get(col) for col in TABLE_COLUMNS]
        values[TABLE_COLUMNS.index("rank_points")] = ";".join(
            str(p) for p in row.get("rank_points") or []
        )
        sheet.append(safe_row("" if v is None else v for v in values))
    meta = book.create_sheet("Quy định")
    data = to_dict(regulation)
    for key in ("cluster", "year", "name", "legal_basis"):
        meta.append([key, data[key]])
    meta.append(["tie_break", ";".join(data["tie_break"])])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def parse_xlsx(content: bytes, limits: sheets.Limits | None = None) -> dict:
    """The regulation's two sheets; the workbook is measured first (uploads' limits unless the
    CLI passes its own), since the reader would allocate whatever area a crafted file claims."""
    from python_calamine import CalamineWorkbook

    try:
        sheets.check_workbook(content, ".xlsx", limits or sheets.Limits.for_uploads())
    except sheets.SheetRefused as exc:
        if exc.broken:
            raise ValueError(exc.message) from None  # the callers' "not a regulation workbook"
        raise ValidationFailed([Issue(exc.message)]) from None
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    meta = {str(r[0]): r[1] for r in book.get_sheet_by_name("Quy định").to_python() if r and r[0]}
    rows = book.get_sheet_by_name("Tiêu chí").to_python()
    header = [str(h) for h in rows[0]]
    nodes: dict[str, dict] = {}
    roots: list[dict] = []
    for raw in rows[1:]:
        row = {k: _cell(v) for k, v in zip(header, raw, strict=False) if v not in ("", None)}
        if not row:
            continue
        if "rank_points" in row:
            row["rank_points"] = [_number(p) for p in str(row["rank_points"]).split(";") if p]
        code = str(row["code"])
        row["code"] = code
        nodes[code] = row
        parent = str(row.pop("parent", ""))
        (nodes[parent].setdefault("children", []) if parent in nodes else roots).append(row)
    tie = str(meta.get("tie_break") or "")
    return {
        "cluster": meta.get("cluster"),
        "year": int(meta["year"]) if meta.get("year") else None,
        "name": meta.get("name", ""),
        "legal_basis": meta.get("legal_basis", ""),
        "tie_break": [t for t in tie.split(";") if t],
        "criteria": roots,
    }


def _cell(value):
    """Excel keeps every number as a float: 20.0 → 20, and codes like 2019 stay 2019."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _number(text: str):
    value = Decimal(text.strip())
    return int(value) if value == value.to_integral_value() else float(value)
