"""URLs of the reports page: the built reports, "Byg nu", progress rows, downloads and KDK's status export.

Joined into `reports/urls.py` under /rapporter/ (namespace "reports"; the list page is `reports:list`).
"""

from django.urls import path

from . import report_views

report_urlpatterns = [
    path("", report_views.report_list, name="list"),
    path("byg/", report_views.build, name="build"),
    path("eksport/", report_views.export_status, name="export_status"),
    path("<int:pk>/status/", report_views.row, name="row"),
    path("<int:pk>/byg-igen/", report_views.rebuild, name="rebuild"),
    path("<int:pk>/hent/<str:fmt>/", report_views.download, name="download"),
]
