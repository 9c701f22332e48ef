"""Narrative templates: which indicators the review text speaks of, in what order and words."""

from __future__ import annotations

import io
import string
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from thidua.reports import docx


class NarrativeKind(models.TextChoices):
    OPENING = "opening", _("Câu mở đầu (số đơn vị đã báo cáo)")
    SUMMARY = "summary", _("Số liệu chung của cụm và đơn vị nổi bật")
    THRESHOLD = "threshold", _("Số đơn vị đạt mức giao ước và đơn vị dẫn đầu")


COMMON_FIELDS = {"noun", "members", "reported", "period", "cluster", "name"}
FIELDS = {
    NarrativeKind.OPENING: COMMON_FIELDS,
    NarrativeKind.SUMMARY: COMMON_FIELDS
    | {"mean", "total", "min", "max", "value", "count", "items"},
    NarrativeKind.THRESHOLD: COMMON_FIELDS | {"meet", "of", "target", "items", "value", "count"},
}
ITEM_FIELDS = {"unit", "value", "rank"}
SPECS = {"", "khoảng", "about", "exact"}


class NarrativeTemplate(models.Model):
    """One clause of the review paragraph; placeholders like {mean}, {items}, {mean:khoảng}."""

    kind = models.CharField(_("loại"), max_length=12, choices=NarrativeKind.choices)
    indicator = models.ForeignKey(
        "indicators.Indicator",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("chỉ tiêu"),
    )
    cluster = models.ForeignKey(
        "orgs.Cluster",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Để trống: dùng cho mọi cụm. Chọn cụm: thay mẫu chung cho cụm đó."),
        verbose_name=_("cụm, khối thi đua"),
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=100)
    active = models.BooleanField(_("dùng"), default=True)
    text_vi = models.CharField(_("mẫu câu (tiếng Việt)"), max_length=500)
    text_en = models.CharField(_("mẫu câu (tiếng Anh)"), max_length=500, blank=True)
    items_intro_vi = models.CharField(_("dẫn vào danh sách"), max_length=60, blank=True)
    items_intro_en = models.CharField(
        max_length=60, blank=True, verbose_name=_("dẫn vào danh sách (tiếng Anh)")
    )
    item_vi = models.CharField(_("mẫu đơn vị nổi bật"), max_length=200, blank=True)
    item_rest_vi = models.CharField(_("mẫu các đơn vị tiếp theo"), max_length=200, blank=True)
    item_en = models.CharField(
        max_length=200, blank=True, verbose_name=_("mẫu đơn vị nổi bật (tiếng Anh)")
    )
    item_rest_en = models.CharField(
        max_length=200, blank=True, verbose_name=_("mẫu các đơn vị tiếp theo (tiếng Anh)")
    )
    item_count = models.PositiveSmallIntegerField(_("số đơn vị nêu tên"), default=0)
    large_unit_size = models.DecimalField(
        _("đổi sang đơn vị lớn từ"), max_digits=20, decimal_places=0, null=True, blank=True
    )
    large_unit_vi = models.CharField(_("tên đơn vị lớn"), max_length=40, blank=True)
    large_unit_en = models.CharField(
        max_length=40, blank=True, verbose_name=_("tên đơn vị lớn (tiếng Anh)")
    )

    class Meta:
        verbose_name = _("mẫu câu báo cáo")
        verbose_name_plural = _("mẫu câu báo cáo")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.indicator or ''} – {self.text_vi[:60]}"

    def clean(self) -> None:
        errors = {}
        allowed = FIELDS[self.kind] if self.kind in FIELDS else COMMON_FIELDS
        for name in ("text_vi", "text_en"):
            problem = placeholder_problem(getattr(self, name), allowed)
            if problem:
                errors[name] = problem
        for name in ("item_vi", "item_rest_vi", "item_en", "item_rest_en"):
            problem = placeholder_problem(getattr(self, name), ITEM_FIELDS)
            if problem:
                errors[name] = problem
        if self.kind != NarrativeKind.OPENING and self.indicator_id is None:
            errors["indicator"] = _("Mẫu câu loại này cần chọn chỉ tiêu.")
        if errors:
            raise ValidationError(errors)


