"""URLs of the reports page (issue 5). `report_urlpatterns` can be joined into `reports/urls.py`; until then this
module is included on its own under /rapporter/ with the same app namespace."""

from django.urls import path

from . import report_views

app_name = "reports"

report_urlpatterns = [
    path("", report_views.report_list, name="list"),
    path("byg/", report_views.build, name="build"),
    path("eksport/", report_views.export_status, name="export_status"),
    path("<int:pk>/status/", report_views.row, name="row"),
    path("<int:pk>/byg-igen/", report_views.rebuild, name="rebuild"),
    path("<int:pk>/hent/<str:fmt>/", report_views.download, name="download"),
]

urlpatterns = report_urlpatterns
