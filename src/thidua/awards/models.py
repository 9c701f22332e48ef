"""Award catalogue and rules (versioned data), people and their records, and the registry."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.common.text import name_key


class Level(models.TextChoices):
    STATE = "state", _("Nhà nước (Chủ tịch nước)")
    GOVERNMENT = "government", _("Chính phủ, Thủ tướng")
    MINISTRY_PROVINCE = "ministry_province", _("Bộ, ban, ngành, tỉnh")
    GRASSROOTS = "grassroots", _("Cơ sở")


class Kind(models.TextChoices):
    TITLE = "title", _("Danh hiệu thi đua")
    FORM = "form", _("Hình thức khen thưởng")


class Subject(models.TextChoices):
    INDIVIDUAL = "individual", _("cá nhân")
    COLLECTIVE = "collective", _("tập thể")
    HOUSEHOLD = "household", _("hộ gia đình")


class Verification(models.TextChoices):
    VERIFIED = "VERIFIED", _("đã đối chiếu văn bản")
    PARTIAL = "PARTIAL", _("đối chiếu một phần")
    UNVERIFIED = "UNVERIFIED", _("chưa đối chiếu – cần kiểm tra")


class AwardType(models.Model):
    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=300)
    name_key = models.CharField(
        max_length=300, editable=False, db_index=True, verbose_name=_("khóa tra cứu tên")
    )
    kind = models.CharField(_("loại"), max_length=8, choices=Kind.choices)
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices)
    subjects = models.JSONField(_("đối tượng"), default=list)
    conferred_by = models.CharField(_("thẩm quyền quyết định"), max_length=300, blank=True)
    rank = models.PositiveSmallIntegerField(
        _("thứ bậc"), default=0, help_text=_("Lớn hơn là cao hơn; dùng cho “hình thức cao hơn”.")
    )
    active = models.BooleanField(default=True, verbose_name=_("đang dùng"))
    # Titles this one presupposes (CSTĐCS presupposes LĐTT): a member holding it counts for them.
    implies = models.JSONField(_("bao hàm danh hiệu"), default=list, blank=True)

    class Meta:
        verbose_name = _("danh hiệu, hình thức khen thưởng")
        verbose_name_plural = _("danh mục khen thưởng")
        ordering = ["-rank", "code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)


class AliasOrigin(models.TextChoices):
    CATALOGUE = "catalogue", _("danh mục (tệp dữ liệu)")
    BOARD = "board", _("Ban Thi đua – Khen thưởng thêm")
    IMPORT = "import", _("ánh xạ khi nhập sổ")


class AwardAlias(models.Model):
    """Another name of an award as registries write it (the law's names, provincial wording,
    abbreviations). Matched on `key` (no case, diacritics, punctuation or extra spaces); a
    pattern (text ending in “…”) names every wording that begins with it. A key names one
    award only, so two awards are never confused."""

    award_type = models.ForeignKey(
        AwardType,
        on_delete=models.CASCADE,
        related_name="aliases",
        verbose_name=_("hình thức khen thưởng"),
    )
    text = models.CharField(_("tên gọi khác"), max_length=300)
    key = models.CharField(
        max_length=300, unique=True, editable=False, verbose_name=_("khóa tra cứu")
    )
    pattern = models.BooleanField(_("mẫu (mọi tên bắt đầu như vậy)"), default=False)
    origin = models.CharField(
        _("nguồn"), max_length=10, choices=AliasOrigin.choices, default=AliasOrigin.BOARD
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("tạo lúc"))

    class Meta:
        verbose_name = _("tên gọi khác của hình thức khen thưởng")
        verbose_name_plural = _("tên gọi khác của hình thức khen thưởng")
        ordering = ["award_type", "text"]

    def __str__(self) -> str:
        return f"{self.text} → {self.award_type.code}"


class AwardRule(models.Model):
    """The criteria of an award from a date; a new decree is a new version, never an edit."""

    award_type = models.ForeignKey(
        AwardType,
        on_delete=models.CASCADE,
        related_name="rules",
        verbose_name=_("hình thức khen thưởng"),
    )
    version = models.PositiveSmallIntegerField(default=1, verbose_name=_("phiên bản"))
    valid_from = models.DateField(_("áp dụng từ"))
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    conditions = models.JSONField(_("điều kiện"), default=list)
    verification = models.CharField(
        _("mức kiểm chứng"), max_length=10, choices=Verification.choices
    )
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=500)
    source = models.CharField(_("nguồn đối chiếu"), max_length=500, blank=True)
    vote_threshold_pct = models.DecimalField(
        _("tỷ lệ phiếu đồng ý (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    vote_basis = models.CharField(_("tính trên"), max_length=12, blank=True)
    # Whether the council decides by secret ballot (bình xét Chiến sĩ thi đua) or gives its
    # opinion without one: the regulation's, so data of the version, never a branch in code.
    council_ballot = models.BooleanField(
        _("hội đồng bỏ phiếu kín"), default=False, db_default=False
    )
    documents = models.JSONField(_("thành phần hồ sơ"), default=list, blank=True)
    step_days = models.JSONField(_("thời hạn xử lý (ngày làm việc)"), default=dict, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("tiêu chuẩn khen thưởng")
        verbose_name_plural = _("tiêu chuẩn khen thưởng")
        ordering = ["award_type", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["award_type", "version"], name="award_rule_version")
        ]

    def __str__(self) -> str:
        return f"{self.award_type.code} v{self.version} ({self.valid_from})"


class Gender(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")
    UNKNOWN = "", _("Không ghi")


class Person(models.Model):
    full_name = models.CharField(_("họ và tên"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    gender = models.CharField(_("giới tính"), max_length=1, choices=Gender.choices, blank=True)
    unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT)
    unit_name = models.CharField(_("đơn vị (ghi trên hồ sơ)"), max_length=300, blank=True)
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    national_id = models.CharField(_("số định danh cá nhân"), max_length=20, blank=True)
    # Indexed only where set (Meta): a full index, almost all NULL, is what a sampled ANALYZE
    # made SQLite take for "merged_into IS NULL", reading every person to find the namesakes.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cá nhân")
        verbose_name_plural = _("cá nhân")
        indexes = [
            # Search by name without diacritics, and duplicate detection by (key, birth year).
            models.Index(fields=["name_key", "birth_year"], name="person_key_born"),
            models.Index(
                fields=["merged_into"],
                name="person_merged_into",
                condition=Q(merged_into__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.birth_year or '?'})"

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.full_name)
        if self.birth_date and not self.birth_year:
            self.birth_year = self.birth_date.year
        super().save(*args, **kwargs)


class RatingLevel(models.TextChoices):
    HTXS = "HTXS", _("Hoàn thành xuất sắc nhiệm vụ")
    HTT = "HTT", _("Hoàn thành tốt nhiệm vụ")
    HT = "HT", _("Hoàn thành nhiệm vụ")
    KHT = "KHT", _("Không hoàn thành nhiệm vụ")


RATING_ORDER = {"KHT": 0, "HT": 1, "HTT": 2, "HTXS": 3}


class Rating(models.Model):
    """The yearly rating of a person (person set) or of a collective (unit set)."""

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="ratings"
    )
    unit = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="ratings"
    )
    year = models.PositiveSmallIntegerField()
    rating = models.CharField(max_length=4, choices=RatingLevel.choices)

    class Meta:
        verbose_name = _("xếp loại hằng năm")
        verbose_name_plural = _("xếp loại hằng năm")
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="rating_person_year"),
            models.UniqueConstraint(fields=["unit", "year"], name="rating_unit_year"),
            models.CheckConstraint(
                condition=Q(person__isnull=False) ^ Q(unit__isnull=False), name="rating_one_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person or self.unit} {self.year}: {self.rating}"


class Scope(models.TextChoices):
    CO_SO = "co_so", _("cơ sở")
    BO_TINH = "bo_tinh", _("Bộ, ban, ngành, tỉnh")
    TOAN_QUOC = "toan_quoc", _("toàn quốc")


SCOPE_ORDER = {"co_so": 0, "bo_tinh": 1, "toan_quoc": 2}


class Initiative(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="initiatives")
    year = models.PositiveSmallIntegerField()
    title = models.CharField(_("tên sáng kiến, đề tài"), max_length=500)
    scope = models.CharField(_("phạm vi công nhận"), max_length=10, choices=Scope.choices)
    recognised_by = models.CharField(_("cơ quan công nhận"), max_length=300, blank=True)
    decision = models.CharField(_("quyết định công nhận"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("sáng kiến")
        verbose_name_plural = _("sáng kiến")
        indexes = [models.Index(fields=["person", "year"], name="initiative_person_year")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_scope_display()}, {self.year})"


class PersonUnit(models.Model):
    """Where a person worked in a year, as the history file says: the unit it resolves to (as
    of that year, through the lineage) and the text as written, kept even when it names no
    known unit."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="units_by_year")
    year = models.PositiveSmallIntegerField(_("năm"))
    unit = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_name = models.CharField(_("đơn vị (như ghi trong tệp)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("đơn vị công tác theo năm")
        verbose_name_plural = _("đơn vị công tác theo năm")
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="person_unit_year"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year}: {self.unit or self.unit_name}"


class AwardEntry(models.Model):
    """One award given: the registry. A collective's entry has no person and no birth year."""

    # No single-column indexes on the foreign keys: the composite indexes below begin with them
    # and serve the same look-ups; each extra index slows the registry import (docs/benchmarks.md).
    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
        db_index=False,
    )
    unit = models.ForeignKey(
        "orgs.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
        help_text=_("Tập thể được khen, hoặc đơn vị của cá nhân."),
        db_index=False,
    )
    recipient_name = models.CharField(_("họ tên / tên tập thể"), max_length=300)
    name_key = models.CharField(max_length=300)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    unit_name = models.CharField(_("đơn vị (như ghi trong quyết định)"), max_length=300, blank=True)
    is_collective = models.BooleanField(default=False)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    signer = models.CharField(_("người ký"), max_length=200, blank=True)
    source = models.CharField(_("nguồn"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The achievement period: `year` is its (last) year, `period_from` its first when the
    # decision names several ("2016–2020"). `period_stated` is False when the decision states no
    # period and `year` was taken from the decision date: the next award's window then counts
    # from the decision (Decree 98/2023/NĐ-CP Art 30(9)).
    period_from = models.PositiveSmallIntegerField(_("thành tích từ năm"), null=True, blank=True)
    period_stated = models.BooleanField(
        _("quyết định ghi thời gian thành tích"), default=True, db_default=True
    )

    class Meta:
        verbose_name = _("khen thưởng đã trao")
        verbose_name_plural = _("sổ khen thưởng")
        indexes = [
            # Registry search by name, newest first (same key, leading words), and by name with
            # a birth year (thidua.awards.name_search).
            models.Index(fields=["name_key", "year"], name="entry_key_year"),
            models.Index(fields=["birth_year", "name_key"], name="entry_born_key"),
            # Statistics by year and award; eligibility look-ups of a person's titles.
            models.Index(fields=["award_type", "year"], name="entry_award_year"),
            models.Index(fields=["person", "award_type", "year"], name="entry_person_award"),
            models.Index(fields=["unit", "award_type", "year"], name="entry_unit_award"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_name} – {self.award_type.code} {self.year}"

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.recipient_name)
        super().save(*args, **kwargs)


class RegistryCount(models.Model):
    """The registry's entries counted by year, by award and by unit (as written on the entry),
    kept as data beside it: every write to the registry adds to or takes from these in its own
    transaction (`thidua.awards.counts`), so the statistics read a few rows instead of counting
    a million. `thidua registry stats --verify` checks them against a full count."""

    dimension = models.CharField(max_length=5)  # "year", "award" (an AwardType id) or "unit"
    item = models.CharField(max_length=300)
    entries = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            # The upsert's conflict target (counts.add), and the statistics' read of one
            # dimension (its leading column).
            models.UniqueConstraint(fields=["dimension", "item"], name="registry_count_item"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.item}: {self.entries}"


class NameWord(models.Model):
    """A word of the registry's name keys: the dictionary the one-typo search corrects against."""

    word = models.CharField(max_length=60, primary_key=True)

    def __str__(self) -> str:
        return self.word


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Trả lại để bổ sung")
    CHECKED = "checked", _("Hồ sơ đủ, chờ hội đồng")
    VOTED = "voted", _("Hội đồng đã bỏ phiếu")
    FORWARDED = "forwarded", _("Đã trình cấp trên")
    DECIDED = "decided", _("Đã có quyết định")
    REJECTED = "rejected", _("Không khen thưởng")


# The statuses in which the proposing unit still edits a proposal, and those under the board's
# review (services, selectors and permissions read these; one place).
PROPOSAL_EDITABLE = (ProposalStatus.DRAFT, ProposalStatus.RETURNED)
PROPOSAL_UNDER_REVIEW = (
    ProposalStatus.SUBMITTED,
    ProposalStatus.CHECKED,
    ProposalStatus.VOTED,
    ProposalStatus.FORWARDED,
)


class Proposal(models.Model):
    award_type = models.ForeignKey(AwardType, on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("năm xét"))
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT)
    nominee_unit = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposing_unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="proposals"
    )
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    achievements = models.TextField(_("tóm tắt thành tích"), blank=True)
    eligibility = models.JSONField(_("kết quả xét điều kiện khi gửi"), null=True, blank=True)
    justification = models.TextField(
        _("giải trình khi gửi đề nghị chưa đủ điều kiện theo dữ liệu"), blank=True
    )
    status_since = models.DateField(null=True, blank=True)
    due_on = models.DateField(_("hạn xử lý bước hiện tại"), null=True, blank=True)
    ballot = models.ForeignKey(
        "ballots.BallotSession", null=True, blank=True, on_delete=models.SET_NULL
    )
    council_result = models.JSONField(_("kết quả bỏ phiếu của hội đồng"), null=True, blank=True)
    forwarded_to = models.CharField(_("trình cấp trên"), max_length=300, blank=True)
    decision_number = models.CharField(max_length=60, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    decision_signer = models.CharField(max_length=200, blank=True)
    note = models.TextField(_("lý do trả lại / không khen"), blank=True)
    registry_entry = models.OneToOneField(
        AwardEntry, null=True, blank=True, on_delete=models.PROTECT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Raised by every edit and every step; one made from an older version is refused (409).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("đề nghị khen thưởng")
        verbose_name_plural = _("đề nghị khen thưởng")
        indexes = [models.Index(fields=["status", "due_on"], name="proposal_overdue")]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) ^ Q(nominee_unit__isnull=False),
                name="proposal_one_nominee",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person or self.nominee_unit} – {self.award_type.code} {self.year}"


