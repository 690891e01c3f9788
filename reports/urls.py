from django.urls import include, path

from . import views
from .report_urls import report_urlpatterns

app_name = "reports"

urlpatterns = [
    path("afdeling/", views.department_dashboard_mine, name="department_dashboard_mine"),
    path("afdelinger/<int:pk>/", views.department_dashboard, name="department_dashboard"),
    path("afdelinger/<int:pk>/tavle/", views.board, name="board"),
    path("maalinger/<int:pk>/diagram/", views.measure_chart, name="measure_chart"),
    path("status/", views.hospital_status, name="hospital_status"),
]

# The reports page, "Byg nu", downloads and KDK's status export (reports/report_urls.py).
urlpatterns += [path("rapporter/", include(report_urlpatterns))]
