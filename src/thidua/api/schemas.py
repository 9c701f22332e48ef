"""Shapes of the API's JSON: English snake_case keys, decimals as exact numbers."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import Model
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import PlainValidator, WithJsonSchema, field_validator

from thidua.accounts.models import AuditEntry
from thidua.awards.models import AwardType, BacklogCase
from thidua.ballots.models import BallotSession
from thidua.common.text import NUL, nul_message
from thidua.indicators.models import Indicator, Value
from thidua.orgs.models import Unit


class InSchema(Schema):
    """What a request body may hold: its text is refused with a NUL character in it (PostgreSQL
    cannot store it), and the OpenAPI document says so (`app.ThiduaAPI`); other control
    characters (all but tab and line breaks) are refused too. Every text field declares its
    `max_length`, the stored column's (`stored`), so that too-long text is a 422 naming the
    field on every database (SQLite would keep it whole, PostgreSQL would fail with a 500);
    `tests/test_api_limits.py` walks every operation to hold that. Fields nobody declared are
    ignored, whatever they hold."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value, info):
        bad = _first_control(value)
        if bad == NUL:
            raise ValueError(nul_message(info.field_name))
        if bad is not None:
            raise ValueError(
                _("Ký tự điều khiển (mã %(code)s) không được phép trong %(where)s.")
                % {"code": ord(bad), "where": info.field_name}
            )
        return value


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _first_control(value) -> str | None:
    """The first control character (NUL first) in the text, or in any text the value holds."""
    if isinstance(value, str):
        if NUL in value:
            return NUL
        found = _CONTROL.search(value)
        return found.group() if found else None
    items: list = []
    if isinstance(value, list | tuple | set):
        items = list(value)
    elif isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    found = [c for c in map(_first_control, items) if c is not None]
    return NUL if NUL in found else next(iter(found), None)


def stored(model: type[Model], name: str, default: Any = ..., **kwargs: Any) -> Any:
    """A text field kept in `model.name`: no longer than that column (the OpenAPI document
    names the column, `x-stored-in`)."""
    column = model._meta.get_field(name)
    return Field(
        default,
        max_length=column.max_length,
        json_schema_extra={"x-stored-in": f"{model._meta.label}.{name}"},
        **kwargs,
    )


# Text kept in a column without a length (a TextField), or in the audit log's reason
# (`accounts.AuditEntry.reason`, 1000 characters): bounded here.
LONG_TEXT = 2000
AUDIT_REASON = 1000


# Decimals go out as exact JSON numbers (see codec.DecimalRenderer), so the schema says number.
Num = Annotated[Decimal, WithJsonSchema({"type": "number"})]


class Error(Schema):
    detail: str


class IssueOut(Schema):
    row: int | None = None
    column: str | None = None
    value: str | None = None
    message: str
    cell: str | None = None  # "H10" when the issue is a cell of an uploaded sheet


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
    share: Num | None = None


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
    min_value: Num | None = None
    max_value: Num | None = None
    threshold: Num | None = None
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
    value: Num
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


NUMBER_TEXT = 64  # a number written out: 14 digits, 6 decimals, separators, spaces


def _number_or_text(raw: Any) -> Decimal | str:
    """A JSON number arrives as an exact Decimal (see codec); a string is converted later."""
    if isinstance(raw, str) and len(raw) > NUMBER_TEXT:
        raise ValueError(_("Chuỗi số dài quá %(n)s ký tự.") % {"n": NUMBER_TEXT})
    if isinstance(raw, Decimal | str):
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        return Decimal(raw)
    raise ValueError(_("Giá trị phải là số hoặc chuỗi số, ví dụ 8.2."))


NumberOrText = Annotated[
    Decimal | str,
    PlainValidator(_number_or_text),
    WithJsonSchema(
        {
            "anyOf": [{"type": "number"}, {"type": "string", "maxLength": NUMBER_TEXT}],
            "examples": ["8.2"],
            "description": "Số JSON (chính xác), hoặc chuỗi đọc như ô của tệp: 8,2 – 1.234,5 – "
            "9.360 (theo cách viết của các số khác trong lô và theo chỉ tiêu); chỉ chữ số 0–9.",
        }
    ),
]


