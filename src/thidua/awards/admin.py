"""The award catalogue in the admin: read only (rules are versioned data loaded from
`data/awards_catalogue.yaml`), with each rule's verification level in plain sight."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from thidua.accounts.admin import ReadOnlyAdmin
from thidua.accounts.permissions import is_board
from thidua.awards.aliases import Matcher, add_alias, remove_alias, split_pattern
from thidua.awards.models import AwardAlias, AwardRule, AwardType, Verification

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


class AliasForm(forms.ModelForm):
    class Meta:
        model = AwardAlias
        fields = ["text", "award_type"]

    def clean(self):
        data = super().clean()
        text, award = data.get("text"), data.get("award_type")
        if text and award:
            matcher = Matcher()
            known = matcher.find(split_pattern(text)[0])
            if known is not None and known != award.pk:
                msg = _("“%(n)s” đã là tên của “%(a)s”.")
                raise ValidationError(msg % {"n": text, "a": matcher.names[known]})
        return data


@admin.register(AwardAlias)
class AwardAliasAdmin(admin.ModelAdmin):
    """Names registries use for an award: the board adds and removes them here; every change
    goes through `aliases.add_alias`/`remove_alias` (permission check and audit entry)."""

    list_display = ["text", "award_type", "pattern", "origin", "created_at"]
    list_filter = ["origin", "award_type"]
    search_fields = ["text", "award_type__code", "award_type__name"]
    form = AliasForm
    list_select_related = ["award_type"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and is_board(request.user)  # an alias is added or removed, not edited

    def has_add_permission(self, request) -> bool:
        return is_board(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_board(request.user)

    def save_model(self, request, obj, form, change) -> None:
        saved = add_alias(request.user, obj.text, obj.award_type, via="admin")
        obj.pk = saved.pk if saved else None

    def delete_model(self, request, obj) -> None:
        remove_alias(request.user, obj, via="admin")

    def delete_queryset(self, request, queryset) -> None:
        for alias in queryset:
            remove_alias(request.user, alias, via="admin")
