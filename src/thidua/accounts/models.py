"""Who may do what (role assignments), API tokens, the append-only audit log and sessions."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession, BaseSessionManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BOARD = "board", _("Ban Thi đua – Khen thưởng Trung ương")
    SECRETARIAT = "secretariat", _("Thư ký cụm trưởng")
    OFFICER = "officer", _("Cán bộ thi đua của đơn vị")
    COUNCIL = "council", _("Thành viên hội đồng")
    VIEWER = "viewer", _("Người xem")


class RoleAssignment(models.Model):
    """A role for a user, scoped to a unit (officer, secretariat) or a cluster.

    A secretariat assigned to a unit acts for every cluster that unit heads in a given year,
    so the yearly rotation of the head needs no change of accounts.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="roles",
        verbose_name=_("người dùng"),
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)
    unit = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("đơn vị")
    )
    cluster = models.ForeignKey(
        "orgs.Cluster",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("cụm, khối thi đua"),
    )

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit", "cluster"], name="role_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        scope = self.unit or self.cluster or _("toàn quốc")
        return f"{self.user} – {self.get_role_display()} ({scope})"


class ApiToken(models.Model):
    """A machine token; only its hash is stored, the key is shown once at creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("người dùng"),
    )
    name = models.CharField(max_length=100, verbose_name=_("tên khóa"))
    unit = models.ForeignKey(
        "orgs.Unit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_(
            "Giới hạn khóa trong một đơn vị: chỉ dùng được quyền của tài khoản về đơn vị đó."
        ),
        verbose_name=_("đơn vị"),
    )
    prefix = models.CharField(max_length=8, db_index=True, verbose_name=_("tiền tố"))
    key_hash = models.CharField(max_length=64, unique=True, verbose_name=_("mã băm của khóa"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("tạo lúc"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("thu hồi lúc"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("dùng lần cuối lúc"))

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "td_" + secrets.token_urlsafe(32)


class AuditEntry(models.Model):
    """Append-only; each entry carries the hash of the previous one (a hash chain)."""

    at = models.DateTimeField(verbose_name=_("thời điểm"))
    # No constraint and nothing done on delete: the id is inside the hash, so it stays as written
    # when the account is deleted (the name beside it is what the history page shows).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    actor_name = models.CharField(max_length=150, blank=True, verbose_name=_("tên người thực hiện"))
    action = models.CharField(max_length=100, db_index=True, verbose_name=_("thao tác"))
    object_type = models.CharField(max_length=64, verbose_name=_("loại đối tượng"))
    object_id = models.CharField(max_length=64, verbose_name=_("mã đối tượng"))
    before = models.JSONField(null=True, blank=True, verbose_name=_("trước khi thay đổi"))
    after = models.JSONField(null=True, blank=True, verbose_name=_("sau khi thay đổi"))
    reason = models.CharField(max_length=1000, blank=True, verbose_name=_("lý do"))
    via = models.CharField(max_length=16, default="web", verbose_name=_("thực hiện qua"))
    prev_hash = models.CharField(
        max_length=64, blank=True, verbose_name=_("mã băm của bản ghi trước")
    )
    hash = models.CharField(max_length=64, verbose_name=_("mã băm"))
    hash_version = models.PositiveSmallIntegerField(
        default=2, verbose_name=_("phiên bản mã băm")
    )  # accounts.audit.HASH_VERSION

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["id"]
        indexes = [
            # The history page of one object.
            models.Index(fields=["object_type", "object_id"], name="audit_by_object"),
        ]

    def __str__(self) -> str:
        when = f"{self.at:%Y-%m-%d %H:%M}"
        return f"{when} {self.actor_name} {self.action} {self.object_type}#{self.object_id}"


class SessionManager(BaseSessionManager):
    def save(self, session_key, session_dict, expire_date):
        # Django's passes the fields by position, and stores the key as given.
        s = self.model(
            session_key=Session.hash_key(session_key),
            session_data=self.encode(session_dict),
            expire_date=expire_date,
        )
        if session_dict:
            s.save()
        else:
            s.delete()  # Clear sessions with no data.
        return s


class Session(AbstractBaseSession):
    """Django's database session that also names its user (SESSION_ENGINE
    `thidua.accounts.session_store`), so a request reads its session and its user in one join.

    `session_key` holds the SHA-256 of the cookie's key, never the key itself (`hash_key`): a
    copy of the database or a backup signs nobody in. The key is 32 random characters, so an
    unsalted hash cannot be reversed by guessing.

    No database constraint: the user is Django's to check on every request (active, password
    unchanged); a session whose user is gone joins to nothing and signs nobody in.
    """

    session_key = models.CharField(_("session key"), max_length=64, primary_key=True)
    objects = SessionManager()

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    class Meta(AbstractBaseSession.Meta):
        verbose_name = _("phiên đăng nhập")
        verbose_name_plural = _("phiên đăng nhập")

    @classmethod
    def get_session_store_class(cls):
        from thidua.accounts.session_store import SessionStore

        return SessionStore

    @staticmethod
    def hash_key(key: str) -> str:
        """What the table keeps for the cookie's session key."""
        return hashlib.sha256(key.encode()).hexdigest()
