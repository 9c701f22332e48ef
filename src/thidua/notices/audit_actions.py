"""Audit actions of notices: a user's choice of e-mail."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

EMAIL_PREFERENCE = "notices.email.preference_changed"

LABELS = {
    EMAIL_PREFERENCE: _("Đổi lựa chọn nhận thư điện tử"),
}
