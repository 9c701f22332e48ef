"""Audit actions of reports: the published reviews."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REVIEW_PUBLISHED = "reports.review.published"

LABELS = {
    REVIEW_PUBLISHED: _("Công bố báo cáo sơ kết, tổng kết"),
}
