"""An object's audit entries as the history page shows them: newest first, each with its
action's label and a field-by-field diff of before → after (only the keys that changed).

Reads AuditEntry columns only (the actor's name is kept on the entry), so a page of entries
costs the same queries whatever their number. Who may see what is `web.history_access`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from thidua.accounts.models import AuditEntry
from thidua.awards.models import AwardType, CaseStatus, ProposalStatus
from thidua.awards.selectors import ACTION_LABELS as AWARD_ACTIONS
from thidua.ballots.models import SessionStatus
from thidua.common.numbers import format_number
from thidua.common.periods import PeriodError, parse_period
from thidua.indicators.models import Indicator, ReportStatus
from thidua.orgs.models import Unit
from thidua.web.history_access import PERSONAL_KEYS
from thidua.web.selectors import ACTION_LABELS as REPORT_ACTIONS

PAGE_SIZE = 200
LONG = 200  # characters: a longer value is shown folded

ACTION_LABELS = {
    **REPORT_ACTIONS,
    **AWARD_ACTIONS,
    "indicators.value.created": _("Ghi số liệu mới"),
    "indicators.value.changed": _("Sửa số liệu"),
    "indicators.window.opened": _("Mở kỳ báo cáo"),
    "indicators.window.changed": _("Đổi hạn kỳ báo cáo"),
    "indicators.indicator.created": _("Thêm chỉ tiêu vào danh mục"),
    "indicators.indicator.changed": _("Sửa định nghĩa chỉ tiêu"),
    "scoring.regulation.imported": _("Nạp quy định chấm điểm"),
    "scoring.regulation.published": _("Công bố kết quả chấm điểm"),
    "reports.review.published": _("Công bố báo cáo sơ kết, tổng kết"),
    "scoring.score.self": _("Đơn vị tự chấm"),
    "scoring.score.reviewed": _("Cụm trưởng thẩm định"),
    "ballots.session.created": _("Tạo phiên bỏ phiếu"),
    "ballots.session.opened": _("Mở bỏ phiếu"),
    "ballots.session.closed": _("Kết thúc bỏ phiếu"),
    "ballots.elector.voted": _("Đã bỏ phiếu"),
    "ballots.trustee.collected": _("Người giữ khóa nhận mảnh khóa"),
    "ballots.trustee.counted": _("Người giữ khóa nhập mảnh khóa để kiểm phiếu"),
    "ballots.session.counted": _("Kiểm phiếu xong, công bố kết quả"),
    "awards.person.merged": _("Hợp nhất hồ sơ trùng vào hồ sơ này"),
    "awards.person.merged_into": _("Hợp nhất vào hồ sơ khác"),
    "awards.person.exported": _("Xuất hồ sơ cá nhân"),
    "awards.registry.entry_added": _("Ghi vào sổ khen thưởng"),
    "awards.registry.imported": _("Nhập sổ khen thưởng"),
    "awards.histories.imported": _("Nhập quá trình xếp loại, sáng kiến"),
    "awards.backlog.programme_created": _("Tạo chương trình khen thưởng tồn đọng"),
    "awards.backlog.case_added": _("Tiếp nhận hồ sơ tồn đọng"),
    "awards.backlog.case_moved": _("Chuyển bước hồ sơ tồn đọng"),
    "awards.demo.loaded": _("Nạp dữ liệu minh họa"),
    "accounts.token.created": _("Cấp khóa API"),
    "accounts.token.revoked": _("Thu hồi khóa API"),
    "accounts.two_factor.enabled": _("Bật xác thực hai bước"),
    "accounts.two_factor.disabled": _("Tắt xác thực hai bước"),
    "accounts.password.changed": _("Đổi mật khẩu"),
    "accounts.audit.rechained": _("Nâng cấp chuỗi kiểm chứng nhật ký"),
    "awards.backlog.imported": _("Nhập hồ sơ tồn đọng từ tệp"),
}

VIA_LABELS = {
    "web": _("trang web"),
    "api": _("API"),
    "cli": _("dòng lệnh"),
    "demo": _("dữ liệu minh họa"),
}

FIELD_LABELS = {
    "status": _("Trạng thái"),
    "due_on": _("Hạn xử lý"),
    "indicator": _("Chỉ tiêu"),
    "period": _("Kỳ"),
    "value": _("Giá trị"),
    "unit": _("Đơn vị"),
    "year": _("Năm"),
    "award": _("Hình thức khen thưởng"),
    "deadline": _("Hạn nộp"),
    "entry_closes": _("Ngày khóa nhập liệu"),
    "head_comment": _("Ý kiến của cụm trưởng"),
    "is_late": _("Nộp muộn"),
    "entry_exception_until": _("Được nhập bổ sung đến"),
    "self_points": _("Điểm tự chấm"),
    "self_note": _("Giải trình, minh chứng"),
    "review_points": _("Điểm thẩm định"),
    "review_reason": _("Lý do thẩm định"),
    "criterion": _("Tiêu chí"),
    "achievements": _("Thành tích"),
    "published_at": _("Công bố lúc"),
    "document_sha256": _("Mã băm SHA-256 của văn bản"),
    "reports": _("Số báo cáo đã tính"),
    "replaces": _("Thay cho lần công bố"),
    "title": _("Tên"),
    "seats": _("Số suất"),
    "voted": _("Đã bỏ phiếu"),
    "full_name": _("Họ và tên"),
    "birth_year": _("Năm sinh"),
    "birth_date": _("Ngày sinh"),
    "national_id": _("Số định danh cá nhân"),
    "decided_on": _("Ngày quyết định"),
    "decision_number": _("Số quyết định"),
    "forwarded_to": _("Trình lên"),
    "person": _("Cá nhân được đề nghị"),
    "nominee_unit": _("Tập thể được đề nghị"),
    "proposing_unit": _("Đơn vị đề nghị"),
    "note": _("Ghi chú"),
    "justification": _("Giải trình"),
    "eligible": _("Đủ điều kiện"),
    "council_result": _("Kết quả bỏ phiếu của hội đồng"),
}

# Stored codes shown by their label, per object type.
STATUS_LABELS = {
    "indicators.report": ReportStatus,
    "awards.proposal": ProposalStatus,
    "ballots.ballotsession": SessionStatus,
    "awards.backlogcase": CaseStatus,
}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")  # a Decimal as the audit stores it ("7.100000")
_AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")  # "49630" as well as "49630.000"


@dataclass
class FieldChange:
    key: str
    label: str
    before: str
    after: str

    @property
    def long(self) -> bool:
        return len(self.before) > LONG or len(self.after) > LONG


@dataclass
class Row:
    at: datetime
    actor: str
    action: str
    label: str
    via: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)
    context: list[FieldChange] = field(default_factory=list)  # unchanged keys, for reading
    hidden: int = 0  # personal-data keys left out


def entries(object_type: str, object_id: str):
    """The object's entries, newest first (served by the audit_by_object index)."""
    return AuditEntry.objects.filter(object_type=object_type, object_id=object_id).order_by("-id")


