"""Audit actions of indicators: values, reporting windows, the catalogue, reports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

VALUE_CREATED = "indicators.value.created"
VALUE_CHANGED = "indicators.value.changed"
WINDOW_OPENED = "indicators.window.opened"
WINDOW_CHANGED = "indicators.window.changed"
WINDOW_EXTENDED = "indicators.window.extended"
WINDOW_NUDGED = "indicators.window.nudged"
INDICATOR_CREATED = "indicators.indicator.created"
INDICATOR_CHANGED = "indicators.indicator.changed"
REPORT_SUBMITTED = "indicators.report.submitted"
REPORT_ACCEPTED = "indicators.report.accepted"
REPORT_RETURNED = "indicators.report.returned"
REPORT_REOPENED = "indicators.report.reopened"
REPORT_EXCEPTION_GRANTED = "indicators.report.exception_granted"

LABELS = {
    VALUE_CREATED: _("Ghi số liệu mới"),
    VALUE_CHANGED: _("Sửa số liệu"),
    WINDOW_OPENED: _("Mở kỳ báo cáo"),
    WINDOW_CHANGED: _("Đổi hạn kỳ báo cáo"),
    WINDOW_EXTENDED: _("Gia hạn nộp báo cáo cho đơn vị"),
    WINDOW_NUDGED: _("Nhắc đơn vị nộp báo cáo"),
    INDICATOR_CREATED: _("Thêm chỉ tiêu vào danh mục"),
    INDICATOR_CHANGED: _("Sửa định nghĩa chỉ tiêu"),
    REPORT_SUBMITTED: _("Gửi báo cáo"),
    REPORT_ACCEPTED: _("Tiếp nhận"),
    REPORT_RETURNED: _("Trả lại"),
    REPORT_REOPENED: _("Mở lại để sửa"),
    REPORT_EXCEPTION_GRANTED: _("Cho phép nhập bổ sung"),
}
