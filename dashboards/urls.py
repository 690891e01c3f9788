"""The pages that combine apps (namespace "dashboards"), at the paths they have always had.

Mounted at the root, so each path is written in full: the start page, the department dashboard and its board, a
measure's chart card, the hospital status, the department workspace, an initiative's page, selecting a
recommendation for a year, and the cross-hospital recommendation.
"""

from django.urls import path

from . import initiative_views, views, workspace_views

app_name = "dashboards"

urlpatterns = [
    path("", views.start, name="start"),
    path("afdeling/", views.department_dashboard_mine, name="department_dashboard_mine"),
    path("afdelinger/<int:pk>/", views.department_dashboard, name="department_dashboard"),
    path("afdelinger/<int:pk>/tavle/", views.board, name="board"),
    path("tavle/<str:token>/", views.board_shared, name="board_shared"),
    path("maalinger/<int:pk>/diagram/", views.measure_chart, name="measure_chart"),
    path("status/", views.hospital_status, name="hospital_status"),
    path("vaelg-klogt/afdelinger/", workspace_views.workspace_mine, name="workspace_mine"),
    path("vaelg-klogt/afdelinger/<int:pk>/", workspace_views.workspace, name="workspace"),
    path("vaelg-klogt/anbefalinger/<int:pk>/vaelg/", initiative_views.select, name="select"),
    path("vaelg-klogt/indsatser/<int:pk>/", initiative_views.initiative, name="initiative"),
    path("vaelg-klogt/indsatser/<int:pk>/rediger/", initiative_views.initiative_edit, name="initiative_edit"),
    path("vaelg-klogt/indsatser/<int:pk>/status/", initiative_views.initiative_status, name="initiative_status"),
    path("vaelg-klogt/tvaergaaende/", initiative_views.cross_hospital, name="cross_hospital"),
    path("vaelg-klogt/tvaergaaende/deltag/", initiative_views.join_cross_hospital, name="join_cross_hospital"),
]
