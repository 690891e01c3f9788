"""Every read-only view across apps lives here."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from departments.access import access_for, get_scoped_or_404
from departments.models import Department, Hospital
from initiatives.models import CrossHospitalSelection
from measurements import dataquality
from measurements.models import Measure

from . import queries, status

#: The board reloads its charts this often (seconds); data change monthly, so this is plenty.
BOARD_REFRESH_SECONDS = 300


def _year(request, today) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return today.year
    return year if 2000 <= year <= 2100 else today.year


@login_required
def start(request):
    """Each role lands on what it needs: its department's goals and measures, or the hospital group's overview."""
    today = timezone.localdate()
    year = today.year
    access = access_for(request.user)
    departments = status.visible_departments(request.user)
    rows = status.department_rows(departments, year=year, today=today, measures=False)
    context = {
        "year": year,
        "access": access,
        "cross": CrossHospitalSelection.objects.filter(year=year).select_related("recommendation").first(),
        "rows": rows,
        "totals": status.totals(rows) if access.sees_hospital_group else None,
        "has_departments": Department.objects.exists(),
        "waiting": dataquality.waiting_for(request.user, today=today),
    }
    return render(request, "reports/start.html", context)


@login_required
@require_GET
def department_dashboard_mine(request):
    """A department user goes to their department; KDK and hospital management to the hospital-wide status."""
    access = access_for(request.user)
    if access.visible:
        department = Department.objects.filter(pk__in=access.visible).order_by("name").first()
        return redirect("reports:department_dashboard", pk=department.pk)
    if access.sees_hospital_group:
        return redirect("reports:hospital_status")
    return redirect("start")


@login_required
@require_GET
def department_dashboard(request, pk):
    department = get_scoped_or_404(Department.objects.visible_to(request.user), pk=pk)
    today = timezone.localdate()
    year = _year(request, today)
    kind = "run" if request.GET.get("diagram") == "run" else None
    dashboard = queries.department_dashboard(department, year=year, today=today, kind=kind)
    context = {
        "dashboard": dashboard,
        "row": dashboard.row,
        "year": year,
        "years": queries.available_years(today),
        "cross": CrossHospitalSelection.objects.filter(year=year).select_related("recommendation").first(),
        **_sign_off(department.pk, year=year, today=today),
    }
    return render(request, "reports/department_dashboard.html", context)


def _sign_off(department_id: int, *, year: int, today) -> dict:
    """Timeliness of the year's months and the last ended quarter's approval (measurements.dataquality)."""
    months = dataquality.timeliness_by_department(
        [department_id], dataquality.year_months_due(year, today=today), today=today
    )[department_id]
    quarter = dataquality.quarter_to_approve(today)
    approval = dataquality.approvals_by_department([department_id], quarter).get(department_id)
    return {
        "timeliness": months,
        "timeliness_summary": dataquality.summarise(months),
        "approval_quarter": quarter,
        "approval_quarter_label": dataquality.quarter_label(quarter),
        "approval_text": dataquality.approval_text(approval),
        "approval": approval,
    }


@login_required
@require_GET
def measure_chart(request, pk):
    """One measure's chart card in the requested type: a partial for htmx, a page otherwise (a real link)."""
    measure = get_scoped_or_404(
        Measure.objects.visible_to(request.user).select_related("initiative__department", "initiative__recommendation"),
        pk=pk,
    )
    card = queries.single_measure_card(measure, today=timezone.localdate(), kind=request.GET.get("kind"))
    template = "reports/measure_chart.html#card" if request.htmx else "reports/measure_chart.html"
    return render(request, template, {"card": card, "measure": measure})


@login_required
@require_GET
def board(request, pk):
    """Forbedringstavle: one department's charts in large type for a screen on the ward; refreshes itself."""
    department = get_scoped_or_404(Department.objects.visible_to(request.user), pk=pk)
    today = timezone.localdate()
    dashboard = queries.department_dashboard(department, year=_year(request, today), today=today)
    context = {
        "dashboard": dashboard,
        "refresh_seconds": BOARD_REFRESH_SECONDS,
        "updated_at": timezone.localtime(),
    }
    template = "reports/board.html#board" if request.htmx else "reports/board.html"
    return render(request, template, context)


@login_required
@require_GET
def hospital_status(request):
    """Status for the hospitals: one row per department, the group's totals on top; for KDK and hospital management."""
    access = access_for(request.user)
    if not access.sees_hospital_group:
        raise PermissionDenied
    today = timezone.localdate()
    year = _year(request, today)
    hospitals = list(Hospital.objects.order_by("name"))
    hospital = next((h for h in hospitals if str(h.pk) == request.GET.get("hospital", "")), None)
    rows = status.department_rows(status.visible_departments(request.user, hospital=hospital), year=year, today=today)
    ids = [row.department.pk for row in rows]
    timeliness = dataquality.timeliness_by_department(ids, dataquality.year_months_due(year, today=today), today=today)
    quarter = dataquality.quarter_to_approve(today)
    approvals = dataquality.approvals_by_department(ids, quarter)
    for row in rows:
        row.timeliness_summary = dataquality.summarise(timeliness[row.department.pk])
        row.approval_text = dataquality.approval_text(approvals.get(row.department.pk))
        row.approved = row.department.pk in approvals
    context = {
        "approval_quarter": quarter,
        "approval_quarter_label": dataquality.quarter_label(quarter),
        "rows": rows,
        "totals": status.totals(rows),
        "year": year,
        "years": queries.available_years(today),
        "hospitals": hospitals,
        "hospital": hospital,
        "cross": CrossHospitalSelection.objects.filter(year=year).select_related("recommendation").first(),
    }
    template = "reports/hospital_status.html#results" if request.htmx else "reports/hospital_status.html"
    return render(request, template, context)
