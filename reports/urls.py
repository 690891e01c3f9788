from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("afdeling/", views.department_dashboard_mine, name="department_dashboard_mine"),
    path("afdelinger/<int:pk>/", views.department_dashboard, name="department_dashboard"),
    path("afdelinger/<int:pk>/tavle/", views.board, name="board"),
    path("maalinger/<int:pk>/diagram/", views.measure_chart, name="measure_chart"),
    path("status/", views.hospital_status, name="hospital_status"),
]
