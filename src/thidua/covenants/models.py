"""Emulation movements, covenants (giao ước thi đua) and their targets."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Movement(models.Model):
    code = models.SlugField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên phong trào"), max_length=500)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=500, blank=True)
    launched_by = models.CharField(_("phát động bởi"), max_length=255, blank=True)
    launched_on = models.DateField(_("ngày phát động"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("phong trào thi đua")
        verbose_name_plural = _("phong trào thi đua")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Covenant(models.Model):
    cluster = models.ForeignKey(
        "orgs.Cluster",
        on_delete=models.CASCADE,
        related_name="covenants",
        verbose_name=_("cụm, khối thi đua"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    signed_at = models.CharField(_("nơi ký"), max_length=255, blank=True)
    movements = models.ManyToManyField(
        Movement, blank=True, related_name="covenants", verbose_name=_("phong trào thi đua")
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("giao ước thi đua")
        verbose_name_plural = _("giao ước thi đua")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year"], name="covenant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.cluster.code} {self.year}"


class Comparator(models.TextChoices):
    AT_LEAST = "gte", _("từ … trở lên")
    AT_MOST = "lte", _("không quá …")


class Target(models.Model):
    """A pledged target: for all members (unit empty) or one member; for the year or a period."""

    covenant = models.ForeignKey(
        Covenant,
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=_("giao ước thi đua"),
    )
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, verbose_name=_("chỉ tiêu")
    )
    unit = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("đơn vị")
    )
    period = models.CharField(
        _("kỳ"), max_length=8, help_text=_("Ví dụ 2019 (cả năm) hoặc 2019H1 (mốc giữa năm).")
    )
    comparator = models.CharField(
        max_length=3, choices=Comparator.choices, default="gte", verbose_name=_("phép so sánh")
    )
    value = models.DecimalField(_("mức"), max_digits=20, decimal_places=6)
    description = models.CharField(_("diễn giải"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu giao ước")
        verbose_name_plural = _("chỉ tiêu giao ước")
        constraints = [
            models.UniqueConstraint(
                fields=["covenant", "indicator", "period", "unit"], name="target_per_unit"
            ),
            models.UniqueConstraint(
                fields=["covenant", "indicator", "period"],
                condition=Q(unit__isnull=True),
                name="target_for_all",
            ),
        ]

    def __str__(self) -> str:
        who = self.unit or _("tất cả thành viên")
        return f"{self.indicator.code} {self.period} {self.comparator} {self.value} ({who})"
