"""Audit actions of awards: proposals, people, the registry, the backlog, the demo."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PROPOSAL_CREATED = "awards.proposal.created"
PROPOSAL_CHANGED = "awards.proposal.changed"
PROPOSAL_FILE_ADDED = "awards.proposal.file_added"
PROPOSAL_SUBMITTED = "awards.proposal.submitted"
PROPOSAL_CHECKED = "awards.proposal.checked"
PROPOSAL_RETURNED = "awards.proposal.returned"
PROPOSAL_VOTED = "awards.proposal.voted"
PROPOSAL_FORWARDED = "awards.proposal.forwarded"
PROPOSAL_DECIDED = "awards.proposal.decided"
PROPOSAL_REJECTED = "awards.proposal.rejected"
PERSON_MERGED = "awards.person.merged"
PERSON_MERGED_INTO = "awards.person.merged_into"
PERSON_EXPORTED = "awards.person.exported"
REGISTRY_ENTRY_ADDED = "awards.registry.entry_added"
REGISTRY_IMPORTED = "awards.registry.imported"
HISTORIES_IMPORTED = "awards.histories.imported"
BACKLOG_PROGRAMME_CREATED = "awards.backlog.programme_created"
BACKLOG_CASE_ADDED = "awards.backlog.case_added"
BACKLOG_CASE_MOVED = "awards.backlog.case_moved"
BACKLOG_IMPORTED = "awards.backlog.imported"
ALIAS_ADDED = "awards.alias.added"
ALIAS_REMOVED = "awards.alias.removed"
DEMO_LOADED = "awards.demo.loaded"

LABELS = {
    HISTORIES_IMPORTED: _("Nhập quá trình xếp loại, sáng kiến"),
    ALIAS_ADDED: _("Thêm tên gọi khác của hình thức khen thưởng"),
    ALIAS_REMOVED: _("Xóa tên gọi khác của hình thức khen thưởng"),
    PROPOSAL_CREATED: _("Tạo đề nghị"),
    PROPOSAL_CHANGED: _("Sửa đề nghị"),
    PROPOSAL_FILE_ADDED: _("Thêm tài liệu"),
    PROPOSAL_SUBMITTED: _("Gửi đề nghị"),
    PROPOSAL_CHECKED: _("Xác nhận hồ sơ đủ"),
    PROPOSAL_RETURNED: _("Trả lại để bổ sung"),
    PROPOSAL_VOTED: _("Ghi kết quả bỏ phiếu của hội đồng"),
    PROPOSAL_FORWARDED: _("Trình cấp trên"),
    PROPOSAL_DECIDED: _("Ghi quyết định khen thưởng"),
    PROPOSAL_REJECTED: _("Kết luận không khen thưởng"),
    PERSON_MERGED: _("Hợp nhất hồ sơ trùng vào hồ sơ này"),
    PERSON_MERGED_INTO: _("Hợp nhất vào hồ sơ khác"),
    PERSON_EXPORTED: _("Xuất hồ sơ cá nhân"),
    REGISTRY_ENTRY_ADDED: _("Ghi vào sổ khen thưởng"),
    REGISTRY_IMPORTED: _("Nhập sổ khen thưởng"),
    BACKLOG_PROGRAMME_CREATED: _("Tạo chương trình khen thưởng tồn đọng"),
    BACKLOG_CASE_ADDED: _("Tiếp nhận hồ sơ tồn đọng"),
    BACKLOG_CASE_MOVED: _("Chuyển bước hồ sơ tồn đọng"),
    BACKLOG_IMPORTED: _("Nhập hồ sơ tồn đọng từ tệp"),
    DEMO_LOADED: _("Nạp dữ liệu minh họa"),
}