# The version an edit was made from (what the record's `version` said when it was read): when
# given and no longer the stored one, the edit is refused with 409; left out, it is not checked.
MAX_VERSION = 2**31 - 1
ExpectedVersion = Annotated[
    int | None,
    Field(
        ge=0,
        le=MAX_VERSION,
        description="Phiên bản đã đọc (0 nếu chưa có); khác phiên bản hiện tại thì trả 409. "
        "Bỏ trống: không kiểm tra.",
    ),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_VERSION}),
]


class ValueIn(InSchema):
    indicator: str = stored(Indicator, "code")
    value: NumberOrText
    period: str | None = stored(
        Value,
        "period",
        None,
        description="Kỳ của số liệu; mặc định là kỳ báo cáo (hoặc năm, với chỉ tiêu theo năm).",
    )
    note: str = stored(Value, "note", "")
    justification: str = stored(Value, "justification", "")
    version: int | None = Field(
        None,
        description="Phiên bản đã đọc (0 nếu chưa có); khác phiên bản hiện tại thì trả 409.",
    )


class ValuesIn(InSchema):
    values: list[ValueIn]
    reason: str = stored(Value, "reason", "")


class WriteOut(Schema):
    written: int
    unchanged: int
    warnings: list[IssueOut]
    dry_run: bool
    status: str


class CommentIn(InSchema):
    comment: str = stored(AuditEntry, "reason")


class ReasonIn(InSchema):
    reason: str = stored(AuditEntry, "reason")


# --- review -----------------------------------------------------------------------------


class ClusterRef(Schema):
    code: str
    name: str


class RankOut(Schema):
    unit_code: str
    unit_name: str
    value: Num | None = None
    rank: int | None = None


class ThresholdOut(Schema):
    value: Num | None = None
    comparator: str | None = None
    per_member: bool = False
    description: str = ""
    count: int | None = None
    of: int | None = None


class PreviousOut(Schema):
    value: Num | None = None
    count: int | None = None
    change: Num | None = None
    change_pct: Num | None = None


class ReviewIndicatorOut(Schema):
    name: str
    name_en: str = ""
    short_name: str = ""
    measure: str
    decimals: int | None = None
    direction: str | None = None
    aggregation: str | None = None
    derived: bool = False
    total: Num | None = None
    mean: Num | None = None
    min: Num | None = None
    max: Num | None = None
    count: int
    cluster_value: Num | None = None
    ranking: list[RankOut]
    missing: list[str] = []
    threshold: ThresholdOut | None = None
    previous: PreviousOut | None = None
    illustrative: bool = False


class CountedReportOut(Schema):
    id: int
    unit: str
    period: str
    status: str
    accepted_at: str | None = None
    updated_at: str | None = None


class PublicationOut(Schema):
    """A published review: when, by whom, its document's hash, the one it replaces."""

    id: int
    published_at: datetime
    published_by: str
    document_sha256: str
    replaces: int | None = None
    reports: list[CountedReportOut] = []


class ChangeOut(Schema):
    """A member's value that differs now from the published one (null: no value)."""

    indicator: str
    indicator_name: str
    unit_code: str
    unit_name: str
    published: Num | None = None
    live: Num | None = None


class ReviewOut(Schema):
    """The cluster figures of `thidua.reports.aggregation.review`: the published ones by default
    (`publication` says when and by whom; `changes` what differs now), else as computed now."""

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
    live: bool = True
    publication: PublicationOut | None = None
    changes: list[ChangeOut] = []


# --- scoring ----------------------------------------------------------------------------


class CriterionOut(Schema):
    """One criterion of the regulation, as in its YAML file; sections carry their children."""

    code: str
    name: str
    method: str
    max: Num
    indicator: str | None = None
    period: str | None = None
    target: Num | None = None
    cap: Num | None = None
    comparator: str | None = None
    rank_points: list[Num] = []
    evidence_required: bool = False
    children: list[CriterionOut] = []


class RegulationOut(Schema):
    cluster: str
    year: int
    version: int
    name: str
    legal_basis: str
    tie_break: list[str]
    created_at: datetime
    published_at: datetime | None = None
    criteria: list[CriterionOut]


