"""A user's inbox (notices) and whether the user wants them by e-mail too."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """One message to one user: what happened, what to do, and where (an absolute link)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("loại"), max_length=32)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"))
    link = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    # A reminder's identity (e.g. "deadline:12:80:2026-02-13:3"): made once per user, so a
    # daily run that comes twice, or after a missed day, never sends the same reminder again.
    key = models.CharField(max_length=200, blank=True)
    read = models.BooleanField(_("đã đọc"), default=False)
    emailed = models.BooleanField(_("đã gửi e-mail"), default=False)
    created = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notice_once_per_key"
            ),
        ]
        indexes = [models.Index(fields=["user", "read", "created"], name="notice_inbox")]

    def __str__(self) -> str:
        return f"{self.user} – {self.subject}"


class Preference(models.Model):
    """E-mail is on unless the user turned it off; no row means the default."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notice_preference",
    )
    email = models.BooleanField(_("nhận thông báo qua e-mail"), default=True)

    class Meta:
        verbose_name = _("tùy chọn thông báo")
        verbose_name_plural = _("tùy chọn thông báo")

    def __str__(self) -> str:
        return f"{self.user}: {'e-mail' if self.email else 'in-app'}"
