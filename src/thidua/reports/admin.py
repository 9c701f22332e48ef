from __future__ import annotations

from django.contrib import admin

from thidua.reports.models import DocumentTemplate, NarrativeTemplate


@admin.register(NarrativeTemplate)
class NarrativeTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "indicator", "cluster", "position", "active", "text_vi"]
    list_filter = ["kind", "active", "cluster"]
    search_fields = ["text_vi", "text_en", "indicator__code", "indicator__name_vi"]
    list_editable = ["position", "active"]


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "cluster", "file", "uploaded_at", "active"]
    list_filter = ["kind", "active", "cluster"]
    readonly_fields = ["uploaded_at"]