class RegulationRef(Schema):
    version: int
    name: str
    published_at: datetime | None = None


class CriterionScoreOut(Schema):
    code: str
    name: str
    method: str
    points: Num
    max: Num
    explanation: str


class ScoreRowOut(Schema):
    unit_code: str
    unit_name: str
    total: Num
    rank: int
    full: bool = Field(description="Cả bảng điểm (đơn vị mình, cụm trưởng) hay chỉ tổng điểm.")
    criteria: list[CriterionScoreOut] | None = None


class ScoresOut(Schema):
    cluster: ClusterRef
    year: int
    regulation: RegulationRef
    ranking: list[ScoreRowOut]


class SheetCriterionOut(CriterionScoreOut):
    parent: str | None = None
    self_points: Num | None = None
    self_note: str = ""
    review_points: Num | None = None
    review_reason: str = ""
    version: int = Field(0, description="Phiên bản của điểm (0: chưa chấm); gửi lại khi sửa.")


class SheetOut(Schema):
    unit_code: str
    unit_name: str
    total: Num
    rank: int
    regulation: RegulationRef
    criteria: list[SheetCriterionOut]


class SelfScoreIn(InSchema):
    points: NumberOrText
    note: str = Field(
        "", max_length=LONG_TEXT, description="Giải trình, minh chứng (bắt buộc nếu tiêu chí cần)."
    )
    expected_version: ExpectedVersion = None


class ReviewScoreIn(InSchema):
    points: NumberOrText
    reason: str = stored(
        AuditEntry, "reason", "", description="Lý do; bắt buộc khi khác điểm tự chấm."
    )
    expected_version: ExpectedVersion = None


class ManualScoreOut(Schema):
    unit_code: str
    criterion: str
    self_points: Num | None = None
    self_note: str
    review_points: Num | None = None
    review_reason: str
    updated_at: datetime
    version: int


# --- ballots ----------------------------------------------------------------------------


UnitCode = Annotated[str, stored(Unit, "code")]
Username = Annotated[str, Field(max_length=150)]  # auth.User.username


class SessionIn(InSchema):
    title: str = stored(BallotSession, "title")
    closes_at: datetime
    award_code: str = stored(BallotSession, "award_code", "")
    seats: int = 1
    quorum_pct: Num = Decimal(50)
    pass_pct: Num = Decimal(50)
    pass_operator: Literal["gt", "gte"] = "gt"
    pass_basis: Literal["electorate", "present"] = "electorate"
    legal_basis: str = stored(BallotSession, "legal_basis", "")
    candidates: list[UnitCode] | None = Field(
        None, description="Mã đơn vị; mặc định các đơn vị đứng đầu bảng xếp hạng."
    )
    electors: list[Username] | None = Field(
        None, description="Tên đăng nhập; mặc định mỗi thành viên một đại diện."
    )


class CorrectionIn(InSchema):
    reason: str = stored(AuditEntry, "reason")
    closes_at: datetime


class CandidateOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    score_rank: int | None = None


class TurnoutOut(Schema):
    electorate: int
    voted: int
    pct: Num
    quorum_met: bool


class YouOut(Schema):
    elector: bool
    voted: bool


class TallyRowOut(Schema):
    candidate_id: int
    unit_code: str
    unit_name: str
    votes: int
    pct: Num
    passed: bool
    elected: bool | Literal["tie"]
    score_rank: int | None = None


class PublishedBallotOut(Schema):
    receipt: str
    hash: str = Field("", description="SHA-256 của phiếu đã mã hóa; mã phiếu là phần đầu của nó.")


class TallyOut(Schema):
    electorate: int
    present: int
    ballots: int
    quorum_met: bool
    basis: int
    tie: bool
    candidates: list[TallyRowOut]
    receipts: list[PublishedBallotOut]
    withheld: bool = Field(
        False,
        description="Không kiểm phiếu: dưới tỷ lệ tham gia hoặc dưới số phiếu tối thiểu.",
    )
    min_ballots: int | None = None


class TrusteeOut(Schema):
    username: str
    index: int
    collected: bool
    counted: bool


