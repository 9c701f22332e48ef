from __future__ import annotations

from django.contrib import admin

from thidua.accounts.admin import ReadOnlyAdmin
from thidua.indicators.models import (
    Extension,
    Indicator,
    PlausibilityRule,
    Report,
    ReportingWindow,
    Value,
)


class RuleInline(admin.TabularInline):
    model = PlausibilityRule
    fk_name = "indicator"
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# The catalogue is data loaded by `load_catalogue` (it bumps versions and audits): shown here only.
@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_vi", "measure", "aggregation", "decimals", "version", "active"]
    list_filter = ["aggregation", "direction", "period_basis", "active"]
    search_fields = ["code", "name_vi", "name_en", "short_vi"]
    inlines = [RuleInline]


@admin.register(PlausibilityRule)
class PlausibilityRuleAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "kind", "threshold", "other", "message"]
    list_filter = ["kind"]
    search_fields = ["indicator__code", "message"]


@admin.register(ReportingWindow)
class ReportingWindowAdmin(ReadOnlyAdmin):
    list_display = ["cluster", "period", "deadline", "entry_closes", "opened_at"]
    list_filter = ["cluster", "period"]
    search_fields = ["cluster__code", "period"]


# Extensions are granted on the periods page (indicators.windows, audited): shown here only.
@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ["window", "unit", "deadline", "reason", "granted_at"]
    list_filter = ["window__cluster", "window__period"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = [
        "unit",
        "cluster",
        "period",
        "status",
        "submitted_at",
        "is_late",
        "accepted_at",
        "changed_since_acceptance",
        "illustrative",
    ]
    list_filter = [
        "status",
        "is_late",
        "changed_since_acceptance",
        "illustrative",
        "cluster",
        "period",
    ]
    search_fields = ["unit__name", "unit__code", "cluster__code", "period"]
    date_hierarchy = "submitted_at"


@admin.register(Value)
class ValueAdmin(ReadOnlyAdmin):
    list_display = [
        "unit",
        "indicator",
        "period",
        "value",
        "version",
        "is_current",
        "entered_by",
        "entered_at",
        "entered_via",
        "illustrative",
    ]
    list_filter = ["is_current", "entered_via", "illustrative", "indicator", "period"]
    search_fields = ["unit__name", "unit__code", "indicator__code", "reason", "justification"]
    list_select_related = ["unit", "indicator", "entered_by"]
