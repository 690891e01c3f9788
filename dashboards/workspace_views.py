"""The department workspace: the department's Vælg Klogt work for a year (goals, initiatives, team, meetings).

Anything outside the user's departments is 404; KDK and hospital management pick a department from the list.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from core.http import requested_year
from departments import selectors as department_selectors
from departments.access import access_for, get_scoped_or_404, may_steer
from departments.models import Department
from goals import status
from initiatives import selectors as initiative_selectors


@login_required
def workspace_mine(request):
    """A department user goes straight to their department; others pick one from the list."""
    access = access_for(request.user)
    departments = Department.objects.visible_to(request.user).order_by("name")
    if not access.sees_hospital_group:
        mine = list(departments[:2])
        if len(mine) == 1:
            return redirect("dashboards:workspace", pk=mine[0].pk)
    year = requested_year(request)
    rows = status.department_rows(departments, year=year, today=timezone.localdate(), measures=False)
    return render(request, "dashboards/workspace_list.html", {"rows": rows, "year": year})


@login_required
def workspace(request, pk):
    department = get_scoped_or_404(Department.objects.visible_to(request.user), pk=pk)
    year = requested_year(request)
    today = timezone.localdate()
    team, members = department_selectors.team_with_members(department)
    initiatives = initiative_selectors.department_initiatives(department, year=year)
    cross = initiative_selectors.cross_hospital_for(year)
    inspiration = list(initiative_selectors.inspiration_meetings(year=year))
    context = {
        "department": department,
        "year": year,
        "years": [year - 1, year, year + 1],
        "row": status.department_status(department, year=year, today=today),
        "can_edit": may_steer(request.user, department.pk),
        "team": team,
        "members": members,
        "has_coordinator": department_selectors.has_coordinator(members),
        "initiatives": initiatives,
        "opt_outs": initiative_selectors.opt_outs_of(department),
        "cross": cross,
        "cross_joined": bool(cross) and any(i.recommendation_id == cross.recommendation_id for i in initiatives),
        "quality_meetings": initiative_selectors.quality_meetings(department, year=year),
        "inspiration_meetings": [
            (meeting, any(p.pk == department.pk for p in meeting.participants.all())) for meeting in inspiration
        ],
    }
    return render(request, "dashboards/workspace.html", context)