class SessionOut(Schema):
    id: int
    cluster: str
    year: int
    title: str
    award_code: str
    seats: int
    quorum_pct: Num
    pass_pct: Num
    pass_operator: str
    pass_basis: str
    legal_basis: str
    closes_at: datetime
    status: str
    status_label: str
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    corrects: int | None = None
    correction_reason: str = ""


class SessionDetail(SessionOut):
    candidates: list[CandidateOut]
    turnout: TurnoutOut
    you: YouOut
    threshold: int = Field(description="Số người giữ khóa cần nhập mảnh khóa để kiểm phiếu.")
    public_key: str = Field(description="Khóa công khai của phiên (edwards25519, hex).")
    trustees: list[TrusteeOut]
    result: TallyOut | None = Field(None, description="Kết quả kiểm phiếu, khi phiên đã kết thúc.")


class CloseIn(InSchema):
    reason: str = Field(
        "",
        max_length=500,
        description="Lý do kết thúc sớm: bắt buộc khi chưa đến hạn và chưa phải ai cũng đã bỏ "
        "phiếu; được ghi vào nhật ký.",
    )


class VoteIn(InSchema):
    approve: list[int] = Field(description="Id các đơn vị được đề cử mà bạn đồng ý.")


class ReceiptOut(Schema):
    receipt: str
    note: str


class ShareOut(Schema):
    share: str = Field(description="Mảnh khóa của người giữ khóa; chỉ trả về một lần.")
    note: str


class ShareIn(InSchema):
    # A share code is about 90 characters (ballots.crypto.share_code); room for typed spaces.
    share: str = Field("", max_length=200, description="Mảnh khóa đã nhận khi chuẩn bị phiên.")
    partial: list[dict] | None = Field(
        None,
        max_length=1000,
        description="Thay cho mảnh khóa: giải mã từng phần tính trên máy của người giữ khóa "
        "(`thidua ballot partial`), để mảnh khóa không đến máy chủ.",
    )


# --- commendation: proposals, eligibility, people, the registry ---------------------------

Year = Annotated[int, Field(ge=1900, le=2100)]
# Ids are the database's positive 64-bit integers; a bigger number is refused as malformed.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# An id that may be left out but, when given, is a number (the schema shows no null).
OptionalId = Annotated[
    int | None,
    Field(ge=1, le=MAX_ID),
    WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_ID}),
]
# Text that must say something: at least one character that is not a space.
Said = Annotated[str, Field(pattern=r"^[^\x00]*\S[^\x00]*$")]


class NomineeIn(InSchema):
    """Một cá nhân (person_id) hoặc một tập thể (unit_id), không cả hai."""

    model_config = {
        "json_schema_extra": {"oneOf": [{"required": ["person_id"]}, {"required": ["unit_id"]}]}
    }

    award: str = stored(AwardType, "code", description="Mã hình thức khen thưởng, ví dụ CSTDBT.")
    year: Year
    person_id: OptionalId = Field(None, description="Cá nhân; hoặc unit_id cho tập thể.")
    unit_id: OptionalId = None


class EligibilityIn(NomineeIn):
    on: date | None = Field(
        None, description="Ngày xét đề nghị (mặc định hôm nay): xét theo tiêu chuẩn có hiệu lực."
    )


class EligibilityBatchIn(InSchema):
    nominees: list[EligibilityIn] = Field(max_length=500)


class ConditionOut(Schema):
    rule: str
    passed: bool
    detail: str
    records: list[str] = Field(description="Dữ liệu đã dùng: xếp loại, danh hiệu, sáng kiến.")
    status: Literal["passed", "failed", "to_verify"] = Field(
        "passed",
        description="to_verify: dữ liệu không quyết định được (cần xác minh); không tính là đạt.",
    )


class RuleRefOut(Schema):
    version: int
    valid_from: date
    verification: Literal["VERIFIED", "PARTIAL", "UNVERIFIED"] = Field(
        description="UNVERIFIED: tiêu chuẩn chưa đối chiếu văn bản, kết quả chỉ để tham khảo."
    )
    legal_basis: str
    decree: str = Field("", description="Luật và nghị định có hiệu lực vào ngày xét.")


