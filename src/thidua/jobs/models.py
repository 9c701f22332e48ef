"""Work done by the background worker: what was asked, by whom, how far it got, what came out.

The queue itself is django-tasks-db's table (`django_tasks_database.DBTaskResult`); a Job is the
user's side of one task: the file it reads, the rows read, checked and written, the phase, the
result or the error in Vietnamese, and the file it made.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Kind(models.TextChoices):
        IMPORT = "import", _("Nhập tệp")
        DOSSIER = "dossier", _("Bộ hồ sơ đề nghị (.zip)")
        REVIEW_PDF = "review_pdf", _("Báo cáo sơ kết, tổng kết (PDF)")
        ELIGIBILITY = "eligibility", _("Xét điều kiện theo danh sách")

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Không thành công")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What the job works on: for an import the importer's name ("registry", …), for a
    # document its cluster and period or its proposals.
    params = models.JSONField(default=dict, blank=True)
    title = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    phase = models.CharField(max_length=20, blank=True)
    rows_read = models.BigIntegerField(default=0)
    rows_checked = models.BigIntegerField(default=0)
    rows_written = models.BigIntegerField(default=0)
    rows_total = models.BigIntegerField(null=True, blank=True)  # known once checked
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=255, blank=True)  # the upload's name as sent
    file_path = models.CharField(max_length=500, blank=True)  # under DATA_DIR/jobs
    output_name = models.CharField(max_length=255, blank=True)
    output_path = models.CharField(max_length=500, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["started_by", "-id"], name="job_starter")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("web:job", kwargs={"job_id": self.pk})

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class DailyRun(models.Model):
    """One daily job on one day (Asia/Ho_Chi_Minh): the row is the claim, so a restarted worker,
    or a second one, does not run it again that day."""

    path = models.CharField(max_length=200)
    day = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["path", "day"], name="daily_run_once_a_day")]

    def __str__(self) -> str:
        return f"{self.path} {self.day}"