# Keys whose stored value is a code: shown by the name it stands for (issue 20).
CODE_KEYS = ("indicator", "unit", "award", "award_code")
# Keys holding an amount: "49630" is shown 49.630 (a year or a count is left as it is).
AMOUNT_KEYS = {"value", "self_points", "review_points", "points", "weight", "max_points"}


@dataclass
class Names:
    """Names for the codes on one page of entries, read in one query per kind."""

    indicators: dict[str, str] = field(default_factory=dict)
    units: dict[str, list[Unit]] = field(default_factory=dict)
    awards: dict[str, str] = field(default_factory=dict)

    def unit(self, code: str, day: date) -> str:
        """A unit code names different units over time (80 was Long An until 2025)."""
        found = self.units.get(code, [])
        for unit in found:
            if (unit.valid_from is None or unit.valid_from <= day) and (
                unit.valid_to is None or day <= unit.valid_to
            ):
                return unit.name
        return found[-1].name if found else code


def names_for(page_entries) -> Names:
    codes: dict[str, set[str]] = {key: set() for key in CODE_KEYS}
    for entry in page_entries:
        for data in (entry.before, entry.after):
            if isinstance(data, dict):
                for key in CODE_KEYS:
                    if isinstance(data.get(key), str):
                        codes[key].add(data[key])
    names = Names()
    if codes["indicator"]:
        found = Indicator.objects.filter(code__in=codes["indicator"])
        language = get_language()
        names.indicators = {i.code: i.display_name(language) for i in found}
    if codes["unit"]:
        for unit in Unit.objects.filter(code__in=codes["unit"]).order_by("valid_from"):
            names.units.setdefault(unit.code, []).append(unit)
    awards = codes["award"] | codes["award_code"]
    if awards:
        names.awards = dict(AwardType.objects.filter(code__in=awards).values_list("code", "name"))
    return names


