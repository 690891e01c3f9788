"""The Model for Improvement (namespace "improvement"), under /vaelg-klogt/forbedring/."""

from django.urls import path

from . import views

app_name = "improvement"

urlpatterns = [
    path("indsatser/<int:pk>/driverdiagram/", views.diagram, name="diagram"),
    path("indsatser/<int:pk>/drivere/", views.driver_add, name="driver_add"),
    path("drivere/<int:pk>/", views.driver_edit, name="driver_edit"),
    path("drivere/<int:pk>/flyt/", views.driver_move, name="driver_move"),
    path("drivere/<int:pk>/slet/", views.driver_delete, name="driver_delete"),
    path("drivere/<int:pk>/ideer/", views.idea_add, name="idea_add"),
    path("ideer/<int:pk>/", views.idea_edit, name="idea_edit"),
    path("ideer/<int:pk>/flyt/", views.idea_move, name="idea_move"),
    path("ideer/<int:pk>/godkend/", views.idea_accept, name="idea_accept"),
    path("ideer/<int:pk>/slet/", views.idea_delete, name="idea_delete"),
    path("indsatser/<int:pk>/pdsa/", views.cycles, name="cycles"),
    path("indsatser/<int:pk>/pdsa/ny/", views.cycle_create, name="cycle_create"),
    path("pdsa/<int:pk>/", views.cycle, name="cycle"),
    path("pdsa/<int:pk>/indfoer/", views.cycle_adopt, name="cycle_adopt"),
    path("pdsa/<int:pk>/naeste/", views.cycle_next, name="cycle_next"),
    path("indsatser/<int:pk>/fremdrift/", views.scores, name="scores"),
]
