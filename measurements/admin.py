from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .models import LockChange, Measure, Measurement
from .services import measure_unit_change_error


class MeasureAdminForm(forms.ModelForm):
    """The admin adds Meta (model and fields) when it builds the form from this base."""

    def clean_unit(self):
        unit = self.cleaned_data["unit"]
        problem = measure_unit_change_error(self.instance, unit)
        if problem:
            raise forms.ValidationError(problem)
        return unit


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    form = MeasureAdminForm
    list_display = ["code", "name", "kind", "unit", "direction", "target", "initiative"]
    list_filter = ["kind", "unit", "direction", "initiative__department"]
    search_fields = ["code", "name", "initiative__recommendation__title"]
    list_select_related = ["initiative__recommendation", "initiative__department"]


@admin.register(Measurement)
class MeasurementAdmin(SimpleHistoryAdmin):
    """Read-only here: every write goes through the entry service (measurements/services.py), which validates,
    versions, locks and records history. Use the entry grid or the import instead."""

    list_display = ["measure", "section", "month", "numerator", "denominator", "version", "entered_by", "entered_at"]
    list_filter = ["measure__initiative__department", "unit"]
    search_fields = ["measure__code", "measure__name", "comment"]
    date_hierarchy = "month"
    list_select_related = ["measure", "section", "entered_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        return True  # simple_history's "revert" would bypass the service

    def save_model(self, request, obj, form, change):
        raise PermissionDenied  # also closes simple_history's revert form, which saves through here

    def delete_model(self, request, obj):
        raise PermissionDenied

    def delete_queryset(self, request, queryset):
        raise PermissionDenied


@admin.register(LockChange)
class LockChangeAdmin(admin.ModelAdmin):
    """The record of reopened and relocked months; changes are made on the "Låste måneder" page."""

    list_display = ["changed_at", "department", "month", "kind", "reason", "changed_by"]
    list_filter = ["kind", "department"]
    list_select_related = ["department", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