class DocumentKind(models.TextChoices):
    SUBMISSION = "to_trinh", _("Tờ trình")
    ACHIEVEMENTS = "bao_cao", _("Báo cáo thành tích")
    MINUTES = "bien_ban", _("Biên bản họp Hội đồng Thi đua – Khen thưởng")
    INITIATIVE = "sang_kien", _("Xác nhận hiệu quả, phạm vi ảnh hưởng của sáng kiến")
    OTHER = "khac", _("Tài liệu khác")


def proposal_file_path(instance: ProposalFile, filename: str) -> str:
    """A generated name under proposals/<id>/: the user's file name never reaches the disk."""
    return f"proposals/{instance.proposal_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class ProposalFile(models.Model):
    """Evidence attached to a proposal; checked for type and size by awards.files."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(_("loại tài liệu"), max_length=10, choices=DocumentKind.choices)
    file = models.FileField(upload_to=proposal_file_path, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu hồ sơ")
        verbose_name_plural = _("tài liệu hồ sơ")
        ordering = ["proposal", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class BacklogProgramme(models.Model):
    """A resistance-war backlog programme (law.md §6, Art 96 Law 2022)."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên chương trình"), max_length=300)
    award_type = models.ForeignKey(AwardType, on_delete=models.PROTECT, related_name="+")
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=500)
    target_date = models.DateField(_("hạn hoàn thành"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chương trình khen thưởng tồn đọng")
        verbose_name_plural = _("chương trình khen thưởng tồn đọng")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class WarPeriod(models.TextChoices):
    FRENCH = "chong_phap", _("Kháng chiến chống thực dân Pháp (1945–1954)")
    AMERICAN = "chong_my", _("Kháng chiến chống Mỹ, cứu nước (1954–1975)")
    DEFENCE = "bao_ve", _("Bảo vệ Tổ quốc và làm nhiệm vụ quốc tế (sau 30/4/1975)")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    IN_REVIEW = "in_review", _("Đang thẩm định")
    AWARDED = "awarded", _("Đã khen thưởng")
    REJECTED = "rejected", _("Không đủ điều kiện")


class BacklogCase(models.Model):
    programme = models.ForeignKey(BacklogProgramme, on_delete=models.PROTECT, related_name="cases")
    full_name = models.CharField(_("họ và tên"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    unit = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị tiếp nhận"),
    )
    service_unit = models.CharField(
        _("đơn vị khi tham gia kháng chiến"), max_length=300, blank=True
    )
    war_period = models.CharField(_("thời kỳ"), max_length=12, choices=WarPeriod.choices)
    service_start = models.DateField(_("tham gia từ"), null=True, blank=True)
    service_end = models.DateField(_("đến"), null=True, blank=True)
    posthumous = models.BooleanField(_("truy tặng"), default=False)
    next_of_kin_name = models.CharField(_("thân nhân nhận thay"), max_length=200, blank=True)
    next_of_kin_relation = models.CharField(_("quan hệ"), max_length=60, blank=True)
    status = models.CharField(
        max_length=10, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    received_on = models.DateField(_("ngày tiếp nhận"))
    decided_on = models.DateField(_("ngày có kết quả"), null=True, blank=True)
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="backlog_cases"
    )
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ khen thưởng tồn đọng")
        verbose_name_plural = _("hồ sơ khen thưởng tồn đọng")
        ordering = ["programme", "received_on", "id"]
        indexes = [
            # Progress per unit (counts by status) and the pace of closing (decided_on window).
            models.Index(fields=["programme", "unit", "status"], name="backlog_progress"),
            models.Index(fields=["programme", "decided_on"], name="backlog_pace"),
            # The "already awarded / already received" check when a case is added.
            models.Index(fields=["name_key", "birth_year"], name="backlog_key_born"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.birth_year or '?'}) – {self.programme.code}"

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.full_name)
        super().save(*args, **kwargs)
