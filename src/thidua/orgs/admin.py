from __future__ import annotations

from django.contrib import admin

from thidua.orgs.models import Cluster, Lineage, Membership, ReviewMeeting, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["kind", "valid_to"]
    search_fields = ["code", "name", "name_key"]
    autocomplete_fields = ["parent"]


@admin.register(Lineage)
class LineageAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "change", "effective", "share"]
    list_filter = ["change", "effective"]
    search_fields = ["predecessor__name", "successor__name", "legal_basis"]
    autocomplete_fields = ["predecessor", "successor"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "organiser", "member_noun"]
    list_filter = ["kind", "organiser"]
    search_fields = ["code", "name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["cluster", "year", "unit", "role"]
    list_filter = ["year", "role", "cluster"]
    search_fields = ["unit__name", "unit__code", "cluster__code"]
    autocomplete_fields = ["unit", "cluster"]


@admin.register(ReviewMeeting)
class ReviewMeetingAdmin(admin.ModelAdmin):
    list_display = ["cluster", "period", "host", "held_on", "place"]
    list_filter = ["cluster"]
    search_fields = ["cluster__code", "host__name", "place", "period"]
    autocomplete_fields = ["host", "cluster"]