class VerdictOut(Schema):
    award: str
    year: int
    person_id: int | None = None
    unit_id: int | None = None
    eligible: bool
    conditions: list[ConditionOut]
    missing: list[str] = Field(description="Minh chứng phải kèm hồ sơ (không kiểm tra được).")
    rule: RuleRefOut | None = None
    award_name: str = ""
    outcome: Literal["eligible", "to_verify", "ineligible"] = Field(
        "ineligible", description="to_verify: chưa đủ căn cứ, còn điều kiện cần xác minh."
    )
    outcome_text: str = ""
    on: date | None = Field(None, description="Ngày xét: tiêu chuẩn có hiệu lực ngày này.")


class ProposalIn(NomineeIn):
    achievements: str = Field("", max_length=20_000)


class ProposalPatch(InSchema):
    achievements: str | None = Field(None, max_length=20_000)
    year: Year | None = None
    expected_version: ExpectedVersion = None


class SubmitIn(InSchema):
    justification: str = Field(
        "", max_length=1000, description="Bắt buộc khi dữ liệu cho thấy chưa đủ điều kiện."
    )
    expected_version: ExpectedVersion = None


class ReasonsIn(InSchema):
    reasons: Said = Field(max_length=1000, description="Lý do trả lại / không khen thưởng.")
    expected_version: ExpectedVersion = None


class CouncilVoteIn(InSchema):
    session_id: OptionalId = Field(
        None,
        description="Phiên bỏ phiếu kín đã kết thúc của hội đồng; bỏ trống khi tiêu chuẩn áp "
        "dụng không yêu cầu bỏ phiếu kín (ghi hội đồng nhất trí).",
    )
    candidate_id: OptionalId = Field(
        None, description="Dòng kết quả của đối tượng; không cần khi phiên chỉ có một dòng."
    )
    expected_version: ExpectedVersion = None


class ForwardIn(InSchema):
    to: Said = Field(max_length=300, description="Cấp trình, ví dụ Thủ tướng Chính phủ.")
    expected_version: ExpectedVersion = None


Day = date  # the field below is named `date`: its type needs another name


class DecideIn(InSchema):
    number: Said = Field(max_length=60, description="Số quyết định, ví dụ 123/QĐ-UBND.")
    date: Day = Field(description="Ngày quyết định; không sau hôm nay.")
    signer: Said = Field(max_length=200)
    expected_version: ExpectedVersion = None


class ProposalFileOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    size: int
    sha256: str
    uploaded_at: datetime


class ProposalSummaryOut(Schema):
    id: int
    award: str
    award_name: str
    year: int
    nominee: str
    person_id: int | None = None
    unit_id: int | None = None
    proposing_unit: str
    status: str
    status_label: str
    status_since: date | None = None
    due_on: date | None = None
    version: int = Field(
        description="Phiên bản; gửi lại làm expected_version khi sửa hoặc chuyển bước."
    )


class ProposalOut(ProposalSummaryOut):
    achievements: str
    justification: str
    note: str
    forwarded_to: str
    eligibility: VerdictOut | None = Field(None, description="Kết quả xét khi gửi đề nghị.")
    council_result: dict[str, Any] | None = None
    decision_number: str
    decision_date: date | None = None
    decision_signer: str
    registry_entry_id: int | None = None
    missing_documents: list[str]
    files: list[ProposalFileOut]
    transitions: list[str] = Field(description="Các bước người gọi được làm lúc này.")


class PersonRefOut(Schema):
    id: int
    full_name: str
    birth_year: int | None = None
    unit: str


class RatingOut(Schema):
    year: int
    rating: str
    label: str


class TitleOut(Schema):
    award_code: str
    award: str
    year: int
    decision: str
    decision_date: date | None = None


class InitiativeOut(Schema):
    year: int
    title: str
    scope: str
    recognised_by: str


class PersonOut(Schema):
    id: int
    full_name: str
    birth_year: int | None = None
    unit: str
    position: str
    merged_into: int | None = None
    personal_data: bool = Field(description="Người gọi có được xem dữ liệu cá nhân không.")
    national_id: str | None = Field(None, description="Chỉ khi personal_data.")
    birth_date: date | None = Field(None, description="Chỉ khi personal_data.")
    ratings_visible: bool = Field(
        description="Người gọi có được xem xếp loại hằng năm không (dữ liệu cá nhân)."
    )
    ratings: list[RatingOut] = Field(description="Rỗng khi ratings_visible là false.")
    titles: list[TitleOut]
    initiatives: list[InitiativeOut]


