from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Measure, Measurement


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "unit", "direction", "target", "initiative"]
    list_filter = ["kind", "unit", "direction", "initiative__department"]
    search_fields = ["code", "name", "initiative__recommendation__title"]
    list_select_related = ["initiative__recommendation", "initiative__department"]


@admin.register(Measurement)
class MeasurementAdmin(SimpleHistoryAdmin):
    """Read-only here: every write goes through the entry service, which validates, versions and locks."""

    list_display = ["measure", "section", "month", "numerator", "denominator", "entered_by", "entered_at"]
    list_filter = ["measure__initiative__department", "unit"]
    search_fields = ["measure__code", "measure__name", "comment"]
    date_hierarchy = "month"
    list_select_related = ["measure", "section", "entered_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
