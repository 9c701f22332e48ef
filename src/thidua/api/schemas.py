"""Shapes of the API's JSON: English snake_case keys, decimals as exact numbers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import PlainValidator, WithJsonSchema


class Error(Schema):
    detail: str


class IssueOut(Schema):
    row: int | None = None
    column: str | None = None
    value: str | None = None
    message: str


class ValidationErrors(Schema):
    detail: list[IssueOut]


# --- people and roles -------------------------------------------------------------------


class RoleOut(Schema):
    role: str
    role_label: str
    unit_code: str | None = None
    unit_name: str | None = None
    cluster_code: str | None = None

    @staticmethod
    def resolve_role_label(obj) -> str:
        return obj.get_role_display()

    @staticmethod
    def resolve_unit_code(obj) -> str | None:
        return obj.unit.code if obj.unit else None

    @staticmethod
    def resolve_unit_name(obj) -> str | None:
        return obj.unit.name if obj.unit else None

    @staticmethod
    def resolve_cluster_code(obj) -> str | None:
        return obj.cluster.code if obj.cluster else None


class UserOut(Schema):
    username: str
    full_name: str

    @staticmethod
    def resolve_full_name(obj) -> str:
        return obj.get_full_name()


class MeOut(Schema):
    user: UserOut
    is_board: bool
    roles: list[RoleOut]


# --- units and clusters -----------------------------------------------------------------


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    valid_from: date | None = None
    valid_to: date | None = None


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


class LineageLink(Schema):
    unit: UnitOut
    change: str
    effective: date
    legal_basis: str
    share: Decimal | None = None


class LineageOut(Schema):
    unit: UnitOut
    predecessors: list[LineageLink]
    successors: list[LineageLink]


class ClusterOut(Schema):
    code: str
    name: str
    kind: str
    organiser: str
    member_noun: str


class MemberOut(Schema):
    unit: UnitOut
    role: str
    role_label: str
    note: str

    @staticmethod
    def resolve_role_label(obj) -> str:
        return obj.get_role_display()


class MeetingOut(Schema):
    period: str
    host: UnitOut
    held_on: date | None = None
    place: str
    note: str


class ClusterDetail(ClusterOut):
    year: int | None = None
    members: list[MemberOut]
    meetings: list[MeetingOut]


# --- indicators -------------------------------------------------------------------------


class IndicatorOut(Schema):
    code: str
    name_vi: str
    name_en: str
    short_vi: str
    measure: str
    direction: str
    decimals: int
    aggregation: str
    formula: str
    period_basis: str
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    threshold: Decimal | None = None
    version: int
    active: bool
    source: str


# --- reports ----------------------------------------------------------------------------


class WorklistRowOut(Schema):
    unit: UnitOut
    role: str
    role_label: str
    status: str
    status_label: str
    submitted_at: datetime | None = None
    is_late: bool
    values: int
    warnings: int
    unjustified: int
    changed_since_acceptance: bool


class ValueOut(Schema):
    indicator: str
    indicator_name: str
    measure: str
    period: str
    value: Decimal
    note: str
    justification: str
    warnings: list[str]
    version: int
    source: str
    illustrative: bool
    entered_at: datetime
    entered_via: str

    @staticmethod
    def resolve_indicator(obj) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_indicator_name(obj) -> str:
        return obj.indicator.name_vi

    @staticmethod
    def resolve_measure(obj) -> str:
        return obj.indicator.measure


class ReportOut(Schema):
    cluster: str
    period: str
    unit: UnitOut
    status: str
    status_label: str
    submitted_at: datetime | None = None
    is_late: bool = False
    accepted_at: datetime | None = None
    head_comment: str = ""
    changed_since_acceptance: bool = False
    illustrative: bool = False
    values: list[ValueOut]


def _number_or_text(raw: Any) -> Decimal | str:
    """A JSON number arrives as an exact Decimal (see codec); a string is converted later."""
    if isinstance(raw, Decimal | str):
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        return Decimal(raw)
    raise ValueError(_("Giá trị phải là số hoặc chuỗi số, ví dụ 8.2."))


NumberOrText = Annotated[
    Decimal | str,
    PlainValidator(_number_or_text),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string"}], "examples": ["8.2"]}),
]


class ValueIn(Schema):
    indicator: str
    value: NumberOrText
    period: str | None = Field(
        None,
        description="Kỳ của số liệu; mặc định là kỳ báo cáo (hoặc năm, với chỉ tiêu theo năm).",
    )
    note: str = ""
    justification: str = ""
    version: int | None = Field(
        None,
        description="Phiên bản đã đọc (0 nếu chưa có); khác phiên bản hiện tại thì trả 409.",
    )


class ValuesIn(Schema):
    values: list[ValueIn]
    reason: str = ""


class WriteOut(Schema):
    written: int
    unchanged: int
    warnings: list[IssueOut]
    dry_run: bool
    status: str


class CommentIn(Schema):
    comment: str


class ReasonIn(Schema):
    reason: str


# --- review -----------------------------------------------------------------------------


class ClusterRef(Schema):
    code: str
    name: str


class RankOut(Schema):
    unit_code: str
    unit_name: str
    value: Decimal | None = None
    rank: int | None = None


class ThresholdOut(Schema):
    value: Decimal | None = None
    comparator: str | None = None
    per_member: bool = False
    description: str = ""
    count: int | None = None
    of: int | None = None


class PreviousOut(Schema):
    value: Decimal | None = None
    count: int | None = None
    change: Decimal | None = None
    change_pct: Decimal | None = None


class ReviewIndicatorOut(Schema):
    name: str
    name_en: str = ""
    short_name: str = ""
    measure: str
    decimals: int | None = None
    direction: str | None = None
    aggregation: str | None = None
    derived: bool = False
    total: Decimal | None = None
    mean: Decimal | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    count: int
    cluster_value: Decimal | None = None
    ranking: list[RankOut]
    missing: list[str] = []
    threshold: ThresholdOut | None = None
    previous: PreviousOut | None = None
    illustrative: bool = False


class ReviewOut(Schema):
    """The cluster figures of `thidua.reports.aggregation.review`, as computed."""

    cluster: ClusterRef
    period: str
    period_label: str = ""
    members: int
    member_noun: str = ""
    reported: int | None = None
    basis: str = ""
    indicators: dict[str, ReviewIndicatorOut]
    narrative: str = ""
    narrative_en: str = ""
