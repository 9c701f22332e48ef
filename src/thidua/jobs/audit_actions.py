"""Audit actions of background jobs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

JOB_STARTED = "jobs.job.started"

LABELS = {
    JOB_STARTED: _("Bắt đầu việc chạy nền"),
}
