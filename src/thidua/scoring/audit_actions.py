"""Audit actions of scoring: regulations and scores."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REGULATION_IMPORTED = "scoring.regulation.imported"
REGULATION_PUBLISHED = "scoring.regulation.published"
SCORE_SELF = "scoring.score.self"
SCORE_REVIEWED = "scoring.score.reviewed"

LABELS = {
    REGULATION_IMPORTED: _("Nạp quy định chấm điểm"),
    REGULATION_PUBLISHED: _("Công bố kết quả chấm điểm"),
    SCORE_SELF: _("Đơn vị tự chấm"),
    SCORE_REVIEWED: _("Cụm trưởng thẩm định"),
}
