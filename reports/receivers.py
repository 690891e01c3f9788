"""What reports does when something happens below it (connected in ReportsConfig.ready)."""

from django.dispatch import receiver

from measurements.signals import quarter_approved

from .models import Report
from .services import request_report


@receiver(quarter_approved, dispatch_uid="reports_rebuild_on_approval")
def rebuild_quality_team_report(sender, approval, **kwargs):
    """A department's quality-team report is rebuilt when its quarter is approved, so it says so. Only a report that
    was built or asked for already: an approval does not start a report for a quarter nobody asked about."""
    department = approval.department
    if Report.objects.filter(kind=Report.Kind.QUALITY_TEAM, department=department, period=approval.quarter).exists():
        request_report(kind=Report.Kind.QUALITY_TEAM, department=department, period=approval.quarter, rebuild=True)
