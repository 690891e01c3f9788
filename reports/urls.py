"""URLs of the reports page: the built reports, "Byg nu", progress rows, downloads and KDK's status export.

Mounted under /rapporter/ (namespace "reports"; the list page is `reports:list`).
"""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("byg/", views.build, name="build"),
    path("eksport/", views.export_status, name="export_status"),
    path("<int:pk>/status/", views.row, name="row"),
    path("<int:pk>/byg-igen/", views.rebuild, name="rebuild"),
    path("<int:pk>/hent/<str:fmt>/", views.download, name="download"),
]
