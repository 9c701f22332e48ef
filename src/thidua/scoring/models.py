"""A cluster's regulation (criteria tree, points, methods) per year, and the manual scores."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Regulation(models.Model):
    """Quy định chấm điểm of a cluster for a year; a change is a new version."""

    cluster = models.ForeignKey(
        "orgs.Cluster", on_delete=models.CASCADE, related_name="regulations"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    version = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(_("tên"), max_length=300)
    legal_basis = models.CharField(_("căn cứ"), max_length=500, blank=True)
    tie_break = models.JSONField(
        _("thứ tự xét khi bằng điểm"),
        default=list,
        blank=True,
        help_text=_('Ví dụ ["section:A", "full_points"]'),
    )
    published_at = models.DateTimeField(_("công bố kết quả lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("quy định chấm điểm")
        verbose_name_plural = _("quy định chấm điểm")
        ordering = ["cluster", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year", "version"], name="regulation_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cluster.code} {self.year} v{self.version}: {self.name}"


class Method(models.TextChoices):
    SECTION = "section", _("nhóm tiêu chí")
    ATTAINMENT = "attainment", _("mức đạt so với chỉ tiêu")
    RANK = "rank", _("theo thứ hạng")
    THRESHOLD = "threshold", _("đạt ngưỡng thì đủ điểm")
    MANUAL = "manual", _("chấm theo minh chứng")
    BONUS = "bonus", _("điểm thưởng")
    PENALTY = "penalty", _("điểm trừ")


class Criterion(models.Model):
    regulation = models.ForeignKey(Regulation, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên tiêu chí"), max_length=500)
    method = models.CharField(_("cách chấm"), max_length=12, choices=Method.choices)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=8, decimal_places=2)
    indicator = models.ForeignKey(
        "indicators.Indicator", null=True, blank=True, on_delete=models.PROTECT
    )
    period = models.CharField(_("kỳ số liệu"), max_length=8, blank=True)
    target = models.DecimalField(
        _("chỉ tiêu riêng"),
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Để trống: dùng chỉ tiêu giao ước của cụm."),
    )
    cap = models.DecimalField(
        _("mức vượt tối đa được tính"), max_digits=6, decimal_places=3, default=1
    )
    rank_points = models.JSONField(_("điểm theo thứ hạng"), default=list, blank=True)
    comparator = models.CharField(max_length=3, default="gte", blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    evidence_required = models.BooleanField(_("cần minh chứng"), default=False)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["regulation", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["regulation", "code"], name="criterion_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class ManualScore(models.Model):
    """Self score by the member and, where it differs, the head secretariat's review score."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT)
    self_points = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    self_note = models.TextField(_("giải trình, minh chứng"), blank=True)
    review_points = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    review_reason = models.TextField(_("lý do điều chỉnh"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Raised by every write (self or review); an edit made from an older one is refused (409).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("điểm chấm")
        verbose_name_plural = _("điểm chấm")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "unit"], name="one_score_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.criterion.code}: {self.self_points} / {self.review_points}"