class OverdueOut(Schema):
    id: int
    award: str
    year: int
    nominee: str
    proposing_unit: str
    status: str
    status_label: str
    step: str | None = None
    due_on: date | None = None
    working_days_late: int


class BacklogUnitOut(Schema):
    unit_id: int
    code: str
    unit: str
    received: int
    in_review: int
    awarded: int
    rejected: int
    open: int
    total: int


class BacklogOut(Schema):
    programme: str
    name: str
    award: str
    target_date: date | None = None
    today: date
    units: list[BacklogUnitOut]
    totals: dict[str, int]
    closed_last_months: int
    pace_months: int
    pace_per_month: Num
    projected_completion: date | None = None
    on_track: bool | None = None


class BacklogCaseIn(InSchema):
    """Một hồ sơ khen thưởng tồn đọng (thời kỳ: chong_phap, chong_my hoặc bao_ve)."""

    full_name: Said = stored(BacklogCase, "full_name")
    birth_year: int | None = Field(None, ge=1880, le=2100)
    unit_id: Id = Field(description="Đơn vị tiếp nhận: đơn vị của cán bộ (hoặc đơn vị cấp dưới).")
    war_period: Literal["chong_phap", "chong_my", "bao_ve"]
    received_on: Day
    service_unit: str = stored(BacklogCase, "service_unit", "")
    service_start: Day | None = None
    service_end: Day | None = None
    posthumous: bool = False
    next_of_kin_name: str = stored(
        BacklogCase, "next_of_kin_name", "", description="Bắt buộc khi truy tặng."
    )
    next_of_kin_relation: str = stored(BacklogCase, "next_of_kin_relation", "")
    note: str = Field("", max_length=2000)


class BacklogCaseOut(Schema):
    id: int
    programme: str
    full_name: str
    birth_year: int | None = None
    unit_id: int
    unit: str
    war_period: str
    war_period_label: str
    service_unit: str
    service_start: date | None = None
    service_end: date | None = None
    posthumous: bool
    next_of_kin_name: str
    next_of_kin_relation: str
    status: Literal["received", "in_review", "awarded", "rejected"]
    status_label: str
    received_on: date
    decided_on: date | None = None
    note: str
    registry_entry_id: int | None = Field(None, description="Mục trong sổ khen thưởng khi đã khen.")
    steps: list[str] = Field(description="Các bước người gọi được làm lúc này.")


class BacklogCaseAddedOut(BacklogCaseOut):
    warnings: list[IssueOut] = Field(
        description="Trùng tên và năm sinh với sổ khen thưởng hoặc hồ sơ khác: để thẩm định."
    )


class BacklogStepIn(InSchema):
    note: str = Field("", max_length=1000)


class BacklogRejectIn(InSchema):
    note: Said = Field(max_length=1000, description="Lý do không đủ điều kiện khen thưởng.")


class BacklogAwardIn(InSchema):
    number: Said = Field(max_length=60, description="Số quyết định khen thưởng.")
    date: Day = Field(description="Ngày quyết định; không sau hôm nay.")
    signer: Said = Field(max_length=200)
    note: str = Field("", max_length=1000)


class RegistryRowOut(Schema):
    person: str = Field(description="Họ tên cá nhân hoặc tên tập thể.")
    born: int | None = None
    unit: str
    award: str
    award_code: str
    year: int
    decision: str
    decision_date: date | None = None


class StatisticOut(Schema):
    key: str
    label: str
    count: int


class ImportIssueOut(Schema):
    row: int | None = None
    column: str | None = None
    value: str | None = None
    message: str


class HistoryImportOut(Schema):
    ok: bool
    written: int = Field(description="Dòng ghi mới hoặc sửa (xếp loại, sáng kiến, đơn vị).")
    unchanged: int = Field(description="Dòng đã có đúng như vậy: không ghi gì.")
    people_created: int
    errors: list[ImportIssueOut]
