from django.urls import path

from . import views

app_name = "initiatives"

urlpatterns = [
    path("katalog/", views.catalogue, name="catalogue"),
    path("anbefalinger/<int:pk>/", views.recommendation, name="recommendation"),
    path("anbefalinger/<int:pk>/del/", views.opt_out_share, name="opt_out_share"),
    path("fravalg/nyt/", views.opt_out_create, name="opt_out_create"),
    path("moeder/", views.meetings, name="meetings"),
    path("moeder/<int:pk>/", views.meeting_edit, name="meeting_edit"),
    path("moeder/<int:pk>/slet/", views.meeting_delete, name="meeting_delete"),
    path("afdelinger/<int:pk>/kvalitetsteammoeder/nyt/", views.quality_meeting_create, name="quality_meeting_create"),
]
