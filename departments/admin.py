from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Department, Hospital, LocalTeam, Membership, Section, TeamMember


@admin.register(Hospital)
class HospitalAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    list_filter = ["hospitals"]
    search_fields = ["name", "code"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "department", "hospital", "kind"]
    list_filter = ["kind", "hospital", "department"]
    search_fields = ["name", "code", "department__name"]
    list_select_related = ["department", "hospital"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "department"]
    list_filter = ["role", "department"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "department__name"]
    list_select_related = ["user", "department"]
    autocomplete_fields = ["user", "department"]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(LocalTeam)
class LocalTeamAdmin(SimpleHistoryAdmin):
    list_display = ["department", "established_on"]
    list_filter = ["established_on"]
    search_fields = ["department__name"]
    inlines = [TeamMemberInline]
    list_select_related = ["department"]