def placeholder_problem(text: str, allowed: set[str]) -> str | None:
    try:
        parsed = list(string.Formatter().parse(text or ""))
    except ValueError as exc:
        return _("Mẫu câu sai cú pháp: %(e)s") % {"e": exc}
    for _literal, field, spec, _conv in parsed:
        if field is None:
            continue
        if field not in allowed:
            return _("Trường {%(f)s} không có. Dùng được: %(a)s") % {
                "f": field,
                "a": ", ".join(f"{{{a}}}" for a in sorted(allowed)),
            }
        if (spec or "") not in SPECS:
            return _("Cách viết số “%(s)s” không có (dùng: khoảng, exact).") % {"s": spec}
    return None


class DocumentKind(models.TextChoices):
    REVIEW = "review", _("Báo cáo sơ kết, tổng kết")
    SCORING_MINUTES = "scoring_minutes", _("Biên bản chấm điểm, xếp hạng thi đua")
    BALLOT_MINUTES = "ballot_minutes", _("Biên bản kiểm phiếu")


class DocumentTemplate(models.Model):
    """A Word template uploaded by an official; checked against its kind's fields on save."""

    kind = models.CharField(
        _("loại văn bản"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.REVIEW
    )
    cluster = models.ForeignKey(
        "orgs.Cluster",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Để trống: mẫu chung cho mọi cụm. Chọn cụm: mẫu riêng của cụm đó."),
        verbose_name=_("cụm, khối thi đua"),
    )
    file = models.FileField(
        _("tệp mẫu (.docx)"),
        upload_to="document_templates/",
        help_text=_("Tệp Word có các trường {{ … }}; tải mẫu đang dùng về để sửa."),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    active = models.BooleanField(_("dùng"), default=True)

    class Meta:
        verbose_name = _("mẫu văn bản Word")
        verbose_name_plural = _("mẫu văn bản Word")
        ordering = ["kind", "cluster", "-uploaded_at"]

    def __str__(self) -> str:
        scope = self.cluster.code if self.cluster_id else _("mọi cụm")
        return f"{self.get_kind_display()} ({scope}): {self.file.name}"

    @classmethod
    def source_for(cls, cluster, kind: str, shipped: Path) -> Path | IO[bytes]:
        """The cluster's active upload of `kind`, else the shared active upload, else
        `shipped`."""
        uploads = cls.objects.filter(kind=kind, active=True)
        candidates = [uploads.filter(cluster__isnull=True)]
        if cluster is not None:
            candidates.insert(0, uploads.filter(cluster=cluster))
        for chosen in candidates:
            found = chosen.order_by("-uploaded_at", "-pk").first()
            if found is not None and found.file:
                with found.file.open("rb") as handle:
                    return io.BytesIO(handle.read())
        return shipped

    def clean(self) -> None:
        if not self.file:
            return
        self.file.open("rb")
        try:
            problem = docx.template_problem_for(self.kind, self.file.read())
        finally:
            self.file.seek(0)
        if problem:
            raise ValidationError({"file": problem})


class PublicationError(Exception):
    """A publication may not be changed: a correction is a new publication that replaces it."""


class ReviewPublication(models.Model):
    """The review of a period as the meeting saw it: figures, narrative, reports counted and the
    Word document, frozen at publication. Never updated; a correction replaces it."""

    cluster = models.ForeignKey("orgs.Cluster", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("kỳ"), max_length=8)
    published_at = models.DateTimeField(_("công bố lúc"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by_name = models.CharField(_("người công bố"), max_length=150)
    data = models.JSONField(
        _("số liệu"), help_text=_("Số thập phân ghi dạng chuỗi, đúng từng chữ số.")
    )
    data_exact = models.JSONField(
        _("số liệu chính xác"), default=dict, help_text=_("Chưa làm tròn, cho máy đọc (JSON).")
    )
    narrative = models.TextField(_("đoạn kết quả"))
    narrative_en = models.TextField(blank=True)
    reports = models.JSONField(_("các báo cáo đã tính"))
    document = models.BinaryField(_("văn bản (.docx)"))
    document_sha256 = models.CharField(_("mã băm SHA-256 của văn bản"), max_length=64)
    replaces = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name=_("thay cho lần công bố"),
    )

    class Meta:
        verbose_name = _("báo cáo đã công bố")
        verbose_name_plural = _("báo cáo đã công bố")
        indexes = [
            # The latest publication of a cluster's period (reports.publication.latest).
            models.Index(fields=["cluster", "period", "-published_at"], name="publication_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.cluster_id} {self.period} {self.published_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None or not self._state.adding:
            raise PublicationError(_("Báo cáo đã công bố không sửa được; hãy công bố lại."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PublicationError(_("Báo cáo đã công bố không xóa được."))
