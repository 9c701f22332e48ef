"""Units (provinces, ministries, …), their lineage, clusters and yearly membership."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.common.text import unit_key


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("tỉnh")
    CITY = "city", _("thành phố")
    MINISTRY = "ministry", _("bộ, ngành")
    DEPARTMENT = "department", _("sở, ban, ngành")
    DISTRICT = "district", _("quận, huyện, thị xã")
    COMMUNE = "commune", _("xã, phường")
    SCHOOL = "school", _("trường học")
    ENTERPRISE = "enterprise", _("doanh nghiệp")
    ORGANISATION = "organisation", _("tổ chức")
    OTHER = "other", _("đơn vị")


class UnitQuerySet(models.QuerySet):
    def valid_on(self, day: date) -> UnitQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class Unit(models.Model):
    """An organisation with an official code; a code is unique only within its validity."""

    code = models.CharField(_("mã"), max_length=32)
    name = models.CharField(_("tên"), max_length=255)
    name_key = models.CharField(
        max_length=255, editable=False, db_index=True, verbose_name=_("khóa tra cứu tên")
    )
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["code", "valid_from"]
        constraints = [
            # Serves lookups by (code, date); overlap of validity is checked by the service.
            models.UniqueConstraint(fields=["code", "valid_from"], name="unit_code_valid_from"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = unit_key(self.name)
        super().save(*args, **kwargs)

    @property
    def kind_noun(self) -> str:
        return self.get_kind_display()

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )


class LineageChange(models.TextChoices):
    MERGED = "merged", _("hợp nhất, sáp nhập")
    SPLIT = "split", _("chia tách")
    RENAMED = "renamed", _("đổi tên")
    UNCHANGED = "unchanged", _("giữ nguyên")


class Lineage(models.Model):
    """One predecessor → successor link of a reorganisation (e.g. Resolution 202/2025/QH15)."""

    predecessor = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="successor_links",
        verbose_name=_("đơn vị trước sắp xếp"),
    )
    successor = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="predecessor_links",
        verbose_name=_("đơn vị sau sắp xếp"),
    )
    change = models.CharField(
        max_length=16, choices=LineageChange.choices, verbose_name=_("hình thức sắp xếp")
    )
    effective = models.DateField(verbose_name=_("ngày hiệu lực"))
    legal_basis = models.CharField(max_length=500, blank=True, verbose_name=_("căn cứ pháp lý"))
    # For a split, the share of the predecessor that the successor takes (e.g. by population).
    share = models.DecimalField(
        max_digits=7, decimal_places=4, null=True, blank=True, verbose_name=_("tỷ lệ chuyển giao")
    )

    class Meta:
        verbose_name = _("lịch sử sắp xếp đơn vị")
        verbose_name_plural = _("lịch sử sắp xếp đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "effective"], name="lineage_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective})"


class ClusterKind(models.TextChoices):
    CUM = "cum", _("Cụm thi đua")
    KHOI = "khoi", _("Khối thi đua")


class Organiser(models.TextChoices):
    CENTRAL = "central", _("Hội đồng Thi đua – Khen thưởng Trung ương")
    MINISTRY = "ministry", _("Bộ, ban, ngành")
    PROVINCE = "province", _("Tỉnh, thành phố")


class Cluster(models.Model):
    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=8, choices=ClusterKind.choices)
    organiser = models.CharField(_("cấp tổ chức"), max_length=16, choices=Organiser.choices)
    organiser_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organised_clusters",
        verbose_name=_("đơn vị tổ chức"),
    )
    member_noun = models.CharField(
        _("cách gọi thành viên"),
        max_length=32,
        blank=True,
        help_text=_(
            "Từ dùng trong văn bản (tỉnh, thành phố, đơn vị…); để trống thì suy ra từ loại "
            "của các thành viên."
        ),
    )

    class Meta:
        verbose_name = _("cụm, khối thi đua")
        verbose_name_plural = _("cụm, khối thi đua")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def noun_for(self, kinds: set[str]) -> str:
        """How documents call the members: 'tỉnh', 'thành phố', 'tỉnh, thành phố' or 'đơn vị'."""
        if self.member_noun:
            return self.member_noun
        if kinds == {UnitKind.PROVINCE}:
            return "tỉnh"
        if kinds == {UnitKind.CITY}:
            return "thành phố"
        if kinds == {UnitKind.PROVINCE, UnitKind.CITY}:
            return "tỉnh, thành phố"
        return "đơn vị"


class MemberRole(models.TextChoices):
    HEAD = "head", _("Cụm trưởng")
    DEPUTY = "deputy", _("Cụm phó")
    MEMBER = "member", _("Thành viên")


class Membership(models.Model):
    """A unit's place in a cluster for one year; history is the set of years."""

    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("cụm, khối thi đua"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("đơn vị")
    )
    role = models.CharField(_("vai trò"), max_length=8, choices=MemberRole.choices)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("thành viên cụm")
        verbose_name_plural = _("thành viên cụm")
        ordering = ["cluster", "year", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year", "unit"], name="membership_unique"),
            # At most one head per cluster and year.
            models.UniqueConstraint(
                fields=["cluster", "year"], condition=Q(role="head"), name="one_head_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster.code} {self.year}: {self.unit} ({self.get_role_display()})"


class ReviewMeeting(models.Model):
    """A review meeting (sơ kết / tổng kết) of a cluster for a period, and its host."""

    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("cụm, khối thi đua"),
    )
    period = models.CharField(_("kỳ"), max_length=8)
    host = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="hosted_meetings",
        verbose_name=_("đơn vị đăng cai"),
    )
    held_on = models.DateField(_("ngày họp"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    place_name = models.CharField(
        _("địa danh ghi trên văn bản"),
        max_length=100,
        blank=True,
        help_text=_("Ví dụ: Rạch Giá (trong dòng “Rạch Giá, ngày 06 tháng 8 năm 2019”)."),
    )
    attendees = models.TextField(_("thành phần dự họp"), blank=True)
    tasks = models.TextField(
        _("nhiệm vụ kỳ tới đã thống nhất"), blank=True, help_text=_("Mỗi nhiệm vụ một dòng.")
    )
    document_number = models.CharField(
        _("số, ký hiệu báo cáo"), max_length=60, blank=True, help_text=_("Ví dụ: 05/BC-CTĐTNB")
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=200, blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True, help_text=_("Mỗi nơi nhận một dòng."))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("hội nghị sơ kết, tổng kết")
        verbose_name_plural = _("hội nghị sơ kết, tổng kết")
        constraints = [models.UniqueConstraint(fields=["cluster", "period"], name="meeting_unique")]

    def __str__(self) -> str:
        return f"{self.cluster.code} {self.period} @ {self.host}"
