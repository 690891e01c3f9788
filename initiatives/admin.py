from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Action, CrossHospitalSelection, Initiative, Meeting, NationalGoal, Recommendation, StatusChange


@admin.register(NationalGoal)
class NationalGoalAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "society", "year", "owner_department", "is_example", "shared"]
    list_filter = ["kind", "society", "year", "is_example", "shared"]
    search_fields = ["title", "text", "society"]
    list_select_related = ["owner_department"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = ["recommendation", "department", "year", "status"]
    list_filter = ["year", "status", "department", "national_goals"]
    search_fields = ["recommendation__title", "department__name", "aim"]
    list_select_related = ["recommendation", "department"]
    filter_horizontal = ["sections", "national_goals"]
    inlines = [StatusChangeInline, ActionInline]


@admin.register(CrossHospitalSelection)
class CrossHospitalSelectionAdmin(admin.ModelAdmin):
    list_display = ["year", "recommendation"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["date", "text", "initiative"]
    list_filter = ["initiative__department"]
    search_fields = ["text", "description"]
    date_hierarchy = "date"


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "title", "department"]
    list_filter = ["kind", "department"]
    search_fields = ["title", "decisions"]
    date_hierarchy = "date"
    filter_horizontal = ["participants"]
