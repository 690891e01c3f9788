"""The project's URLs plus two probe views that fetch through the real scoping helper, so refused-access auditing is
tested at the one place every view uses (departments.access.get_scoped_or_404), independent of any app's views."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path

from departments.access import get_scoped_or_404
from departments.models import Department
from vaelgklogt.urls import urlpatterns as project_urlpatterns


@login_required
def department_probe(request, pk):
    with transaction.atomic():  # the refusal must be kept although the view's transaction rolls back
        department = get_scoped_or_404(Department.objects.visible_to(request.user), pk=pk)
    return HttpResponse(department.name)


@login_required
def forbidden_probe(request):
    raise PermissionDenied


@login_required
def download_probe(request, pk, fmt):
    return HttpResponse(b"%PDF-1.7", content_type="application/pdf")


urlpatterns = [
    *project_urlpatterns,
    path("probe/reports/<int:pk>/hent/<str:fmt>/", include(([path("", download_probe, name="download")], "reports"))),
    path("probe/department/<int:pk>/", department_probe, name="probe_department"),
    path("probe/forbidden/", forbidden_probe, name="probe_forbidden"),
]
