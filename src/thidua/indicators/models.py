"""Indicator catalogue, reporting windows, unit reports and their versioned values."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.common.periods import parse_period


class Direction(models.TextChoices):
    HIGHER = "higher", _("càng cao càng tốt")
    LOWER = "lower", _("càng thấp càng tốt")


class Aggregation(models.TextChoices):
    SUM = "sum", _("tổng")
    MEAN = "mean", _("bình quân")
    WEIGHTED_MEAN = "weighted_mean", _("bình quân gia quyền")
    MIN = "min", _("nhỏ nhất")
    MAX = "max", _("lớn nhất")
    FORMULA = "formula", _("tính lại theo công thức")


class LineageRule(models.TextChoices):
    SUM = "sum", _("cộng các đơn vị tiền thân")
    RECOMPUTE = "recompute", _("tính lại theo công thức")
    WEIGHTED_MEAN = "weighted_mean", _("bình quân gia quyền theo trọng số")
    MEAN = "mean", _("bình quân")
    NONE = "none", _("không suy ra được")


class PeriodBasis(models.TextChoices):
    PERIOD = "period", _("theo kỳ báo cáo")
    YEAR = "year", _("theo năm (kế hoạch, tỷ lệ cả năm)")


class Indicator(models.Model):
    """One indicator of the catalogue; edits bump `version` and are kept in the audit log."""

    code = models.SlugField(_("mã"), max_length=64, unique=True)
    name_vi = models.CharField(_("tên (tiếng Việt)"), max_length=255)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=255)
    short_vi = models.CharField(_("tên ngắn"), max_length=80, blank=True)
    measure = models.CharField(_("đơn vị tính"), max_length=32)
    direction = models.CharField(
        _("chiều"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    decimals = models.PositiveSmallIntegerField(_("số chữ số thập phân"), default=1)
    aggregation = models.CharField(_("cách tổng hợp"), max_length=16, choices=Aggregation.choices)
    weight = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("trọng số (chỉ tiêu)"),
    )
    formula = models.CharField(
        _("công thức"),
        max_length=255,
        blank=True,
        help_text=_(
            "Chỉ tiêu tính: biểu thức theo mã chỉ tiêu khác, ví dụ "
            "budget_revenue / budget_plan * 100"
        ),
    )
    lineage_rule = models.CharField(
        _("cách suy ra cho đơn vị sau sắp xếp"),
        max_length=16,
        choices=LineageRule.choices,
        default=LineageRule.NONE,
    )
    period_basis = models.CharField(
        _("kỳ của số liệu"), max_length=8, choices=PeriodBasis.choices, default=PeriodBasis.PERIOD
    )
    min_value = models.DecimalField(
        _("giá trị nhỏ nhất hợp lệ"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("giá trị lớn nhất hợp lệ"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    threshold = models.DecimalField(
        _("ngưỡng đánh giá mặc định"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=100)
    version = models.PositiveIntegerField(default=1, editable=False, verbose_name=_("phiên bản"))
    active = models.BooleanField(_("đang dùng"), default=True)
    source = models.CharField(_("nguồn, căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name_vi}"

    @property
    def is_derived(self) -> bool:
        return bool(self.formula)

    def display_name(self, language: str = "vi") -> str:
        return self.name_en if language == "en" else self.name_vi


class PlausibilityKind(models.TextChoices):
    ABOVE = "above", _("cao hơn ngưỡng")
    BELOW = "below", _("thấp hơn ngưỡng")
    ABOVE_PCT_OF = "above_pct_of", _("vượt quá % của chỉ tiêu khác")
    JUMP_VS_LAST_YEAR = "jump", _("chênh lệch so với cùng kỳ năm trước quá %")


class PlausibilityRule(models.Model):
    """A warning, not an error: the officer may submit with a justification."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="rules", verbose_name=_("chỉ tiêu")
    )
    kind = models.CharField(
        max_length=16, choices=PlausibilityKind.choices, verbose_name=_("loại kiểm tra")
    )
    threshold = models.DecimalField(max_digits=20, decimal_places=6, verbose_name=_("ngưỡng"))
    other = models.ForeignKey(
        Indicator,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("chỉ tiêu đối chiếu"),
    )
    message = models.CharField(
        _("thông báo"),
        max_length=255,
        blank=True,
        help_text=_("Để trống để dùng thông báo mặc định."),
    )

    class Meta:
        verbose_name = _("quy tắc kiểm tra hợp lý")
        verbose_name_plural = _("quy tắc kiểm tra hợp lý")

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.get_kind_display()} {self.threshold}"


class ReportingWindow(models.Model):
    """A period opened by a cluster's head: when reports are due, and when entry closes."""

    cluster = models.ForeignKey(
        "orgs.Cluster",
        on_delete=models.CASCADE,
        related_name="windows",
        verbose_name=_("cụm, khối thi đua"),
    )
    period = models.CharField(_("kỳ báo cáo"), max_length=8)
    deadline = models.DateField(
        _("hạn nộp báo cáo"), help_text=_("Nộp sau ngày này được ghi là nộp muộn.")
    )
    entry_closes = models.DateField(
        _("ngày khóa nhập liệu"),
        help_text=_("Sau ngày này không nhập được nữa, trừ khi cụm trưởng cho phép."),
    )
    opened_at = models.DateTimeField(auto_now_add=True, verbose_name=_("mở lúc"))

    class Meta:
        verbose_name = _("kỳ báo cáo của cụm")
        verbose_name_plural = _("kỳ báo cáo của cụm")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "period"], name="window_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.cluster.code} {self.period}"

    @property
    def year(self) -> int:
        return parse_period(self.period).year


