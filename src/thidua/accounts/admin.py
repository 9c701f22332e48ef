from __future__ import annotations

from django.contrib import admin

from thidua.accounts.models import ApiToken, AuditEntry, RoleAssignment


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by the services (with their audit entry): look, do not touch."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "cluster"]
    list_filter = ["role", "cluster"]
    search_fields = [
        "user__username",
        "user__first_name",
        "unit__name",
        "unit__code",
        "cluster__code",
    ]
    autocomplete_fields = ["user", "unit", "cluster"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    exclude = ["key_hash"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "object_type", "object_id", "via"]
    list_filter = ["via", "object_type", "action"]
    search_fields = ["actor_name", "action", "object_id", "reason"]
    date_hierarchy = "at"
