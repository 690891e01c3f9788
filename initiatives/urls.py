from django.urls import path

from measurements import definition_views

from . import views

app_name = "initiatives"

urlpatterns = [
    path("katalog/", views.catalogue, name="catalogue"),
    path("anbefalinger/<int:pk>/", views.recommendation, name="recommendation"),
    path("anbefalinger/<int:pk>/vaelg/", views.select, name="select"),
    path("anbefalinger/<int:pk>/del/", views.opt_out_share, name="opt_out_share"),
    path("fravalg/nyt/", views.opt_out_create, name="opt_out_create"),
    path("indsatser/<int:pk>/", views.initiative, name="initiative"),
    path("indsatser/<int:pk>/rediger/", views.initiative_edit, name="initiative_edit"),
    path("indsatser/<int:pk>/status/", views.initiative_status, name="initiative_status"),
    path("indsatser/<int:pk>/maalinger/ny/", definition_views.measure_create, name="measure_create"),
    path("maalinger/<int:pk>/definition/", definition_views.measure_edit, name="measure_edit"),
    path("tvaergaaende/", views.cross_hospital, name="cross_hospital"),
    path("tvaergaaende/deltag/", views.join_cross_hospital, name="join_cross_hospital"),
    path("moeder/", views.meetings, name="meetings"),
    path("moeder/<int:pk>/", views.meeting_edit, name="meeting_edit"),
    path("moeder/<int:pk>/slet/", views.meeting_delete, name="meeting_delete"),
    path("afdelinger/<int:pk>/kvalitetsteammoeder/nyt/", views.quality_meeting_create, name="quality_meeting_create"),
]