class Extension(models.Model):
    """A later deadline for one member unit: on time until then, and entry stays open till then."""

    window = models.ForeignKey(
        ReportingWindow,
        on_delete=models.CASCADE,
        related_name="extensions",
        verbose_name=_("kỳ báo cáo của cụm"),
    )
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    deadline = models.DateField(_("hạn nộp được gia hạn đến"))
    reason = models.CharField(_("lý do gia hạn"), max_length=500, blank=True)
    granted_at = models.DateTimeField(auto_now=True, verbose_name=_("gia hạn lúc"))

    class Meta:
        verbose_name = _("gia hạn nộp báo cáo")
        verbose_name_plural = _("gia hạn nộp báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["window", "unit"], name="extension_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.window} {self.unit}: {self.deadline}"


def unit_deadline(window: ReportingWindow, extension: Extension | None):
    """The day a member's report is due: its extension's, else the window's."""
    return extension.deadline if extension is not None else window.deadline


def entry_until(window: ReportingWindow, extension: Extension | None):
    """The last day a member may enter: the lock date, or a later extended deadline."""
    if extension is not None and extension.deadline > window.entry_closes:
        return extension.deadline
    return window.entry_closes


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang nhập")
    SUBMITTED = "submitted", _("Đã gửi")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    RETURNED = "returned", _("Trả lại")


VISIBLE_TO_PEERS = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


class Report(models.Model):
    """A member unit's report to its cluster for one reporting period."""

    cluster = models.ForeignKey(
        "orgs.Cluster",
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("cụm, khối thi đua"),
    )
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="reports", verbose_name=_("đơn vị")
    )
    period = models.CharField(_("kỳ báo cáo"), max_length=8)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("nộp lúc"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người nộp"),
    )
    is_late = models.BooleanField(default=False, verbose_name=_("nộp muộn"))
    accepted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("tiếp nhận lúc"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tiếp nhận"),
    )
    head_comment = models.TextField(_("ý kiến của cụm trưởng"), blank=True)
    changed_since_acceptance = models.BooleanField(
        default=False, verbose_name=_("thay đổi sau khi tiếp nhận")
    )
    entry_exception_until = models.DateField(
        _("cho phép nhập sau ngày khóa đến"), null=True, blank=True
    )
    illustrative = models.BooleanField(
        _("số liệu minh họa"),
        default=False,
        help_text=_("Số liệu mẫu, không phải số liệu chính thức."),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("cập nhật lúc"))

    class Meta:
        verbose_name = _("báo cáo của đơn vị")
        verbose_name_plural = _("báo cáo của đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "unit", "period"], name="report_unique"),
        ]
        indexes = [
            # The head's worklist: all reports of a cluster for a period.
            models.Index(fields=["cluster", "period", "status"], name="report_worklist"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period} ({self.get_status_display()})"

    @property
    def year(self) -> int:
        """The year of the reporting period (memberships, roles and rules are per year)."""
        return parse_period(self.period).year


class Value(models.Model):
    """A reported value; a correction is a new row and the old one stays (is_current=False)."""

    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="values", verbose_name=_("đơn vị")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("chỉ tiêu")
    )
    period = models.CharField(max_length=8, verbose_name=_("kỳ"))
    value = models.DecimalField(max_digits=20, decimal_places=6, verbose_name=_("giá trị"))
    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, related_name="values", verbose_name=_("báo cáo")
    )
    is_current = models.BooleanField(default=True, verbose_name=_("bản hiện hành"))
    version = models.PositiveIntegerField(default=1, verbose_name=_("phiên bản"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    justification = models.CharField(_("giải trình"), max_length=1000, blank=True)
    warnings = models.JSONField(default=list, blank=True, verbose_name=_("cảnh báo"))
    reason = models.CharField(_("lý do sửa"), max_length=500, blank=True)
    source = models.CharField(_("nguồn"), max_length=255, blank=True)
    illustrative = models.BooleanField(default=False, verbose_name=_("số liệu minh họa"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    entered_at = models.DateTimeField(auto_now_add=True, verbose_name=_("nhập lúc"))
    entered_via = models.CharField(max_length=16, default="web", verbose_name=_("nhập qua"))

    class Meta:
        verbose_name = _("số liệu")
        verbose_name_plural = _("số liệu")
        constraints = [
            # Its index also serves the review: each member's current values
            # (reports.aggregation, by unit, indicators and periods).
            models.UniqueConstraint(
                fields=["unit", "indicator", "period"],
                condition=Q(is_current=True),
                name="one_current_value",
            ),
        ]
        indexes = [
            # Aggregation: current values of an indicator and period across a cluster's units.
            models.Index(fields=["indicator", "period", "unit"], name="value_lookup"),
            models.Index(fields=["report", "is_current"], name="value_by_report"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.indicator.code} {self.period} = {self.value}"
