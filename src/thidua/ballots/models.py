"""Secret ballots: who may vote and who voted (Elector) are kept apart from what was voted (Ballot).

A Ballot row has a random key, no timestamp and no link to a person; at closing the rows are
rewritten in shuffled order, so neither keys, times nor storage order re-link a ballot to the
participation record. Each voter holds a receipt code that appears in the published tally.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("Chuẩn bị")
    OPEN = "open", _("Đang bỏ phiếu")
    CLOSED = "closed", _("Đã kết thúc")


class Basis(models.TextChoices):
    ELECTORATE = "electorate", _("tổng số người có quyền bỏ phiếu")
    PRESENT = "present", _("số người tham gia bỏ phiếu")


class Operator(models.TextChoices):
    GT = "gt", _("trên (>)")
    GTE = "gte", _("từ … trở lên (≥)")


class BallotSession(models.Model):
    cluster = models.ForeignKey("orgs.Cluster", on_delete=models.CASCADE, related_name="ballots")
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("nội dung bỏ phiếu"), max_length=300)
    award_code = models.CharField(_("hình thức đề nghị"), max_length=32, blank=True)
    seats = models.PositiveSmallIntegerField(_("số suất"), default=1)
    quorum_pct = models.DecimalField(
        _("tỷ lệ có mặt tối thiểu (%)"), max_digits=5, decimal_places=2, default=50
    )
    pass_pct = models.DecimalField(
        _("tỷ lệ đồng ý cần đạt (%)"), max_digits=5, decimal_places=2, default=50
    )
    pass_operator = models.CharField(max_length=3, choices=Operator.choices, default=Operator.GT)
    pass_basis = models.CharField(max_length=10, choices=Basis.choices, default=Basis.ELECTORATE)
    legal_basis = models.CharField(_("căn cứ"), max_length=500, blank=True)
    closes_at = models.DateTimeField(_("hạn bỏ phiếu"))
    status = models.CharField(
        max_length=8, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    correction_reason = models.TextField(_("lý do tổ chức lại"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("phiên bỏ phiếu")
        verbose_name_plural = _("phiên bỏ phiếu")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return f"{self.cluster.code} {self.year}: {self.title}"


class Candidate(models.Model):
    session = models.ForeignKey(BallotSession, on_delete=models.CASCADE, related_name="candidates")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(default=0)
    score_rank = models.PositiveSmallIntegerField(_("hạng theo điểm"), null=True, blank=True)

    class Meta:
        ordering = ["session", "position"]
        constraints = [models.UniqueConstraint(fields=["session", "unit"], name="candidate_once")]

    def __str__(self) -> str:
        return str(self.unit)


class Elector(models.Model):
    """Participation only: whether this person has voted, never what or when."""

    session = models.ForeignKey(BallotSession, on_delete=models.CASCADE, related_name="electors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT)
    voted = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="elector_once")]

    def __str__(self) -> str:
        return f"{self.user} ({self.unit or ''})"


class Ballot(models.Model):
    """What was voted: candidate ids approved. No voter, no time, a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(BallotSession, on_delete=models.CASCADE, related_name="ballots")
    receipt = models.CharField(max_length=16)
    approved = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "receipt"], name="receipt_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.receipt}"
