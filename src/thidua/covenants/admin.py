from __future__ import annotations

from django.contrib import admin

from thidua.covenants.models import Covenant, Movement, Target


@admin.register(Movement)
class MovementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "launched_by", "launched_on"]
    search_fields = ["code", "name", "name_en", "legal_basis"]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Covenant)
class CovenantAdmin(admin.ModelAdmin):
    list_display = ["cluster", "year", "signed_on", "signed_at"]
    list_filter = ["year", "cluster"]
    search_fields = ["cluster__code", "cluster__name", "signed_at"]
    filter_horizontal = ["movements"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["covenant", "indicator", "period", "unit", "comparator", "value"]
    list_filter = ["period", "comparator", "indicator"]
    search_fields = ["covenant__cluster__code", "indicator__code", "unit__name", "description"]