def rows(page_entries, object_type: str, *, personal: bool) -> list[Row]:
    page_entries = list(page_entries)
    names = names_for(page_entries)
    return [row(e, object_type, personal=personal, names=names) for e in page_entries]


def _day(entry: AuditEntry, data: dict) -> date:
    """The day a unit code is read on: the period's end when the entry names one."""
    try:
        return parse_period(str(data.get("period", ""))).end
    except PeriodError:
        return timezone.localtime(entry.at).date() if entry.at else date.today()


def row(entry: AuditEntry, object_type: str, *, personal: bool, names: Names | None = None) -> Row:
    before, after = entry.before, entry.after
    hidden = 0
    if not personal:
        before, n_before = _scrub(before)
        after, n_after = _scrub(after)
        hidden = len(n_before | n_after)
    result = Row(
        at=entry.at,
        actor=entry.actor_name or "system",
        action=entry.action,
        label=str(ACTION_LABELS.get(entry.action, entry.action)),
        via=str(VIA_LABELS.get(entry.via, entry.via)),
        reason=entry.reason,
        hidden=hidden,
    )
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    names = names if names is not None else names_for([entry])
    day = _day(entry, new or old)
    for key in list(old) + [k for k in new if k not in old]:
        shown = [_named(names, day, key, d.get(key)) for d in (old, new)]
        shown = [
            named if named is not None else _text(object_type, key, d.get(key), key in d)
            for named, d in zip(shown, (old, new), strict=True)
        ]
        change = FieldChange(key, str(FIELD_LABELS.get(key, key)), *shown)
        if key in old and key in new and old[key] == new[key]:
            result.context.append(change)
        else:
            result.changes.append(change)
    return result


def _scrub(data: Any) -> tuple[Any, set[str]]:
    """Drop personal-data keys at any depth; return what is left and the keys dropped."""
    if isinstance(data, dict):
        dropped = {k for k in data if k in PERSONAL_KEYS}
        kept = {}
        for key, value in data.items():
            if key in PERSONAL_KEYS:
                continue
            kept[key], inner = _scrub(value)
            dropped |= inner
        return kept, dropped
    if isinstance(data, list):
        pairs = [_scrub(v) for v in data]
        return [p[0] for p in pairs], set().union(*(p[1] for p in pairs))
    return data, set()


def _named(names: Names, day: date, key: str, value: Any) -> str | None:
    """The name for a code, the words for a period, an amount in the Vietnamese form; None
    when the key is none of these."""
    if value is None or value == "":
        return None
    if key == "indicator" and isinstance(value, str):
        return names.indicators.get(value, value)
    if key == "unit" and isinstance(value, str):
        return names.unit(value, day)
    if key in ("award", "award_code") and isinstance(value, str):
        return names.awards.get(value, value)
    if key == "period" and isinstance(value, str):
        try:
            return parse_period(value).label()
        except PeriodError:
            return value
    if key in AMOUNT_KEYS and isinstance(value, int | str) and _AMOUNT.match(str(value)):
        return _number(str(value))
    return None


def _text(object_type: str, key: str, value: Any, present: bool) -> str:
    if not present or value is None or value == "":
        return "–"
    if key == "status" and object_type in STATUS_LABELS and isinstance(value, str):
        labels = dict(STATUS_LABELS[object_type].choices)
        return str(labels.get(value, value))
    if isinstance(value, bool):
        return gettext("có") if value else gettext("không")
    if isinstance(value, str):
        return _number(value) if _DECIMAL.match(value) else _when(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _number(text: str) -> str:
    """A stored Decimal in the Vietnamese form, with the decimals it needs: 7,1 and 49.630."""
    number = Decimal(text).normalize()
    exponent = number.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_number(number, decimals)


def _when(text: str) -> str:
    """ISO dates and times as the rest of the site writes them (dd/mm/yyyy, Việt Nam time)."""
    try:
        if _DATE.match(text):
            return date.fromisoformat(text).strftime("%d/%m/%Y")
        if _DATETIME.match(text):
            moment = datetime.fromisoformat(text)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.strftime("%d/%m/%Y %H:%M")
    except ValueError:
        pass
    return text
