"""Audit actions of ballots: sessions, electors, trustees."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SESSION_CREATED = "ballots.session.created"
SESSION_OPENED = "ballots.session.opened"
SESSION_CLOSED = "ballots.session.closed"
ELECTOR_VOTED = "ballots.elector.voted"
TRUSTEE_COLLECTED = "ballots.trustee.collected"
TRUSTEE_COUNTED = "ballots.trustee.counted"
SESSION_COUNTED = "ballots.session.counted"

LABELS = {
    SESSION_CREATED: _("Tạo phiên bỏ phiếu"),
    SESSION_OPENED: _("Mở bỏ phiếu"),
    SESSION_CLOSED: _("Kết thúc bỏ phiếu"),
    ELECTOR_VOTED: _("Đã bỏ phiếu"),
    TRUSTEE_COLLECTED: _("Người giữ khóa nhận mảnh khóa"),
    TRUSTEE_COUNTED: _("Người giữ khóa nhập mảnh khóa để kiểm phiếu"),
    SESSION_COUNTED: _("Kiểm phiếu xong, công bố kết quả"),
}
