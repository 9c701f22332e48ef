"""The award catalogue in the admin: read only (rules are versioned data loaded from
`data/awards_catalogue.yaml`), with each rule's verification level in plain sight."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from thidua.accounts.admin import ReadOnlyAdmin
from thidua.awards.models import AwardRule, AwardType, Verification

_BADGE = {
    Verification.VERIFIED: "#1a7f37",
    Verification.PARTIAL: "#9a6700",
    Verification.UNVERIFIED: "#cf222e",
}


def verification_badge(rule: AwardRule) -> str:
    return format_html(
        '<b style="color:{}">{}</b> <span class="verification">({})</span>',
        _BADGE.get(rule.verification, "inherit"),
        rule.verification,
        rule.get_verification_display(),
    )


class RuleInline(admin.TabularInline):
    model = AwardRule
    extra = 0
    can_delete = False
    fields = ["version", "valid_from", "valid_to", "verification", "legal_basis", "source"]
    ordering = ["-valid_from", "-version"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AwardType)
class AwardTypeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "level", "rank", "active"]
    list_filter = ["kind", "level", "active"]
    search_fields = ["code", "name"]
    inlines = [RuleInline]


@admin.register(AwardRule)
class AwardRuleAdmin(ReadOnlyAdmin):
    list_display = ["award_type", "version", "valid_from", "valid_to", "level", "legal_basis"]
    list_filter = ["verification", "award_type"]
    search_fields = ["award_type__code", "legal_basis", "source", "note"]
    list_select_related = ["award_type"]
    ordering = ["award_type__code", "-valid_from", "-version"]

    @admin.display(description=_("mức kiểm chứng"), ordering="verification")
    def level(self, rule: AwardRule) -> str:
        return verification_badge(rule)
