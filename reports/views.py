"""Every read-only view across apps lives here."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from departments.access import access_for
from departments.models import Department
from initiatives.models import CrossHospitalSelection

from . import status


@login_required
def start(request):
    """Each role lands on what it needs: its department's goals and measures, or the hospital group's overview."""
    today = timezone.localdate()
    year = today.year
    access = access_for(request.user)
    departments = status.visible_departments(request.user)
    rows = status.department_rows(departments, year=year, today=today)
    context = {
        "year": year,
        "access": access,
        "cross": CrossHospitalSelection.objects.filter(year=year).select_related("recommendation").first(),
        "rows": rows,
        "totals": status.totals(rows) if access.sees_hospital_group else None,
        "has_departments": Department.objects.exists(),
    }
    return render(request, "reports/start.html", context)
